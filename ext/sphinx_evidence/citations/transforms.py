"""Citations on top of sphinxcontrib-bibtex: house style, reading lists, "Cited on", exports.

* At ``builder-inited`` (before sphinxcontrib-bibtex) the .bib files are parsed tolerantly
  (:mod:`.bibdata`): a malformed entry or a duplicate key is a warning with file and line,
  not a crash. The parse, the checks and the formatted entries are cached in the
  environment, keyed by path and modification time; the stock extension finds its own cache
  up to date and reuses the same data.
* The ``cite`` and ``footcite`` roles are the stock ones, with a check for unknown keys
  (``evidence.cite_unknown``, page and line) and a note of footnote citations.
* At ``env-updated`` (after the stock handler) reading lists are resolved and the pages that
  cite each entry are collected; the handler returns every page whose output depends on
  what changed, which fixes the stock extension's stale bibliographies on incremental builds.
* Post-transforms fill in reading lists, add access badges and "Cited on" links to every
  ``{bibliography}``, badges to footnote citations, and export links in HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, cast

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from pybtex.database import Entry
from pybtex.style.template import FieldIsMissing
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.bibfile import BibData, BibFile
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.foot_domain import BibtexFootDomain
from sphinxcontrib.bibtex.foot_roles import FootCiteRole
from sphinxcontrib.bibtex.roles import CiteRole

from . import config as cfg
from . import readinglist as rl
from .access import access_config, badge
from .bibdata import BibCache, load, signature
from .bibstyle import EvidenceStyle
from .citestyle import EvidenceReferenceStyle
from .core.nodes import chained
from .messages import Warn, warn

PREFIX = "evidence_citations"


@dataclass(frozen=True)
class CitationsConfig:
    """Options of the citations (``evidence_citations_<name>`` in conf.py). Reading lists
    and the ``evidence`` styles are asked for by name; everything else here is off until
    a site turns it on."""

    cited_on: bool = field(
        default=False,
        metadata={"help": 'End each entry of a {bibliography} with "Cited on:" and its pages.'},
    )
    exports: bool = field(
        default=False,
        metadata={
            "help": "HTML: link BibTeX, RIS and CSL-JSON downloads of each {bibliography} "
            "below it (reading lists always have them)."
        },
    )
    tooltips: bool = field(
        default=False,
        metadata={
            "help": "HTML: a citation's title tooltip also shows on keyboard focus and is "
            "the link's accessible description."
        },
    )
    house_rules: bool = field(
        default=False,
        metadata={
            "help": "Check every .bib entry against the house style (required fields, dates, "
            "safe links, markup, access levels) and report unknown citation keys as "
            "evidence.cite_unknown (shown as text) instead of bibtex.key_not_found."
        },
    )


def citations_config(config: Config) -> CitationsConfig:
    """The validated citation options of a project."""
    return cfg.read(config, PREFIX, CitationsConfig)


def _house_rules(config: Config) -> bool:
    return bool(getattr(config, f"{PREFIX}_house_rules", False))


def _shares_data(config: Config) -> bool:
    """Whether sphinxcontrib-bibtex is handed our tolerant parse (the house style needs its
    crossref and @set handling); otherwise the stock extension parses as it always does."""
    return config.bibtex_default_style == "evidence" or _house_rules(config)


#: Problems of a .bib that replace the stock parser's own errors when we parse for it.
PARSE_PROBLEMS = frozenset({Warn.bib_syntax, Warn.bib_duplicate})


class EvidenceBibDomain(Domain):
    """Cross-page citation data: reading lists, footnote citations, cache, results."""

    name = "evbib"
    label = "Evidence citations"
    data_version = 2
    initial_data = {
        "cache": None,
        "lists": {},
        "footcites": {},
        "cited_keys": {},
        "changed_keys": set(),
        "resolved": {},
        "cited_on": {},
        "fingerprints": {},
    }

    @property
    def cache(self) -> BibCache | None:
        """The parsed, checked and formatted .bib files."""
        return cast("BibCache | None", self.data["cache"])

    @property
    def lists(self) -> dict[tuple[str, str], rl.ListSpec]:
        """(docname, list id) -> what the reading list asks for."""
        return cast("dict[tuple[str, str], rl.ListSpec]", self.data["lists"])

    @property
    def footcites(self) -> dict[str, list[tuple[str, int]]]:
        """docname -> (key, line) of each footnote citation."""
        return cast("dict[str, list[tuple[str, int]]]", self.data["footcites"])

    @property
    def resolved(self) -> dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
        """(docname, list id) -> the list's groups of keys, computed at env-updated."""
        return cast(
            "dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]", self.data["resolved"]
        )

    @property
    def cited_on(self) -> dict[str, tuple[str, ...]]:
        """key -> pages that cite or list it, computed at env-updated."""
        return cast("dict[str, tuple[str, ...]]", self.data["cited_on"])

    @property
    def cited_keys(self) -> dict[str, set[str]]:
        """docname -> every key its citations name (lower case), known to the .bib or not:
        when the .bib gains or loses one of them, the page is read again."""
        return cast("dict[str, set[str]]", self.data["cited_keys"])

    def note_cited(self, docname: str, keys: Iterable[str]) -> None:
        """Record that ``docname`` cites ``keys``."""
        self.cited_keys.setdefault(docname, set()).update(k.lower() for k in keys)

    def clear_doc(self, docname: str) -> None:
        for key in [k for k in self.lists if k[0] == docname]:
            del self.lists[key]
        self.footcites.pop(docname, None)
        self.cited_keys.pop(docname, None)

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        for key, spec in otherdata["lists"].items():
            if key[0] in docnames:
                self.lists[key] = spec
        for docname, cites in otherdata["footcites"].items():
            if docname in docnames:
                self.footcites[docname] = cites
        for docname, keys in otherdata["cited_keys"].items():
            if docname in docnames:
                self.cited_keys[docname] = keys

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []


def domain_of(env: BuildEnvironment) -> EvidenceBibDomain:
    """This feature's domain in ``env``."""
    return cast("EvidenceBibDomain", env.get_domain("evbib"))


def bib_paths(app: Sphinx) -> list[Path]:
    """The configured .bib files, resolved as sphinxcontrib-bibtex resolves them."""
    return [(Path(app.confdir) / f).resolve() for f in app.config.bibtex_bibfiles or []]


# -- Loading --------------------------------------------------------------------------------


def _remember_plugins(app: Sphinx) -> None:
    """Look up once the pybtex plugins sphinxcontrib-bibtex asks for at every citation.

    pybtex's ``find_plugin`` scans the installed packages' entry points on each call (about
    13 ms); the stock resolver calls it for every citation and footnote citation, which
    made it a fifth of a citation-heavy build. The plugins it finds are registered again
    under the same names as runtime plugins, which pybtex checks first: same classes, once.
    """
    wanted = [
        ("pybtex.backends", "plaintext"),
        ("pybtex.backends", "docutils"),
        ("pybtex.style.formatting", app.config.bibtex_default_style),
        ("pybtex.style.formatting", getattr(app.config, "bibtex_tooltips_style", "")),
    ]
    for group, name in wanted:
        if not name:
            continue
        try:
            klass = pybtex.plugin.find_plugin(group, name)
        except pybtex.plugin.PluginNotFound:
            continue  # sphinxcontrib-bibtex reports an unknown style itself
        pybtex.plugin.register_plugin(group, name, klass, force=True)


def _load_bibfiles(app: Sphinx) -> None:
    """Parse the .bib files when they changed; hand the data to sphinxcontrib-bibtex."""
    _remember_plugins(app)
    paths = bib_paths(app)
    domain = domain_of(app.env)
    levels = access_config(app.config).parsed
    cache = domain.cache
    encoding = app.config.bibtex_encoding
    if (
        cache is None
        or cache.signature != signature(paths)
        or cache.encoding != encoding
        or set(levels) != domain.data.get("levels")
    ):
        before = {k.lower() for k in cache.data.entries} if cache is not None else set()
        cache = load(paths, encoding, levels)
        after = {k.lower() for k in cache.data.entries}
        domain.data["changed_keys"] = before ^ after
        domain.data["cache"] = cache
        domain.data["levels"] = set(levels)
    if not _shares_data(app.config):
        return
    stock = cast("BibtexDomain", app.env.get_domain("cite"))
    stock.data["bibdata"] = BibData(
        encoding=encoding,
        bibfiles={
            Path(path): BibFile(mtime=mtime, keys=dict.fromkeys(cache.keys_by_file.get(path, ())))
            for path, mtime in cache.signature
        },
        data=cache.data,
    )
    rules = _house_rules(app.config)
    for problem in cache.problems:
        if rules or problem.kind in PARSE_PROBLEMS:
            warn(problem.kind, problem.message, location=problem.location)


# -- Roles --------------------------------------------------------------------------------


def _target_text(targets: Iterable[CitationTarget]) -> str:
    return ",".join(
        (f"{{{t.pre}}}" if t.pre else "") + t.key + (f"{{{t.post}}}" if t.post else "")
        for t in targets
    )


def _maybe_prefixed(key: str, entries: Any) -> bool:
    """Whether ``key`` is a key of ``entries`` behind a prefix (``pre-smith2020``), as a
    ``{bibliography}`` with ``:keyprefix:`` names its entries."""
    return any(key[i:] in entries for i in range(1, len(key)) if not key[i - 1].isalnum())


class EvidenceCiteRole(CiteRole):
    """The stock ``cite`` roles, warning ``evidence.cite_unknown`` for an unknown key."""

    def result_nodes(self, document: Any, env: Any, node: Any, is_ref: bool) -> Any:
        entries = cast("BibtexDomain", env.get_domain("cite")).bibdata.data.entries
        try:
            targets = list(parse_citation_targets(self.target))
        except ValueError:
            return super().result_nodes(document, env, node, is_ref)
        domain_of(env).note_cited(env.docname, (t.key for t in targets))
        if not _house_rules(env.config):  # stock behaviour: bibtex.key_not_found
            return super().result_nodes(document, env, node, is_ref)
        prefixed = [t for t in targets if t.key not in entries and _maybe_prefixed(t.key, entries)]
        if prefixed:  # a {bibliography} :keyprefix: key: the stock resolver decides
            return super().result_nodes(document, env, node, is_ref)
        known = [t._replace(key=entries[t.key].key) for t in targets if t.key in entries]
        for target in targets:
            if target.key not in entries:
                warn(
                    Warn.cite_unknown,
                    f'unknown citation key "{target.key}"',
                    location=(env.docname, self.lineno),
                )
        if not known:
            return [nodes.inline(self.target, self.target, classes=["evidence-cite-unknown"])], []
        if known != targets:  # drop unknown keys; spell keys as references.bib does
            self.target = _target_text(known)
            node["reftarget"] = self.target
        return super().result_nodes(document, env, node, is_ref)


class EvidenceFootCiteRole(FootCiteRole):
    """The stock ``footcite`` roles, noting each cited key and warning for unknown ones."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        entries = cast("BibtexDomain", self.env.get_domain("cite")).bibdata.data.entries
        keys = [k.strip() for k in self.text.split(",") if k.strip()]
        domain_of(self.env).note_cited(self.env.docname, keys)
        known = [entries[k].key for k in keys if k in entries]
        if not _house_rules(self.config):  # stock behaviour: bibtex.key_not_found
            cites = domain_of(self.env).footcites.setdefault(self.env.docname, [])
            cites.extend((k, self.lineno) for k in known)
            return super().run()
        for key in keys:
            if key not in entries:
                warn(
                    Warn.cite_unknown, f'unknown citation key "{key}"', location=self.get_location()
                )
        if not known:
            return [nodes.inline(self.text, self.text, classes=["evidence-cite-unknown"])], []
        cites = domain_of(self.env).footcites.setdefault(self.env.docname, [])
        cites.extend((k, self.lineno) for k in known)
        self.text = ",".join(known)
        return super().run()


def _env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: Any, changed: Any, removed: Any
) -> list[str]:
    """Pages citing a key that the .bib gained or lost: read again, since whether a key is
    known decides their doctree (a citation, or the key as text with a warning)."""
    domain = domain_of(env)
    changed_keys = cast("set[str]", domain.data["changed_keys"])
    if not changed_keys:
        return []
    domain.data["changed_keys"] = set()
    return sorted(
        docname
        for docname, keys in domain.cited_keys.items()
        if keys & changed_keys and docname in env.found_docs
    )


# -- env-updated: reading lists, "Cited on", pages to rewrite ---------------------------------


def _citing_pages(env: BuildEnvironment, domain: EvidenceBibDomain) -> dict[str, set[str]]:
    stock = cast("BibtexDomain", env.get_domain("cite"))
    pages: dict[str, set[str]] = {}
    for ref in stock.citation_refs:
        for target in ref.targets:
            pages.setdefault(target.key, set()).add(ref.docname)
    for docname, cites in domain.footcites.items():
        for key, _line in cites:
            pages.setdefault(key, set()).add(docname)
    return pages


def _env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = domain_of(env)
    cache = domain.cache
    if cache is None:
        return []
    levels = access_config(app.config).parsed
    labels = {name: level.label for name, level in levels.items()}
    cited = _citing_pages(env, domain)
    resolved: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {}
    for (docname, list_id), spec in sorted(domain.lists.items()):
        keys = rl.select(spec, docname, cache, lambda k: cited.get(k, set()))
        if not keys:
            warn(
                Warn.reading_list, "reading list selects no entries", location=(docname, spec.line)
            )
        resolved[(docname, list_id)] = rl.groups(keys, spec, cache, labels)
    listed: dict[str, set[str]] = {}
    for (docname, _list_id), grouped in resolved.items():
        for _label, group_keys in grouped:
            for key in group_keys:
                listed.setdefault(key, set()).add(docname)
    cited_on = {
        key: tuple(sorted(cited.get(key, set()) | listed.get(key, set())))
        for key in set(cited) | set(listed)
    }
    domain.data["resolved"] = resolved
    domain.data["cited_on"] = cited_on
    old = cast("dict[str, str]", domain.data["fingerprints"])
    new = _fingerprints(env, domain)
    domain.data["fingerprints"] = new
    return sorted(d for d, h in new.items() if old.get(d) != h and d in env.all_docs)


def _entry_state(cache: BibCache, key: str) -> str:
    entry = cache.data.entries.get(key)
    if entry is None:
        return key + ":missing"
    return "|".join(
        (
            key,
            str(cache.formatted.get(key, "")),
            entry.fields.get("access", ""),
            entry.fields.get("annotation", ""),
        )
    )


def _fingerprints(env: BuildEnvironment, domain: EvidenceBibDomain) -> dict[str, str]:
    """For each page, a digest of the cross-page data its output shows."""
    cache = domain.cache
    assert cache is not None
    stock = cast("BibtexDomain", env.get_domain("cite"))
    parts: dict[str, list[str]] = {}

    def add(docname: str, text: str) -> None:
        parts.setdefault(docname, []).append(text)

    def title(docname: str) -> str:
        node = env.titles.get(docname)
        return node.astext() if node is not None else docname

    for (docname, list_id), grouped in domain.resolved.items():
        add(docname, f"list {list_id} {grouped!r}")
        for _label, keys in grouped:
            for key in keys:
                add(docname, _entry_state(cache, key))
    where = {c.key: c for c in stock.citations}
    for citation in stock.citations:
        docname = citation.bibliography_key.docname
        pages = domain.cited_on.get(citation.key, ())
        add(docname, f"bib {citation.citation_id} {_entry_state(cache, citation.key)}")
        add(docname, "cited on " + " ".join(f"{p}={title(p)}" for p in pages))
    for ref in stock.citation_refs:
        for target in ref.targets:
            found = where.get(target.key)
            add(
                ref.docname,
                f"ref {target.key} -> "
                + (
                    f"{found.bibliography_key.docname}#{found.citation_id} "
                    f"{found.formatted_entry.label}"
                    if found
                    else "none"
                )
                + " "
                + _entry_state(cache, target.key),
            )
    for docname, cites in domain.footcites.items():
        for key, _line in cites:
            add(docname, "foot " + _entry_state(cache, key))
    return {d: hashlib.sha1("\n".join(sorted(p)).encode()).hexdigest() for d, p in parts.items()}


# -- Post-transforms -------------------------------------------------------------------------


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
        title = env.titles.get(page)
        text = title.astext() if title is not None else page
        xref = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget="/" + page,
            refexplicit=True,
            refdoc=here,
            refwarn=True,
        )
        xref += nodes.inline(text, text, classes=["doc"])
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
        lists: dict[nodes.Element, list[Entry]] = {}
        for found in list(self.document.findall(_bibliography_item)):
            node = cast("nodes.Element", found)
            citation = by_id.get(node["ids"][0])
            if citation is None or citation.bibliography_key.docname != node.get("docname"):
                continue
            entry = citation.entry
            level = entry.fields.get("access", "").strip()
            paragraphs = [c for c in node.children if isinstance(c, nodes.paragraph)]
            if level in levels and paragraphs:
                paragraphs[-1] += [
                    nodes.Text(" "),
                    badge(level, self.config, bracket=True, levels=levels),
                ]
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
    """In HTML, write the downloads of each list and link to them below it (not in
    e-books: an EPUB cannot carry .bib, .ris or .json files)."""
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    cache = domain_of(app.env).cache
    if cache is None:
        return
    for node in list(doctree.findall(nodes.Element)):
        marked = node.get("evidence_export")
        if not marked:
            continue
        stem, keys = marked
        entries = [cache.data.entries[k] for k in keys if k in cache.data.entries]
        if not entries:
            continue
        para = rl.export_paragraph(app.builder, docname, entries, stem)
        if "evidence-reading-list" in node["classes"]:
            node += para
        elif node.parent is not None:
            node.parent.insert(node.parent.index(node) + 1, para)


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
        for footnote in self.document.findall(nodes.footnote):
            footnote_names: list[str] = footnote.get("names", [])
            found = [names[name] for name in footnote_names if name in names]
            key = found[0] if found else None
            entry = cache.data.entries.get(key) if key else None
            if entry is None:
                continue
            level = entry.fields.get("access", "").strip()
            paragraphs = [c for c in footnote.children if isinstance(c, nodes.paragraph)]
            if level in levels and paragraphs:
                paragraphs[-1] += [
                    nodes.Text(" "),
                    badge(level, self.config, bracket=True, levels=levels),
                ]


# -- HTML: citation tooltips for keyboard and screen-reader users ---------------------------------


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
            markup = (
                '<span class="evidence-badge-wrap evidence-cite-wrap">'
                f'<a class="reference internal" href="{escape(href)}" '
                f'aria-describedby="{tip_id}">{escape(ref.astext())}</a>'
                f'<span class="evidence-badge-tip" role="tooltip" id="{tip_id}">'
                f"{escape(title)}</span></span>"
            )
            ref.parent.replace(ref, nodes.raw("", markup, format="html"))


# -- HTML: a citation list that passes axe -----------------------------------------------------


def _citation_visitors(before: tuple[Any, Any]) -> tuple[Any, Any]:
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


def _config_inited(app: Sphinx, config: Config) -> None:
    citations_config(config)
    if config.bibtex_bibfiles is None and "sphinxcontrib.bibtex" not in config.extensions:
        # set up by us, not asked for: a site without a bibliography builds as before
        config.bibtex_bibfiles = []


def setup_citations(app: Sphinx) -> None:
    """Register the citations feature with app."""
    cfg.register(app, PREFIX, CitationsConfig)
    app.connect("config-inited", _config_inited)
    # the house styles by name, also where the package's entry points are not installed
    pybtex.plugin.register_plugin("pybtex.style.formatting", "evidence", EvidenceStyle)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "evidence", EvidenceReferenceStyle
    )
    app.add_domain(EvidenceBibDomain)
    app.add_domain(SafeBibtexDomain, override=True)
    app.add_directive("reading-list", rl.ReadingListDirective)
    skip = (rl.visit_skip, None)
    app.add_node(rl.reading_list, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(
        nodes.citation,
        override=True,
        html=_citation_visitors(chained(app, "html", nodes.citation)),
    )
    app.add_role("cite", EvidenceCiteRole(), override=True)
    for name in BibtexDomain._role_names:
        app.add_role_to_domain("cite", name, EvidenceCiteRole(), override=True)
    app.add_role("footcite", EvidenceFootCiteRole(), override=True)
    for name in BibtexFootDomain._role_names:
        app.add_role_to_domain("footcite", name, EvidenceFootCiteRole(), override=True)
    app.connect("builder-inited", _load_bibfiles, priority=400)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("env-updated", _env_updated, priority=600)
    app.add_post_transform(rl.ReadingListTransform)
    app.add_post_transform(BibliographyExtras)
    app.add_post_transform(FootnoteBadges)
    app.connect("doctree-resolved", add_exports, priority=500)
    app.connect("doctree-resolved", citation_tooltips, priority=500)
