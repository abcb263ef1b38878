"""The search index's word stems remembered for the whole build.

Sphinx's HTML search index reduces each word of each page to its stem (for English, the
pure-Python Snowball stemmer) and remembers the stems only while it indexes one page, so a
word the site uses on every page is stemmed again on every page: about a tenth of a full
build of a 300-page site. A stem depends on nothing but the word, so this extension keeps
the stems for the whole build. The search index is byte for byte the same
(``tests/test_searchcache.py``). ``evidence_search_cache = False`` turns it off.

It also mends an incremental build's index. Sphinx 9 keeps the search index's explicit
entries (``index`` directives, and the reading lists' entries) in the environment only
while it writes, and does not read them back from the last build's ``searchindex.js``: an
incremental build's index holds the entries of the pages it wrote and loses every other
page's. :func:`keep_index_entries` reads them back for the pages not written again, so the
index is the one a clean build writes. ``evidence_search_keep_entries = False`` turns it
off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata

PREFIX = "evidence_search"


@dataclass(frozen=True)
class SearchConfig:
    """Options of the search index (``evidence_search_<name>`` in conf.py)."""

    cache: bool = field(
        default=True,
        metadata={
            "help": "HTML builds: remember each word's stem for the whole build, not only "
            "for one page, when writing the search index. The index is byte for byte the "
            "same either way."
        },
    )

    keep_entries: bool = field(
        default=True,
        metadata={
            "help": "HTML builds: an incremental build keeps the search index's explicit "
            "entries (index directives, reading-list entries) of the pages it does not "
            "write again, which Sphinx 9 loses; the index is the one a clean build writes."
        },
    )


def remember_stems(indexer: Any) -> bool:
    """Make ``indexer`` (Sphinx's ``IndexBuilder``) remember its language's stems; whether
    it does now."""
    lang = getattr(indexer, "lang", None)
    stem = getattr(lang, "stem", None)
    if stem is None:
        return False
    if not hasattr(stem, "cache_info"):
        lang.stem = functools.cache(stem)  # type: ignore[union-attr]
    return True


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before the first page is indexed (the indexer is made just before writing starts)."""
    if app.config.evidence_search_cache:
        remember_stems(getattr(app.builder, "indexer", None))


def keep_index_entries(builder: Any) -> bool:
    """Make ``builder`` (Sphinx's HTML builder) read the index entries of the pages it keeps
    back from the last ``searchindex.js``, and write every page's in page order (the
    order a clean build feeds them in); whether it does now."""
    if not all(hasattr(builder, name) for name in ("load_indexer", "dump_search_index")):
        return False
    load, dump = builder.load_indexer, builder.dump_search_index

    def load_indexer(docnames: Any) -> None:
        load(docnames)
        indexer = builder.indexer
        kept = set(builder.env.all_docs).difference(docnames)
        entries = getattr(indexer, "_index_entries", None)
        if entries is None or not kept:
            return
        for docname, found in _entries_in(builder).items():
            if docname in kept and docname not in entries:
                entries[docname] = found

    def dump_search_index() -> None:
        indexer = builder.indexer
        entries = getattr(indexer, "_index_entries", None)
        if isinstance(entries, dict):
            ordered = dict(sorted(entries.items()))
            entries.clear()
            entries.update(ordered)
        dump()

    builder.load_indexer = load_indexer
    builder.dump_search_index = dump_search_index
    return True


def _entries_in(builder: Any) -> dict[str, list[tuple[str, str, str]]]:
    """docname -> index entries, as the indexer holds them, from the last searchindex.js."""
    path = Path(builder.outdir) / builder.searchindex_filename
    try:
        frozen = builder.indexer_format.loads(path.read_text(encoding="utf-8"))
        docnames = frozen["docnames"]
        found: dict[str, set[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for index, target, main in places:
                main_entry = "main" if main else ""
                found.setdefault(docnames[index], set()).add((entry, target, main_entry))
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return {}
    return {docname: sorted(values) for docname, values in found.items()}


def _builder_inited(app: Sphinx) -> None:
    builder = app.builder
    if app.config.evidence_search_keep_entries and getattr(builder, "indexer_dumps_unicode", 0):
        keep_index_entries(builder)


def _config_inited(app: Sphinx, config: Config) -> None:
    cfg.read(config, PREFIX, SearchConfig)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting and the handler that gives the search index its cache."""
    cfg.register(app, PREFIX, SearchConfig, rebuild="")
    app.connect("config-inited", _config_inited)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("builder-inited", _builder_inited)
    return extension_metadata()
