"""Accessibility fix-ups of the stock HTML that Sphinx, furo and sphinx-design write.

axe-core (WCAG 2.2 A/AA) finds these on a plain furo + sphinx-design site:

* ``aria-required-attr``: a toctree caption is written as ``<p class="caption"
  role="heading">`` with no ``aria-level``. Our HTML visitor for ``title`` writes the same
  element with ``aria-level="2"`` and leaves every other title to the translator's own code.
* ``color-contrast``: sphinx-design's success, info, warning (and, in dark mode, most other)
  colours fail AA as badge backgrounds or as outline text. ``static/a11y.css`` gives
  sphinx-design a palette that passes 4.5:1 in furo's light and dark modes.
* ``scrollable-region-focusable`` (2.1.1): a code block too wide for a phone screen
  scrolls sideways but cannot be reached from the keyboard. Our ``literal_block``
  visitor gives each highlighted ``<pre>`` ``tabindex="0"``; the same goes for the
  ``table-wrapper`` and ``math-wrapper`` containers furo puts around tables and equations.
* ``target-size`` (2.5.8): furo's "On this page" links are 14px tall and closely packed;
  the stylesheet makes each at least 24px tall.

All of it is off unless ``evidence_a11y_fixes = True``; then only HTML builders get the
stylesheet, and other builders are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.writers.html5 import HTML5Translator

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.core.assets import STATIC, add_page_asset
from sphinx_evidence.core.nodes import chained

CSS = "evidence-a11y.css"
SOURCE = STATIC / "a11y.css"
CAPTION_LEVEL = "2"
"""The sidebar's and a page's toctree captions head a list of pages: level 2, under the
page or site title."""


PREFIX = "evidence_a11y"


@dataclass(frozen=True)
class A11yConfig:
    """Options of the accessibility fixes (``evidence_a11y_<name>`` in conf.py)."""

    fixes: bool = field(
        default=False,
        metadata={
            "help": "HTML: toctree captions with an aria-level, code blocks and scrolling "
            "tables reachable by keyboard, citation lists as role=list, and a stylesheet "
            "with contrast-safe sphinx-design colours and larger link targets."
        },
    )


def enabled(config: Config) -> bool:
    """Whether a project asked for the accessibility fixes."""
    return bool(getattr(config, f"{PREFIX}_fixes", False))


def _is_toctree_caption(node: nodes.title) -> bool:
    return isinstance(node.parent, addnodes.compact_paragraph) and bool(node.parent.get("toctree"))


Handlers = tuple[Any, Any]


def _title_visitors(before: Handlers) -> Handlers:
    def visit_title(self: HTML5Translator, node: nodes.title) -> None:
        """A toctree caption as a heading with a level; any other title as before."""
        if not (enabled(self.config) and _is_toctree_caption(node)):
            before[0](self, node)
            return
        attributes: dict[str, Any] = {
            "CLASS": "caption",
            "ROLE": "heading",
            "aria-level": CAPTION_LEVEL,
        }
        self.body.append(self.starttag(node, "p", "", **attributes))
        self.body.append('<span class="caption-text">')
        self.context.append("</span></p>\n")

    return visit_title, before[1]


def _literal_block_visitors(before: Handlers) -> Handlers:
    def visit_literal_block(self: HTML5Translator, node: nodes.literal_block) -> None:
        """A highlighted code block as before, with its ``<pre>`` reachable by keyboard."""
        written = len(self.body)
        try:
            before[0](self, node)
        finally:  # the translator raises SkipNode once the block is written
            if enabled(self.config):
                for index in range(written, len(self.body)):
                    chunk = self.body[index]
                    if 'class="highlight"><pre>' in chunk:
                        self.body[index] = chunk.replace(
                            'class="highlight"><pre>', 'class="highlight"><pre tabindex="0">', 1
                        )
                        break

    return visit_literal_block, before[1]


SCROLLING_WRAPPERS = frozenset({"table-wrapper", "math-wrapper"})
"""Classes of furo's containers that scroll sideways when their content is too wide."""


def _scrolling(self: HTML5Translator, node: nodes.container) -> bool:
    return not SCROLLING_WRAPPERS.isdisjoint(node["classes"]) and enabled(self.config)


def _container_visitors(before: Handlers) -> Handlers:
    def visit_container(self: HTML5Translator, node: nodes.container) -> None:
        """furo's scrolling wrappers reachable by keyboard; any other container as before
        (sphinx-design's visitor, when it registered one)."""
        if not _scrolling(self, node):
            before[0](self, node)
            return
        self.body.append(self.starttag(node, "div", CLASS="docutils container", tabindex="0"))

    def depart_container(self: HTML5Translator, node: nodes.container) -> None:
        if not _scrolling(self, node):
            before[1](self, node)
        else:
            self.body.append("</div>\n")

    return visit_container, depart_container


def _config_inited(app: Sphinx, config: Config) -> None:
    cfg.read(config, PREFIX, A11yConfig)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if enabled(app.config):
        add_page_asset(app, SOURCE, CSS, priority=900)


def setup_a11y(app: Sphinx) -> None:
    """Register the HTML visitors (captions, code blocks, scrolling wrappers) and the
    stylesheet; each visitor hands back to the one registered before it."""
    cfg.register(app, PREFIX, A11yConfig, rebuild="html")
    for node, make in (
        (nodes.title, _title_visitors),
        (nodes.literal_block, _literal_block_visitors),
        (nodes.container, _container_visitors),
    ):
        app.add_node(node, override=True, html=make(chained(app, "html", node)))
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.a11y"]``: off until ``evidence_a11y_fixes = True``."""
    setup_a11y(app)
    return extension_metadata()
