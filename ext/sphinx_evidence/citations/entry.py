"""What every listed entry carries besides its formatted text: the address printed after
its linked title (for print and PDF only), a way in when there is no link ("No online copy
known", "Ask your library and knowledge service", "Search for this title"), and a search
index entry so that Sphinx's search finds the entry by its title.

All of it is stock docutils nodes, so every builder writes it: the printed address is an
``inline`` with class ``evidence-print-url`` (hidden on screen by the HTML stylesheet, shown
when printing; text and LaTeX output show it as text), and the way in is a paragraph with
ordinary links.
"""

from __future__ import annotations

from urllib.parse import quote

from docutils import nodes
from pybtex.database import Entry
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from sphinx_evidence.bib.latex import plain
from sphinx_evidence.bib.links import entry_link, safe_url
from sphinx_evidence.citations.config import CitationsConfig, citations_config
from sphinx_evidence.core.nodes import PRINT_URL, print_url
from sphinx_evidence.core.warnings import Warn, warn

NO_LINK = "No online copy known."
ASK = "Ask your library and knowledge service"
SEARCH = "Search for this title"


def add_print_urls(item: nodes.Element) -> None:
    """After each external link of ``item`` whose text is not its address (a linked
    title), print the address, unless it already is."""
    for ref in list(item.findall(nodes.reference)):
        href = ref.get("refuri", "")
        if not isinstance(href, str) or not href.startswith(("https://", "http://")):
            continue
        if ref.astext().strip().rstrip("/") == href.rstrip("/"):
            continue
        parent = ref.parent
        following = ref.next_node(descend=False, siblings=True)
        if parent is None or (
            isinstance(following, nodes.inline) and PRINT_URL in following["classes"]
        ):
            continue
        parent.insert(parent.index(ref) + 1, print_url(href))


def search_href(template: str, entry: Entry) -> str | None:
    """The discovery-search address of ``entry``'s title (``None`` when not http(s))."""
    title = plain(entry.fields.get("title", "")).strip()
    if not template or not title:
        return None
    return safe_url(template.replace("{title}", quote(title, safe="")))


def supply_label(env: BuildEnvironment, options: CitationsConfig) -> str:
    """The document-supply label, when a page defines it ("" otherwise)."""
    label = options.supply_label
    return label if label and label in env.domains.standard_domain.labels else ""


def check_supply_label(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: warn when the document-supply label is not defined."""
    options = citations_config(app.config)
    if options.way_in and options.supply_label and not supply_label(env, options):
        warn(
            Warn.config,
            f"evidence_citations_supply_label {options.supply_label!r} is not a label of any "
            "page; entries with no link say so, without a link to help. Put a "
            f"({options.supply_label})= line above the section on getting a copy",
        )


def way_in(
    entry: Entry, options: CitationsConfig, label: str, inline: bool = False
) -> list[nodes.Node]:
    """For an entry with no link: "No online copy known." and the ways to get it (``label``:
    the defined document-supply label, or "") as a paragraph, or, ``inline``, as nodes to
    end a footnote with; ``[]`` for a linked entry."""
    if not options.way_in or entry_link(entry) is not None:
        return []
    parts: list[nodes.Node] = [
        nodes.inline(NO_LINK, NO_LINK, classes=["evidence-no-link"]),
    ]
    if label:
        ask = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="ref",
            reftarget=label,
            refexplicit=True,
            refwarn=True,
        )
        ask += nodes.inline(ASK, ASK)
        parts += [nodes.Text(" "), ask, nodes.Text(".")]
    href = search_href(options.search_url, entry)
    if href:
        search = nodes.reference(SEARCH, SEARCH, refuri=href, classes=["evidence-search-title"])
        parts += [nodes.Text(" "), search, nodes.Text(".")]
    if inline:
        return [nodes.Text(" "), *parts]
    para = nodes.paragraph("", "", classes=["evidence-way-in"])
    para += parts
    return [para]


def index_entry(entry: Entry, target_id: str) -> addnodes.index:
    """A search index entry for ``entry``'s title pointing at ``target_id`` (HTML only:
    Sphinx's search finds an entry by its title and links to it)."""
    title = " ".join(plain(entry.fields.get("title", entry.key)).replace(";", ",").split())
    return addnodes.index(entries=[("single", title, target_id, "", None)], inline=False)
