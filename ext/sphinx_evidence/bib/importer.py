"""Add references exported from Zotero, EndNote or Mendeley to references.bib.

``python -m sphinx_evidence.bib.importer [--bib references.bib] [--access LEVEL]
[--keywords WORDS] [--dry-run] FILE...`` (or ``nox -s add-refs -- FILE...``).

Reads RIS (``.ris``, ``.txt``), BibTeX or biblatex (``.bib``) and CSL-JSON (``.json``)
exports; the format is found from the file's content, else from its extension. Each record
is written in the house style of references.bib (see the comment at its top): a key
``<author-or-org><year><shortword>`` (``<org>_<shortword>`` when the year is unknown), a
biblatex type, persons as "Last, First", corporate authors braced, ``month`` as a macro, a
bare DOI, http(s) URLs only. Private and noisy fields (``file`` and other local paths,
``urldate``, abstracts, reference-manager tags, notes and ids) are dropped and named.

A record whose DOI, URL or title and year matches an entry of references.bib, or an earlier
record of the same import, is reported and not added. New entries are appended at the end
of references.bib under a comment naming the import file and date; the existing text is
kept byte for byte, so ``git diff`` shows only the new entries. Each new entry gets the
access level of ``--access``, or ``access = {TODO}`` for the contributor to fill in (the
bib check, ``nox -s lint``, reports it until they do).

The exit status is 0 unless an input file (or references.bib) could not be read.
This module does not import Sphinx.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The access value of a new entry whose level the contributor has still to choose.
#: sphinx_evidence.bib.lint reports entries that still carry it.
ACCESS_MARKER = "TODO"
#: The site's access levels (docs/access.md), in the order the guide lists them.
ACCESS_LEVELS = ("free", "openathens", "abstract", "subscription", "staff")

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: The order of fields in a written entry (as in references.bib); others follow, sorted.
FIELD_ORDER = (
    "title",
    "subtitle",
    "author",
    "editor",
    "journal",
    "booktitle",
    "institution",
    "organization",
    "publisher",
    "howpublished",
    "type",
    "series",
    "edition",
    "address",
    "year",
    "month",
    "volume",
    "number",
    "pages",
    "isbn",
    "issn",
    "eprint",
    "eprinttype",
    "url",
    "doi",
    "urldate",
    "abstract",
    "access",
    "keywords",
)

#: BibTeX/biblatex fields kept (under the house name); every other field is dropped.
_BIB_KEEP = {
    "title": "title",
    "subtitle": "subtitle",
    "author": "author",
    "editor": "editor",
    "journal": "journal",
    "journaltitle": "journal",
    "booktitle": "booktitle",
    "institution": "institution",
    "school": "institution",
    "organization": "organization",
    "publisher": "publisher",
    "howpublished": "howpublished",
    "type": "type",
    "series": "series",
    "edition": "edition",
    "address": "address",
    "location": "address",
    "volume": "volume",
    "number": "number",
    "issue": "number",
    "pages": "pages",
    "isbn": "isbn",
    "issn": "issn",
    "eprint": "eprint",
    "eprinttype": "eprinttype",
    "archiveprefix": "eprinttype",  # Mendeley's name for it
    "pmid": "pmid",  # a PubMed id: written as eprint, eprinttype = {pubmed}
    "url": "url",
    "doi": "doi",
    "urldate": "urldate",
    "abstract": "abstract",
    "year": "year",
    "month": "month",
    "date": "date",
}

#: Why a field is dropped, for the fields reference managers commonly write.
_DROP_REASONS = {
    "file": "a private local path",
    "urldate": "when you looked at it; --keep-urldate keeps it",
    "abstract": "--keep-abstract keeps it",
    "keywords": "reference-manager tags; --keywords sets the site's reading-list words",
    "mendeley-tags": "reference-manager tags",
    "mendeley-groups": "reference-manager groups",
    "note": "a reference-manager note",
    "annote": "a private note",
    "annotation": "a private note (the site's annotation is the brief's description)",
    "notes": "reference-manager notes",
    "language": "noise",
    "shorttitle": "noise",
    "copyright": "noise",
    "id": "a reference-manager id",
}

_BIB_TYPES = {
    "article": "article",
    "book": "book",
    "inbook": "inbook",
    "incollection": "incollection",
    "inproceedings": "inproceedings",
    "conference": "inproceedings",
    "proceedings": "proceedings",
    "collection": "collection",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "online",
    "electronic": "online",
    "www": "online",
    "misc": "misc",
    "booklet": "booklet",
    "manual": "manual",
    "unpublished": "unpublished",
    "dataset": "dataset",
    "software": "software",
}
_THESIS_TYPES = {"phdthesis": "phdthesis", "mastersthesis": "mathesis"}

_RIS_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "collection",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "RPRT": "report",
    "GOVDOC": "report",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "ICOMM": "online",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "thesis",
    "DATA": "dataset",
    "COMP": "software",
    "UNPB": "unpublished",
}

_CSL_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "report",
    "webpage": "online",
    "post-weblog": "online",
    "post": "online",
    "paper-conference": "inproceedings",
    "thesis": "thesis",
    "dataset": "dataset",
    "software": "software",
    "manuscript": "unpublished",
}

#: Words that mark a name with no comma as an organisation, not a person.
_ORG_WORDS = {
    "agency",
    "alliance",
    "association",
    "authority",
    "board",
    "centre",
    "center",
    "college",
    "commission",
    "committee",
    "council",
    "department",
    "england",
    "foundation",
    "fund",
    "government",
    "group",
    "health",
    "institute",
    "ltd",
    "network",
    "nhs",
    "office",
    "organisation",
    "organization",
    "partnership",
    "service",
    "services",
    "society",
    "team",
    "trust",
    "university",
}

_STOPWORDS = {
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "by",
    "can",
    "do",
    "does",
    "for",
    "from",
    "how",
    "in",
    "into",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "the",
    "to",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "with",
}

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_HTTP = re.compile(r"^https?://[^\s{}\"<>]+$", re.IGNORECASE)
#: A value that names a file on someone's computer.
_LOCAL_PATH = re.compile(
    r"(?:^|[\s{:;])(?:file://|/Users/|/home/|/Volumes/|/mnt/|~/|[A-Za-z]:[\\/])", re.IGNORECASE
)
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


#: Where a RIS or CSL publisher goes, by entry type (else ``publisher``).
_PUBLISHER_AS = {"report": "institution", "thesis": "institution", "online": "organization"}
#: The house field that holds an entry's container (journal, book, site), by entry type.
_CONTAINER_AS = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "online": "howpublished",
}


def _set_source(
    record: Record, container: str, publisher: str, more: dict[str, str] | None = None
) -> None:
    """Put the container (journal, book, site) and the publisher in the house fields of
    ``record``'s type (``more`` adds container fields for a format's own types)."""
    house = {**_CONTAINER_AS, **(more or {})}.get(record.type)
    if container and house:
        record.fields[house] = escape(container)
    if publisher:
        record.fields[_PUBLISHER_AS.get(record.type, "publisher")] = escape(publisher)


class ImportFailure(Exception):
    """An input file that cannot be read or parsed at all."""


@dataclass
class Record:
    """One reference from an export, in the house style (values are BibTeX text)."""

    origin: str  # where it came from, for messages: "zotero.bib, entry 2 (smith2020)"
    type: str
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)  # "Last, First" or "{Organisation}"
    editors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "file (a private local path)"
    notes: list[str] = field(default_factory=list)  # other things the contributor should know
    key: str = ""

    @property
    def year(self) -> str:
        return self.fields.get("year", "")


@dataclass
class Known:
    """What duplicates are found by, for one existing or newly added entry."""

    key: str
    where: str
    doi: str
    url: str
    title: str
    year: str


@dataclass
class Result:
    """What an import did (or, in a dry run, would do)."""

    added: list[Record] = field(default_factory=list)
    duplicates: list[tuple[Record, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records that could not be used
    text: str = ""  # the entries as appended to the file


# -- small text helpers ----------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _plain(latex: str) -> str:
    """Rough reader's text of a BibTeX value: commands and braces removed."""
    text = re.sub(r"\\[a-zA-Z]+\*?\s*", " ", latex)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("{", "").replace("}", "")


def _norm_title(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", _ascii(_plain(title)).lower())
    return " ".join(words.split())


def _norm_url(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url.split("#", 1)[0].rstrip("/")


def escape(text: str) -> str:
    """Plain text (RIS, CSL-JSON) as a BibTeX value: specials escaped, spaces collapsed."""
    text = " ".join(text.split())
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


def protect_capitals(title: str) -> str:
    """Brace words of two or more capitals ({NHS}), as references.bib does."""
    return re.sub(r"(?<![\\{\w])([A-Z][A-Z0-9]+s?)\b(?!\})", r"{\1}", title)


def _strip_outer_braces(value: str) -> str:
    """``{Whole title}`` -> ``Whole title`` when one group encloses the whole value."""
    value = value.strip()
    while value.startswith("{") and value.endswith("}"):
        depth = 0
        for i, ch in enumerate(value):
            depth += ch == "{"
            depth -= ch == "}"
            if depth == 0 and i < len(value) - 1:
                return value
        value = value[1:-1].strip()
    return value


def split_names(value: str) -> list[str]:
    """A BibTeX name list split at `` and `` outside braces."""
    names, depth, start = [], 0, 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and value[i : i + 5].lower() == " and ":
            names.append(value[start:i].strip())
            start = i + 5
            i += 4
        i += 1
    names.append(value[start:].strip())
    return [n for n in names if n]


def _person(name: str) -> str:
    """A person's name as "von Last, Jr, First" (pybtex parses the BibTeX name rules)."""
    from pybtex.database import Person

    try:
        person = Person(name)
    except Exception:  # pybtex's name parser rejects a few odd strings
        return name
    last = " ".join([*person.prelast_names, *person.last_names])
    first = " ".join([*person.first_names, *person.middle_names])
    lineage = " ".join(person.lineage_names)
    parts = [last, lineage, first]
    return ", ".join(p for p in parts if p) or name


def _is_braced_group(name: str) -> bool:
    return name.startswith("{") and name.endswith("}") and _strip_outer_braces(name) != name


def bib_name(name: str) -> str:
    """One name from a BibTeX author list in house form."""
    name = " ".join(name.split())
    if _is_braced_group(name):
        return "{" + _strip_outer_braces(name) + "}"
    return _person(name)


def plain_name(name: str) -> str:
    """One name from RIS or a CSL literal (plain text) in house form.

    "Last, First" is a person; a name with a trailing comma (EndNote's way of entering an
    organisation), with no comma and an organisation word, or "The ..." is an organisation.
    """
    name = " ".join(name.split())
    if name.endswith(","):
        return "{" + escape(name.rstrip(", ")) + "}"
    if "," in name:
        last, _, first = name.partition(",")
        return _person(f"{escape(last.strip())}, {escape(first.strip())}")
    words = {w.lower().strip(".'\u2019") for w in re.split(r"[\s&]+", name)}
    if len(words) == 1 or words & _ORG_WORDS or name.lower().startswith("the "):
        return "{" + escape(name) + "}"
    return _person(escape(name))


def _month(value: str) -> str:
    """A month (name, abbreviation, number or macro) as its macro name, else ''."""
    value = _plain(value).strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTHS[int(value) - 1]
    return value[:3] if value[:3] in MONTHS and (len(value) == 3 or value.isalpha()) else ""


def _set_date(record: Record, year: str, month: str = "") -> None:
    """year and month, as far as they are real: a year of four digits, a month 1 to 12."""
    year = _plain(year).strip()
    match = re.match(r"^(\d{4})(?:[-/](\d{1,2})?)?", year)
    if match:
        record.fields["year"] = match.group(1)
        if not month and match.group(2):
            month = match.group(2)
    elif year:
        record.notes.append(f'date "{year}" not understood; no year given')
    if month and "year" in record.fields:
        macro = _month(month)
        if macro:
            record.fields["month"] = macro
        else:
            record.notes.append(f'month "{month}" not understood; left out')


def _set_link(record: Record, name: str, value: str) -> None:
    """url (http(s) only) or doi (bare) into ``record``; anything else dropped, with a note."""
    value = value.strip()
    if not value:
        return
    if name == "doi":
        bare = _DOI_PREFIX.sub("", _plain(value) if "\\" in value else value).strip()
        if _DOI.match(bare):
            record.fields["doi"] = bare
        else:
            record.dropped.append(f'doi "{value[:60]}" (not a DOI)')
        return
    value = re.sub(r"^\\url\{(.*)\}$", r"\1", value)
    value = re.sub(r"\\([_%&#~$])", r"\1", value)  # Mendeley escapes these; a url is verbatim
    if _LOCAL_PATH.search(value):
        record.dropped.append("url (a private local path)")
    elif _HTTP.match(value):
        record.fields.setdefault("url", value)
    else:
        record.dropped.append(f'url "{value[:60]}" (not an http(s) address)')


def _drop(record: Record, name: str) -> None:
    reason = _DROP_REASONS.get(name, "not used by the site")
    record.dropped.append(f"{name} ({reason})")


# -- readers ---------------------------------------------------------------------------------


def detect(path: Path, text: str) -> str:
    """``"ris"``, ``"bibtex"`` or ``"csl"`` from the content, else from the extension."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return "csl"
    if re.search(r"^TY  - ", text, re.MULTILINE):
        return "ris"
    if re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.MULTILINE):
        return "bibtex"
    by_suffix = {".ris": "ris", ".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl"}
    if path.suffix.lower() in by_suffix:
        return by_suffix[path.suffix.lower()]
    raise ImportFailure(
        f"{path}: not a RIS, BibTeX or CSL-JSON export (nothing in it looks like one)"
    )


def read_bibtex(path: Path, text: str, options: Options) -> list[Record]:
    import bibtexparser

    library = bibtexparser.parse_string(text)
    records = []
    for failed in library.failed_blocks:
        line = getattr(failed, "start_line", None)
        where = f" at line {line + 1}" if isinstance(line, int) else ""
        print(f"{path.name}: skipped an entry{where} that could not be read as BibTeX")
    for number, entry in enumerate(library.entries, 1):
        kind = entry.entry_type.lower()
        record = Record(f"{path.name}, entry {number} ({entry.key})", _BIB_TYPES.get(kind, "misc"))
        if kind not in _BIB_TYPES:
            record.notes.append(f"type @{kind} is not a biblatex type; written as @misc")
        if kind in _THESIS_TYPES:
            record.fields["type"] = _THESIS_TYPES[kind]
        year, month = "", ""
        for item in entry.fields:
            name, value = item.key.lower(), str(item.value).strip()
            house = _BIB_KEEP.get(name)
            if house is None or not value:
                if value:
                    _drop(record, name)
                continue
            if house in {"url", "doi"}:
                _set_link(record, house, value)
            elif house == "howpublished" and "\\url" in value:
                _set_link(record, "url", value)
            elif house in {"urldate", "abstract"}:
                if (house == "urldate" and options.keep_urldate) or (
                    house == "abstract" and options.keep_abstract
                ):
                    record.fields[house] = value
                else:
                    _drop(record, house)
            elif _LOCAL_PATH.search(value):
                record.dropped.append(f"{name} (a private local path)")
            elif house == "author":
                record.authors = [bib_name(n) for n in split_names(value)]
            elif house == "editor":
                record.editors = [bib_name(n) for n in split_names(value)]
            elif house == "date":
                year, month = value, month
            elif house == "year":
                year = value
            elif house == "month":
                month = value
            elif house == "pmid":
                if "eprint" not in record.fields:
                    record.fields["eprint"] = value
                    record.fields["eprinttype"] = "pubmed"
            elif house == "title":
                record.fields["title"] = _strip_outer_braces(" ".join(value.split()))
            else:
                record.fields.setdefault(house, " ".join(value.split()))
        _set_date(record, year, month)
        if record.type == "misc" and "url" in record.fields and not record.fields.get("publisher"):
            record.type = "online"  # a web page: BibTeX has no @online, so Zotero writes @misc
        if record.type == "online" and "journal" in record.fields:
            website = record.fields.pop("journal")  # Zotero's "Website Title"
            record.fields.setdefault("howpublished", website)
        records.append(record)
    return records


def _first(entry: dict[str, Any], *names: str) -> str:
    for name in names:
        value = entry.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


def read_ris(path: Path, text: str, options: Options) -> list[Record]:
    import rispy

    try:
        entries = rispy.loads(text.replace("\r\n", "\n"))
    except Exception as failure:
        raise ImportFailure(f"{path}: could not be read as RIS ({failure})") from failure
    known = {
        "type_of_reference",
        "authors",
        "first_authors",
        "secondary_authors",
        "title",
        "primary_title",
        "secondary_title",
        "journal_name",
        "alternate_title1",
        "alternate_title2",
        "alternate_title3",
        "year",
        "publication_year",
        "date",
        "volume",
        "number",
        "start_page",
        "end_page",
        "publisher",
        "place_published",
        "issn",
        "doi",
        "urls",
        "edition",
        "tertiary_title",
        "type_of_work",
        "abstract",
        "notes_abstract",
        "access_date",
        "end_of_reference",
    }
    ris_drop = {
        "file_attachments1": "file",
        "file_attachments2": "file",
        "notes": "notes",
        "note": "note",
        "research_notes": "notes",
        "keywords": "keywords",
        "id": "id",
        "accession_number": "id",
        "label": "id",
        "language": "language",
        "short_title": "shorttitle",
        "name_of_database": "database name",
        "database_provider": "database provider",
        "call_number": "call number",
        "author_address": "author address",
        "custom1": "custom field",
        "custom2": "custom field",
        "custom3": "custom field",
        "custom4": "custom field",
        "custom5": "custom field",
        "custom6": "custom field",
        "custom7": "custom field",
        "custom8": "custom field",
        "unknown_tag": "unknown tags",
    }
    records = []
    for number, entry in enumerate(entries, 1):
        ris_type = str(entry.get("type_of_reference", "GEN")).upper()
        record = Record(f"{path.name}, record {number}", _RIS_TYPES.get(ris_type, "misc"))
        title = _first(entry, "title", "primary_title")
        if title:
            record.fields["title"] = protect_capitals(escape(title))
        names = entry.get("authors") or entry.get("first_authors") or []
        record.authors = [plain_name(n) for n in names if str(n).strip()]
        container = _first(entry, "journal_name", "secondary_title", "alternate_title3")
        if record.type == "incollection" and entry.get("secondary_authors"):
            record.editors = [plain_name(n) for n in entry["secondary_authors"]]
        _set_source(record, container, _first(entry, "publisher"), {"report": "series"})
        simple = {
            "volume": "volume",
            "number": "number",
            "place_published": "address",
            "edition": "edition",
        }
        for ris_name, house_name in simple.items():
            value = _first(entry, ris_name)
            if value:
                record.fields[house_name] = escape(value)
        work = _first(entry, "type_of_work")
        if work and record.type in {"report", "thesis"}:
            record.fields["type"] = escape(work)
        start, end = _first(entry, "start_page"), _first(entry, "end_page")
        if start:
            record.fields["pages"] = escape(f"{start}--{end}" if end and end != start else start)
        issn = _first(entry, "issn")
        if issn:
            isbn = re.sub(r"[^0-9Xx]", "", issn)
            record.fields["isbn" if len(isbn) in {10, 13} and record.type == "book" else "issn"] = (
                escape(issn)
            )
        raw_date = _first(entry, "date", "year", "publication_year")
        year = _first(entry, "year", "publication_year") or raw_date
        parts = raw_date.split("/")
        month = parts[1] if len(parts) > 1 and parts[0][:4] == year[:4] else ""
        _set_date(record, year, month)
        _set_link(record, "doi", _first(entry, "doi"))
        for url in entry.get("urls", []) or []:
            if str(url).strip():
                _set_link(record, "url", str(url))
        abstract = _first(entry, "abstract", "notes_abstract")
        if abstract:
            if options.keep_abstract:
                record.fields["abstract"] = escape(abstract)
            else:
                _drop(record, "abstract")
        accessed = _first(entry, "access_date")
        if accessed:
            if options.keep_urldate:
                record.fields["urldate"] = escape(accessed)
            else:
                _drop(record, "urldate")
        for name, value in entry.items():
            if name in known or not value:
                continue
            label = ris_drop.get(name, name)
            reason = "a private local path" if label == "file" else _DROP_REASONS.get(label, "")
            text_of = f"{label} ({reason})" if reason else f"{label} (not used by the site)"
            if text_of not in record.dropped:
                record.dropped.append(text_of)
        records.append(record)
    return records


def read_csl(path: Path, text: str, options: Options) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as failure:
        raise ImportFailure(f"{path}: not valid CSL-JSON ({failure})") from failure
    items = data if isinstance(data, list) else data.get("items", [data])
    known = {
        "type",
        "title",
        "author",
        "editor",
        "container-title",
        "issued",
        "volume",
        "issue",
        "page",
        "publisher",
        "publisher-place",
        "ISBN",
        "ISSN",
        "DOI",
        "URL",
        "edition",
        "collection-title",
        "number",
        "genre",
        "accessed",
        "abstract",
    }
    records = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            print(f"{path.name}: item {number} is not a CSL-JSON record; skipped")
            continue
        label = f" ({item['id']})" if item.get("id") else ""
        record = Record(
            f"{path.name}, item {number}{label}", _CSL_TYPES.get(str(item.get("type")), "misc")
        )
        if item.get("title"):
            record.fields["title"] = protect_capitals(escape(str(item["title"])))
        for role, target in (("author", record.authors), ("editor", record.editors)):
            for name in item.get(role, []) or []:
                if name.get("literal"):
                    target.append("{" + escape(name["literal"]) + "}")
                elif name.get("family"):
                    given = name.get("given", "")
                    family_name = " ".join(
                        p for p in (name.get("non-dropping-particle"), name["family"]) if p
                    )
                    target.append(
                        _person(f"{escape(family_name)}, {escape(given)}")
                        if given
                        else "{" + escape(family_name) + "}"
                    )
        container = str(item.get("container-title", "") or "")
        _set_source(record, container, str(item.get("publisher", "") or ""))
        simple = {
            "volume": "volume",
            "issue": "number",
            "number": "number",
            "publisher-place": "address",
            "edition": "edition",
            "collection-title": "series",
            "ISBN": "isbn",
            "ISSN": "issn",
        }
        for csl_name, house_name in simple.items():
            if item.get(csl_name):
                record.fields.setdefault(house_name, escape(str(item[csl_name])))
        if item.get("page"):
            record.fields["pages"] = escape(re.sub("\\s*[-\u2013]\\s*", "--", str(item["page"])))
        if item.get("genre") and record.type in {"report", "thesis"}:
            record.fields["type"] = escape(str(item["genre"]))
        issued = item.get("issued") or {}
        parts = (issued.get("date-parts") or [[]])[0] if isinstance(issued, dict) else []
        if parts:
            _set_date(record, str(parts[0]), str(parts[1]) if len(parts) > 1 else "")
        elif isinstance(issued, dict) and (issued.get("raw") or issued.get("literal")):
            _set_date(record, str(issued.get("raw") or issued.get("literal")))
        _set_link(record, "doi", str(item.get("DOI", "") or ""))
        _set_link(record, "url", str(item.get("URL", "") or ""))
        if item.get("abstract"):
            if options.keep_abstract:
                record.fields["abstract"] = escape(str(item["abstract"]))
            else:
                _drop(record, "abstract")
        if item.get("accessed"):
            _drop(record, "urldate")  # CSL dates are not kept as urldate
        for name, value in item.items():
            if name in known or not value:
                continue
            if name in {"id", "citation-key"}:
                continue  # the export's own key: the house key replaces it
            _drop(record, name)
        records.append(record)
    return records


# -- the house style -------------------------------------------------------------------------


def _org_prefixes(text: str) -> dict[str, str]:
    """Organisation (plain, case-folded) -> the key prefix references.bib already uses."""
    prefixes: dict[str, str] = {}
    for match in re.finditer(
        r"^@[A-Za-z]+\{([a-z]+?)(?:\d{4}|_)[^,]*,\n(?:(?!^\}).*\n)*?\s*author = \{\{(.*?)\}\}",
        text,
        re.MULTILINE,
    ):
        org = _plain(match.group(2).split("} and {")[0]).casefold()
        prefixes.setdefault(org, match.group(1))
    return prefixes


def _author_part(record: Record, prefixes: dict[str, str]) -> str:
    names = record.authors or record.editors
    org = ""
    if names:
        first = names[0]
        if first.startswith("{"):
            org = _plain(first)
        else:
            return re.sub(r"[^a-z]", "", _ascii(_plain(first.split(",")[0])).lower()) or "anon"
    else:
        org = _plain(
            record.fields.get("institution")
            or record.fields.get("organization")
            or record.fields.get("publisher")
            or ""
        )
    if not org:
        return "anon"
    if org.casefold() in prefixes:
        return prefixes[org.casefold()]
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(org).lower()) if w != "the"]
    if len(words) >= 3:
        return "".join(w[0] for w in words if w not in _STOPWORDS)
    return "".join(words) or "anon"


def _short_word(record: Record) -> str:
    words = re.findall(r"[a-z0-9]+", _ascii(_plain(record.fields.get("title", ""))).lower())
    useful = [w for w in words if w not in _STOPWORDS] or words
    short = "".join(useful[:2])[:24]
    return short or "untitled"


def make_key(record: Record, taken: set[str], prefixes: dict[str, str]) -> str:
    """A key in the house scheme, unique (case-insensitively) among ``taken``."""
    who, what = _author_part(record, prefixes), _short_word(record)
    base = f"{who}{record.year}{what}" if record.year else f"{who}_{what}"
    key, suffix = base, ord("b")
    while key.lower() in taken:
        key = base + chr(suffix)
        suffix += 1
    taken.add(key.lower())
    return key


def format_entry(record: Record) -> str:
    """The entry as references.bib writes it: two-space indent, one field a line."""
    fields = dict(record.fields)
    if record.authors:
        fields["author"] = " and ".join(record.authors)
    if record.editors:
        fields["editor"] = " and ".join(record.editors)
    order = {name: i for i, name in enumerate(FIELD_ORDER)}
    names = sorted(fields, key=lambda n: (order.get(n, len(order)), n))
    lines = [f"@{record.type}{{{record.key},"]
    for name in names:
        value = fields[name]
        if name == "month" and value in MONTHS:
            lines.append(f"  month = {value},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- duplicates ------------------------------------------------------------------------------


def known_entries(text: str, name: str) -> list[Known]:
    """DOI, URL, title and year of each entry in a .bib file's text (tolerant parse)."""
    import bibtexparser

    found = []
    library = bibtexparser.parse_string(text)
    for entry in library.entries:
        values = {f.key.lower(): str(f.value) for f in entry.fields}
        year = re.match(r"\d{4}", values.get("year", "") or values.get("date", ""))
        doi = _DOI_PREFIX.sub("", values.get("doi", "").strip()).lower()
        line = getattr(entry, "start_line", None)
        where = f"{name} line {line + 1}" if isinstance(line, int) else name
        found.append(
            Known(
                key=entry.key,
                where=where,
                doi=doi,
                url=_norm_url(values["url"]) if values.get("url") else "",
                title=_norm_title(values.get("title", "")),
                year=year.group(0) if year else "",
            )
        )
    return found


def _as_known(record: Record) -> Known:
    return Known(
        key=record.key,
        where=record.origin,
        doi=record.fields.get("doi", "").lower(),
        url=_norm_url(record.fields["url"]) if record.fields.get("url") else "",
        title=_norm_title(record.fields.get("title", "")),
        year=record.year,
    )


def duplicate_of(record: Record, known: Iterable[Known]) -> str | None:
    """Why ``record`` duplicates one of ``known`` (``None`` if it does not)."""
    mine = _as_known(record)
    for other in known:
        what = f'"{other.key}" ({other.where})' if other.key else other.where
        if mine.doi and mine.doi == other.doi:
            return f"same DOI ({record.fields['doi']}) as {what}"
        if mine.url and mine.url == other.url:
            return f"same URL as {what}"
        if mine.title and mine.title == other.title:
            if mine.year and other.year and mine.year != other.year:
                continue
            years = f" and year ({mine.year})" if mine.year and other.year else ""
            return f"same title{years} as {what}"
    return None


# -- the import ------------------------------------------------------------------------------


@dataclass
class Options:
    access: str | None = None
    keywords: tuple[str, ...] = ()
    keep_urldate: bool = False
    keep_abstract: bool = False


READERS = {"bibtex": read_bibtex, "ris": read_ris, "csl": read_csl}


def read_export(path: Path, options: Options) -> list[Record]:
    """Every record of one export file (ImportFailure when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as failure:
        raise ImportFailure(f"{path}: cannot be read ({failure})") from failure
    return READERS[detect(path, text)](path, text, options)


def merge(
    bib_text: str,
    bib_name: str,
    exports: Sequence[tuple[Path, list[Record]]],
    options: Options,
    today: _dt.date,
) -> Result:
    """The entries the exports' records add to ``bib_text`` (new keys, duplicates left out)."""
    result = Result()
    known = known_entries(bib_text, bib_name)
    taken = {k.key.lower() for k in known}
    prefixes = _org_prefixes(bib_text)
    blocks: list[str] = []
    for path, records in exports:
        added_here: list[Record] = []
        for record in records:
            if not record.fields.get("title"):
                result.skipped.append(f"{record.origin}: no title; not added")
                continue
            why = duplicate_of(record, known)
            if why:
                result.duplicates.append((record, why))
                continue
            record.key = make_key(record, taken, prefixes)
            if record.key.startswith("anon"):
                record.notes.append(
                    "no author or organisation: the key starts with anon; rename it "
                    "if you know who published it"
                )
            record.fields["access"] = options.access or ACCESS_MARKER
            if options.keywords:
                record.fields["keywords"] = ", ".join(options.keywords)
            known.append(_as_known(record))
            added_here.append(record)
        if added_here:
            source = path.name.replace("@", " at ")  # an at sign would start an entry
            header = f"% Imported from {source} on {today.isoformat()} (nox -s add-refs)."
            if not options.access:
                header += f" Set each access = {{{ACCESS_MARKER}}} to one of: " + ", ".join(
                    ACCESS_LEVELS
                )
                header = _wrap_comment(header)
            blocks.append(header + "\n\n" + "\n".join(format_entry(r) for r in added_here))
            result.added.extend(added_here)
    result.text = "\n".join(blocks)
    return result


def _wrap_comment(text: str, width: int = 95) -> str:
    lines, line = [], ""
    for word in text.removeprefix("% ").split():
        if line and len(line) + len(word) + 3 > width:
            lines.append("% " + line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append("% " + line)
    return "\n".join(lines)


def appended(bib_text: str, addition: str) -> str:
    """``bib_text`` unchanged, then a blank line and ``addition``."""
    if not addition:
        return bib_text
    ending = "" if bib_text.endswith("\n") or not bib_text else "\n"
    gap = "" if not bib_text or bib_text.endswith("\n\n") else "\n"
    return bib_text + ending + gap + addition


def report(result: Result, bib: Path, dry_run: bool, options: Options) -> None:
    """Tell the contributor what happened, in plain words."""
    verb = "would be added" if dry_run else "added"
    for record in result.added:
        print(f"{record.origin}: {verb} as {record.key}")
        if record.dropped:
            print("    left out: " + ", ".join(record.dropped))
        for note in record.notes:
            print(f"    note: {note}")
    for record, why in result.duplicates:
        title = _plain(record.fields.get("title", ""))[:70]
        print(f'{record.origin}: "{title}" is already there: {why}; not added')
    for line in result.skipped:
        print(line)
    summary = (
        f"{bib}: {len(result.added)} new entr{'y' if len(result.added) == 1 else 'ies'} "
        f"{verb}, {len(result.duplicates)} duplicate(s) not added"
    )
    print(summary + (" (dry run: nothing written)" if dry_run else ""))
    if dry_run and result.text:
        print("\nWould append:\n\n" + result.text)
    if result.added and not options.access and not dry_run:
        print(
            f"Next: set access = {{{ACCESS_MARKER}}} in each new entry to one of: "
            f"{', '.join(ACCESS_LEVELS)} (nox -s lint lists the ones left)."
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the import; return 0, or 1 when an input file could not be read."""
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_evidence.bib.importer",
        description="Add references exported from Zotero, EndNote or Mendeley (RIS, BibTeX "
        "or CSL-JSON) to references.bib in the house style; duplicates are reported, not added.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files")
    parser.add_argument("--bib", type=Path, default=Path("references.bib"), help="the .bib file")
    parser.add_argument(
        "--access",
        choices=ACCESS_LEVELS,
        help=f"access level of every new entry (else access = {{{ACCESS_MARKER}}} to fill in)",
    )
    parser.add_argument(
        "--keywords",
        action="append",
        default=[],
        help="reading-list keywords for every new entry, comma-separated (e.g. journal-articles)",
    )
    parser.add_argument("--keep-urldate", action="store_true", help="keep urldate fields")
    parser.add_argument("--keep-abstract", action="store_true", help="keep abstracts")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be added; change nothing"
    )
    args = parser.parse_args(argv)
    words = tuple(w.strip() for group in args.keywords for w in group.split(",") if w.strip())
    options = Options(args.access, words, args.keep_urldate, args.keep_abstract)
    try:
        bib_text = ""
        if args.bib.exists():
            with args.bib.open(encoding="utf-8", newline="") as handle:
                bib_text = handle.read()  # exactly as it is: the new text only follows it
    except (OSError, UnicodeDecodeError) as failure:
        print(f"{args.bib}: cannot be read ({failure})", file=sys.stderr)
        return 1
    failed = False
    exports = []
    for path in args.files:
        try:
            exports.append((path, read_export(path, options)))
        except ImportFailure as failure:
            print(str(failure), file=sys.stderr)
            failed = True
    result = merge(bib_text, str(args.bib), exports, options, _dt.date.today())
    if not args.dry_run and result.text:
        with args.bib.open("a", encoding="utf-8", newline="") as handle:
            handle.write(appended(bib_text, result.text)[len(bib_text) :])
    report(result, args.bib, args.dry_run, options)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
