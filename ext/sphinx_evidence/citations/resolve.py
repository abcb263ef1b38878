"""``env-updated``: reading lists resolved, the pages citing each entry, pages to rewrite."""

from __future__ import annotations

from typing import cast

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex.domain import BibtexDomain

from sphinx_evidence.access.levels import access_config
from sphinx_evidence.bib.load import BibCache
from sphinx_evidence.citations import readinglist as rl
from sphinx_evidence.citations.config import citations_config
from sphinx_evidence.citations.domain import EvidenceBibDomain, domain_of
from sphinx_evidence.core.nodes import page_title
from sphinx_evidence.core.text import digest
from sphinx_evidence.core.warnings import Warn, warn


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


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
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
        return page_title(env, docname)

    for (docname, list_id), grouped in domain.resolved.items():
        add(docname, f"list {list_id} {grouped!r}")
        for _label, keys in grouped:
            for key in keys:
                add(docname, _entry_state(cache, key))
    where = {c.key: c for c in stock.citations}
    cited_on = citations_config(env.config).cited_on
    for citation in stock.citations:
        docname = citation.bibliography_key.docname
        pages = domain.cited_on.get(citation.key, ())
        add(docname, f"bib {citation.citation_id} {_entry_state(cache, citation.key)}")
        if cited_on:  # "Cited on" is written only when the site asks for it
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
    return {d: digest(sorted(p)) for d, p in parts.items()}
