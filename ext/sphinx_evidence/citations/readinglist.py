"""The ``{reading-list}`` directive: annotated lists of references.bib entries.

::

    :::{reading-list}
    :keywords: key-publications
    :filter: type == "article"
    :sort: date | title | listed
    :group: access
    key1
    key2
    :::

The directive records what the list asks for (in :class:`ListSpec`) and leaves a
placeholder node. Which entries it shows is decided once all pages are read (see
:func:`resolve`), and the placeholder is replaced at write time by :class:`ReadingListTransform`,
so a list is always current on incremental builds.

Each entry reads: its title, linked when the entry has a link (the address follows it for
print only), with the access badge beside it; then who, when and what on one line; then,
with ``evidence_citations_way_in``, "No online copy known" and the ways to get a copy when it
has no link; then its annotation. A list of ``evidence_citations_filter_min`` entries or more
gets a filter in HTML (``static/readinglist.js``). The entries of every list on a page go
into that page's one downloads menu (:func:`downloads_menu`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex_docutils import Backend
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from sphinx_evidence.access.badge import badge
from sphinx_evidence.access.levels import Level, access_config
from sphinx_evidence.bib.dates import sort_date
from sphinx_evidence.bib.export import FORMATS, write_all
from sphinx_evidence.bib.latex import latex_text, plain
from sphinx_evidence.bib.links import entry_link
from sphinx_evidence.bib.load import BibCache, keywords
from sphinx_evidence.bib.names import name_parts, short_who
from sphinx_evidence.bib.style import EvidenceStyle
from sphinx_evidence.bib.types import FAMILIES
from sphinx_evidence.citations.config import citations_config
from sphinx_evidence.citations.domain import domain_of
from sphinx_evidence.citations.entry import index_entry, supply_label, way_in
from sphinx_evidence.core.nodes import builder_format, disclosure, print_url
from sphinx_evidence.core.text import safe_id, suggestion
from sphinx_evidence.core.warnings import Warn, warn

SORTS = ("listed", "date", "title")
EXPORT_DIR = "_downloads/evidence"


class ListSpec(NamedTuple):
    """What one reading list asks for."""

    line: int
    keywords: tuple[str, ...]
    filter: str
    keys: tuple[str, ...]
    sort: str
    group: str


class reading_list(nodes.General, nodes.Element):
    """Placeholder for a reading list, replaced by :class:`ReadingListTransform`."""


class ReadingListDirective(SphinxDirective):
    """Record a reading list and leave a placeholder for it."""

    has_content = True
    option_spec = {
        "keywords": directives.unchanged_required,
        "filter": directives.unchanged_required,
        "sort": directives.unchanged,
        "group": directives.unchanged,
    }

    def _line_of(self, offset: int) -> int:
        """The source line of content line ``offset`` (reST and MyST count differently)."""
        if type(self.state).__module__.startswith("myst_parser"):
            # MyST: content_offset counts the lines after the directive's first line up to its
            # content (options, a YAML block and blank lines included)
            return self.lineno + self.content_offset + offset + 1
        return self.content_offset + offset + 1  # reST: absolute, 0-based

    def run(self) -> list[nodes.Node]:

        domain = domain_of(self.env)
        cache = domain.cache
        spec_keys: list[str] = []
        for offset, raw in enumerate(self.content):
            for key in raw.replace(",", " ").split():
                if cache is not None and key not in cache.data.entries:
                    warn(
                        Warn.cite_unknown,
                        f'reading list: no entry of the bibliography has the key "{key}":'
                        " check its spelling." + suggestion(key, cache.data.entries),
                        location=(self.env.docname, self._line_of(offset)),
                    )
                else:
                    if cache is not None:
                        key = cache.data.entries[key].key  # as references.bib spells it
                    if key not in spec_keys:
                        spec_keys.append(key)
        filter_src = self.options.get("filter", "").strip()
        if filter_src:
            try:
                ast.parse(filter_src)
            except SyntaxError:
                warn(
                    Warn.reading_list,
                    f"reading list: the :filter: {filter_src!r} is not an expression; ignored",
                    location=self.get_location(),
                )
                filter_src = ""
        words = tuple(
            k.strip().lower() for k in self.options.get("keywords", "").split(",") if k.strip()
        )
        if not (words or filter_src or spec_keys or self.content):
            warn(
                Warn.reading_list,
                "reading list: give :keywords:, :filter: or a list of keys",
                location=self.get_location(),
            )
        if cache is not None:
            for path in cache.keys_by_file:
                self.env.note_dependency(path)
        sort = self.options.get("sort", "listed").strip().lower() or "listed"
        if sort not in SORTS:
            warn(
                Warn.reading_list,
                f"reading list: :sort: {sort!r} is not one of {', '.join(SORTS)}; listed order",
                location=self.get_location(),
            )
            sort = "listed"
        group = self.options.get("group", "").strip().lower()
        if group and not re.match(r"^[a-z][a-z0-9_-]*$", group):
            warn(
                Warn.reading_list,
                f"reading list: :group: {group!r} is not a field name; not grouped",
                location=self.get_location(),
            )
            group = ""
        serial = self.env.new_serialno("evidence-reading-list") + 1
        list_id = f"reading-list-{serial}"
        spec = ListSpec(
            line=self.lineno,
            keywords=words,
            filter=filter_src,
            keys=tuple(spec_keys),
            sort=sort,
            group=group,
        )
        domain.lists[(self.env.docname, list_id)] = spec
        node = reading_list("", docname=self.env.docname, list_id=list_id)
        self.set_source_info(node)
        return [node]


def _title_key(entry: Entry) -> str:
    return re.sub(r"^(the|a|an)\s+", "", plain(entry.fields.get("title", entry.key)).casefold())


def select(
    spec: ListSpec,
    docname: str,
    cache: BibCache,
    cited_docnames: Callable[[str], set[str]],
) -> list[str]:
    """The keys of the entries ``spec`` selects, sorted as it asks."""
    from sphinxcontrib.bibtex.domain import _FilterVisitor

    entries = cache.data.entries
    wanted = set(spec.keywords)

    def matching(tree: ast.AST | None) -> list[str]:
        chosen = [k for k in spec.keys if k in entries]
        if not wanted and tree is None:
            return chosen
        listed = set(chosen)
        for key, entry in entries.items():
            if key in listed or (wanted and not wanted & set(keywords(entry))):
                continue
            if tree is not None and not _FilterVisitor(entry, docname, cited_docnames(key)).visit(
                tree
            ):
                continue
            chosen.append(key)
        return chosen

    try:
        chosen = matching(ast.parse(spec.filter) if spec.filter else None)
    except ValueError as err:  # an expression the filter language does not allow
        why = re.sub(r"<ast\.(\w+) object at 0x[0-9a-f]+>", r"\1", str(err))
        warn(
            Warn.reading_list,
            f"reading list: the :filter: cannot be used ({why}); ignored",
            location=(docname, spec.line),
        )
        chosen = matching(None)
    if spec.sort == "date":
        chosen.sort(key=lambda k: _title_key(entries[k]))
        chosen.sort(key=lambda k: sort_date(entries[k]), reverse=True)
    elif spec.sort == "title":
        chosen.sort(key=lambda k: _title_key(entries[k]))
    return chosen


_TYPE_GROUPS = {
    "generic": "Other",
    "part": "Chapters and papers",
    "online": "Web pages",
    "article": "Articles",
    "book": "Books",
    "report": "Reports",
    "thesis": "Theses",
    "patent": "Patents",
    "periodical": "Periodicals",
    "set": "Sets",
}
"""Group headings of ``:group: type``, by layout family."""


def group_label(entry: Entry, field: str, access_labels: dict[str, str]) -> list[str]:
    """The group(s) an entry belongs to when a list is grouped by ``field``."""
    if field == "type":
        kind = FAMILIES.get(entry.type.lower(), "other")
        return [_TYPE_GROUPS.get(kind, kind.capitalize())]
    if field == "access":
        level = entry.fields.get("access", "").strip()
        return [access_labels.get(level, "Access not stated")]
    if field == "year":
        year = sort_date(entry)[0]
        return [str(year) if year else "Undated"]
    if field in ("author", "editor"):
        people = entry.persons.get(field) or []
        if people:  # family name first, LaTeX decoded: "Aks{\\i}n" is "Aks\u0131n"
            family, given = name_parts(people[0])
            return [f"{family}, {given}" if given else family]
        if field == "author":
            who = short_who(entry)  # an organisation, when no person is named
            if who and any(entry.fields.get(f) for f in ("organization", "institution")):
                return [who]
        return ["Other"]
    value = entry.fields.get(field, "")
    if field == "keywords":
        return [k for k in keywords(entry)] or ["Other"]
    return [plain(value)] if value.strip() else ["Other"]


def groups(
    keys: Sequence[str], spec: ListSpec, cache: BibCache, access_labels: dict[str, str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The selected keys split into (label, keys) groups ("" when not grouped)."""
    if not spec.group:
        return (("", tuple(keys)),)
    found: dict[str, list[str]] = {}
    for key in keys:
        labels = group_label(cache.data.entries[key], spec.group, access_labels)
        if spec.group == "keywords" and spec.keywords:  # only the keywords the list asks for
            labels = [label for label in labels if label in spec.keywords] or ["Other"]
        for label in labels:
            found.setdefault(label, []).append(key)
    order = list(found)
    if spec.group == "access":
        rank = {label: n for n, label in enumerate(access_labels.values())}
        order.sort(key=lambda label: rank.get(label, len(rank)))
    if spec.group == "keywords" and spec.keywords:
        order.sort(key=lambda label: label not in spec.keywords)
    return tuple((label, tuple(found[label])) for label in order)


def _heading(label: str, field: str) -> str:
    if field == "keywords":
        return label.replace("-", " ").capitalize()
    return label


def annotation_nodes(entry: Entry) -> list[nodes.Node]:
    """The entry's annotation as paragraphs (``\\par`` separates paragraphs)."""
    text = entry.fields.get("annotation", "") or entry.fields.get("annote", "")
    backend = Backend()
    paras: list[nodes.Node] = []
    for chunk in re.split(r"\\par\b\s*|\n\s*\n", text):
        if chunk.strip():
            para = nodes.paragraph("", "", classes=["evidence-annotation"])
            para += latex_text(chunk.strip()).render(backend)
            paras.append(para)
    return paras


def reference_nodes(formatted: Text) -> list[nodes.Node]:
    """Docutils nodes of a formatted reference."""
    return cast("list[nodes.Node]", formatted.render(Backend()))


_STYLE = EvidenceStyle()


def entry_item(
    entry: Entry,
    formatted: Text,
    config: Any,
    levels: dict[str, Level],
    item_id: str = "",
    html: bool = False,
    label: str = "",
) -> nodes.list_item:
    """One list item: the title (linked, its address printed for print) with the access
    badge beside it, then who, when and what on one line, the way in when there is no
    link, and the annotation. ``html``: with a search index entry for the title;
    ``label``: the document-supply label the way in links to."""
    level = entry.fields.get("access", "").strip()
    known = level in levels
    item = nodes.list_item(
        "",
        classes=["evidence-entry", f"evidence-level-{level if known else 'none'}"],
        ids=[item_id] if item_id else [],
    )
    options = citations_config(config)
    title = _STYLE.title_text(entry)
    link = entry_link(entry)
    para = nodes.paragraph("", "", classes=["evidence-reference"])
    if title is None:  # nothing to put first: the formatted reference as it is
        para += reference_nodes(formatted)
    else:
        shown = reference_nodes(title)
        if link:
            para += nodes.reference("", "", *shown, refuri=link[0], classes=["evidence-title"])
            para += print_url(link[0])
        else:
            para += nodes.inline("", "", *shown, classes=["evidence-title"])
    if known:
        para += nodes.Text(" ")
        para += badge(level, config, bracket=True, levels=levels, unlinked=link is None)
    item += para
    meta = _STYLE.meta_text(entry)
    if title is not None and meta is not None:
        item += nodes.paragraph("", "", *reference_nodes(meta), classes=["evidence-entry-meta"])
    item += way_in(entry, options, label)
    item += annotation_nodes(entry)
    if html and item_id:
        item += index_entry(entry, item_id)
    return item


#: What each download is for, in the downloads menu.
_FOR = {
    "bib": "for BibTeX, JabRef and Zotero",
    "ris": "for EndNote, Zotero, Mendeley and RefWorks",
    "json": "for Zotero and other CSL tools",
}


def downloads_menu(
    builder: Any, docname: str, entries: Sequence[Entry], stem: str
) -> nodes.Element:
    """Write the downloads of ``entries`` and return the page's downloads menu: a
    disclosure ("Download the N references on this page") listing the three formats."""
    base = Path(builder.outdir) / EXPORT_DIR / stem
    vocabulary = access_config(builder.config).parsed
    write_all(entries, base, {k: (v.label, v.explanation) for k, v in vocabulary.items()})
    count = len(entries)
    what = "the reference" if count == 1 else f"the {count} references"
    menu = disclosure(
        "", summary=f"Download {what} on this page", classes=["evidence-export", "no-search"]
    )
    formats = nodes.bullet_list(classes=["evidence-downloads"])
    target = builder.get_target_uri(docname)
    for ext, label, _mime in FORMATS:
        uri = relative_uri(target, f"{EXPORT_DIR}/{stem}.{ext}")
        ref = nodes.reference("", "", refuri=uri, classes=["evidence-download"])
        ref += nodes.Text(f"{label} (.{ext})")
        para = nodes.paragraph("", "", ref, nodes.Text(f", {_FOR[ext]}"))
        formats += nodes.list_item("", para)
    menu += formats
    note = (
        "Each reference keeps its access level (as a keyword and in its note) and its description."
    )
    menu += nodes.paragraph(note, note, classes=["evidence-downloads-note"])
    return menu


def export_stem(docname: str, list_id: str = "") -> str:
    """A file-name stem unique to one page (and list, when ``list_id`` is given)."""
    return safe_id(docname) + ("-" + list_id if list_id else "")


class ReadingListTransform(SphinxPostTransform):
    """Replace each reading-list placeholder by its current entries."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:

        domain = domain_of(self.env)
        cache = domain.cache
        levels = access_config(self.config).parsed
        html = builder_format(self.env) == "html"
        options = citations_config(self.config)
        filter_min = options.filter_min
        supply = supply_label(self.env, options)
        for node in list(self.document.findall(reading_list)):
            key = (node["docname"], node["list_id"])
            grouped = domain.resolved.get(key)
            spec = domain.lists.get(key)
            if cache is None or grouped is None or spec is None:
                node.replace_self([])
                continue
            box = nodes.container(classes=["evidence-reading-list"], ids=[node["list_id"]])
            depth = sum(1 for a in _ancestors(node) if isinstance(a, nodes.section))
            level = min(max(depth + 1, 2), 6)
            shown: list[str] = []
            for label, keys in grouped:
                items = nodes.bullet_list(classes=["evidence-entries"])
                for bib_key in keys:
                    entry = cache.data.entries[bib_key]
                    item_id = f"{node['list_id']}-{safe_id(bib_key)}"
                    if bib_key in shown:  # listed again in another group: one id per page
                        item_id = f"{item_id}-{shown.count(bib_key) + 1}"
                    items += entry_item(
                        entry, cache.formatted[bib_key], self.config, levels, item_id, html, supply
                    )
                    shown.append(bib_key)
                if label:
                    group = nodes.container(classes=["evidence-group"])
                    title = _heading(label, spec.group)
                    heading = nodes.rubric(title, title)
                    heading["heading-level"] = level
                    group += [heading, items]
                    box += group
                else:
                    box += items
            unique = list(dict.fromkeys(shown))
            if filter_min and len(unique) >= filter_min:
                box["classes"].append("evidence-filterable")  # the script adds a filter
            box["evidence_export"] = (export_stem(node["docname"], node["list_id"]), unique)
            node.replace_self(box)


def _ancestors(node: nodes.Node) -> Iterable[nodes.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def visit_skip(self: Any, node: nodes.Node) -> None:
    """A placeholder that reached a writer (it never should) writes nothing."""
    raise nodes.SkipNode
