"""Cross-page glossary queries: the matcher of auto-linkable forms, ``{term}`` lookup,
doc order, backlinks, the terms a page uses, and the ``env-updated`` pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fnmatch import fnmatchcase
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from sphinx_evidence.bib.dates import entry_date
from sphinx_evidence.bib.latex import plain
from sphinx_evidence.bib.names import short_who
from sphinx_evidence.core.nodes import page_title
from sphinx_evidence.core.text import digest
from sphinx_evidence.core.warnings import Warn, warn
from sphinx_evidence.glossary.config import GlossaryConfig, glossary_config
from sphinx_evidence.glossary.domain import DOMAIN, Entry, GlossaryDomain
from sphinx_evidence.glossary.match import (
    Candidate,
    Matcher,
    is_abbreviation,
    is_case_sensitive,
    plurals,
)


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
    :class:`~sphinx_evidence.glossary.domain.Entry` has ``names`` (abbreviation first, then
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
                    kind, keep = Warn.term_case_duplicate, "spelling"
                    what = (
                        f'differs only in case from "{other[0]}" ({first_doc}, line {first_line})'
                    )
                else:
                    kind, keep = Warn.term_duplicate, "definition"
                    what = f"is defined twice (first in {first_doc}, line {first_line})"
                warn(
                    kind,
                    f'the glossary term "{norm}" {what}: links cannot tell them apart, so keep'
                    f" one {keep}",
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
        for entry in domain.data["entries"].get(docname, []) if cfg.backlinks else ():
            # "Used on" lists are written only with backlinks on: otherwise who mentions
            # an entry does not change its page (nor, then, its parents' in the toctree)
            pages = backlinks(env, entry, cfg.backlinks_exclude)
            parts.append([(doc, page_title(env, doc)) for doc in pages])
        new[docname] = digest(parts)
    domain.data["fingerprints"] = new
    return [docname for docname, digest in new.items() if old.get(docname) != digest]
