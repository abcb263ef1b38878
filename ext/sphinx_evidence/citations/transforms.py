"""Post-transforms and visitors: badges, "Cited on" and exports under each bibliography,
badges after footnote citations, HTML citation tooltips, a citation list that passes axe."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from docutils import nodes
from pybtex.database import Entry
from pybtex.style.template import FieldIsMissing
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.domain import BibtexDomain

from sphinx_evidence.access.badge import badge_entry
from sphinx_evidence.access.levels import access_config
from sphinx_evidence.citations import readinglist as rl
from sphinx_evidence.citations.config import citations_config
from sphinx_evidence.citations.domain import domain_of
from sphinx_evidence.citations.entry import add_print_urls, index_entry, supply_label, way_in
from sphinx_evidence.core.nodes import builder_format, page_link, page_title, tooltip
from sphinx_evidence.core.warnings import Warn, warn


def cited_on_paragraph(
    pages: Iterable[str], here: str, env: BuildEnvironment
) -> nodes.paragraph | None:
    """ "Cited on: <page>, <page>" with a link to each page (``None`` when no page)."""
    others = [p for p in pages if p != here]
    if not others:
        return None
    para = nodes.paragraph("", "", classes=["evidence-cited-on"])
    para += nodes.Text("Cited on: ")
    for n, page in enumerate(others):
        if n:
            para += nodes.Text(", ")
        xref = page_link(page, page_title(env, page), here, classes=["doc"])
        para += xref
    return para


def _bibliography_item(node: nodes.Node) -> bool:
    """An entry placed by sphinxcontrib-bibtex's bibliography transform."""
    return (
        isinstance(node, (nodes.citation, nodes.list_item))
        and bool(node.get("ids"))
        and "docname" in node.attributes
    )


class BibliographyExtras(SphinxPostTransform):
    """Badges and "Cited on" links in each ``{bibliography}``; its downloads in HTML."""

    default_priority = 7  # after sphinxcontrib-bibtex's BibliographyTransform (5)

    def run(self, **kwargs: Any) -> None:
        domain = domain_of(self.env)
        cache = domain.cache
        if cache is None:
            return
        stock = cast("BibtexDomain", self.env.get_domain("cite"))
        if not any(True for _ in self.document.findall(_bibliography_item)):
            return
        by_id = {c.citation_id: c for c in stock.citations}
        levels = access_config(self.config).parsed
        options = citations_config(self.config)
        html = builder_format(self.env) == "html"
        label = supply_label(self.env, options)
        lists: dict[nodes.Element, list[Entry]] = {}
        for found in list(self.document.findall(_bibliography_item)):
            node = cast("nodes.Element", found)
            citation = by_id.get(node["ids"][0])
            if citation is None or citation.bibliography_key.docname != node.get("docname"):
                continue
            entry = citation.entry
            add_print_urls(node)
            badge_entry(node, entry, self.config, levels)
            node += way_in(entry, options, label)
            if html:
                node += index_entry(entry, node["ids"][0])
            if options.cited_on:
                para = cited_on_paragraph(
                    domain.cited_on.get(citation.key, ()), node["docname"], self.env
                )
                if para is not None:
                    node.append(para)
            parent = node.parent
            if parent is not None:
                lists.setdefault(parent, []).append(entry)
        if not options.exports:
            return
        for n, (parent, entries) in enumerate(lists.items(), 1):
            stem = rl.export_stem(self.env.docname, f"bibliography-{n}")
            parent["evidence_export"] = (stem, [entry.key for entry in entries])


def add_exports(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In HTML, write the downloads of every list on the page as one set of files and put
    one downloads menu near the top of the page: before its first subsection or first
    list, whichever comes first (not in e-books: an EPUB cannot carry .bib, .ris or .json
    files)."""
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    cache = domain_of(app.env).cache
    if cache is None:
        return
    keys: list[str] = []
    first: nodes.Element | None = None
    for node in doctree.findall(nodes.Element):
        marked = node.get("evidence_export")
        if not marked:
            continue
        first = first or node
        keys += [k for k in marked[1] if k in cache.data.entries and k not in keys]
    if first is None or not keys:
        return
    menu = rl.downloads_menu(
        app.builder, docname, [cache.data.entries[k] for k in keys], rl.export_stem(docname)
    )
    top = doctree.next_node(nodes.section)
    if top is None:
        parent = first.parent or doctree
        parent.insert(parent.index(first), menu)
        return
    for index, child in enumerate(top.children):
        if isinstance(child, nodes.section) or child is first or _holds(child, first):
            top.insert(index, menu)
            return
    top += menu


def _holds(node: nodes.Node, inner: nodes.Node) -> bool:
    parent = inner.parent
    while parent is not None:
        if parent is node:
            return True
        parent = parent.parent
    return False


class FootnoteBadges(SphinxPostTransform):
    """An access badge after each footnote citation's reference."""

    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        from docutils.nodes import make_id

        domain = domain_of(self.env)
        cache = domain.cache
        if cache is None or not domain.footcites:
            return
        # every page's footnote citations: an assembled document (the PDF book, latex,
        # singlehtml) holds the footnotes of all its pages
        names = {
            make_id(f"footcite-{key}"): key
            for cites in domain.footcites.values()
            for key, _line in cites
        }
        levels = access_config(self.config).parsed
        options = citations_config(self.config)
        label = supply_label(self.env, options)
        for footnote in self.document.findall(nodes.footnote):
            footnote_names: list[str] = footnote.get("names", [])
            found = [names[name] for name in footnote_names if name in names]
            key = found[0] if found else None
            entry = cache.data.entries.get(key) if key else None
            if entry is None:
                continue
            add_print_urls(footnote)
            badge_entry(footnote, entry, self.config, levels)
            paragraphs = [c for c in footnote.children if isinstance(c, nodes.paragraph)]
            if paragraphs:
                paragraphs[-1] += way_in(entry, options, label, inline=True)


def citation_tooltips(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Turn the ``title`` of each citation link into a tooltip that also shows on keyboard
    focus and is the link's accessible description (``aria-describedby``)."""
    if app.builder.format != "html" or not citations_config(app.config).tooltips:
        return
    count = 0
    for cite in list(doctree.findall(nodes.inline)):
        if "bibtex-citation" not in cite["classes"]:
            continue
        for ref in list(cite.findall(nodes.reference)):
            title = ref.get("reftitle")
            href = ref.get("refuri") or ("#" + ref["refid"] if ref.get("refid") else "")
            if not title or not href:
                continue
            count += 1
            tip_id = f"evidence-cite-tip-{count}"
            text = ref.astext()
            node = tooltip(
                text,
                text,
                classes=["evidence-badge-wrap", "evidence-cite-wrap"],
                label_classes=["reference", "internal"],
                href=href,
                tip=title,
                tip_id=tip_id,
            )
            ref.parent.replace(ref, node)


def citation_visitors(before: tuple[Any, Any]) -> tuple[Any, Any]:
    """With ``evidence_a11y_fixes``: a citation as a list item of a role="list"
    (docutils' doc-biblioentry fails axe); otherwise the visitor registered before."""

    def on(self: Any) -> bool:
        return bool(getattr(self.config, "evidence_a11y_fixes", False))

    def visit_citation_html(self: Any, node: nodes.citation) -> None:
        if not on(self):
            before[0](self, node)
            return
        if not isinstance(node.previous_sibling(), nodes.citation):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=["citation"], role="listitem"))

    def depart_citation_html(self: Any, node: nodes.citation) -> None:
        if not on(self):
            before[1](self, node)
            return
        self.body.append("</div>\n")
        if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
            self.body.append("</div>\n")

    return visit_citation_html, depart_citation_html


class SafeBibtexDomain(BibtexDomain):
    """The stock ``cite`` domain, except that an entry a reference style cannot name (the
    stock author-year style needs an author, editor or title) is a warning, not a crash."""

    def resolve_xref(  # type: ignore[override]
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Any,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.Element:
        try:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        except FieldIsMissing as missing:
            warn(
                Warn.bib_missing_field,
                f'citation "{target}" cannot be written in the reference style '
                f'"{env.config.bibtex_reference_style}": {missing}; shown as its key '
                '(bibtex_reference_style = "evidence" names any entry)',
                location=node,
            )
            return contnode
