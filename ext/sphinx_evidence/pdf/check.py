"""Structural accessibility checks of a PDF (the parts of PDF/UA-1 we can test here).

veraPDF is not available, so :func:`check_pdf` reads the file with pikepdf and
``pdfinfo`` (poppler) and returns a list of problems (empty when the PDF passes):

* tagged (``/MarkInfo /Marked true``, a structure tree) and PDF/UA-1 in the XMP metadata;
* ``/Lang`` is the expected language; a title, shown in the title bar (DisplayDocTitle);
* A4 pages;
* one bookmark per heading (H1-H6 in the structure tree);
* every link annotation has a description (``/Contents``) with words in it, and belongs
  to a ``Link`` structure element;
* every font is embedded; with ``fonts`` given, the text is set in those faces (the first
  of them at least is used) and in no other (no fallback such as DejaVu);
* no blank page (a page with no content of the document, only running heads);
* every Figure has alternate text;
* no heading is stranded at the foot of a page (its content on the next);
* no marked content outside the structure tree (running heads are artifacts).

Run ``python -m sphinx_evidence.pdf.check FILE.pdf ...`` to check files by hand.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pikepdf

A4 = (595.28, 841.89)


def _struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Structure elements in document (depth-first) order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        yield from struct_elements(root.get("/K"))


def struct_elements(kids: Any) -> Iterator[pikepdf.Dictionary]:
    """The structure elements in ``kids`` (an element, or an element's ``/K``) and under
    them, each once, depth-first."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [kids]
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Array):
            stack.extend(reversed(list(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            if kid.get("/Type") in ("/MCR", "/OBJR"):
                continue
            if "/S" in kid:
                yield kid
            stack.append(kid.get("/K"))


CONTENT_TYPES = {"/P", "/L", "/Table", "/Div", "/BlockQuote", "/Figure"}
HEADING = re.compile(r"/H[1-6]")


def _stranded_headings(pdf: pikepdf.Pdf, elements: list[pikepdf.Dictionary]) -> list[int]:
    """Pages whose last heading has its following content on a later page."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}

    def page_of(element: pikepdf.Dictionary) -> int | None:
        pg = element.get("/Pg")
        return pages.get(pg.objgen) if pg is not None else None

    stranded: list[int] = []
    for index, element in enumerate(elements):
        if not HEADING.fullmatch(str(element.S)):
            continue
        for following in elements[index + 1 :]:
            if str(following.S) in CONTENT_TYPES:
                here, there = page_of(element), page_of(following)
                if here is not None and there is not None and there > here:
                    stranded.append(here)
                break
    return stranded


def _outline_count(pdf: pikepdf.Pdf) -> int:
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        count = 0
        while stack:
            item = stack.pop()
            count += 1
            stack.extend(item.children)
    return count


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for name, font in (resources.get("/Font") or {}).items():
        if font.is_indirect:
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
        yield name, font
        for descendant in font.get("/DescendantFonts") or []:
            yield name, descendant
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), seen)


def _embedded(font: Any) -> bool:
    subtype = font.get("/Subtype")
    if subtype in ("/Type0", "/Type3"):
        return True  # Type0: checked through its descendant; Type3: glyphs are in the PDF
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _orphan_marked_content(pdf: pikepdf.Pdf) -> int:
    from sphinx_evidence.pdf.render import _reachable_mcids

    owned = _reachable_mcids(pdf)
    orphans = 0
    for page in pdf.pages:
        for instruction in pikepdf.parse_content_stream(page, "BDC"):
            operands = getattr(instruction, "operands", [])
            props = operands[1] if len(operands) == 2 else None
            if (
                isinstance(props, pikepdf.Dictionary)
                and "/MCID" in props
                and (page.obj.objgen, int(props.MCID)) not in owned
            ):
                orphans += 1
    return orphans


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """The structure tree's ParentTree as a dict (a flat /Nums array, as WeasyPrint writes)."""
    root = pdf.Root.get("/StructTreeRoot")
    tree = root.get("/ParentTree") if root is not None else None
    nums = tree.get("/Nums") if tree is not None else None
    if nums is None:
        return {}
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}


def _link_problems(pdf: pikepdf.Pdf) -> tuple[int, int, int]:
    """(links without a description, with a description of no words, not tagged /Link)."""
    parents = _parent_tree(pdf)
    undescribed = wordless = untagged = 0
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            if annot.get("/Subtype") != "/Link":
                continue
            contents = str(annot.get("/Contents", "")).strip()
            if not contents:
                undescribed += 1
            elif not re.search(r"\w", contents):
                wordless += 1
            key = annot.get("/StructParent")
            parent = parents.get(int(key)) if key is not None else None
            if not isinstance(parent, pikepdf.Dictionary) or parent.get("/S") != "/Link":
                untagged += 1
    return undescribed, wordless, untagged


def _blank_pages(pdf: pikepdf.Pdf) -> list[int]:
    """Pages that hold no content of the structure tree (running heads are artifacts)."""
    from sphinx_evidence.pdf.render import _reachable_mcids

    used = {page for page, _mcid in _reachable_mcids(pdf)}
    return [n for n, page in enumerate(pdf.pages, start=1) if page.obj.objgen not in used]


def _font_problems(names: set[str], fonts: Sequence[str]) -> list[str]:
    """Problems with the faces used (``names``: PostScript names without subset tags)."""

    def key(name: str) -> str:  # "Atkinson-Hyperlegible-Bold" ~ "AtkinsonHyperlegible"
        return re.sub(r"[^a-z0-9]", "", name.casefold())

    problems = []
    wanted = tuple(key(f) for f in fonts)
    others = sorted(n for n in names if not key(n).startswith(wanted))
    if others:
        problems.append(
            f"text set in fonts other than {', '.join(fonts)} (a fallback for missing "
            f"glyphs or faces): {', '.join(others)}"
        )
    if fonts and not any(key(n).startswith(wanted[0]) for n in names):
        problems.append(f"the chosen face {fonts[0]} is not embedded")
    return problems


def pdfinfo(path: Path) -> dict[str, str]:
    """``pdfinfo``'s fields (empty when poppler is not installed)."""
    exe = shutil.which("pdfinfo")
    if exe is None:
        return {}
    result = subprocess.run([exe, str(path)], capture_output=True, text=True, check=False)
    fields = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def check_pdf(path: Path, lang: str = "en-GB", fonts: Sequence[str] | None = None) -> list[str]:
    """Problems found in the PDF at ``path``; an empty list when it passes. ``fonts``:
    PostScript name prefixes of the faces the text must be set in (the text face first)."""
    problems: list[str] = []
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as err:
        return [f"not a readable PDF: {err}"]
    with pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            problems.append("not marked as tagged (/MarkInfo /Marked)")
        if "/StructTreeRoot" not in root:
            problems.append("no structure tree")
        if str(root.get("/Lang", "")) != lang:
            problems.append(f"/Lang is {str(root.get('/Lang', ''))!r}, expected {lang!r}")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("title not shown in the title bar (DisplayDocTitle)")
        metadata = root.get("/Metadata")
        xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
        if not re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp):
            problems.append("XMP metadata does not declare PDF/UA-1 (pdfuaid:part)")
        title = str(pdf.docinfo.get("/Title", "")) if pdf.trailer.get("/Info") else ""
        if not title.strip():
            problems.append("no document title")
        for number, page in enumerate(pdf.pages, start=1):
            box = [float(v) for v in page.mediabox]
            size = (box[2] - box[0], box[3] - box[1])
            if abs(size[0] - A4[0]) > 1 or abs(size[1] - A4[1]) > 1:
                problems.append(f"page {number} is not A4: {size[0]:.0f} x {size[1]:.0f} pt")
                break

        elements = list(_struct_elements(pdf))
        headings = sum(1 for e in elements if re.fullmatch(r"/H[1-6]", str(e.S)))
        bookmarks = _outline_count(pdf)
        if headings and bookmarks < headings:
            problems.append(f"{headings} headings but {bookmarks} bookmarks")
        stranded = _stranded_headings(pdf, elements)
        if stranded:
            pages = ", ".join(str(n) for n in stranded[:5])
            problems.append(f"heading stranded at the foot of page {pages}")
        for element in elements:
            if str(element.S) == "/Figure" and not str(element.get("/Alt", "")).strip():
                problems.append("a Figure without alternate text")
                break

        blank = _blank_pages(pdf)
        if blank:
            problems.append(f"blank page {', '.join(str(n) for n in blank[:5])}")
        seen: set[tuple[int, int]] = set()
        unembedded: set[str] = set()
        names: set[str] = set()
        for page in pdf.pages:
            for _name, font in _fonts(page.get("/Resources"), seen):
                base = str(font.get("/BaseFont", "?")).lstrip("/")
                if font.get("/Subtype") != "/Type0":
                    names.add(base.split("+", 1)[-1])
                if not _embedded(font):
                    unembedded.add(base)
        if fonts is not None:
            problems.extend(_font_problems(names, fonts))
        undescribed, wordless, untagged = _link_problems(pdf)
        if undescribed:
            problems.append(f"{undescribed} links without a description (/Contents)")
        if wordless:
            problems.append(f"{wordless} links described by punctuation alone (/Contents)")
        if untagged:
            problems.append(f"{untagged} link annotations not owned by a Link structure element")
        if unembedded:
            problems.append(f"fonts not embedded: {', '.join(sorted(unembedded))}")
        orphans = _orphan_marked_content(pdf)
        if orphans:
            problems.append(f"{orphans} marked-content items outside the structure tree")

    info = pdfinfo(path)
    if info and info.get("Tagged") != "yes":
        problems.append("pdfinfo: not tagged")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the PDFs named on the command line; exit 1 if any has a problem."""
    failed = False
    for name in argv if argv is not None else sys.argv[1:]:
        for problem in check_pdf(Path(name)):
            failed = True
            print(f"{name}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
