"""A navigation cache for furo: the global navigation tree rendered once per build.

furo writes the whole site's navigation into every page's sidebar: for each page it asks
Sphinx for the global toctree (resolving every toctree of the site), renders it to HTML and
rewrites it with BeautifulSoup. Each page costs as much as the site has pages, so a build
costs pages x pages. This extension renders the tree once per build (per builder process)
through the same Sphinx and furo code, with a marker in each link and class list, and then
writes each page's sidebar by filling in that page's links and its ``current`` marks: the
sidebar is byte for byte what furo writes (``tests/test_navcache.py`` compares every page).

It does nothing unless the theme is furo (or inherits from it) and the builder writes one
page per document (``html``, ``dirhtml``; not ``singlehtml``), and it steps aside for a
whole build when the site uses what the template does not model (a ``tocdepth`` in a
page's metadata, ``only`` nodes in a table of contents) and for a page whose links would
need escaping. ``evidence_navigation_cache = False`` turns it off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.navcache.template import FURO_KWARGS, NavTemplate, build_template

PREFIX = "evidence_navigation"


@dataclass(frozen=True)
class NavigationConfig:
    """Options of the navigation cache (``evidence_navigation_<name>`` in conf.py)."""

    cache: bool = field(
        default=True,
        metadata={
            "help": "furo sites: render the sidebar's navigation tree once per build and "
            "mark each page's place in it, instead of rendering the whole tree for every "
            "page. The pages are byte for byte the same either way."
        },
    )


class _Toctree:
    """``context["toctree"]`` for furo's one call: the template's Sphinx HTML for furo's
    arguments, the page's own toctree for any other call."""

    def __init__(self, original: Any, html: str) -> None:
        self.original = original
        self.html = html
        self.used = False

    def __call__(self, **kwargs: Any) -> str:
        if kwargs == FURO_KWARGS:
            self.used = True
            return self.html
        return str(self.original(**kwargs))


_STATE: WeakKeyDictionary[Any, NavTemplate | None] = WeakKeyDictionary()
"""Per builder and build: the template, or None when the cache steps aside. Parallel
write workers are forked after the first page is written, so they inherit it."""


def _applies(app: Sphinx) -> bool:
    return (
        "furo" in app.extensions
        and app.builder.format == "html"
        and app.builder.name != "singlehtml"
        and bool(getattr(app.config, f"{PREFIX}_cache", False))
    )


def _is_sphinx_toctree(function: Any) -> bool:
    """Whether ``context["toctree"]`` is still the one the HTML builder made for the page
    (an extension such as sphinx-notfound-page may have put its own there: then the page
    is left to it)."""
    return getattr(function, "__module__", "") == "sphinx.builders.html" and getattr(
        function, "__qualname__", ""
    ).endswith("handle_page.<locals>.<lambda>")


def _template(app: Sphinx) -> NavTemplate | None:
    builder = app.builder
    if builder not in _STATE:
        _STATE[builder] = build_template(app.env, builder)
    return _STATE[builder]


def _reset(app: Sphinx, *args: Any) -> None:
    """A new build: the tree is rendered again from this build's environment."""
    _STATE.pop(app.builder, None)


def _before_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not _applies(app) or not _is_sphinx_toctree(context.get("toctree")):
        return
    template = _template(app)
    if template is not None:
        context["toctree"] = _Toctree(context["toctree"], template.sphinx_html)


def _after_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    wrapper = context.get("toctree")
    if not isinstance(wrapper, _Toctree):
        return
    context["toctree"] = wrapper.original
    if not wrapper.used:
        return
    template = _template(app)
    page = None
    if template is not None and context.get("furo_navigation_tree") == template.furo_html:
        page = template.render(pagename, app.builder)
    if page is None:  # the stock way, as furo does it
        from furo.navigation import get_navigation_tree

        page = get_navigation_tree(wrapper.original(**FURO_KWARGS))
    context["furo_navigation_tree"] = page


def _config_inited(app: Sphinx, config: Config) -> None:
    cfg.read(config, PREFIX, NavigationConfig)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting and the two page-context handlers around furo's (priority 500)."""
    cfg.register(app, PREFIX, NavigationConfig, rebuild="")
    app.connect("config-inited", _config_inited)
    app.connect("env-updated", _reset)
    app.connect("html-page-context", _before_furo, priority=499)
    app.connect("html-page-context", _after_furo, priority=501)
    return extension_metadata()
