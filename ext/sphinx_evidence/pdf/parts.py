"""The whole-site book in parts: the HTML split where a page starts on a new sheet.

WeasyPrint lays a whole document out before it writes a page, and holds every page's boxes
until the PDF is written: the 700-page book of a 200-page site took 1.2 GB. Rendered part
by part (:mod:`.book`), it needs the memory of the largest part. This module only splits
the HTML; it knows nothing of Sphinx or WeasyPrint's layout.

The book (``templates/pdf/document.html``) is a cover and a contents list, then ``<main>``
holding every page; each page but the first starts on a new sheet (its first section has
the class ``evidence-doc-start``, and the print stylesheet breaks the page before it). A
part starts at such a section, so each part begins on a fresh sheet and lays out as it did
in the whole book. No part starts at a page that shares its sheet with the heading above it
(a section index's first sub-page). The front part is everything outside ``<main>``.

Each part is a whole HTML document: the book's ``<head>``, then ``<main>`` with only the
part's content and the sections around it (without their own content). A link from one
part to an anchor in another is written ``file:///evidencepdf-part/#<anchor>`` (WeasyPrint
keeps it as a link to another file, where it would drop a link to an anchor it cannot
find); :mod:`.book` turns it back into a link to the anchor once the parts are one PDF.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape

DOC_START = "evidence-doc-start"
FOREIGN = "file:///evidencepdf-part/#"
"""The address a link to another part's anchor has while the parts are rendered."""
PAGE_ATTRIBUTE = "data-evidence-page"
"""Set on each link of the printed contents: the page its target is on
(:func:`number_contents`)."""

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
RAW_TEXT = {"script", "style"}
LEADING_NEWLINE = {"pre", "textarea", "listing"}
ATTRIBUTE_PREFIXES = {
    "http://www.w3.org/1999/xlink": "xlink:",
    "http://www.w3.org/XML/1998/namespace": "xml:",
    "http://www.w3.org/2000/xmlns/": "xmlns:",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Part:
    """One part of the book: its HTML and the anchors (ids) it holds."""

    html: str
    ids: set[str] = field(default_factory=set)


@dataclass
class Book:
    """The book split: the front part (cover, contents) and the parts of ``<main>``."""

    front: ET.Element
    """The front part as a tree: :func:`number_contents` fills in its page numbers."""
    parts: list[Part]


def parse(html: str) -> ET.Element:
    """``html`` parsed as WeasyPrint parses it (tinyhtml5, no namespace on HTML tags)."""
    import tinyhtml5

    root: ET.Element = tinyhtml5.parse(html, namespace_html_elements=False)
    return root


# -- where the parts start -------------------------------------------------------------


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _weight(element: ET.Element) -> int:
    """About the characters of HTML ``element`` takes, without its children."""
    size = 8 + 2 * len(element.tag if isinstance(element.tag, str) else "")
    size += sum(len(k) + len(v) + 4 for k, v in element.attrib.items())
    return size + len(element.text or "") + len(element.tail or "")


def _shares_sheet(section: ET.Element, parents: dict[int, ET.Element]) -> bool:
    """The section is a sub-page that the print stylesheet keeps on the sheet of the
    heading above it (``:is(h1, ...) + .toctree-wrapper > section:first-child``)."""
    parent = parents.get(id(section))
    if parent is None or "toctree-wrapper" not in _classes(parent) or parent[0] is not section:
        return False
    grand = parents.get(id(parent))
    if grand is None:
        return False
    siblings = list(grand)
    index = siblings.index(parent)
    return index > 0 and siblings[index - 1].tag in HEADINGS


def _cut_points(main: ET.Element, size: int) -> set[int]:
    """ids (``id()``) of the sections where a new part starts: greedily, once a part holds
    ``size`` characters, at the next section that starts a sheet."""
    parents = {id(child): parent for parent in main.iter() for child in parent}
    left = sum(_weight(element) for element in main.iter())
    cuts: set[int] = set()
    held = 0
    for element in main.iter():
        starts_sheet = element.tag == "section" and DOC_START in _classes(element)
        # no last part of less than a quarter: it would cost a render of its own
        due = held >= size and left >= size // 4 and element is not main
        if starts_sheet and due and not _shares_sheet(element, parents):
            cuts.add(id(element))
            held = 0
        weight = _weight(element)
        held += weight
        left -= weight
    return cuts


# -- building the parts ----------------------------------------------------------------


def _spans(main: ET.Element, cuts: set[int]) -> dict[int, tuple[int, int]]:
    """For each element under ``main``: (the part its start is in, the part its end is in)."""
    spans: dict[int, tuple[int, int]] = {}
    part = 0

    def visit(element: ET.Element) -> None:
        nonlocal part
        if id(element) in cuts:
            part += 1
        start = part
        for child in element:
            visit(child)
        spans[id(element)] = (start, part)

    visit(main)
    return spans


def _copy(
    element: ET.Element, part: int, spans: dict[int, tuple[int, int]], ids: set[str]
) -> ET.Element:
    """``element`` with only what lies in ``part``: its text when it starts there, the
    children that reach into the part, each child's tail when the child ends there."""
    start, _end = spans[id(element)]
    copy = ET.Element(element.tag, dict(element.attrib))
    if start == part and element.get("id"):
        ids.add(element.get("id", ""))
    copy.text = element.text if start == part else None
    for child in element:
        child_start, child_end = spans[id(child)]
        if child_start <= part <= child_end:
            kept = _copy(child, part, spans, ids)
            kept.tail = child.tail if child_end == part else None
            copy.append(kept)
        elif child_end == part and child.tail:  # text after a child of an earlier part
            if len(copy):
                copy[-1].tail = (copy[-1].tail or "") + child.tail
            else:
                copy.text = (copy.text or "") + child.tail
    return copy


def _body_part(root: ET.Element, copied_main: ET.Element) -> ET.Element:
    """The document ``root`` with its body holding only ``copied_main``."""
    html = ET.Element(root.tag, dict(root.attrib))
    html.text = root.text
    for child in root:
        if child.tag == "body":
            body = ET.SubElement(html, "body", dict(child.attrib))
            body.append(copied_main)
        else:
            html.append(child)
    return html


def split(root: ET.Element, size: int) -> Book | None:
    """The book ``root`` split into parts of about ``size`` characters of HTML each;
    ``None`` when it is one part (small, or not a book: no ``<main>`` in its body)."""
    body = root.find("body")
    main = body.find("main") if body is not None else None
    if body is None or main is None:
        return None
    cuts = _cut_points(main, size)
    if not cuts:
        return None
    spans = _spans(main, cuts)
    trees: list[tuple[ET.Element, set[str]]] = []
    for part in range(len(cuts) + 1):
        ids: set[str] = set()
        copied = _copy(main, part, spans, ids)
        trees.append((_body_part(root, copied), ids))
    front = ET.Element(root.tag, dict(root.attrib))
    for child in root:
        if child.tag == "body":
            copied_body = ET.SubElement(front, "body", dict(child.attrib))
            copied_body.text = child.text
            copied_body.extend(c for c in child if c is not main)
        else:
            front.append(child)
    front_ids = {e.get("id", "") for e in front.iter() if e.get("id")}
    everywhere = set(front_ids).union(*(ids for _tree, ids in trees))
    parts = [Part(serialise(_link_across(tree, everywhere - ids)), ids) for tree, ids in trees]
    _link_across(front, everywhere - front_ids)
    return Book(front, parts)


def _link_across(root: ET.Element, elsewhere: set[str]) -> ET.Element:
    """Links to an anchor of another part (one of ``elsewhere``) get the address
    :data:`FOREIGN` + anchor."""
    from urllib.parse import unquote

    for link in root.iter("a"):
        href = link.get("href", "")
        if href.startswith("#") and unquote(href[1:]) in elsewhere:
            link.set("href", FOREIGN + href[1:])
    return root


def number_contents(front: ET.Element, pages: dict[str, int]) -> str:
    """The front part's HTML with each contents link given the page number of its target
    (``pages``: anchor -> page number) in :data:`PAGE_ATTRIBUTE`."""
    from urllib.parse import unquote

    for link in front.iter("a"):
        href = link.get("href", "")
        if href.startswith(FOREIGN):
            number = pages.get(unquote(href[len(FOREIGN) :]))
            if number is not None:
                link.set(PAGE_ATTRIBUTE, str(number))
    return serialise(front)


# -- HTML out --------------------------------------------------------------------------

_NAME = re.compile(r"^\{[^}]*\}")


def _attribute_name(name: str) -> str:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        if namespace == "http://www.w3.org/2000/xmlns/" and local == "xmlns":
            return local
        return ATTRIBUTE_PREFIXES.get(namespace, "") + local
    return name


def _write(element: ET.Element, out: list[str]) -> None:
    tag = element.tag
    if tag is ET.Comment:
        out.append(f"<!--{element.text or ''}-->")
    else:
        name = _NAME.sub("", tag)
        foreign = tag.startswith("{")  # SVG, MathML
        attributes = "".join(
            f' {_attribute_name(k)}="{escape(v, quote=True)}"' for k, v in element.attrib.items()
        )
        if foreign and not len(element) and not element.text:
            out.append(f"<{name}{attributes}/>")
        elif name in VOID and not foreign:
            out.append(f"<{name}{attributes}>")
        else:
            out.append(f"<{name}{attributes}>")
            text = element.text or ""
            if name in LEADING_NEWLINE and text.startswith("\n"):
                text = "\n" + text  # the parser drops a newline right after <pre>
            out.append(text if name in RAW_TEXT else escape(text, quote=False))
            for child in element:
                _write(child, out)
            out.append(f"</{name}>")
    if element.tail:
        out.append(escape(element.tail, quote=False))


def serialise(root: ET.Element) -> str:
    """The document ``root`` as HTML that parses back to the same tree."""
    out = ["<!DOCTYPE html>\n"]
    _write(root, out)
    return "".join(out)
