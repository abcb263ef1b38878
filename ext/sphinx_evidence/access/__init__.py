"""Access levels: a validated vocabulary, badges, and the ``{access}`` role.

The vocabulary is configuration (``evidence_access_levels`` in ``conf.py``); each level has
a label, a one-line explanation and colours for light and dark mode, checked at
``config-inited`` for WCAG AA contrast. A badge is built as a stock ``inline`` node with
class ``evidence-badge`` (so every builder shows its label in words); for HTML a
post-transform turns it into a link to the help page with a tooltip that shows on hover
and on keyboard focus and is tied to the link with ``aria-describedby``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.access.badge import AccessRole, badges_to_html
from sphinx_evidence.access.levels import (
    COLOURS_CSS,
    PREFIX,
    AccessConfig,
    access_config,
    colours_css,
)
from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.core.assets import STATIC, add_page_asset, has_class
from sphinx_evidence.core.nodes import setup_nodes
from sphinx_evidence.core.warnings import Warn, warn


def _config_inited(app: Sphinx, config: Config) -> None:
    access_config(config)  # raises ConfigError when unusable


def _builder_inited(app: Sphinx) -> None:
    settings = access_config(app.config)
    if settings.help_page and settings.help_page not in app.env.found_docs and app.env.found_docs:
        warn(Warn.config, f"evidence_access_help_page {settings.help_page!r} is not a page")


#: Classes that show a page uses badges, tooltips or reading lists (and so their assets).
MARKERS = ("evidence-badge", "evidence-reading-list", "evidence-level-", "evidence-cite-wrap")


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the badges' stylesheets and the reading-list script from pages using them, and
    the snippet cleaner from the search page of a site whose pages hold hidden tooltips."""
    if pagename == "search" and _hidden_text(app):
        add_page_asset(app, STATIC / "search.js", "evidence-search.js", loading_method="defer")
    if not has_class(doctree, *MARKERS):
        return
    add_page_asset(app, STATIC / "access.css", "evidence-access.css", priority=500)
    colours = colours_css(access_config(app.config).parsed)
    add_page_asset(app, None, COLOURS_CSS, content=colours, priority=501)
    add_page_asset(
        app, STATIC / "readinglist.js", "evidence-readinglist.js", loading_method="defer"
    )


def _hidden_text(app: Sphinx) -> bool:
    """Whether the site's pages may hold text a reader does not see in place: badges of
    .bib entries (entries with an ``access`` field), glossary previews, citation tooltips."""
    citations = app.env.domains.get("evbib")
    cache = citations.data.get("cache") if citations is not None else None
    entries = cache.data.entries.values() if cache is not None else ()
    loaded = any("access" in entry.fields for entry in entries)
    previews = bool(getattr(app.config, "evidence_glossary_previews", False))
    tooltips = bool(getattr(app.config, "evidence_citations_tooltips", False))
    return loaded or previews or tooltips


def setup_access(app: Sphinx) -> None:
    """Register the access feature with app."""
    cfg.register(app, PREFIX, AccessConfig)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.add_role("access", AccessRole())
    setup_nodes(app)  # badges with tooltips
    app.connect("doctree-resolved", badges_to_html, priority=600)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.access"]``: the ``{access}`` role and its badges."""
    setup_access(app)
    return extension_metadata()
