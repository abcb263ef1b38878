"""The navigation tree as a template: rendered once, filled in for each page.

Sphinx marks a page's place in the global toctree by appending ``current`` to the classes
of every node from each link to that page up to the root, and by making the links
relative to the page; furo then adds ``has-children`` and a checkbox to each item holding
a list, checks the checkboxes of ``current`` items and appends ``current-page`` to the last
``current`` item. :func:`build_template` resolves the tree for no page in particular, puts
a marker class where ``current`` would go and a marker in each link, and renders it with
the builder's own translator and furo's own code; :meth:`NavTemplate.render` fills in the
markers for one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging

logger = logging.getLogger(__name__)

FURO_KWARGS: dict[str, Any] = {
    "collapse": False,
    "titles_only": True,
    "maxdepth": -1,
    "includehidden": True,
}
"""The arguments furo's ``_compute_navigation_tree`` passes to ``toctree()``."""

NEUTRAL = "_evidence_navigation_template_"
"""A docname no page has: the tree resolved for it marks nothing as current."""

MARK = re.compile(r"sevnav(\d+)([ch])")
CLASS_ATTR = re.compile(r' class="([^"]*sevnav\d+c[^"]*)"')
HREF_ATTR = re.compile(r'href="sevnav(\d+)h"')
CHECKBOX = re.compile(r'class="toctree-checkbox" id="toctree-checkbox-\d+"')
UNSAFE = frozenset("&<>\"'")
"""Characters the translator and BeautifulSoup would escape in a link: such a page's
sidebar is written the stock way."""


@dataclass
class NavTemplate:
    """The tree's HTML cut at the markers; ``pieces`` alternate text and slots."""

    sphinx_html: str
    """What the translator wrote for the marked tree (furo's input)."""
    furo_html: str
    """What furo made of it (furo's ``furo_navigation_tree`` for every page)."""
    pieces: list[str | tuple[str, Any]] = field(default_factory=list)
    targets: dict[int, str] = field(default_factory=dict)
    """Link marker -> the docname it points to."""
    chains: dict[int, list[int]] = field(default_factory=dict)
    """Link marker -> the markers of its node and every ancestor (what gets ``current``)."""
    items: list[int] = field(default_factory=list)
    """Markers of list items, in document order (furo's ``current-page`` goes on the last
    ``current`` one)."""
    by_target: dict[str, list[int]] = field(default_factory=dict)

    def current(self, pagename: str) -> set[int]:
        marked: set[int] = set()
        for link in self.by_target.get(pagename, ()):
            marked.update(self.chains[link])
        return marked

    def render(self, pagename: str, builder: Any) -> str | None:
        """The page's sidebar tree, or None when it must be written the stock way."""
        marked = self.current(pagename)
        last_item = next((m for m in reversed(self.items) if m in marked), None)
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            kind, value = piece
            if kind == "href":
                uri = builder.get_relative_uri(pagename, self.targets[value]) or "#"
                if not UNSAFE.isdisjoint(uri):
                    return None
                out.append(f'href="{uri}"')
            elif kind == "class":
                words = []
                for word in value:
                    if not isinstance(word, int):
                        words.append(word)
                    elif word in marked:
                        words.append("current")
                if last_item is not None and last_item in value:
                    words.append("current-page")  # furo appends it after has-children
                if words:
                    out.append(f' class="{" ".join(words)}"')
            elif kind == "checked" and value in marked:
                out.append('checked="" ')
        return "".join(out)


def _steps_aside(env: Any) -> str:
    """Why the template cannot model this site's tree ('' when it can)."""
    if any("tocdepth" in meta for meta in env.metadata.values()):
        return "a page sets tocdepth"
    if any(next(iter(toc.findall(addnodes.only)), None) is not None for toc in env.tocs.values()):
        return "a table of contents holds only nodes"
    return ""


MARKED = (nodes.reference, nodes.list_item, nodes.bullet_list)


def _mark(tree: nodes.Element, env: Any, builder: Any) -> NavTemplate | None:
    """Put markers in ``tree`` (resolved for :data:`NEUTRAL`); None if a link is unknown."""
    docs = [*env.all_docs, "genindex", "search", "modindex", "py-modindex"]
    uri_to_doc = {builder.get_relative_uri(NEUTRAL, doc): doc for doc in docs}
    template = NavTemplate("", "")
    ids: dict[int, int] = {}
    for number, node in enumerate(tree.findall(nodes.Element)):
        if not isinstance(node, MARKED):
            continue
        ids[id(node)] = number
        if isinstance(node, nodes.reference):
            if not node.get("internal"):
                continue
            doc = uri_to_doc.get(node["refuri"])
            if doc is None or node.get("anchorname"):
                return None
            template.targets[number] = doc
            template.by_target.setdefault(doc, []).append(number)
            chain: list[int] = []
            parent: nodes.Element | None = node
            while parent is not None:
                if id(parent) in ids:
                    chain.append(ids[id(parent)])
                parent = parent.parent
            template.chains[number] = chain
            node["refuri"] = f"sevnav{number}h"
        elif isinstance(node, nodes.list_item):
            template.items.append(number)
    for node in tree.findall(nodes.Element):
        if id(node) in ids:
            node["classes"].append(f"sevnav{ids[id(node)]}c")
    return template


def _cut(template: NavTemplate, html: str) -> None:
    """Split furo's HTML at the markers into ``template.pieces``."""
    spots: list[tuple[int, int, tuple[str, Any]]] = []
    for match in CLASS_ATTR.finditer(html):
        words: list[str | int] = []
        for word in match.group(1).split():
            mark = MARK.fullmatch(word)
            words.append(int(mark.group(1)) if mark else word)
        spots.append((match.start(), match.end(), ("class", words)))
    for match in HREF_ATTR.finditer(html):
        spots.append((match.start(), match.end(), ("href", int(match.group(1)))))
    items = set(template.items)
    for match in CHECKBOX.finditer(html):
        owner = MARK.search(html, html.rfind("<li ", 0, match.start()), match.start())
        if owner is None or int(owner.group(1)) not in items:
            raise ValueError("a checkbox outside a list item")
        spots.append((match.start(), match.start(), ("checked", int(owner.group(1)))))
    spots.sort(key=lambda spot: spot[0])
    position = 0
    for start, end, slot in spots:
        template.pieces += [html[position:start], slot]
        position = end
    template.pieces.append(html[position:])


def build_template(env: Any, builder: Any) -> NavTemplate | None:
    """The marked tree of this build, or None when the cache must step aside."""
    reason = _steps_aside(env)
    if NEUTRAL in env.all_docs:
        reason = "a page has the template's docname"
    tree = None
    if not reason:
        tree = global_toctree_for_doc(env, NEUTRAL, builder, tags=builder.tags, **FURO_KWARGS)
        if tree is None:
            reason = "the site has no toctree"
    template = None if tree is None else _mark(tree, env, builder)
    if tree is not None and template is None:
        reason = "a link in the tree points to no page"
    if template is None or tree is None:
        logger.debug("[navigation cache] not used: %s", reason)
        return None
    from furo.navigation import get_navigation_tree

    template.sphinx_html = builder.render_partial(tree)["fragment"]
    expected = sum(1 for _ in MARK.finditer(template.sphinx_html))
    markers = len(template.targets) + sum(
        1 for node in tree.findall(nodes.Element) if isinstance(node, MARKED)
    )
    if expected != markers:  # a title holds marker-like text, or a marker was dropped
        logger.debug("[navigation cache] not used: markers do not match")
        return None
    template.furo_html = get_navigation_tree(template.sphinx_html)
    try:
        _cut(template, template.furo_html)
    except ValueError as err:
        logger.debug("[navigation cache] not used: %s", err)
        return None
    return template
