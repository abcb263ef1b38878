"""Downloads of a list's entries: BibTeX (pybtex's writer), RIS (rispy) and CSL-JSON.

Text fields are turned from LaTeX into Unicode for RIS and CSL-JSON; a ``url`` is exported
only when it is http(s) or mailto, a ``doi`` only when it is a DOI.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import rispy
from pybtex.database import BibliographyData, Entry
from pybtex.database.output.bibtex import Writer as BibTeXWriter

from sphinx_evidence.bib.dates import entry_date
from sphinx_evidence.bib.latex import plain
from sphinx_evidence.bib.links import doi_url, safe_url
from sphinx_evidence.bib.names import name_parts, person_text

FORMATS: tuple[tuple[str, str, str], ...] = (
    ("bib", "BibTeX", "application/x-bibtex"),
    ("ris", "RIS", "application/x-research-info-systems"),
    ("json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
)

_RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "mvbook": "BOOK",
    "collection": "EDBOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "proceedings": "CONF",
    "report": "RPRT",
    "techreport": "RPRT",
    "thesis": "THES",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "online": "ELEC",
    "manual": "STAND",
    "patent": "PAT",
    "unpublished": "UNPB",
}
_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "proceedings": "book",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "patent": "patent",
    "manual": "book",
}


def _copy(entry: Entry) -> Entry:
    """A stand-alone copy without ``crossref``: :func:`.load` has already copied
    the inherited fields in, and the entry it names may not be in the same download."""
    fields = {k: v for k, v in entry.fields.items() if k.lower() != "crossref"}
    return Entry(entry.type, fields=list(fields.items()), persons=dict(entry.persons))


class _UnicodeWriter(BibTeXWriter):
    """pybtex's BibTeX writer, keeping the fields as they are in references.bib (LaTeX and
    UTF-8) instead of re-encoding every character with latexcodec, which is slow."""

    def _encode(self, text: str) -> str:
        return text


def to_bibtex(entries: Sequence[Entry]) -> str:
    """The entries as BibTeX (UTF-8), written by pybtex."""
    data = BibliographyData(entries={e.key: _copy(e) for e in entries})
    stream = io.StringIO()
    _UnicodeWriter(encoding="utf-8").write_stream(data, stream)
    return stream.getvalue()


def _field(entry: Entry, *names: str) -> str:
    for name in names:
        value = entry.fields.get(name, "").strip()
        if value:
            return plain(value)
    return ""


def _title(entry: Entry) -> str:
    """The title with its subtitle, as the house style shows it."""
    title, subtitle = _field(entry, "title"), _field(entry, "subtitle")
    return f"{title}: {subtitle}" if title and subtitle else title or subtitle


def _pages(entry: Entry) -> tuple[str, str]:
    pages = plain(entry.fields.get("pages", ""))
    parts = re.split(r"\s*[-\u2013\u2014]+\s*", pages, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (pages, "")


def _url(entry: Entry) -> str:
    return safe_url(entry.fields.get("url", "")) or ""


def _doi(entry: Entry) -> str:
    doi = entry.fields.get("doi", "").strip()
    href = doi_url(doi) if doi else None
    return href.removeprefix("https://doi.org/") if href else ""


def _persons(entry: Entry) -> list[tuple[str, str, bool]]:
    """(family, given, is_organisation) of the authors, else the editors."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    found = []
    for person in people:
        family, given = name_parts(person)
        found.append((family, given, not given) if given else (person_text(person), "", True))
    return found


def ris_record(entry: Entry) -> dict[str, object]:
    """One RIS record (rispy's field names)."""
    record: dict[str, object] = {
        "type_of_reference": _RIS_TYPES.get(entry.type.lower(), "GEN"),
        "id": entry.key,
        "title": _title(entry),
    }
    authors = [f"{fam}, {giv}" if giv else fam for fam, giv, _org in _persons(entry)]
    if authors:
        record["authors"] = authors
    year, month, day = entry_date(entry)
    if year:
        record["year"] = str(year)
        record["date"] = (
            f"{year}/{month:02d}/{day:02d}/"
            if month and day
            else (f"{year}/{month:02d}//" if month else f"{year}///")
        )
    container = _field(entry, "journaltitle", "journal", "booktitle")
    if container:
        record["secondary_title"] = container
    for key, names in (
        ("volume", ("volume",)),
        ("number", ("number", "issue")),
        ("publisher", ("publisher", "institution", "organization")),
        ("place_published", ("location", "address")),
    ):
        value = _field(entry, *names)
        if value:
            record[key] = value
    start, end = _pages(entry)
    if start:
        record["start_page"] = start
    if end:
        record["end_page"] = end
    if _url(entry):
        record["urls"] = [_url(entry)]
    if _doi(entry):
        record["doi"] = _doi(entry)
    annotation = _field(entry, "annotation", "annote")
    if annotation:  # one note per paragraph: a RIS field is one line
        record["notes"] = [
            " ".join(p.split()) for p in re.split(r"\n\s*\n", annotation) if p.strip()
        ]
    keywords = [k.strip() for k in entry.fields.get("keywords", "").split(",") if k.strip()]
    if keywords:
        record["keywords"] = keywords
    return record


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record (not part of RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(entries: Sequence[Entry]) -> str:
    """The entries as RIS, written by rispy."""
    return str(rispy.dumps([ris_record(e) for e in entries], implementation=_PlainRisWriter))


def csl_item(entry: Entry) -> dict[str, object]:
    """One CSL-JSON item."""
    item: dict[str, object] = {
        "id": entry.key,
        "type": _CSL_TYPES.get(entry.type.lower(), "document"),
        "title": _title(entry),
    }
    people = _persons(entry)
    if people:
        role = "author" if entry.persons.get("author") else "editor"
        item[role] = [
            {"literal": fam} if org else {"family": fam, "given": giv} for fam, giv, org in people
        ]
    year, month, day = entry_date(entry)
    if year:
        item["issued"] = {"date-parts": [[p for p in (year, month, day if month else None) if p]]}
    for key, names in (
        ("container-title", ("journaltitle", "journal", "booktitle")),
        ("volume", ("volume",)),
        ("issue", ("number", "issue")),
        ("page", ("pages",)),
        ("publisher", ("publisher", "institution", "organization")),
        ("publisher-place", ("location", "address")),
        ("note", ("annotation", "annote")),
    ):
        value = _field(entry, *names)
        if value:
            item[key] = value
    if _url(entry):
        item["URL"] = _url(entry)
    if _doi(entry):
        item["DOI"] = _doi(entry)
    return item


def to_csl_json(entries: Sequence[Entry]) -> str:
    """The entries as CSL-JSON."""
    return json.dumps([csl_item(e) for e in entries], ensure_ascii=False, indent=1) + "\n"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}


def write_all(entries: Sequence[Entry], base: Path) -> dict[str, Path]:
    """Write ``base.bib``, ``base.ris`` and ``base.json``; return them by extension."""
    base.parent.mkdir(parents=True, exist_ok=True)
    written = {}
    for ext, _label, _mime in FORMATS:
        path = base.with_name(f"{base.name}.{ext}")
        text = WRITERS[ext](entries)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written[ext] = path
    return written
