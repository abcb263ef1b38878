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

Only HTML builders get the stylesheet; other builders are untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

CSS = "evidence-a11y.css"
SOURCE = Path(__file__).parent / "static" / "a11y.css"
CAPTION_LEVEL = "2"
"""The sidebar's and a page's toctree captions head a list of pages: level 2, under the
page or site title."""


def _is_toctree_caption(node: nodes.title) -> bool:
    return isinstance(node.parent, addnodes.compact_paragraph) and bool(node.parent.get("toctree"))


def visit_title(self: HTML5Translator, node: nodes.title) -> None:
    """A toctree caption as a heading with a level; any other title as usual."""
    if not _is_toctree_caption(node):
        type(self).visit_title(self, node)
        return
    attributes: dict[str, Any] = {
        "CLASS": "caption",
        "ROLE": "heading",
        "aria-level": CAPTION_LEVEL,
    }
    self.body.append(self.starttag(node, "p", "", **attributes))
    self.body.append('<span class="caption-text">')
    self.context.append("</span></p>\n")


def depart_title(self: HTML5Translator, node: nodes.title) -> None:
    type(self).depart_title(self, node)


def visit_literal_block(self: HTML5Translator, node: nodes.literal_block) -> None:
    """A highlighted code block as usual, with its ``<pre>`` reachable by keyboard."""
    written = len(self.body)
    try:
        type(self).visit_literal_block(self, node)
    finally:  # the translator raises SkipNode once the block is written
        for index in range(written, len(self.body)):
            chunk = self.body[index]
            if 'class="highlight"><pre>' in chunk:
                self.body[index] = chunk.replace(
                    'class="highlight"><pre>', 'class="highlight"><pre tabindex="0">', 1
                )
                break


SCROLLING_WRAPPERS = frozenset({"table-wrapper", "math-wrapper"})
"""Classes of furo's containers that scroll sideways when their content is too wide."""


def visit_container(self: HTML5Translator, node: nodes.container) -> None:
    """furo's scrolling wrappers reachable by keyboard; any other container as usual."""
    if SCROLLING_WRAPPERS.isdisjoint(node["classes"]):
        type(self).visit_container(self, node)
        return
    self.body.append(self.starttag(node, "div", CLASS="docutils container", tabindex="0"))


def depart_container(self: HTML5Translator, node: nodes.container) -> None:
    if SCROLLING_WRAPPERS.isdisjoint(node["classes"]):
        type(self).depart_container(self, node)
    else:
        self.body.append("</div>\n")


def depart_literal_block(self: HTML5Translator, node: nodes.literal_block) -> None:
    type(self).depart_literal_block(self, node)


def _add_css(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, static / CSS)
    app.add_css_file(CSS, priority=900)


def setup_a11y(app: Sphinx) -> None:
    """Register the HTML visitors (captions, code blocks, scrolling wrappers) and the
    stylesheet."""
    app.add_node(nodes.title, override=True, html=(visit_title, depart_title))
    app.add_node(
        nodes.literal_block, override=True, html=(visit_literal_block, depart_literal_block)
    )
    app.add_node(nodes.container, override=True, html=(visit_container, depart_container))
    app.connect("builder-inited", _add_css)
