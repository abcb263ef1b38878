"""Citations on top of sphinxcontrib-bibtex: house style, reading lists, "Cited on", exports.

* At ``builder-inited`` (before sphinxcontrib-bibtex) the .bib files are parsed tolerantly
  (:mod:`.bib.load`): a malformed entry or a duplicate key is a warning with file and line,
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

import logging
from pathlib import Path
from typing import Any

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import __
from sphinx.util import logging as sphinx_logging
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.foot_domain import BibtexFootDomain

from sphinx_evidence.bib.style import EvidenceStyle
from sphinx_evidence.citations import plugins
from sphinx_evidence.citations import readinglist as rl
from sphinx_evidence.citations.citestyle import EvidenceReferenceStyle
from sphinx_evidence.citations.config import PREFIX, CitationsConfig, citations_config
from sphinx_evidence.citations.domain import EvidenceBibDomain
from sphinx_evidence.citations.entry import check_supply_label
from sphinx_evidence.citations.load import load_bibfiles
from sphinx_evidence.citations.resolve import env_updated
from sphinx_evidence.citations.roles import EvidenceCiteRole, EvidenceFootCiteRole, env_get_outdated
from sphinx_evidence.citations.transforms import (
    BibliographyExtras,
    FootnoteBadges,
    SafeBibtexDomain,
    add_exports,
    citation_tooltips,
    citation_visitors,
)
from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.core.nodes import chained, setup_nodes
from sphinx_evidence.core.parallel import remember_main_process
from sphinx_evidence.core.warnings import Warn, warn


def _config_inited(app: Sphinx, config: Config) -> None:
    citations_config(config)
    if config.bibtex_bibfiles is None and "sphinxcontrib.bibtex" not in config.extensions:
        # set up by us, not asked for: a site without a bibliography builds as before
        config.bibtex_bibfiles = []


def setup_citations(app: Sphinx) -> None:
    """Register the citations feature with app (sphinxcontrib-bibtex is set up already)."""
    plugins.look_up_once()
    # the house styles by name, also where the package's entry points are not installed
    pybtex.plugin.register_plugin("pybtex.style.formatting", "evidence", EvidenceStyle)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "evidence", EvidenceReferenceStyle
    )
    setup_nodes(app)  # citation tooltips
    app.add_domain(EvidenceBibDomain)
    app.add_domain(SafeBibtexDomain, override=True)
    app.add_directive("reading-list", rl.ReadingListDirective)
    skip = (rl.visit_skip, None)
    app.add_node(rl.reading_list, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(
        nodes.citation,
        override=True,
        html=citation_visitors(chained(app, "html", nodes.citation)),
    )
    app.add_role("cite", EvidenceCiteRole(), override=True)
    for name in BibtexDomain._role_names:
        app.add_role_to_domain("cite", name, EvidenceCiteRole(), override=True)
    app.add_role("footcite", EvidenceFootCiteRole(), override=True)
    for name in BibtexFootDomain._role_names:
        app.add_role_to_domain("footcite", name, EvidenceFootCiteRole(), override=True)
    app.connect("builder-inited", load_bibfiles, priority=400)
    app.connect("env-before-read-docs", remember_main_process)  # -j: see core.parallel
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("env-updated", env_updated, priority=600)
    app.connect("env-check-consistency", check_supply_label)
    app.add_post_transform(rl.ReadingListTransform)
    app.add_post_transform(BibliographyExtras)
    app.add_post_transform(FootnoteBadges)
    app.connect("doctree-resolved", add_exports, priority=500)
    app.connect("doctree-resolved", citation_tooltips, priority=500)


def foreign_cite_domain(app: Sphinx) -> bool:
    """Whether another extension (not sphinxcontrib-bibtex) registered a ``cite`` domain.
    Then the citations stand aside, with a warning, instead of crashing."""
    other = app.registry.domains.get("cite")
    if other is None or issubclass(other, BibtexDomain):
        return False
    message = (
        f"a 'cite' domain is already registered ({other.__module__}.{other.__name__}): "
        "sphinx_evidence's citations, which build on sphinxcontrib-bibtex, are not set up"
    )

    def report(app: Sphinx) -> None:  # once the build has an environment to locate it in
        warn(Warn.config, message, location=str(Path(app.confdir) / "conf.py"))

    app.connect("builder-inited", report)
    return True


class _LateBibtexOverrides(logging.Filter):
    """Sphinx checks ``-D`` overrides before ``config-inited``, when the sphinxcontrib-bibtex
    that we set up then has not yet registered its settings, and calls ``-D bibtex_...``
    unknown. The value is applied once the setting is registered, so the report waits
    until then, and is made only for a name that is still unknown."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        name = str((record.args or ("",))[0])  # type: ignore[index]
        unknown = str(record.msg).startswith("unknown config value %r in override")
        if unknown and name.startswith("bibtex_"):
            self.held.append(name)
            return False
        return True

    def report_unknown(self, config: Config) -> None:
        for name in self.held:
            if name not in config:
                sphinx_logger.warning(__("unknown config value %r in override, ignoring"), name)
        self.held.clear()


_OVERRIDES = _LateBibtexOverrides()
_CONFIG_LOGGER = logging.getLogger("sphinx.sphinx.config")
sphinx_logger = sphinx_logging.getLogger("sphinx.config")


def _set_up_once_configured(app: Sphinx, config: Config) -> None:
    """Every extension of the site is set up by now, whatever its place in ``extensions``:
    set up sphinxcontrib-bibtex and the citations unless another ``cite`` domain is there.
    (In ``setup()`` itself, an extension listed after ours that registers ``cite`` would
    crash on the name that sphinxcontrib-bibtex had taken.)"""
    _CONFIG_LOGGER.removeFilter(_OVERRIDES)
    if foreign_cite_domain(app):
        _OVERRIDES.report_unknown(config)
        return
    app.setup_extension("sphinxcontrib.bibtex")
    _OVERRIDES.report_unknown(config)
    setup_citations(app)
    _config_inited(app, config)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.citations"]``: sphinxcontrib-bibtex, the house
    styles by name, ``{reading-list}``; the rest is off until a setting turns it on."""
    app.setup_extension("sphinx_evidence.access")  # badges of entries with an access field
    cfg.register(app, PREFIX, CitationsConfig)
    if "sphinxcontrib.bibtex" not in app.config.extensions:
        _CONFIG_LOGGER.addFilter(_OVERRIDES)
    app.connect("config-inited", _set_up_once_configured, priority=100)
    return extension_metadata()
