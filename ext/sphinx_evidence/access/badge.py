"""The badge of an access level: a node every builder shows in words, the ``{access}`` role,
and its HTML form (a link to the help page with an accessible tooltip)."""

from __future__ import annotations

from docutils import nodes
from pybtex.database import Entry
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxRole

from sphinx_evidence.access.levels import Level, access_config
from sphinx_evidence.bib.links import entry_link
from sphinx_evidence.core.nodes import tooltip
from sphinx_evidence.core.text import suggestion
from sphinx_evidence.core.warnings import Warn, role_location, warn

BADGE_CLASS = "evidence-badge"


#: Added to a badge's tooltip when its entry has no link: the level says who may read it,
#: not that there is something to click.
UNLINKED_TIP = "No online copy is known: see how to get it."


def badge(
    level: str,
    config: Config,
    bracket: bool = False,
    levels: dict[str, Level] | None = None,
    unlinked: bool = False,
) -> nodes.inline:
    """A badge node for ``level``: its label in words (in brackets after a reference, when
    ``bracket``); in HTML it becomes a link with a tooltip. Pass ``levels`` (the parsed
    vocabulary) when making many badges, to validate the configuration only once.
    ``unlinked``: the entry has no link, which the tooltip says."""
    if levels is None:
        levels = access_config(config).parsed
    label = levels[level].label if level in levels else level
    if bracket:
        label = f"[{label}]"
    node = nodes.inline(label, label, classes=[BADGE_CLASS, f"evidence-access-{level}"])
    node["evidence_access"] = level
    if unlinked:
        node["evidence_unlinked"] = True
    return node


def badge_entry(
    item: nodes.Element, entry: Entry, config: Config, levels: dict[str, Level]
) -> None:
    """Put the badge of ``entry``'s ``access`` level (when it has a known one) beside its
    title in ``item`` (a bibliography entry, a footnote): after the title when the entry
    starts with it, as the house style writes it, else at the end of its last paragraph."""
    level = entry.fields.get("access", "").strip()
    paragraphs = [c for c in item.children if isinstance(c, nodes.paragraph)]
    if level not in levels or not paragraphs:
        return
    unlinked = entry_link(entry) is None
    mark = [nodes.Text(" "), badge(level, config, bracket=True, levels=levels, unlinked=unlinked)]
    first = paragraphs[0]
    if first.children and isinstance(first[0], (nodes.emphasis, nodes.reference)):
        at = 1
        after = first[1] if len(first) > 1 else None
        if isinstance(after, nodes.Element) and "evidence-print-url" in after["classes"]:
            at = 2  # the address printed after a linked title stays with it
        rest = first[at] if len(first) > at else None
        if isinstance(rest, nodes.Text) and rest.astext()[:1] in ".,;:":
            # "Title. [Free] Publisher.": the title's full stop stays before the badge
            first[at] = nodes.Text(rest.astext()[1:])
            mark.insert(0, nodes.Text(rest.astext()[0]))
        first[at:at] = mark
    else:
        paragraphs[-1] += mark


class AccessRole(SphinxRole):
    """``{access}`openathens``` puts the badge of an access level in prose."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        level = self.text.strip()
        levels = access_config(self.config).parsed
        if level not in levels:
            warn(
                Warn.access_unknown,
                f'"{level}" is not an access level; use one of: {", ".join(levels)}.'
                + suggestion(level, levels),
                location=role_location(self),
            )
            return [nodes.inline(self.text, self.text)], []
        node = badge(level, self.config, levels=levels)
        self.set_source_info(node)
        return [node], []


def badges_to_html(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In HTML, make each badge a link to the help page with an accessible tooltip."""
    if app.builder.format != "html":
        return
    settings = access_config(app.config)
    levels = settings.parsed
    help_uri = ""
    if settings.help_page and settings.help_page in app.env.found_docs:
        help_uri = app.builder.get_relative_uri(docname, settings.help_page)
    count = 0
    for node in list(doctree.findall(nodes.inline)):
        level = node.get("evidence_access")
        if not level or level not in levels:
            continue
        count += 1
        info = levels[level]
        tip_id = f"evidence-badge-tip-{count}"
        label = info.label
        tip = tooltip(
            label,
            label,
            classes=["evidence-badge-wrap"],
            label_classes=[BADGE_CLASS, f"evidence-access-{level}"],
            href=help_uri,
            tip=f"{info.explanation} {UNLINKED_TIP}"
            if node.get("evidence_unlinked")
            else info.explanation,
            tip_id=tip_id,
        )
        node.parent.replace(node, tip)  # (replace_self would copy the badge's classes)
