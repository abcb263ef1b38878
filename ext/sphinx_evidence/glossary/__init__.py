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

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.core import config as config_mod
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.core.assets import STATIC, add_page_asset, has_class
from sphinx_evidence.core.parallel import remember_main_process
from sphinx_evidence.glossary.config import PREFIX, GlossaryConfig, glossary_config
from sphinx_evidence.glossary.domain import GlossaryDomain, collect
from sphinx_evidence.glossary.links import setup_links
from sphinx_evidence.glossary.messages import setup_messages
from sphinx_evidence.glossary.resolve import env_updated

ASSETS = {"glossary.js": "evidence-glossary.js", "glossary.css": "evidence-glossary.css"}


def _config_inited(app: Sphinx, config: Config) -> None:
    glossary_config(config)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the glossary's stylesheet from pages with term links or an A-Z list, and its
    script from pages with term links."""
    terms = has_class(doctree, "evidence-term")
    if terms or has_class(doctree, "evidence-glossary-az"):
        add_page_asset(app, STATIC / "glossary.css", ASSETS["glossary.css"], priority=502)
    if terms:
        add_page_asset(app, STATIC / "glossary.js", ASSETS["glossary.js"], loading_method="defer")


def setup_glossary(app: Sphinx) -> None:
    """Register the glossary feature with app."""
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
    app.connect("env-before-read-docs", remember_main_process)  # -j: see core.parallel
    setup_links(app)
    setup_messages(app)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.glossary"]``: nothing changes until a site turns on
    ``evidence_glossary_autolink``, ``_previews`` or ``_backlinks``."""
    setup_glossary(app)
    return extension_metadata()
