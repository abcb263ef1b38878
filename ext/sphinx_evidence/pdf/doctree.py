"""Doctree work for print: unique ids in the book, the book's contents, a brief's appendices.

The PDF builder resolves references the way Sphinx's single-page HTML builder does: a
link to another page is ``#document-<docname>`` and a link to an anchor there is
``#document-<docname>#<anchor>``. The functions here turn those into links that exist in
the PDF being written, or into plain text when the target is not in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes

from sphinx_evidence.core.nodes import tooltip
from sphinx_evidence.core.text import safe_id

DOC_PREFIX = "#document-"
ANCHOR_MOVED = "evidence_anchor_moved"
"""Set on a ``start_of_file`` whose ``document-<docname>`` anchor :func:`make_ids_unique`
moved into the page's first section. Sphinx writes that anchor as an empty ``<span>``
between the previous page and this one; WeasyPrint lays it out there, so after a page
that fills its last sheet the span alone went onto a blank page before this page's own
break (the book's p. 23). The builder then writes no span for it."""
WEB_ONLY_CLASSES = {"evidence-term-backlinks", "evidence-cited-on"}
"""Paragraphs of links to other pages ("Used on", "Cited on"): left out of a page's PDF."""
RAW_DOC_HREF = re.compile(r'href="#document-([^"#]*)(?:#([^"]*))?"')
URL_CONTAINER_HINTS = ("citation", "bibliography", "reading-list", "footnote", "bib-")


def parse_doc_uri(refuri: str) -> tuple[str, str] | None:
    """``#document-a/b#x`` -> ``("a/b", "x")``; ``#document-a`` -> ``("a", "")``."""
    if not refuri.startswith(DOC_PREFIX):
        return None
    docname, _, anchor = refuri[len(DOC_PREFIX) :].partition("#")
    return docname, anchor


def _rewrite_href(href: str, rewrite: Callable[[re.Match[str]], str]) -> str:
    """``href`` of a node (a :class:`tooltip`'s) passed through a raw-HTML href rewriter."""
    text = RAW_DOC_HREF.sub(rewrite, f'href="{href}"')
    found = re.match(r'href="([^"]*)"', text)
    return found.group(1) if found else ""


def id_prefix(docname: str) -> str:
    """The prefix that makes one page's ids unique in the book."""
    return safe_id(docname, strip=False) + "--"


def _elements(node: nodes.Node) -> Iterator[nodes.Element]:
    yield from node.findall(nodes.Element)


def _unwrap(ref: nodes.Element) -> None:
    """Replace a link by its content (an inline keeps the classes)."""
    inline = nodes.inline(
        "", "", *ref.children, classes=[*ref.get("classes", []), "evidence-unlinked"]
    )
    ref.replace_self(inline)


def normalise_refuris(tree: nodes.document, anchors: dict[str, str]) -> None:
    """Write ``#<anchor>`` links to anchors of known pages (glossary terms, which the
    glossary feature writes that way for single-page builders) as
    ``#document-<docname>#<anchor>``, like every other link to another page."""
    for ref in tree.findall(nodes.reference):
        refuri = ref.get("refuri", "")
        if isinstance(refuri, str) and refuri.startswith("#") and not refuri.startswith(DOC_PREFIX):
            anchor = refuri[1:]
            if anchor in anchors:
                ref["refuri"] = f"{DOC_PREFIX}{anchors[anchor]}#{anchor}"


# -- the whole-site book ---------------------------------------------------------------------


def make_ids_unique(tree: nodes.document, root_doc: str) -> None:
    """Prefix every id with its page's docname and point every link at the prefixed id.

    Sphinx's single-page output keeps each page's own ids, so two pages with a section
    "Introduction" or a footnote ``id1`` share an id and links jump to the wrong page.
    """

    # the root page has no start_of_file of its own: links to it go to its first section
    root_section = next(iter(tree.findall(nodes.section)), None)
    root_anchor = root_section["ids"][0] if root_section is not None and root_section["ids"] else ""

    def raw_href(match: re.Match[str]) -> str:
        other, anchor = match.group(1), match.group(2)
        return f'href="#{id_prefix(other)}{anchor}"' if anchor else match.group(0)

    def visit(node: nodes.Element, docname: str) -> None:
        if isinstance(node, tooltip) and node.get("href"):
            node["href"] = _rewrite_href(node["href"], raw_href)
        if isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
            text = RAW_DOC_HREF.sub(raw_href, node.astext())
            node.children[:] = [nodes.Text(text)]
            return
        first = None
        if isinstance(node, addnodes.start_of_file):
            docname = node["docname"]
            first = next(iter(node.findall(nodes.section)), None)
            if first is not None:
                first["classes"].append("evidence-doc-start")
        else:
            prefix = id_prefix(docname)
            ids: list[str] = node.get("ids", [])
            node["ids"] = [prefix + i for i in ids]
            if node.get("backrefs"):
                node["backrefs"] = [prefix + i for i in node["backrefs"]]
            if node.get("refid"):
                node["refid"] = prefix + node["refid"]
            refuri = node.get("refuri", "")
            target = parse_doc_uri(refuri) if isinstance(refuri, str) else None
            if target and target[1]:
                node["refuri"] = "#" + id_prefix(target[0]) + target[1]
            elif target and target[0] == root_doc and root_anchor:
                node["refuri"] = "#" + id_prefix(root_doc) + root_anchor
        for child in node.children:
            if isinstance(child, nodes.Element):
                visit(child, docname)
        if first is not None:
            # the page's anchor moves into its first section (see ANCHOR_MOVED)
            first["ids"].append(f"document-{docname}")
            node[ANCHOR_MOVED] = True

    visit(tree, root_doc)


@dataclass
class TocEntry:
    """One line of the printed contents."""

    title: str
    anchor: str
    level: int
    children: list[TocEntry] = field(default_factory=list)


def book_contents(tree: nodes.document, max_depth: int) -> list[TocEntry]:
    """The contents of the book: pages (nested as in the toctree) and their sections."""
    top: list[TocEntry] = []
    stack: list[TocEntry] = []

    def add(entry: TocEntry) -> None:
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else top).append(entry)
        stack.append(entry)

    def visit(node: nodes.Element, file_depth: int, sec_depth: int) -> None:
        for child in node.children:
            if isinstance(child, addnodes.start_of_file):
                visit(child, file_depth + 1, 0)
            elif isinstance(child, nodes.section):
                level = file_depth + sec_depth
                if 1 <= level <= max_depth and child["ids"] and child.children:
                    title = child[0].astext() if isinstance(child[0], nodes.title) else ""
                    if title:
                        add(TocEntry(title, child["ids"][0], level))
                visit(child, file_depth, sec_depth + 1)
            elif isinstance(child, nodes.Element) and not isinstance(child, nodes.Inline):
                visit(child, file_depth, sec_depth)

    visit(tree, 0, 0)
    return top


# -- a page of its own -------------------------------------------------------------------------


def _index_ids(tree: nodes.Node) -> dict[str, nodes.Element]:
    found: dict[str, nodes.Element] = {}
    for element in _elements(tree):
        element_ids: list[str] = element.get("ids", [])
        for i in element_ids:
            found.setdefault(i, element)
    return found


def _is_reference_entry(element: nodes.Element) -> bool:
    if isinstance(element, nodes.citation):
        return True
    classes = " ".join(element.get("classes", []))
    return any(hint in classes for hint in ("citation", "evidence-entry", "bib-entry"))


def _entry_copy(
    element: nodes.Element, docname: str, remap: dict[tuple[str, str], str]
) -> nodes.Element:
    """A copy of ``element`` (from page ``docname``) with ids made local and remembered."""
    clone = element.deepcopy()  # copy.deepcopy would follow .parent and copy the page
    for para in list(clone.findall(nodes.Element)):
        if WEB_ONLY_CLASSES.intersection(para.get("classes", [])) and para.parent is not None:
            para.parent.remove(para)
    prefix = id_prefix(docname)
    for node in list(_elements(clone)):  # the clone itself included
        old: list[str] = node.get("ids", [])
        node["ids"] = [prefix + i for i in old]
        for i in old:
            remap[(docname, i)] = prefix + i
        if node.get("backrefs"):
            node["backrefs"] = []
        if node.get("refid"):
            node["refid"] = prefix + node["refid"]
    return clone


def _external_targets(tree: nodes.Node, docname: str) -> list[tuple[str, str]]:
    """(docname, anchor) of every link to another page: reference nodes and links written
    in raw HTML (citation tooltips, badges), in document order."""
    seen: dict[tuple[str, str], None] = {}
    for node in tree.findall(lambda n: isinstance(n, nodes.reference | nodes.raw | tooltip)):
        assert isinstance(node, nodes.Element)
        if isinstance(node, tooltip):
            href = f'href="{node.get("href", "")}"'
            found = [(m.group(1), m.group(2) or "") for m in RAW_DOC_HREF.finditer(href)]
        elif isinstance(node, nodes.raw):
            if "html" not in node.get("format", "").split():
                continue
            found = [(m.group(1), m.group(2) or "") for m in RAW_DOC_HREF.finditer(node.astext())]
        else:
            target = parse_doc_uri(node.get("refuri", ""))
            found = [target] if target else []
        for other, anchor in found:
            if other != docname and anchor:
                seen.setdefault((other, anchor), None)
    return list(seen)


def add_appendices(
    tree: nodes.document,
    docname: str,
    fetch: Callable[[str], nodes.document],
    extra_terms: list[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], str]:
    """End the page with a glossary of the terms it uses and the entries it cites.

    ``fetch(docname)`` gives another page's resolved doctree. ``extra_terms`` are
    (docname, anchor) pairs of glossary terms known to be used (from the glossary
    feature). Returns the map from (docname, anchor) elsewhere to the local id.
    """
    remap: dict[tuple[str, str], str] = {}
    indices: dict[str, dict[str, nodes.Element]] = {}

    def lookup(target: tuple[str, str]) -> nodes.Element | None:
        other, anchor = target
        if other not in indices:
            try:
                indices[other] = _index_ids(fetch(other))
            except Exception:  # a page that cannot be read: its links become text
                indices[other] = {}
        return indices[other].get(anchor)

    targets = _external_targets(tree, docname) + list(extra_terms or [])
    terms: dict[tuple[str, str], nodes.Element] = {}
    for target in targets:
        element = lookup(target)
        if isinstance(element, nodes.term) and isinstance(
            element.parent, nodes.definition_list_item
        ):
            item = element.parent
            first = item.children[0]
            term_ids: list[str] = first.get("ids", []) if isinstance(first, nodes.Element) else []
            key = (target[0], term_ids[0] if term_ids else target[1])
            terms.setdefault(key, item)

    glossary_items = [
        _entry_copy(item, other, remap)
        for (other, _), item in sorted(terms.items(), key=lambda kv: kv[1][0].astext().casefold())
    ]
    glossary_section: nodes.section | None = None
    if glossary_items:
        glossary_section = _section("Glossary", "evidence-print-glossary", docname)
        glossary_section += nodes.definition_list("", *glossary_items, classes=["glossary"])

    entries: list[nodes.Element] = []
    scanned = [tree, *(glossary_items or [])]
    for scope in scanned:
        for target in _external_targets(scope, docname):
            if target in remap:
                continue
            element = lookup(target)
            if element is not None and _is_reference_entry(element):
                entries.append(_entry_copy(element, target[0], remap))
    top = next((c for c in tree.children if isinstance(c, nodes.section)), None)
    holder_section: nodes.Element = top if top is not None else tree
    if top is not None:
        # the page's notes (after its section) come before the appendices
        trailing = tree.children[tree.index(top) + 1 :]
        for node in trailing:
            tree.remove(node)
            top += node
    if glossary_section is not None:
        holder_section += glossary_section
    if entries:
        refs = _section("References", "evidence-print-references", docname)
        holder = nodes.container("", classes=["citation-list"])
        for entry in entries:
            if isinstance(entry, nodes.list_item):
                holder += nodes.bullet_list("", entry)
            else:
                holder += entry
        refs += holder
        holder_section += refs
    return remap


def _section(title: str, cls: str, docname: str) -> nodes.section:
    section = nodes.section("", ids=[f"{cls}"], classes=[cls, "evidence-print-appendix"])
    section += nodes.title(title, title)
    return section


def localise_links(
    tree: nodes.document,
    docname: str,
    remap: dict[tuple[str, str], str],
    baseurl: str = "",
) -> None:
    """Point links to other pages at the copies in this PDF, at the web site, or drop them."""
    for ref in list(tree.findall(nodes.reference)):
        target = parse_doc_uri(ref.get("refuri", ""))
        if target is None:
            continue
        other, anchor = target
        if other == docname:
            ref["refuri"] = "#" + anchor if anchor else "#" + _first_id(tree)
        elif target in remap:
            ref["refuri"] = "#" + remap[target]
        elif baseurl:
            page = quote(other) + ".html"
            ref["refuri"] = baseurl.rstrip("/") + "/" + page + (f"#{anchor}" if anchor else "")
        else:
            _unwrap(ref)

    def raw_href(match: re.Match[str]) -> str:
        other, anchor = match.group(1), match.group(2) or ""
        if other == docname:
            return f'href="#{anchor or _first_id(tree)}"'
        if (other, anchor) in remap:
            return f'href="#{remap[(other, anchor)]}"'
        if baseurl:
            page = quote(other) + ".html" + (f"#{anchor}" if anchor else "")
            return f'href="{baseurl.rstrip("/")}/{page}"'
        return ""

    for raw in list(tree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split():
            raw.children[:] = [nodes.Text(RAW_DOC_HREF.sub(raw_href, raw.astext()))]
    for tip in tree.findall(tooltip):
        if tip.get("href"):
            tip["href"] = _rewrite_href(tip["href"], raw_href)


def fix_relative_links(tree: nodes.document, baseurl: str = "") -> None:
    """Links to files of the web site (downloads, exports) exist only on the web: make them
    absolute when ``html_baseurl`` is known, else plain text."""
    for ref in list(tree.findall(nodes.reference)):
        refuri = ref.get("refuri")
        if not isinstance(refuri, str) or not refuri or refuri.startswith("#"):
            continue
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", refuri):
            continue
        if baseurl:
            ref["refuri"] = baseurl.rstrip("/") + "/" + refuri.lstrip("./")
        else:
            _unwrap(ref)


def _first_id(tree: nodes.document) -> str:
    section = next(iter(tree.findall(nodes.section)), None)
    return section["ids"][0] if section is not None and section["ids"] else ""


def drop_dangling_links(tree: nodes.document) -> None:
    """Unlink internal links whose target is not in the document; drop missing back-links."""
    ids = set(_index_ids(tree))
    for ref in list(tree.findall(nodes.reference)):
        refid = ref.get("refid")
        refuri = ref.get("refuri", "")
        missing_refid = refid is not None and refid not in ids
        if missing_refid or (
            refid is None
            and isinstance(refuri, str)
            and refuri[1:]
            and refuri.startswith("#")
            and refuri[1:] not in ids
            and not refuri.startswith(DOC_PREFIX)
        ):
            _unwrap(ref)
    for element in _elements(tree):
        if element.get("backrefs"):
            element["backrefs"] = [b for b in element["backrefs"] if b in ids]


RAW_ID = re.compile(r'\b(id|aria-describedby|aria-labelledby|aria-controls|for)="([^"]*)"')


def _rename_raw_ids(text: str, renames: dict[str, str]) -> str:
    return RAW_ID.sub(lambda m: f'{m.group(1)}="{renames.get(m.group(2), m.group(2))}"', text)


def dedupe_raw_ids(tree: nodes.document) -> None:
    """Give the tips of :class:`tooltip` nodes, and ids written in raw HTML, a suffix when
    they repeat an id already in the document (and the references inside the same raw
    node with them)."""
    seen = set(_index_ids(tree))
    for tip in tree.findall(tooltip):  # badge and citation tooltips: their tip's id
        old = new = tip["tip_id"]
        n = 1
        while new in seen:
            n += 1
            new = f"{old}-{n}"
        seen.add(new)
        tip["tip_id"] = new
    for raw in list(tree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        renames: dict[str, str] = {}
        for match in RAW_ID.finditer(text):
            if match.group(1) != "id":
                continue
            old = match.group(2)
            new, n = old, 1
            while new in seen:
                n += 1
                new = f"{old}-{n}"
            seen.add(new)
            if new != old:
                renames[old] = new
        if renames:
            raw.children[:] = [nodes.Text(_rename_raw_ids(text, renames))]


def drop_controls(tree: nodes.document) -> None:
    """Remove interactive controls (sphinx-design's tab radio buttons): every tab is printed."""
    for element in list(tree.findall(nodes.Element)):
        # sphinx-design sets the tab set's children directly, so their .parent is unset
        kept = [c for c in element.children if type(c).__name__ != "sd_tab_input"]
        if len(kept) != len(element.children):
            element.children[:] = kept


def flatten_links(tree: nodes.document) -> None:
    """Make each link hold only its text, so that WeasyPrint tags its annotation under a
    ``Link`` structure element (PDF/UA), not under a ``Span`` inside it. An abbreviation's
    expansion moves to the link's title, which the link's description then includes."""
    for ref in list(tree.findall(nodes.reference)):
        children = ref.children
        if not any(isinstance(c, nodes.Element) for c in children):
            continue
        if any(isinstance(c, nodes.image) for c in ref.findall(nodes.Element)):
            continue
        for abbr in ref.findall(nodes.abbreviation):
            if abbr.get("explanation") and not ref.get("reftitle"):
                ref["reftitle"] = abbr["explanation"]
        ref.children[:] = [nodes.Text(ref.astext())]


def print_urls(tree: nodes.document) -> None:
    """In reference lists and notes, print each link's address after its text."""
    for ref in list(tree.findall(nodes.reference)):
        refuri = ref.get("refuri", "")
        if not isinstance(refuri, str) or not refuri.startswith(("http://", "https://")):
            continue
        if not _in_reference_list(ref):
            continue
        text = ref.astext().strip()
        if text.rstrip("/") == refuri.rstrip("/") or (refuri.endswith(text) and "/" in text):
            continue
        parent = ref.parent
        after = ref.next_node(descend=False, siblings=True)
        if isinstance(after, nodes.inline) and "evidence-print-url" in after["classes"]:
            continue  # printed already (sphinx_evidence.citations.entry)
        url = nodes.inline("", f" <{refuri}>", classes=["evidence-print-url"])
        parent.insert(parent.index(ref) + 1, url)


def _in_reference_list(node: nodes.Node) -> bool:
    current: nodes.Node | None = node
    while current is not None:
        if isinstance(current, nodes.citation | nodes.footnote):
            return True
        if isinstance(current, nodes.Element):
            classes = " ".join(current.get("classes", []))
            if any(hint in classes for hint in URL_CONTAINER_HINTS):
                return True
        current = current.parent
    return False


# -- the book leaves some pages out ------------------------------------------------------------


def drop_pages(tree: nodes.document, patterns: list[str]) -> set[str]:
    """Remove the pages whose docname matches ``patterns`` (and the pages under them)
    from the assembled book; return the docnames removed."""
    from sphinx.util.matching import Matcher

    if not patterns:
        return set()
    matcher = Matcher(patterns)
    removed: set[str] = set()
    for start in list(tree.findall(addnodes.start_of_file)):
        if start.parent is None or not matcher(start["docname"]):
            continue
        removed.update(n["docname"] for n in start.findall(addnodes.start_of_file))
        start.parent.remove(start)
    return removed


def unlink_pages(tree: nodes.document, docnames: set[str], baseurl: str = "") -> None:
    """Links to pages that are not in the book point at the web site (with a base URL)
    or become text; in a "Used on" or "Cited on" list such a page is left out."""
    if not docnames:
        return
    for ref in list(tree.findall(nodes.reference)):
        target = parse_doc_uri(ref.get("refuri", ""))
        if target is None or target[0] not in docnames:
            continue
        other, anchor = target
        if _drop_from_list(ref):
            continue
        if baseurl:
            page = quote(other) + ".html" + (f"#{anchor}" if anchor else "")
            ref["refuri"] = baseurl.rstrip("/") + "/" + page
        else:
            _unwrap(ref)


def _drop_from_list(ref: nodes.reference) -> bool:
    """Remove ``ref`` from a "Used on: a, b, c." paragraph, with its separator; the
    paragraph goes when it lists nothing else."""
    para = ref.parent
    if not isinstance(para, nodes.paragraph) or not WEB_ONLY_CLASSES & set(para["classes"]):
        return False
    index = para.index(ref)
    before = para[index - 1] if index else None
    after = para[index + 1] if index + 1 < len(para) else None
    if isinstance(before, nodes.Text) and before.strip() == ",":
        para.remove(before)
    elif isinstance(after, nodes.Text) and after.strip() == ",":
        para.remove(after)
    para.remove(ref)
    if para.parent is not None and not any(True for _ in para.findall(nodes.reference)):
        para.parent.remove(para)
    return True


# -- a lighter print DOM -------------------------------------------------------------------


def flatten_citations(tree: nodes.document) -> None:
    """Print each tooltip as its label alone (a link, or a span) and each citation as its
    brackets and links: ``[<a>The King's Fund, 2021</a>]`` instead of the web's
    ``<span>[<span><a>...</a><span hidden tip/></span>]</span>``.

    The tips are hidden in print anyway. And WeasyPrint (70) breaks a line badly when the
    end of the line falls in such nested inlines: instead of breaking before the citation
    it goes back to the line's first break opportunity, which leaves one word on a line of
    its own (the glossary's CCG entry: "CCGs merged / onto / ICS footprints", in all three
    PDFs). With the flat markup the break falls where it should. The ids move to the link.
    """
    for tip in list(tree.findall(tooltip)):
        label = list(tip.children)
        attrs: dict[str, object] = {
            "ids": list(tip["ids"]),
            "classes": tip.get("label_classes", []),
        }
        href = tip.get("href", "")
        if href:
            new: nodes.Element = nodes.reference("", "", *label, refuri=href, **attrs)
            new["internal"] = href.startswith("#")
        else:
            new = nodes.inline("", "", *label, **attrs)
        tip.parent.replace(tip, new)  # (replace_self would add the wrapper's classes)
    for cite in list(tree.findall(nodes.inline)):
        if "bibtex-citation" not in cite["classes"] or cite.parent is None:
            continue
        links = [c for c in cite.children if isinstance(c, nodes.reference)]
        if not links:
            continue
        links[0]["ids"] = [*cite["ids"], *links[0]["ids"]]
        cite.parent.replace(cite, list(cite.children))
