"""The search index's word stems remembered for the whole build.

Sphinx's HTML search index reduces each word of each page to its stem (for English, the
pure-Python Snowball stemmer) and remembers the stems only while it indexes one page, so a
word the site uses on every page is stemmed again on every page: about a tenth of a full
build of a 300-page site. A stem depends on nothing but the word, so this extension keeps
the stems for the whole build. The search index is byte for byte the same
(``tests/test_searchcache.py``). ``evidence_search_cache = False`` turns it off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
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


def _config_inited(app: Sphinx, config: Config) -> None:
    cfg.read(config, PREFIX, SearchConfig)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting and the handler that gives the search index its cache."""
    cfg.register(app, PREFIX, SearchConfig, rebuild="")
    app.connect("config-inited", _config_inited)
    app.connect("doctree-resolved", _doctree_resolved)
    return extension_metadata()
