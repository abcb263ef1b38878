"""The parts of the book (:mod:`.parts`), each a tagged PDF, made one tagged PDF.

The first PDF (the front part: cover and contents) keeps its catalog: language, XMP
metadata (the PDF/UA identification), viewer preferences. Each later part brings its pages
and, under the one ``Document`` structure element, its structure elements; the numbers that
tie marked content and link annotations to the structure tree (``StructParents``,
``StructParent`` and the parent tree) are shifted past those of the parts before it, and
table header ids (``/ID``, ``/Headers``) get the part's prefix. The named destinations of
all parts become one name tree (an anchor held by more than one part, a section around a
part's start, is where it starts), and links across parts (:data:`.parts.FOREIGN`) become
links to them. The outline is written once for the whole book, from every page's bookmarks,
as WeasyPrint builds it for one document. Page numbers ("Page 3 of 720") come from a sheet
of empty pages rendered once the number of pages is known: each sheet page is drawn over
its page as an artifact.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pikepdf

from sphinx_evidence.pdf.check import struct_elements
from sphinx_evidence.pdf.parts import FOREIGN
from sphinx_evidence.pdf.render import PageInfo

SCALE = 0.75
"""PDF points per CSS pixel (WeasyPrint at zoom 1)."""


def _prefix_ids(document: Any, prefix: str) -> None:
    """Table header ids (WeasyPrint's ``<object number>-<row>-<column>``) are unique in
    one PDF only: give those of a part its prefix."""
    for element in struct_elements(document):
        if "/ID" in element:
            element.ID = pikepdf.String(prefix + str(element.ID))
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array(
                [pikepdf.String(prefix + str(h)) for h in attributes.Headers]
            )


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """The fonts of ``resources`` and of the form XObjects it uses, each once."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for font in (resources.get("/Font") or {}).values():
        if isinstance(font, pikepdf.Dictionary) and font.objgen not in seen:
            seen.add(font.objgen)
            yield font
            yield from font.get("/DescendantFonts", [])
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def _retag_fonts(pdf: pikepdf.Pdf, salt: str) -> None:
    """Give each font subset a tag of its own (``ABCDEF+Name``): every part subsets the
    same faces under the same tags, and one PDF must not have two subsets of one name
    (a viewer may draw one's glyphs with the other)."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts(page.obj.get("/Resources"), seen):
            for holder, key in ((font, "/BaseFont"), (font.get("/FontDescriptor"), "/FontName")):
                if not isinstance(holder, pikepdf.Dictionary) or key not in holder:
                    continue
                name = str(holder[key])[1:]
                tag, plus, face = name.partition("+")
                if plus and len(tag) == 6 and tag.isupper():
                    digest = hashlib.sha256(f"{salt}:{tag}".encode()).digest()
                    new = "".join(chr(ord("A") + b % 26) for b in digest[:6])
                    holder[key] = pikepdf.Name(f"/{new}+{face}")


def _shift_keys(pdf: pikepdf.Pdf, shift: int) -> list[tuple[int, Any]]:
    """Shift the part's parent tree keys by ``shift``; return its (key, value) pairs."""
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + shift
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + shift
    nums: Any = pdf.Root.StructTreeRoot.ParentTree.get("/Nums", [])
    return [(int(nums[i]) + shift, nums[i + 1]) for i in range(0, len(nums) - 1, 2)]


def _dests(pdf: pikepdf.Pdf) -> list[tuple[str, Any]]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    flat: Any = dests.get("/Names", []) if dests is not None else []
    return [(str(flat[i]), flat[i + 1]) for i in range(0, len(flat) - 1, 2)]


def _link_across(pdf: pikepdf.Pdf, anchors: set[str]) -> list[str]:
    """Links written as :data:`FOREIGN` links go to the named destination; a link to an
    anchor no page holds (an element that is not displayed) is dropped, as WeasyPrint
    drops one in a single document, with its message."""
    dropped: set[tuple[int, int]] = set()
    messages: list[str] = []
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        for annotation in list(annotations or []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(FOREIGN):
                continue
            anchor = unquote(uri[len(FOREIGN) :])
            if anchor not in anchors:
                dropped.add(annotation.objgen)
                messages.append(f"No anchor #{anchor} for internal URI reference")
                continue
            del annotation["/A"]
            annotation.Dest = pikepdf.String(anchor)
            if str(annotation.get("/Contents", "")) == uri:
                annotation.Contents = pikepdf.String("#" + anchor)
        if annotations is not None and dropped:
            page.obj.Annots = pikepdf.Array([a for a in annotations if a.objgen not in dropped])
    if dropped:  # and the structure tree's references to them
        for element in struct_elements(pdf.Root.StructTreeRoot.K):
            kids = element.get("/K")
            if isinstance(kids, pikepdf.Array):
                kept = [k for k in kids if not _refers_to(k, dropped)]
                if len(kept) != len(kids):
                    element.K = pikepdf.Array(kept)
    return messages


def _refers_to(kid: Any, annotations: set[tuple[int, int]]) -> bool:
    return (
        isinstance(kid, pikepdf.Dictionary)
        and kid.get("/Type") == "/OBJR"
        and kid.Obj.objgen in annotations
    )


def _outline(pdf: pikepdf.Pdf, pages: Sequence[PageInfo]) -> None:
    """The book's outline from every page's bookmarks, built as WeasyPrint builds one
    document's (``Document.make_bookmark_tree``)."""
    from weasyprint.document import Document

    whole = SimpleNamespace(pages=pages)
    tree = Document.make_bookmark_tree(whole, SCALE, transform_pages=True)

    def items(subtrees: list[Any]) -> list[pikepdf.OutlineItem]:
        made = []
        for label, (page, x, y), children, state in subtrees:
            item = pikepdf.OutlineItem(label, page, pikepdf.PageLocation.XYZ, left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(items(tree))


def _copy(pdf: pikepdf.Pdf, item: Any) -> Any:
    """``item`` of another PDF, for ``pdf``: an indirect object is copied with what it
    refers to (pages already copied are not copied again), an array item by item."""
    if isinstance(item, pikepdf.Object) and item.is_indirect:
        return pdf.copy_foreign(item)
    if isinstance(item, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, i) for i in item])
    return item


def merge(
    front: bytes, parts: Sequence[bytes], pages: Sequence[PageInfo], sheet: bytes
) -> tuple[bytes, list[str]]:
    """The PDFs ``front`` and ``parts`` as one (``pages``: all their pages, in order), with
    the pages of ``sheet`` drawn over theirs; and the problems found (links dropped)."""
    pdf = pikepdf.open(io.BytesIO(front))
    root = pdf.Root.StructTreeRoot
    document = root.K[0]
    nums = root.ParentTree.Nums
    next_key = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
    dests: dict[str, Any] = dict(_dests(pdf))
    for number, data in enumerate(parts, start=1):
        with pikepdf.open(io.BytesIO(data)) as part:
            part_document = part.Root.StructTreeRoot.K[0]
            _retag_fonts(part, f"part{number}")
            _prefix_ids(part_document, f"part{number}-")
            pairs = _shift_keys(part, next_key)
            with warnings.catch_warnings():  # named destinations: merged below
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                pdf.pages.extend(part.pages)
            for kid in part_document.K:  # their parent is the book's Document, not the part's
                if isinstance(kid, pikepdf.Dictionary) and "/P" in kid:
                    del kid["/P"]
            for kid in _copy(pdf, part_document.K):
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = document
                document.K.append(kid)
            for key, value in pairs:
                nums.append(key)
                nums.append(_copy(pdf, value))
                next_key = key + 1
            for name, dest in _dests(part):
                if name not in dests:
                    dests[name] = _copy(pdf, dest)
    if dests:
        flat = pikepdf.Array()
        for name in sorted(dests):
            flat.append(pikepdf.String(name))
            flat.append(dests[name])
        if "/Names" not in pdf.Root:
            pdf.Root.Names = pikepdf.Dictionary()
        pdf.Root.Names.Dests = pikepdf.Dictionary(Names=flat)
    messages = _link_across(pdf, set(dests))
    _outline(pdf, pages)
    with pikepdf.open(io.BytesIO(sheet)) as numbers:
        _retag_fonts(numbers, "page numbers")
        for page, over in zip(pdf.pages, numbers.pages, strict=True):
            page.add_overlay(
                pdf.copy_foreign(over.as_form_xobject()), pikepdf.Rectangle(page.trimbox)
            )
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    pdf.close()
    return out.getvalue(), messages
