"""Glossary data: entries and per-page mentions, kept in a Domain (parallel and incremental safe).

At read time (:func:`collect`, on ``doctree-read``) each page contributes

* its glossary entries (from the stock ``{glossary}`` directive): names, anchor, the
  ``:autolink:`` setting (the trailing field is parsed and removed from the doctree),
  abbreviation and expansion, the first paragraph of the definition and the cited keys;
* its auto-linkable prose text and the targets of its ``{term}`` references;
* whether its front matter says ``autolink: false``.

Everything is keyed by docname, so :meth:`GlossaryDomain.clear_doc` and
:meth:`GlossaryDomain.merge_domaindata` keep it right for incremental and parallel reads.
Cross-page results (mentions, backlinks, fingerprints) are computed in ``env-updated``
by :mod:`.glossary`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from sphinx_evidence.core.parallel import PerPage
from sphinx_evidence.core.warnings import Warn, warn
from sphinx_evidence.glossary.match import (
    explicit_targets,
    is_abbreviation,
    only_filter,
    prose_text,
)

DOMAIN = "evidence_glossary"

_AUTOLINK_LINE = re.compile(r"^:autolink:\s*(.*)$", re.DOTALL)
_NO = {"no", "none", "false", "off", "never"}
_YES = {"", "yes", "true", "on", "all"}


@dataclass(frozen=True)
class Entry:
    """One glossary entry (one definition with one or more names)."""

    key: str
    """``docname#anchor``: unique over the project."""
    docname: str
    anchor: str
    """The id of the entry's first term node."""
    names: tuple[str, ...]
    autolink: tuple[str, ...] | None
    """``None``: every name but single ordinary words; ``()``: never; else these forms
    (``:autolink: yes`` gives every name)."""
    abbreviation: str | None
    expansion: str | None
    paragraph: nodes.paragraph | None
    """The definition's first paragraph (a detached copy), for previews."""
    cite_keys: tuple[str, ...]
    """Bibliography keys the definition cites, in order."""
    line: int | None

    @property
    def location(self) -> tuple[str, int | None]:
        """Where the entry is written, for warnings."""
        return (self.docname, self.line)

    def signature(self) -> tuple[Any, ...]:
        """Everything about the entry that shows on pages linking to it."""
        text = self.paragraph.astext() if self.paragraph is not None else ""
        return (
            self.key,
            self.names,
            self.autolink,
            self.abbreviation,
            self.expansion,
            text,
            self.cite_keys,
        )


def parse_autolink(value: str) -> tuple[str, ...] | None:
    """``no`` -> ``()``; ``yes``/empty -> ``None``; ``form one; form two`` -> the forms."""
    value = " ".join(value.split())
    if value.lower() in _NO:
        return ()
    if value.lower() in _YES:
        return None
    return tuple(form.strip() for form in value.split(";") if form.strip())


def _cite_keys(node: nodes.Element) -> list[str]:
    keys: list[str] = []
    for xref in node.findall(addnodes.pending_xref):
        if xref.get("refdomain") in ("cite", "footcite"):
            for part in str(xref.get("reftarget", "")).split(","):
                key = part.strip().split("{")[0].strip()
                if key and key not in keys:
                    keys.append(key)
    return keys


def _has_source(node: nodes.Element) -> bool:
    if _cite_keys(node):
        return True
    return any(
        True
        for _ in node.findall(
            lambda n: isinstance(n, (nodes.citation_reference, nodes.footnote_reference))
        )
    )


def _take_autolink_field(definition: nodes.definition) -> str | None:
    """Remove a trailing ``:autolink:`` field from ``definition``; return its value."""
    if not definition.children:
        return None
    last = definition.children[-1]
    if isinstance(last, nodes.field_list):
        for field in list(last.children):
            name = field.next_node(nodes.field_name)
            if name is not None and name.astext().strip().lower() == "autolink":
                body = field.next_node(nodes.field_body)
                value = body.astext() if body is not None else ""
                last.remove(field)
                if not last.children:
                    definition.remove(last)
                return value
    elif isinstance(last, nodes.paragraph):
        found = _AUTOLINK_LINE.match(last.astext().strip())
        if found:
            definition.remove(last)
            return found.group(1)
    return None


def _stray_autolink(definition: nodes.definition) -> bool:
    """Whether an ``:autolink:`` setting is left in ``definition`` (not at its end)."""
    for name in definition.findall(nodes.field_name):
        if name.astext().strip().lower() == "autolink":
            return True
    return any(
        _AUTOLINK_LINE.match(p.astext().strip()) for p in definition.findall(nodes.paragraph)
    )


def _detached_paragraph(definition: nodes.definition) -> nodes.paragraph | None:
    for para in definition.findall(nodes.paragraph):
        copy = para.deepcopy()
        for node in list(copy.findall(nodes.Element)):
            node["ids"] = []
        return copy
    return None


_OPENING = re.compile(r"^\s*(?::{3,}|`{3,}|\.\.)\s*\{?glossary\}?(?:::)?\s*$")


def _line_fixer(source: str | None) -> Callable[[nodes.term], int | None]:
    """A function giving a glossary term's line in its file.

    Sphinx's glossary numbers term lines from the directive's content; with reST that
    is the file's numbering, but MyST hands it content counted from 0. When a term's
    line does not hold the term, find the directive opening that makes it so.
    """
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines() if source else []
    except OSError:
        lines = []
    openings = [index for index, text in enumerate(lines) if _OPENING.match(text)]

    def holds(index: int, raw: str) -> bool:
        return 0 <= index < len(lines) and lines[index].strip() == raw

    def fix(term: nodes.term) -> int | None:
        line = term.line
        raw = (term.rawsource or term.astext()).strip()
        if line is None or not lines or holds(line - 1, raw):
            return line
        for opening in reversed(openings):
            for shift in range(12):
                if holds(opening + 1 + shift + line, raw):
                    return opening + 2 + shift + line
        return line

    return fix


def _entries_of(
    doctree: nodes.document, docname: str, house_rules: bool = True, autolink: bool = True
) -> list[Entry]:
    """The glossary entries of a page. ``house_rules``: warn about empty or unsourced
    definitions; ``autolink``: read (and remove) a trailing ``:autolink:`` field."""
    entries: list[Entry] = []
    fixers: dict[str | None, Callable[[nodes.term], int | None]] = {}
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            terms = [child for child in item.children if isinstance(child, nodes.term)]
            definition = item.next_node(nodes.definition)
            if not terms or definition is None:
                continue
            names = tuple(term.astext() for term in terms)
            anchor = terms[0]["ids"][0] if terms[0]["ids"] else ""
            source = terms[0].source
            if source not in fixers:
                fixers[source] = _line_fixer(source)
            line = fixers[source](terms[0])
            value = _take_autolink_field(definition) if autolink else None
            forms = parse_autolink(value) if value is not None else None
            if value is not None and forms is None:  # ":autolink: yes": every name, one word too
                forms = names
            if autolink and _stray_autolink(definition):
                warn(
                    Warn.term_autolink,
                    f"glossary entry {names[0]!r}: an :autolink: setting is read only at the "
                    "end of the definition; this one is ignored",
                    location=(docname, line),
                )
            if not house_rules:
                pass
            elif not definition.astext().strip():
                warn(
                    Warn.term_empty,
                    f"glossary entry {names[0]!r} has an empty definition",
                    location=(docname, line),
                )
            elif not _has_source(definition):
                warn(
                    Warn.term_no_source,
                    f"glossary entry {names[0]!r} cites no source (add a {{cite:p}} reference)",
                    location=(docname, line),
                )
            abbreviation = names[0] if len(names) > 1 and is_abbreviation(names[0]) else None
            entries.append(
                Entry(
                    key=f"{docname}#{anchor}",
                    docname=docname,
                    anchor=anchor,
                    names=names,
                    autolink=forms,
                    abbreviation=abbreviation,
                    expansion=names[1] if abbreviation else None,
                    paragraph=_detached_paragraph(definition),
                    cite_keys=tuple(_cite_keys(definition)),
                    line=line,
                )
            )
    return entries


def _opted_out(env: BuildEnvironment, docname: str) -> bool:
    value = env.metadata.get(docname, {}).get("autolink", True)
    if isinstance(value, str):
        return value.strip().lower() in _NO
    return value is False


class GlossaryDomain(Domain):
    """Per-page glossary data, plus the cross-page results of the last ``env-updated``."""

    name = DOMAIN
    label = "Glossary cross-links"
    data_version = 3
    # per page (a -j worker sends back only the pages it read: see core.parallel)
    initial_data: ClassVar[dict[str, Any]] = {
        "entries": PerPage(),  # docname -> list[Entry]
        "texts": PerPage(),  # docname -> auto-linkable prose text
        "explicit": PerPage(),  # docname -> list of {term} targets
        "optout": PerPage(),  # docname -> bool
        "mentions": {},  # docname -> sorted keys of the entries it mentions (env-updated)
        "fingerprints": {},  # docname -> hash of what the glossary adds to it
        "used_by": {},  # entry key -> pages mentioning it, in toctree order (env-updated)
    }

    def clear_doc(self, docname: str) -> None:
        for name in ("entries", "texts", "explicit", "optout"):
            self.data[name].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name in ("entries", "texts", "explicit", "optout"):
            for docname, value in otherdata[name].items():
                if docname in docnames:
                    self.data[name][docname] = value

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []

    def all_entries(self) -> list[Entry]:
        """Every entry, in a stable order (by docname, then as written)."""
        return [
            entry
            for docname in sorted(self.data["entries"])
            for entry in self.data["entries"][docname]
        ]

    def entries_by_key(self) -> dict[str, Entry]:
        """Every entry by key."""
        return {entry.key: entry for entry in self.all_entries()}

    def glossary_docs(self) -> set[str]:
        """Pages that hold glossary entries."""
        return {docname for docname, entries in self.data["entries"].items() if entries}

    def mentions(self, docname: str) -> list[str]:
        """Sorted keys of the entries ``docname`` mentions (explicitly or by auto-link)."""
        return list(self.data["mentions"].get(docname, []))

    def docs_mentioning(self, key: str) -> list[str]:
        """Pages that mention the entry ``key`` (its own page included), in toctree order."""
        return list(self.data["used_by"].get(key, []))


def collect(env: BuildEnvironment, docname: str, doctree: nodes.document, tags: Any) -> None:
    """Record a freshly read page's entries, prose and ``{term}`` targets (``doctree-read``).

    ``tags``: the builder's tags, to leave out ``{only}`` blocks it drops.
    """
    domain = env.domains[DOMAIN]
    config = env.config
    domain.data["entries"][docname] = _entries_of(
        doctree,
        docname,
        house_rules=bool(config.evidence_glossary_house_rules),
        autolink=bool(config.evidence_glossary_autolink),
    )
    domain.data["texts"][docname] = prose_text(doctree, only_filter(tags))
    domain.data["explicit"][docname] = explicit_targets(doctree)
    domain.data["optout"][docname] = _opted_out(env, docname)
