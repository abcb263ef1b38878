"""Glossary cross-links: auto-linked first mentions, abbreviations, previews and backlinks.

Authors keep the stock ``{glossary}`` directive and ``{term}`` role. On top of them:

* the first mention of each entry on each page (any of its names, a regular plural, or an
  explicit ``{term}``) links to the entry; abbreviations are wrapped in ``<abbr>`` with the
  expansion. Never in headings, titles, captions, rubrics, links, literals or code,
  footnotes and citations (a footnote is a source note, not prose), nor on a page that
  holds glossary entries. Front matter ``autolink: false`` turns it off for a page;
  ``evidence_glossary_autolink = False`` for the project.
* a definition may end with a field ``:autolink: no`` (never auto-linked) or
  ``:autolink: form one; form two`` (only these forms); the field is removed from the
  page. A name that is one common word (``evidence_glossary_common_words``) is
  auto-linked only through stated forms.
* HTML: each term link carries ``aria-describedby`` pointing at a hidden preview (first
  paragraph of the definition and its source) embedded in the page; ``glossary.js`` shows
  it on hover, focus and tap, and hides it on Esc. Without JavaScript the link still works.
* each entry ends with "Used on:" and links to every page that mentions it, in toctree
  order.
* warnings ``evidence.term_*``: unknown ``{term}``, names differing only in case, empty
  definition, definition with no source, entry no page uses (only with
  ``evidence_glossary_warn_unused = True``).

For the PDF builder :func:`terms_used` lists the entries a page uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from . import config as config_mod
from .bibstyle import entry_date, plain, short_who
from .core.assets import STATIC, add_page_asset, has_class
from .glossary_data import DOMAIN, Entry, GlossaryDomain, collect
from .glossary_match import Candidate, Matcher, is_abbreviation, is_case_sensitive, plurals
from .messages import Warn, warn

PREFIX = "evidence_glossary"

#: Pages that only lead to other pages: left out of "Used on" lists unless a site says so.
DEFAULT_NAVIGATION_PAGES = ("index", "*/index", "genindex", "search", "tags/*", "*/tags/*")
ASSETS = {"glossary.js": "evidence-glossary.js", "glossary.css": "evidence-glossary.css"}


@dataclass(frozen=True)
class GlossaryConfig:
    """Options of the glossary cross-links (``evidence_glossary_<name>`` in conf.py)."""

    autolink: bool = field(
        default=False,
        metadata={"help": "Auto-link the first mention of each glossary term on each page."},
    )
    previews: bool = field(
        default=False,
        metadata={"help": "HTML: show a term's definition and source on hover, focus or tap."},
    )
    backlinks: bool = field(
        default=False,
        metadata={"help": 'End each glossary entry with "Used on:" and the pages using it.'},
    )
    backlinks_label: str = field(
        default="Used on:",
        metadata={"help": "The words before the list of pages using an entry."},
    )
    backlinks_exclude: list[str] | tuple[str, ...] = field(
        default=DEFAULT_NAVIGATION_PAGES,
        metadata={
            "help": 'Glob patterns of docnames left out of "Used on" lists: navigation '
            "pages such as indexes and tag pages."
        },
    )
    backlinks_fold: int = field(
        default=5,
        metadata={
            "help": 'A "Used on" list longer than this folds into a disclosure '
            "(<details>) in HTML; 0: never fold."
        },
    )
    warn_unused: bool = field(
        default=False,
        metadata={"help": "Warn (evidence.term_unused) about entries no page uses."},
    )
    house_rules: bool = field(
        default=False,
        metadata={
            "help": "Warn about glossary entries that break the house rules: an empty "
            "definition, no cited source, names that differ only in case or are defined twice."
        },
    )
    single_words: bool = field(
        default=False,
        metadata={
            "help": "Auto-link a name that is one ordinary word (not an abbreviation) without "
            "its entry opting in with `:autolink:`; the common words are still left out."
        },
    )
    common_words: list[str] | tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "With single_words: single words auto-linked only through an entry's "
            "stated `:autolink:` forms (so 'take place' is never linked)."
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.backlinks_label, str):
            raise ValueError("backlinks_label must be a string")
        words = self.common_words
        if isinstance(words, str) or not all(isinstance(w, str) for w in words):
            raise ValueError("common_words must be a list of words")
        object.__setattr__(self, "common_words", tuple(w.lower() for w in words))
        pages = self.backlinks_exclude
        if isinstance(pages, str) or not all(isinstance(p, str) for p in pages):
            raise ValueError("backlinks_exclude must be a list of glob patterns")
        object.__setattr__(self, "backlinks_exclude", tuple(pages))
        if not isinstance(self.backlinks_fold, int) or self.backlinks_fold < 0:
            raise ValueError("backlinks_fold must be 0 or more")

    @property
    def active(self) -> bool:
        """Whether the write-time pass changes anything (else stock Sphinx resolves {term})."""
        return self.autolink or self.previews or self.backlinks


def glossary_config(config: Config) -> GlossaryConfig:
    """The validated glossary options of a project."""
    return config_mod.read(config, PREFIX, GlossaryConfig)


def candidates(entries: list[Entry], cfg: GlossaryConfig) -> list[Candidate]:
    """The auto-linkable forms of ``entries`` (names and plurals, or stated forms)."""
    found: list[Candidate] = []
    for entry in entries:
        if entry.autolink == ():
            continue
        if entry.autolink is None:
            forms = [
                name
                for name in entry.names
                if " " in name.strip()
                or is_abbreviation(name)
                or (cfg.single_words and name.lower() not in cfg.common_words)
            ]
        else:
            forms = list(entry.autolink)
        for form in forms:
            exact = is_case_sensitive(form)
            is_abbrev = form == entry.abbreviation
            for variant in (form, *plurals(form)):
                found.append(Candidate(entry.key, variant, exact, is_abbrev))
    return found


class _Cache:
    """Per-domain cache of the compiled matcher and name index (not shared between envs)."""

    def __init__(self) -> None:
        self.signature: Any = None
        self.matcher: Matcher = Matcher(())
        self.names: dict[str, str] = {}
        self.lower_names: dict[str, str] = {}


def _cache(domain: GlossaryDomain, cfg: GlossaryConfig) -> _Cache:
    entries = domain.all_entries()
    signature = (
        tuple((e.key, e.names, e.autolink) for e in entries),
        cfg.common_words,
        cfg.single_words,
    )
    cache: _Cache | None = getattr(domain, "_evidence_cache", None)
    if cache is None or cache.signature != signature:
        cache = _Cache()
        cache.signature = signature
        cache.matcher = Matcher(candidates(entries, cfg))
        for entry in entries:
            for name in entry.names:
                cache.names.setdefault(" ".join(name.split()), entry.key)
                cache.lower_names.setdefault(" ".join(name.split()).lower(), entry.key)
        domain._evidence_cache = cache  # type: ignore[attr-defined]
    return cache


def matcher_for(domain: GlossaryDomain, cfg: GlossaryConfig) -> Matcher:
    """The compiled matcher of the current entries."""
    return _cache(domain, cfg).matcher


def names_index(domain: GlossaryDomain, cfg: GlossaryConfig) -> Callable[[str], str | None]:
    """A function giving the key of the entry a ``{term}`` target names (exact name first,
    then ignoring case), or None."""
    cache = _cache(domain, cfg)

    def lookup(target: str) -> str | None:
        target = " ".join(target.split())
        return cache.names.get(target) or cache.lower_names.get(target.lower())

    return lookup


def doc_order(env: BuildEnvironment) -> list[str]:
    """Every page in toctree order from the root; pages outside any toctree after, by title."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [env.config.root_doc]
    while stack:
        doc = stack.pop()
        if doc in seen or doc not in env.all_docs:
            continue
        seen.add(doc)
        order.append(doc)
        stack.extend(reversed(env.toctree_includes.get(doc, [])))
    rest = sorted(set(env.all_docs) - seen, key=lambda d: (page_title(env, d).lower(), d))
    return order + rest


def page_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title as text (its docname when it has none)."""
    title = env.titles.get(docname)
    text = title.astext().strip() if title is not None else ""
    return text or docname


def backlinks(env: BuildEnvironment, entry: Entry, exclude: Sequence[str] = ()) -> list[str]:
    """Pages (other than the entry's own) that mention ``entry``, in toctree order, but
    those matching a glob pattern of ``exclude`` (navigation pages)."""
    domain: GlossaryDomain = env.domains[DOMAIN]  # type: ignore[assignment]
    return [
        doc
        for doc in domain.data["used_by"].get(entry.key, [])
        if doc != entry.docname and not any(fnmatchcase(doc, pat) for pat in exclude)
    ]


def terms_used(env: BuildEnvironment, docname: str) -> list[Entry]:
    """The glossary entries page ``docname`` uses, sorted by their first name.

    A page uses an entry when it links to it with ``{term}`` or mentions one of its
    auto-linked forms (the same set that gives the entry's "Used on:" backlinks). Each
    :class:`~sphinx_evidence.glossary_data.Entry` has ``names`` (abbreviation first, then
    expansion, then synonyms), ``docname`` and ``anchor`` (the entry's page and id, for an
    internal link), ``paragraph`` (a detached copy of the definition's first paragraph,
    with its ``{cite}`` references still pending) and ``cite_keys`` (its sources). Valid
    after ``env-updated`` (e.g. in a builder's write phase). The PDF builder uses it to end
    a brief's own PDF with a glossary of the terms it uses.
    """
    domain: GlossaryDomain = env.domains[DOMAIN]  # type: ignore[assignment]
    by_key = domain.entries_by_key()
    used = [by_key[key] for key in domain.mentions(docname) if key in by_key]
    return sorted(used, key=lambda e: (e.names[0].lower(), e.key))


def source_label(env: BuildEnvironment, key: str) -> tuple[str, str, str] | None:
    """(author, year, title) of a references.bib entry, as plain text; None if unknown."""
    try:
        bibdata = env.domains["cite"].bibdata  # type: ignore[attr-defined]
        bib = bibdata.data.entries[key]
    except (KeyError, AttributeError):
        return None
    year = entry_date(bib)[0]  # as the reference list dates it (a biblatex date too)
    return short_who(bib), str(year) if year else "n.d.", plain(bib.fields.get("title", ""))


def _warn_case_duplicates(entries: list[Entry]) -> None:
    seen: dict[str, tuple[str, Entry]] = {}
    for entry in entries:
        for name in entry.names:
            norm = " ".join(name.split())
            other = seen.get(norm.lower())
            if other is None:
                seen[norm.lower()] = (norm, entry)
            elif other[0] != norm or other[1] is not entry:
                first_doc, first_line = other[1].location
                if other[0] != norm:
                    kind = Warn.term_case_duplicate
                    what = (
                        f"differs only in case from {other[0]!r} ({first_doc}, line {first_line})"
                    )
                else:
                    kind = Warn.term_duplicate
                    what = f"is defined again (first in {first_doc}, line {first_line})"
                warn(
                    kind,
                    f"glossary term {norm!r} {what}; links cannot tell them apart",
                    location=entry.location,
                )


def _mentions(
    env: BuildEnvironment, domain: GlossaryDomain, cfg: GlossaryConfig
) -> dict[str, list[str]]:
    matcher = matcher_for(domain, cfg)
    lookup = names_index(domain, cfg)
    glossary_docs = domain.glossary_docs()
    result: dict[str, list[str]] = {}
    for docname in sorted(domain.data["texts"]):
        if docname not in env.all_docs:
            continue
        keys: set[str] = set()
        for target in domain.data["explicit"].get(docname, []):
            key = lookup(target)
            if key is not None:
                keys.add(key)
        if cfg.autolink and docname not in glossary_docs and not domain.data["optout"].get(docname):
            keys.update(found.key for found in matcher.finditer(domain.data["texts"][docname]))
        result[docname] = sorted(keys)
    return result


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Compute mentions and backlinks; return the pages whose glossary output changed."""
    cfg = glossary_config(env.config)
    domain: GlossaryDomain = env.domains[DOMAIN]  # type: ignore[assignment]
    entries = domain.all_entries()
    if cfg.house_rules:
        _warn_case_duplicates(entries)
    domain.data["mentions"] = _mentions(env, domain, cfg)
    used_by: dict[str, list[str]] = {}
    for doc in doc_order(env):
        for key in domain.data["mentions"].get(doc, []):
            used_by.setdefault(key, []).append(doc)
    domain.data["used_by"] = used_by
    by_key = {entry.key: entry for entry in entries}
    if cfg.warn_unused:
        for entry in entries:
            if not backlinks(env, entry):
                warn(
                    Warn.term_unused,
                    f"glossary entry {entry.names[0]!r} is used on no page",
                    location=entry.location,
                )
    labels = {key: source_label(env, key) for entry in entries for key in entry.cite_keys}
    old: dict[str, str] = domain.data["fingerprints"]
    new: dict[str, str] = {}
    for docname in sorted(env.all_docs):
        parts: list[Any] = []
        for key in domain.mentions(docname):
            entry = by_key[key]
            parts.append((entry.signature(), [labels.get(k) for k in entry.cite_keys]))
        for entry in domain.data["entries"].get(docname, []):
            pages = backlinks(env, entry, cfg.backlinks_exclude)
            parts.append([(doc, page_title(env, doc)) for doc in pages])
        new[docname] = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
    domain.data["fingerprints"] = new
    return [docname for docname, digest in new.items() if old.get(docname) != digest]


def _config_inited(app: Sphinx, config: Config) -> None:
    glossary_config(config)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the glossary's stylesheet and script from pages with term links or backlinks."""
    if has_class(doctree, "evidence-term"):
        add_page_asset(app, STATIC / "glossary.css", ASSETS["glossary.css"], priority=502)
        add_page_asset(app, STATIC / "glossary.js", ASSETS["glossary.js"], loading_method="defer")


def setup_glossary(app: Sphinx) -> None:
    """Register the glossary feature with app."""
    from .glossary_links import setup_links

    config_mod.register(app, PREFIX, GlossaryConfig)
    app.add_domain(GlossaryDomain)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    # late, so that text other features add while reading is seen as the page's prose
    app.connect(
        "doctree-read",
        lambda app, doctree: collect(app.env, app.env.docname, doctree, app.tags),
        priority=900,
    )
    app.connect("env-updated", env_updated)
    setup_links(app)
