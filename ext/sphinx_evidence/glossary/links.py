"""Write-time glossary links: ``{term}`` resolution, auto-links, previews and backlinks.

:class:`GlossaryLinks` is a post-transform that runs for every builder before Sphinx's
own reference resolver. It walks each page once, in document order, and

* resolves ``{term}`` references itself (exact name, then ignoring case); an unknown term
  is left to Sphinx's resolver, which reports it as stock ``ref.term``;
* links the first mention of each entry in prose (explicit or not) with stock
  ``reference`` nodes (``abbreviation`` inside for an abbreviation), so LaTeX, text, man
  and texinfo output get ordinary internal links;
* on glossary pages, ends each definition with "Used on:" and links to the pages using it;
* for HTML builders only, makes term links :class:`term_link` nodes (an ``<a>`` with
  ``aria-describedby``) and embeds one hidden :class:`term_preview` per entry linked.

Assembled trees (singlehtml, latex, texinfo) hold many pages between ``start_of_file``
nodes: "first mention" restarts at each.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode
from sphinx.writers.html5 import HTML5Translator

from sphinx_evidence.core.nodes import disclosure, page_title, setup_nodes
from sphinx_evidence.core.text import safe_id
from sphinx_evidence.glossary.domain import DOMAIN, Entry, GlossaryDomain
from sphinx_evidence.glossary.match import (
    is_abbreviation,
    is_explicit_term,
    only_filter,
    plurals,
    prose_items,
)
from sphinx_evidence.glossary.resolve import (
    backlinks,
    glossary_config,
    matcher_for,
    names_index,
    source_label,
)

#: Builders whose pages get hover/focus previews (not epub, not the PDF builder).
PREVIEW_BUILDERS = ("html", "dirhtml", "singlehtml")


class term_link(nodes.reference):
    """A link to a glossary entry (HTML only: rendered with ``aria-describedby``)."""


class term_previews(nodes.General, nodes.Element):
    """The hidden previews of the entries a page links to (HTML only)."""


class term_preview(nodes.General, nodes.Element):
    """One entry's preview: names, first paragraph of the definition, source (HTML only)."""


def preview_id(entry: Entry) -> str:
    """The id of ``entry``'s preview element."""
    return "evidence-preview-" + safe_id(entry.key)


class GlossaryLinks(SphinxPostTransform):
    """Resolve ``{term}``, auto-link first mentions, add backlinks and HTML previews."""

    default_priority = 5

    @property
    def builder(self) -> Builder:
        """The running builder (found as Sphinx's own ReferencesResolver finds it)."""
        return self.env._app.builder

    def run(self, **kwargs: Any) -> None:
        cfg = glossary_config(self.config)
        if not cfg.active:  # nothing asked for: Sphinx resolves {term} as it always does
            return
        domain: GlossaryDomain = self.env.domains[DOMAIN]  # type: ignore[assignment]
        self.domain = domain
        self.cfg = cfg
        self.fromdoc = self.env.current_document.docname
        self.html = self.builder.format == "html"
        self.previews = cfg.previews and self.builder.name in PREVIEW_BUILDERS
        self.by_key = domain.entries_by_key()
        self.used: dict[str, Entry] = {}
        matcher = matcher_for(domain, cfg)
        self.lookup = names_index(domain, cfg)
        glossary_docs = domain.glossary_docs()
        optout = domain.data["optout"]
        seen: dict[str | None, set[str]] = {}
        allowed: dict[str | None, set[str]] = {}
        keep = only_filter(self.builder.tags)
        # entries a page links with {term}: never auto-linked there, not even before the link
        explicit: dict[str | None, set[str]] = {}
        for pending in self.document.findall(addnodes.pending_xref):
            if not is_explicit_term(pending):
                continue
            key = self.lookup(str(pending.get("reftarget", "")))
            if key is not None:
                explicit.setdefault(pending.get("refdoc", self.fromdoc), set()).add(key)
        for doc, node in list(prose_items(self.document, self.fromdoc, keep)):
            first = seen.setdefault(doc, set())
            if isinstance(node, addnodes.pending_xref):
                self.resolve(node, first)
                continue
            if not cfg.autolink or doc in glossary_docs or optout.get(doc or ""):
                continue
            if doc not in allowed:
                # only entries the read-time scan found, so links == backlinks == terms_used
                allowed[doc] = set(domain.mentions(doc or ""))
            assert isinstance(node, nodes.Text)
            text = str(node)
            pieces: list[nodes.Node] = []
            pos = 0
            for found in matcher.finditer(text):
                if (
                    found.key in first
                    or found.key not in allowed[doc]
                    or found.key in explicit.get(doc, ())
                ):
                    continue
                first.add(found.key)
                entry = self.by_key[found.key]
                label = text[found.start : found.end]
                inner: nodes.Node = nodes.Text(label)
                if found.abbreviation and entry.expansion:
                    inner = nodes.abbreviation(label, label, explanation=entry.expansion)
                pieces.append(nodes.Text(text[pos : found.start]))
                pieces.append(self.link(entry, inner, auto=True))
                pos = found.end
            if pieces:
                pieces.append(nodes.Text(text[pos:]))
                parent = node.parent
                assert parent is not None
                index = parent.index(node)
                parent[index : index + 1] = [
                    p for p in pieces if not (isinstance(p, nodes.Text) and not str(p))
                ]
        if cfg.backlinks:
            self.add_backlinks()
        if cfg.az:
            self.add_az()
        # {term} references the walk skips (headings, footnotes, glossary definitions)
        for xref in list(self.document.findall(is_explicit_term)):
            assert isinstance(xref, addnodes.pending_xref)
            self.resolve(xref, None)
        if self.previews and self.used:
            self.add_previews()

    # -- links ---------------------------------------------------------------------------
    def link(self, entry: Entry, inner: nodes.Node, auto: bool) -> nodes.reference:
        """A link from the current page to ``entry``."""
        ref = make_refnode(self.builder, self.fromdoc, entry.docname, entry.anchor, inner)
        uri = ref.get("refuri", "")
        if uri.startswith("#") and "#" in uri[1:]:
            # singlehtml gives "#document-glossary#term-X"; the page holds "#term-X" itself
            ref["refuri"] = uri[uri.index("#", 1) :]
        if self.html:
            new = term_link("", "", *ref.children, **ref.attributes)
            if self.previews:
                new["preview"] = preview_id(entry)
            ref = new
        ref["classes"].append("evidence-term")
        if auto:
            ref["classes"].append("evidence-autolink")
        self.used.setdefault(entry.key, entry)
        return ref

    def resolve(self, node: addnodes.pending_xref, first: set[str] | None) -> None:
        """Resolve a ``{term}`` reference (or report it and keep its text).

        ``first``: the entries already mentioned on the page (None: outside body prose,
        where a reference is linked but is no first mention and gets no ``<abbr>``).
        """
        target = node.get("reftarget", "")
        key = self.lookup(target)
        contnode = node[0] if node.children else nodes.inline(target, target)
        if key is None or key not in self.by_key:
            # left to Sphinx's own resolver: intersphinx may know the term, and an unknown
            # term is its warning (``ref.term``), which a site can silence as it always could
            _where(node)
            return
        entry = self.by_key[key]
        text = contnode.astext()
        if (
            first is not None
            and key not in first
            and entry.expansion
            and entry.abbreviation
            and (text == entry.abbreviation or text in plurals(entry.abbreviation))
        ):
            wrapper = contnode.deepcopy()
            assert isinstance(wrapper, nodes.Element)
            wrapper.children = []
            wrapper += nodes.abbreviation(text, text, explanation=entry.expansion)
            contnode = wrapper
        if first is not None:
            first.add(key)
        node.replace_self(self.link(entry, contnode, auto=False))

    # -- backlinks -----------------------------------------------------------------------
    def add_backlinks(self) -> None:
        """End each definition on glossary pages with "Used on:" and links."""
        for doc, glossary in _glossaries(self.document, self.fromdoc):
            for item in glossary.findall(nodes.definition_list_item):
                terms = [child for child in item.children if isinstance(child, nodes.term)]
                definition = item.next_node(nodes.definition)
                if not terms or not terms[0]["ids"] or definition is None:
                    continue
                entry = self.by_key.get(f"{doc}#{terms[0]['ids'][0]}")
                if entry is None:
                    continue
                pages = [
                    page
                    for page in backlinks(self.env, entry, self.cfg.backlinks_exclude)
                    if self.has_uri(page)
                ]
                if not pages:
                    continue
                para = nodes.paragraph("", "", classes=["evidence-term-backlinks", "no-search"])
                label = self.cfg.backlinks_label
                fold = self.html and 0 < self.cfg.backlinks_fold < len(pages)
                if not fold:
                    para += nodes.strong(label, label)
                for index, page in enumerate(pages):
                    para += nodes.Text(("" if fold else " ") if index == 0 else ", ")
                    title = page_title(self.env, page)
                    para += make_refnode(
                        self.builder, self.fromdoc, page, "", nodes.inline(title, title)
                    )
                if not page_title(self.env, pages[-1]).endswith((".", "?", "!")):
                    para += nodes.Text(".")
                if fold:
                    summary = f"{label} {len(pages)} pages"
                    box = disclosure("", summary=summary, classes=["evidence-term-backlinks-fold"])
                    box += para
                    definition += box
                else:
                    definition += para

    def has_uri(self, page: str) -> bool:
        """Whether this output can link to ``page`` (a LaTeX document holds only some)."""
        try:
            self.builder.get_relative_uri(self.fromdoc, page)
        except NoUri:
            return False
        return True

    # -- A-Z ---------------------------------------------------------------------------
    def add_az(self) -> None:
        """Before each glossary: "Terms by first letter" and a link to the first entry of
        each letter (in the order the glossary lists them)."""
        for _doc, glossary in _glossaries(self.document, self.fromdoc):
            letters: dict[str, str] = {}
            for term in glossary.findall(nodes.term):
                text = term.astext().strip()
                if term["ids"] and text:
                    letter = text[0].upper() if text[0].isalpha() else "#"
                    letters.setdefault(letter, term["ids"][0])
            if len(letters) < 2 or glossary.parent is None:
                continue
            box = nodes.container(classes=["evidence-glossary-az", "no-search"])
            intro = "Terms by first letter:"
            box += nodes.paragraph(intro, intro, classes=["evidence-glossary-az-label"])
            jump = nodes.bullet_list(classes=["evidence-glossary-az-letters"])
            for letter, target in letters.items():
                ref = nodes.reference(letter, letter, refid=target, internal=True)
                jump += nodes.list_item("", nodes.paragraph("", "", ref))
            box += jump
            glossary.parent.insert(glossary.parent.index(glossary), box)

    # -- previews (HTML) -----------------------------------------------------------------
    def add_previews(self) -> None:
        """Embed one hidden preview per linked entry at the end of the page."""
        box = term_previews(classes=["no-search"])  # not indexed as this page's words
        for key in sorted(self.used):
            box += self.preview(self.used[key])
        self.document += box

    def preview(self, entry: Entry) -> term_preview:
        """Names, first paragraph and source of ``entry``, as plain (link-free) nodes."""
        tip = term_preview(ids=[preview_id(entry)])
        heading = nodes.paragraph("", "", classes=["evidence-term-preview-names"])
        heading += nodes.strong(entry.names[0], entry.names[0])
        if len(entry.names) > 1:
            rest = ", ".join(entry.names[1:])
            heading += nodes.Text(f": {rest}" if is_abbreviation(entry.names[0]) else f" ({rest})")
        tip += heading
        if entry.paragraph is not None:
            tip += self.flatten(entry.paragraph)
        sources = [label for key in entry.cite_keys if (label := source_label(self.env, key))]
        if sources:
            para = nodes.paragraph("", "", classes=["evidence-term-preview-source"])
            para += nodes.Text("Source: " if len(sources) == 1 else "Sources: ")
            for index, (author, year, title) in enumerate(sources):
                if index:
                    para += nodes.Text("; ")
                para += nodes.Text(f"{author} ({year})")
                if title:
                    para += nodes.Text(" ")
                    para += nodes.emphasis(title, title)
            para += nodes.Text(".")
            tip += para
        return tip

    def flatten(self, paragraph: nodes.paragraph) -> nodes.paragraph:
        """A copy of ``paragraph`` with citations as text and no links or targets."""
        para = paragraph.deepcopy()
        for xref in list(para.findall(addnodes.pending_xref)):
            if xref.get("refdomain") in ("cite", "footcite"):
                xref.replace_self(nodes.Text(self.cite_text(xref)))
            else:
                xref.replace_self(nodes.Text(xref.astext()))
        for ref in list(para.findall(nodes.reference)):
            ref.replace_self(nodes.inline("", "", *ref.children))
        drop = (
            nodes.footnote_reference,
            nodes.citation_reference,
            nodes.target,
            addnodes.index,
            nodes.system_message,
        )
        for node in list(para.findall(lambda n: isinstance(n, drop))):
            if node.parent is not None:
                node.parent.remove(node)
        para["ids"] = []
        return para

    def cite_text(self, xref: addnodes.pending_xref) -> str:
        """``(Author, year)`` (or ``Author (year)`` for ``cite:t``) for a citation."""
        keys = [k.strip().split("{")[0].strip() for k in str(xref.get("reftarget", "")).split(",")]
        labels = [label for key in keys if key and (label := source_label(self.env, key))]
        if not labels:
            return ""
        if xref.get("reftype", "p").startswith("t"):
            return "; ".join(f"{author} ({year})" for author, year, _title in labels)
        return "(" + "; ".join(f"{author}, {year}" for author, year, _title in labels) + ")"


def _where(node: nodes.Element) -> nodes.Element:
    """``node``, its line made exact when MyST gave it its paragraph's first line (the
    line breaks before it in the paragraph are counted)."""
    para = node.parent
    while para is not None and not isinstance(para, nodes.TextElement):
        para = para.parent
    if para is None or node.line is None or para.line != node.line:
        return node
    breaks = 0
    for text in para.findall(nodes.Text):
        parent = text.parent
        while parent is not None and parent is not node:
            parent = parent.parent
        if parent is node:
            node.line += breaks
            break
        breaks += str(text).count("\n")
    return node


def _glossaries(tree: nodes.Node, docname: str) -> list[tuple[str, addnodes.glossary]]:
    """Each glossary of ``tree`` with the page it comes from. Found walking down: in
    assembled trees (singlehtml, latex, PDF) Sphinx moves pages' children without setting
    their ``parent``, so walking up from a glossary does not reach its ``start_of_file``."""
    found: list[tuple[str, addnodes.glossary]] = []
    stack: list[tuple[nodes.Node, str]] = [(tree, docname)]
    while stack:
        node, doc = stack.pop()
        if isinstance(node, addnodes.glossary):
            found.append((doc, node))
            continue
        if isinstance(node, addnodes.start_of_file):
            doc = str(node.get("docname", doc))
        if isinstance(node, nodes.Element):
            stack.extend((child, doc) for child in reversed(node.children))
    return found


# -- visitors ------------------------------------------------------------------------------
def visit_term_link_html(self: HTML5Translator, node: term_link) -> None:
    self.visit_reference(node)
    if node.get("preview"):
        self.body[-1] = self.body[-1].replace(
            "<a ", f'<a aria-describedby="{self.attval(node["preview"])}" ', 1
        )


def depart_term_link_html(self: HTML5Translator, node: term_link) -> None:
    self.depart_reference(node)


def visit_previews_html(self: HTML5Translator, node: term_previews) -> None:
    self.body.append(self.starttag(node, "div", CLASS="evidence-term-previews"))


def depart_previews_html(self: HTML5Translator, node: term_previews) -> None:
    self.body.append("</div>\n")


def visit_preview_html(self: HTML5Translator, node: term_preview) -> None:
    tag = self.starttag(node, "div", CLASS="evidence-term-preview", role="tooltip")
    self.body.append(tag.replace("<div ", "<div hidden ", 1))


def depart_preview_html(self: HTML5Translator, node: term_preview) -> None:
    self.body.append("</div>\n")


def _visit_reference(self: Any, node: nodes.Element) -> None:
    self.visit_reference(node)


def _depart_reference(self: Any, node: nodes.Element) -> None:
    self.depart_reference(node)


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def setup_links(app: Sphinx) -> None:
    """Register the nodes (with a visitor for every builder) and the post-transform."""
    setup_nodes(app)
    other = (_visit_reference, _depart_reference)
    app.add_node(
        term_link,
        html=(visit_term_link_html, depart_term_link_html),
        latex=other,
        text=other,
        man=other,
        texinfo=other,
    )
    skip = (_skip, None)
    app.add_node(
        term_previews,
        html=(visit_previews_html, depart_previews_html),
        latex=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_node(
        term_preview,
        html=(visit_preview_html, depart_preview_html),
        latex=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_post_transform(GlossaryLinks)
