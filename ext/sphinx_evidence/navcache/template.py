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
from sphinx.builders import Builder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

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

    slots: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    """(kind, marker) -> where in ``pieces`` its slots are."""
    folders: dict[str, list[str] | None] = field(default_factory=dict)
    """Folder of a page's URI -> the pieces written for a page of it that is marked
    nowhere (None when a link needs escaping)."""
    by_uri: dict[str, list[int]] = field(default_factory=dict)

    def _class(self, words: list[str | int], marked: set[int], last_item: int | None) -> str:
        out: list[str] = []
        for word in words:
            if not isinstance(word, int):
                out.append(word)
            elif word in marked:
                out.append("current")
        if last_item is not None and last_item in words:
            out.append("current-page")  # furo appends it after has-children
        return f' class="{" ".join(out)}"' if out else ""

    def _unmarked(self, pagename: str, builder: Any) -> list[str] | None:
        """The pieces for ``pagename`` as if it were in no toctree; links relative to it.

        With the stock ``get_relative_uri`` a link's URI depends only on the folder of the
        page's URI (but for a link to the page itself, set in :meth:`render`), so pages
        of one folder share these pieces."""
        page_uri = builder.get_target_uri(pagename)
        by_folder = type(builder).get_relative_uri is Builder.get_relative_uri
        folder, slash, _name = page_uri.rpartition("/")
        if by_folder and folder in self.folders:
            return self.folders[folder]
        base = f"{folder}{slash}\x00"  # a file of the folder no link points to
        out: list[str] = []
        safe = True
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece[0] == "href":
                target = self.targets[piece[1]]
                if by_folder:
                    uri = relative_uri(base, builder.get_target_uri(target))
                else:
                    uri = builder.get_relative_uri(pagename, target)
                if not UNSAFE.isdisjoint(uri):
                    safe = False
                    break
                out.append(f'href="{uri or "#"}"')
            elif piece[0] == "class":
                out.append(self._class(piece[1], set(), None))
            else:
                out.append("")
        if by_folder:
            self.folders[folder] = out if safe else None
        return out if safe else None

    def render(self, pagename: str, builder: Any) -> str | None:
        """The page's sidebar tree, or None when it must be written the stock way."""
        unmarked = self._unmarked(pagename, builder)
        if unmarked is None:
            return None
        out = list(unmarked)
        if not self.by_uri:
            for link, target in self.targets.items():
                self.by_uri.setdefault(builder.get_target_uri(target), []).append(link)
        for link in self.by_uri.get(builder.get_target_uri(pagename), ()):
            uri = builder.get_relative_uri(pagename, self.targets[link])
            if not UNSAFE.isdisjoint(uri):
                return None
            for index in self.slots.get(("href", link), ()):
                out[index] = f'href="{uri or "#"}"'
        marked = self.current(pagename)
        # markers number the nodes in document order: the last current item has the largest
        last_item = max(marked.intersection(self.items), default=None)
        for marker in marked:
            for index in self.slots.get(("class", marker), ()):
                slot = self.pieces[index]
                assert isinstance(slot, tuple)
                out[index] = self._class(slot[1], marked, last_item)
            for index in self.slots.get(("checked", marker), ()):
                out[index] = 'checked="" '
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
        template.pieces.append(html[position:start])
        markers = [w for w in slot[1] if isinstance(w, int)] if slot[0] == "class" else [slot[1]]
        for marker in markers:
            template.slots.setdefault((slot[0], marker), []).append(len(template.pieces))
        template.pieces.append(slot)
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
