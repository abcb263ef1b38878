"""Node helpers: small node classes every builder can write, and visitor chaining.

* :class:`disclosure`: a ``<details>`` box in HTML with a ``<summary>``; its children as
  usual in every other builder.
* :class:`tooltip`: a badge or citation link described by a tooltip (HTML), its label
  elsewhere; :class:`post_date`: ``<time datetime>`` in HTML, text elsewhere.
* :func:`add_node_everywhere`: register a node with an HTML visitor and a plain fallback
  for latex, text, man and texinfo, so no builder meets a node it cannot write.
* :func:`print_url`: the address of a linked title, shown only on paper (class
  ``evidence-print-url``; each feature's stylesheet hides it on screen).
* :func:`page_title`, :func:`page_link`: a page's title as text, and a link to a page that
  every builder resolves (written once for "Used on", "Cited on", post tags and lists).
* :func:`previous_handler`: the visitor pair registered for a node before ours (another
  extension's, such as sphinx-design's container visitor, or ``None``), so an override
  can hand back to it instead of to the translator class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

Visitor = Callable[[Any, Any], None]
#: The builders (by format) that get a fallback visitor from :func:`add_node_everywhere`.
OTHER_FORMATS = ("latex", "text", "man", "texinfo")


class disclosure(nodes.General, nodes.Element):
    """A box that folds its children away behind a summary (HTML ``<details>``)."""


def visit_disclosure_html(self: Any, node: disclosure) -> None:
    self.body.append(self.starttag(node, "details"))
    self.body.append(f"<summary>{escape(node.get('summary', ''))}</summary>\n")


def depart_disclosure_html(self: Any, node: disclosure) -> None:
    self.body.append("</details>\n")


def visit_children(self: Any, node: nodes.Element) -> None:
    """Write nothing for the node itself; its children are written as usual."""


def depart_children(self: Any, node: nodes.Element) -> None:
    """See :func:`visit_children`."""


def add_node_everywhere(
    app: Sphinx,
    node: type[nodes.Element],
    html: tuple[Visitor, Visitor | None],
    other: tuple[Visitor, Visitor | None] = (visit_children, depart_children),
    **overrides: tuple[Visitor, Visitor | None],
) -> None:
    """Register ``node`` with ``html`` visitors for HTML builders and ``other`` (or a
    per-format override) for latex, text, man and texinfo."""
    handlers = {fmt: overrides.get(fmt, other) for fmt in OTHER_FORMATS}
    app.add_node(node, override=True, html=html, **handlers)


def previous_handler(app: Sphinx, fmt: str, node: type[nodes.Node]) -> tuple[Any, Any] | None:
    """The (visit, depart) pair another extension registered for ``node`` in ``fmt``."""
    return app.registry.translation_handlers.get(fmt, {}).get(node.__name__)


def chained(
    app: Sphinx, fmt: str, node: type[nodes.Node]
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """Functions that call the visitor registered before ours for ``node``, else the
    translator's own method (``visit_<name>`` / ``depart_<name>``)."""
    before = previous_handler(app, fmt, node)
    name = node.__name__

    def visit(self: Any, n: Any) -> None:
        if before is not None and before[0] is not None:
            before[0](self, n)
        else:
            getattr(type(self), f"visit_{name}")(self, n)

    def depart(self: Any, n: Any) -> None:
        if before is not None and before[1] is not None:
            before[1](self, n)
        else:
            getattr(type(self), f"depart_{name}")(self, n)

    return visit, depart


class tooltip(nodes.Inline, nodes.TextElement):
    """A label with a tooltip: in HTML a link (``href``) or a focusable span described by
    a tooltip (``tip``, id ``tip_id``) that shows on hover and keyboard focus; in every
    other builder the label alone. ``label_classes`` go on the link; ``classes`` on the
    wrapper (``evidence-badge-wrap`` ...)."""


def visit_tooltip_html(self: Any, node: tooltip) -> None:
    self.body.append(self.starttag(node, "span", ""))
    label = " ".join(node.get("label_classes", []))
    described = {"aria-describedby": node["tip_id"]}
    if node.get("href"):
        inner = self.starttag(nodes.inline(), "a", "", CLASS=label, href=node["href"], **described)
    else:
        inner = self.starttag(nodes.inline(), "span", "", CLASS=label, tabindex="0", **described)
    self.body.append(inner)


def depart_tooltip_html(self: Any, node: tooltip) -> None:
    self.body.append("</a>" if node.get("href") else "</span>")
    holder = nodes.inline(ids=[node["tip_id"]])
    tip = self.starttag(holder, "span", "", CLASS="evidence-badge-tip", role="tooltip")
    self.body.append(f"{tip}{self.encode(node.get('tip', ''))}</span></span>")


class post_date(nodes.Inline, nodes.TextElement):
    """A (partial) date: ``<time datetime>`` in HTML, its text in every other builder."""


def visit_post_date_html(self: Any, node: post_date) -> None:
    self.body.append(self.starttag(node, "time", "", datetime=node.get("datetime", "")))


def depart_post_date_html(self: Any, node: post_date) -> None:
    self.body.append("</time>")


def visit_as_inline(self: Any, node: nodes.Element) -> None:
    """Write the node as the translator writes an ``inline`` (its classes as a role)."""
    self.visit_inline(node)


def depart_as_inline(self: Any, node: nodes.Element) -> None:
    self.depart_inline(node)


def setup_nodes(app: Sphinx) -> None:
    """Register the shared node classes (safe to call more than once)."""
    add_node_everywhere(app, disclosure, html=(visit_disclosure_html, depart_disclosure_html))
    add_node_everywhere(app, tooltip, html=(visit_tooltip_html, depart_tooltip_html))
    add_node_everywhere(
        app,
        post_date,
        html=(visit_post_date_html, depart_post_date_html),
        other=(visit_as_inline, depart_as_inline),
    )


def builder_format(env: BuildEnvironment) -> str:
    """The output format of the running builder ("html", "latex", ...), as Sphinx's own
    post-transforms read it (a transform's ``app`` is deprecated in Sphinx 9)."""
    return str(env._builder_cls.format)


def page_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title as text (its docname when it has none)."""
    title = env.titles.get(docname)
    text = title.astext().strip() if title is not None else ""
    return text or docname


def page_link(
    target: str, text: str, refdoc: str, classes: Sequence[str] = ()
) -> addnodes.pending_xref:
    """A link to page ``target`` (a docname) that every builder resolves, as ``{doc}`` does."""
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + target,
        refexplicit=True,
        refwarn=True,
        refdoc=refdoc,
    )
    ref += nodes.inline(text, text, classes=list(classes))
    return ref


#: The class of an address printed after its linked title (hidden on screen).
PRINT_URL = "evidence-print-url"


def print_url(href: str) -> nodes.inline:
    """`` <https://...>``: the address of a linked title, for print (never indexed)."""
    text = f" <{href}>"
    return nodes.inline(text, text, classes=[PRINT_URL, "no-search"])
