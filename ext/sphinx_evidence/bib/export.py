"""Downloads of a list's entries: BibTeX (pybtex's writer), RIS (rispy) and CSL-JSON.

Text fields are turned from LaTeX into Unicode for RIS and CSL-JSON; a ``url`` is exported
only when it is http(s) or mailto, a ``doi`` only when it is a DOI.

**Private fields are never exported**: ``file`` (a reference manager's attachment),
``privatenote`` (cataloguing and provenance notes), ``unverified`` (the list of fields a
search could not verify), and any field whose value is a local path.

**The access level travels in every format**, in fields that reference managers keep:

* BibTeX: the ``access`` field as it is, and a keyword ``Access: <label>``;
* RIS: a keyword (``KW  - Access: Free``) and a note (``N1  - Access: Free. <explanation>``);
* CSL-JSON: ``keyword`` (``Access: Free``) and ``note`` (``Access: Free. <explanation>``);
  the annotation goes in ``annote``.

Zotero, EndNote and Mendeley import RIS keywords as tags and ``N1`` as notes; Zotero keeps
a CSL-JSON ``note`` in its "Extra" field.
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
from sphinx_evidence.bib.levels import DEFAULT_LEVELS
from sphinx_evidence.bib.links import doi_url, is_local_path, safe_url
from sphinx_evidence.bib.names import name_parts, person_text

#: Fields that are never rendered or exported (see the module's docstring).
PRIVATE_FIELDS = frozenset({"file", "privatenote", "unverified"})

#: Access level name -> (label, explanation); a site passes its own vocabulary.
Levels = dict[str, tuple[str, str]]
DEFAULT_ACCESS: Levels = {k: (v["label"], v["explanation"]) for k, v in DEFAULT_LEVELS.items()}

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


def public_fields(entry: Entry) -> dict[str, str]:
    """The entry's fields without the private ones (and without ``crossref``: :func:`.load`
    has already copied the inherited fields in, and the entry it names may not be in the
    same download)."""
    return {
        k: v
        for k, v in entry.fields.items()
        if k.lower() not in PRIVATE_FIELDS and k.lower() != "crossref" and not is_local_path(v)
    }


def access_words(entry: Entry, levels: Levels | None = None) -> tuple[str, str] | None:
    """("Access: Free", "Access: Free. Free to read: ...") for the entry's level, if known."""
    level = entry.fields.get("access", "").strip()
    known = (levels if levels is not None else DEFAULT_ACCESS).get(level)
    if known is None:
        return None
    label, explanation = known
    return f"Access: {label}", f"Access: {label}. {explanation}".strip()


def _keywords(entry: Entry) -> list[str]:
    return [k.strip() for k in entry.fields.get("keywords", "").split(",") if k.strip()]


def _copy(entry: Entry, levels: Levels | None = None) -> Entry:
    """A stand-alone copy of the public fields, with the access level as a keyword."""
    fields = public_fields(entry)
    access = access_words(entry, levels)
    if access and access[0] not in _keywords(entry):
        fields["keywords"] = ", ".join([*_keywords(entry), access[0]])
    return Entry(entry.type, fields=list(fields.items()), persons=dict(entry.persons))


class _UnicodeWriter(BibTeXWriter):
    """pybtex's BibTeX writer, keeping the fields as they are in references.bib (LaTeX and
    UTF-8) instead of re-encoding every character with latexcodec, which is slow."""

    def _encode(self, text: str) -> str:
        return text


def to_bibtex(entries: Sequence[Entry], levels: Levels | None = None) -> str:
    """The entries as BibTeX (UTF-8), written by pybtex."""
    data = BibliographyData(entries={e.key: _copy(e, levels) for e in entries})
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


def ris_record(entry: Entry, levels: Levels | None = None) -> dict[str, object]:
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
    access = access_words(entry, levels)
    notes = [access[1]] if access else []
    note = _field(entry, "note")
    if note:
        notes.append(" ".join(note.split()))
    annotation = _field(entry, "annotation", "annote")
    if annotation:  # one note per paragraph: a RIS field is one line
        notes += [" ".join(p.split()) for p in re.split(r"\n\s*\n", annotation) if p.strip()]
    if notes:
        record["notes"] = notes
    keywords = _keywords(entry) + ([access[0]] if access else [])
    if keywords:
        record["keywords"] = keywords
    return record


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record (not part of RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(entries: Sequence[Entry], levels: Levels | None = None) -> str:
    """The entries as RIS, written by rispy."""
    records = [ris_record(e, levels) for e in entries]
    return str(rispy.dumps(records, implementation=_PlainRisWriter))


def csl_item(entry: Entry, levels: Levels | None = None) -> dict[str, object]:
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
        ("annote", ("annotation", "annote")),
    ):
        value = _field(entry, *names)
        if value:
            item[key] = value
    access = access_words(entry, levels)
    note = " ".join(_field(entry, "note").split())
    notes = [access[1]] if access else []
    if note:
        notes.append(note)
    if notes:
        item["note"] = "\n".join(notes)
    keywords = _keywords(entry) + ([access[0]] if access else [])
    if keywords:
        item["keyword"] = ", ".join(keywords)
    if _url(entry):
        item["URL"] = _url(entry)
    if _doi(entry):
        item["DOI"] = _doi(entry)
    return item


def to_csl_json(entries: Sequence[Entry], levels: Levels | None = None) -> str:
    """The entries as CSL-JSON."""
    items = [csl_item(e, levels) for e in entries]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}


def write_all(
    entries: Sequence[Entry], base: Path, levels: Levels | None = None
) -> dict[str, Path]:
    """Write ``base.bib``, ``base.ris`` and ``base.json``; return them by extension."""
    base.parent.mkdir(parents=True, exist_ok=True)
    written = {}
    for ext, _label, _mime in FORMATS:
        path = base.with_name(f"{base.name}.{ext}")
        text = WRITERS[ext](entries, levels)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written[ext] = path
    return written
