"""The house bibliography style, a pybtex formatting-style plugin named ``evidence``.

An entry reads: title, then author or organisation, then the date (as far as it is known:
"2019", "November 2019" or "14 November 2019"), then the details of where it appeared
(journal, volume and pages; publisher; institution and report number; ...), then the link
(the DOI, else the URL). Every BibTeX and biblatex entry type is handled; a type the style
does not know falls back to a generic form (the caller warns, see :mod:`sphinx_evidence.bib.load`).

Fields hold LaTeX: :func:`latex_text` turns accents, dashes, ``\\&`` and friends into
Unicode and ``\\emph``/``\\textit``/``\\textbf`` into emphasis. Nothing in a field is ever
treated as markup of the output format: HTML in a field stays text.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from pybtex.database import Entry, Person
from pybtex.richtext import HRef, Protected, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

from sphinx_evidence.core.text import MONTHS

_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTHS, 1)}
_MONTH_NUMBER.update({name[:3].lower(): n for n, name in enumerate(MONTHS, 1)})

#: Entry types the style formats, each with the family that decides its layout.
FAMILIES: dict[str, str] = {
    "article": "article",
    "periodical": "periodical",
    "suppperiodical": "article",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "book",
    "booklet": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "book",
    "inbook": "part",
    "incollection": "part",
    "inproceedings": "part",
    "conference": "part",
    "inreference": "part",
    "suppbook": "part",
    "suppcollection": "part",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "online": "online",
    "electronic": "online",
    "www": "online",
    "misc": "generic",
    "unpublished": "generic",
    "patent": "patent",
    "dataset": "generic",
    "software": "generic",
    "set": "set",
    "xdata": "set",
}

#: Fields an entry of each family needs so a reader can find it (alternatives with ``|``).
#: Authors and dates are not required: grey literature often has neither, and a fact that
#: is not known is left out rather than guessed. :data:`COMPLETE` lists what biblatex
#: would ask for (``bibcheck --strict``).
REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("title", "journaltitle|journal"),
    "periodical": ("title",),
    "book": ("title",),
    "part": ("title", "booktitle|maintitle|crossref"),
    "report": ("title",),
    "thesis": ("title", "institution|school"),
    "online": ("title",),
    "patent": ("title", "number"),
    "generic": ("title",),
    "set": ("entryset",),
}

COMPLETE: dict[str, tuple[str, ...]] = {
    "article": ("title", "author|editor", "journaltitle|journal", "date|year"),
    "periodical": ("title", "date|year"),
    "book": ("title", "author|editor|organization|publisher", "date|year"),
    "part": ("title", "author|editor", "booktitle|maintitle|crossref", "date|year"),
    "report": ("title", "author|institution|organization", "date|year"),
    "thesis": ("title", "author", "institution|school", "date|year"),
    "online": ("title", "url|doi"),
    "patent": ("title", "author", "number", "date|year"),
    "generic": ("title",),
    "set": ("entryset",),
}

_TYPE_WORDS = {
    "thesis": "Thesis",
    "mastersthesis": "Master's thesis",
    "phdthesis": "PhD thesis",
    "report": "Report",
    "techreport": "Technical report",
    "patent": "Patent",
    "manual": "Manual",
    "dataset": "Dataset",
    "software": "Software",
    "unpublished": "Unpublished",
    "resreport": "Research report",
    "mathesis": "Master's thesis",
    "candthesis": "Candidate thesis",
    "patreq": "Patent request",
}

_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"]+$", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)

_INLINE_COMMANDS = {
    "emph": "em",
    "textit": "em",
    "mkbibemph": "em",
    "textsl": "em",
    "textbf": "strong",
    "mkbibbold": "strong",
}


def _type_words(value: str) -> str:
    """Words for a biblatex type key (``phdthesis``, ``patentus``...) or a free-text type."""
    key = value.lower()
    if key in _TYPE_WORDS:
        return _TYPE_WORDS[key]
    for prefix in ("patreq", "patent"):
        if key.startswith(prefix) and key.isalpha():
            return _TYPE_WORDS[prefix]
    return value


def _edition(value: str) -> str:
    """``2`` or ``2nd``: "2nd edition"; words stay as they are ("Revised edition")."""
    number = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?\.?", value.strip())
    if not number:
        return value if "edition" in value.lower() else f"{value} edition"
    n = int(number.group(1))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} edition"


def family(entry_type: str) -> str | None:
    """The layout family of ``entry_type`` (``None`` for a type the style does not know)."""
    return FAMILIES.get(entry_type.lower())


def safe_url(value: str) -> str | None:
    """``value`` if it may be emitted as a link (http(s) or mailto), else ``None``."""
    value = value.strip()
    return value if _SAFE_URL.match(value) else None


def doi_url(value: str) -> str | None:
    """The https://doi.org/ address of a DOI (bare, ``doi:`` or a doi.org URL), else ``None``."""
    bare = _DOI_PREFIX.sub("", value.strip())
    if not _DOI.match(bare):
        return None
    return "https://doi.org/" + quote(bare, safe="/:;()-._,")


#: Quoting commands (``\\enquote*`` is the inner, single quotation).
_QUOTES = {"mkbibquote": ("\u201c", "\u201d"), "enquote": ("\u201c", "\u201d")}
#: Old-style switches inside a group: ``{\\em text}``.
_SWITCHES = re.compile(r"^\\(em|it|sl|bf)\b\s*")


def _join_commands(text: Text) -> Text:
    """Turn ``\\emph {x}`` left by ``Text.from_latex`` into emphasis, ``\\enquote {x}``
    into quotation marks; drop other commands."""
    parts = list(text.parts)
    out: list[Any] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, String):
            value = part.value
            match = re.search(r"\\([A-Za-z]+)\s*(\*?)\s*$", value)
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if match and isinstance(nxt, Protected):
                value = value[: match.start()]
                if value:
                    out.append(String(_strip_commands(value)))
                command = match.group(1)
                inner = _join_commands(Text(*nxt.parts))
                tag = _INLINE_COMMANDS.get(command)
                if command in {"url", "href", "nolinkurl"}:
                    out.append(String(str(inner)))
                elif command in _QUOTES:
                    left, right = ("\u2018", "\u2019") if match.group(2) else _QUOTES[command]
                    out.extend([String(left), *inner.parts, String(right)])
                elif tag:
                    out.append(Tag(tag, inner))
                else:
                    out.append(inner)
                i += 2
                continue
            out.append(String(_strip_commands(value)))
        elif isinstance(part, Protected):
            inner_parts = list(part.parts)
            first = inner_parts[0] if inner_parts else None
            switch = _SWITCHES.match(first.value) if isinstance(first, String) else None
            if switch:
                inner_parts[0] = String(first.value[switch.end() :])  # type: ignore[union-attr]
                tag = "strong" if switch.group(1) == "bf" else "em"
                out.append(Tag(tag, _join_commands(Text(*inner_parts))))
            else:
                out.append(Protected(*_join_commands(Text(*inner_parts)).parts))
        else:
            out.append(part)
        i += 1
    return Text(*out)


_LOGOS = {"\\LaTeXe": "LaTeX2e", "\\LaTeX": "LaTeX", "\\BibTeX": "BibTeX", "\\TeX": "TeX"}


#: Commands that stand for a character.
_CHARACTERS = {
    "slash": "/",
    "hyphen": "-",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "ldots": "\u2026",
    "dots": "\u2026",
    "textellipsis": "\u2026",
}


def _strip_commands(value: str) -> str:
    for command, word in _LOGOS.items():
        value = re.sub(re.escape(command) + r"(?![A-Za-z]) ?", word, value)
    value = re.sub(r"\\([A-Za-z]+)\s?", lambda m: _CHARACTERS.get(m.group(1), ""), value)
    return value.replace("~", "\u00a0").replace("\\", "")


_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_LATEX_SPECIAL = re.compile(r"[\\~$]|--|``|''")
"""What needs the LaTeX decoder; braces alone only protect case, which the style never changes."""


def latex_text(value: str) -> Text:
    """Rich text from a LaTeX field value: Unicode, dashes, quotes and emphasis."""
    if not _LATEX_SPECIAL.search(value):  # plain text: nothing to decode (the usual case)
        value = value.replace("{", "").replace("}", "")
        return Text(" ".join(value.split())) if value.strip() else Text()
    value = _HREF.sub(r"\2", value)  # the parser would run the address into the text
    try:
        text = Text.from_latex(value)
    except Exception:  # a field pybtex's LaTeX parser cannot read: keep it as plain text
        return Text(value)
    text = _join_commands(text)
    if value == value.rstrip():
        text = _rstrip(text)
    return text


def _rstrip(text: Text) -> Text:
    """``text`` without trailing white space (left behind by a closing command)."""
    parts = list(text.parts)
    while parts and isinstance(parts[-1], String) and not parts[-1].value.strip():
        parts.pop()
    if parts and isinstance(parts[-1], String):
        parts[-1] = String(parts[-1].value.rstrip())
    return Text(*parts)


def plain(value: str) -> str:
    """Plain Unicode text of a LaTeX field value."""
    if not _LATEX_SPECIAL.search(value):
        return " ".join(value.replace("{", "").replace("}", "").split())
    return str(latex_text(value))


def person_text(person: Person) -> str:
    """A name as it is usually written: ``Sarah Reed``, ``The King's Fund``."""
    parts = [
        *person.first_names,
        *person.middle_names,
        *person.prelast_names,
        *person.last_names,
    ]
    name = " ".join(plain(p) for p in parts)
    if person.lineage_names:
        name += ", " + " ".join(plain(p) for p in person.lineage_names)
    return name


def name_parts(person: Person) -> tuple[str, str]:
    """(family name, given names) as plain text: ``("Smith", "Jane Ann")``."""
    family = " ".join(plain(p) for p in (*person.prelast_names, *person.last_names))
    given = " ".join(plain(p) for p in (*person.first_names, *person.middle_names))
    return family, given


def names_list(names: list[str], limit: int = 6) -> str:
    """``A``, ``A and B``, ``A, B and C``; more than ``limit`` names end in "et al."."""
    if len(names) > limit:
        return ", ".join(names[:limit]) + " et al."
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
"""biblatex (EDTF level 1) season numbers in a ``date`` field: ``2019-21`` is spring 2019."""

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _date_parts(raw: str) -> tuple[int, int | None, int | None] | None:
    """(year, month or season, day) of one ISO-like date; None if it is not a real date."""
    match = _DATE.match(raw.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is None:
        return (year, None, None) if day is None else None
    if month in SEASONS:
        return (year, month, None) if day is None else None
    if not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return year, month, day


def date_problem(entry: Entry) -> str | None:
    """What is wrong with the entry's ``date``, ``year`` or ``month`` (None: nothing)."""
    fields = entry.fields
    raw = fields.get("date", "").strip()
    if raw:
        ends = raw.split("/")
        if (
            len(ends) > 2
            or _date_parts(ends[0]) is None
            or (
                len(ends) == 2
                and ends[1].strip() not in ("", "..")
                and _date_parts(ends[1]) is None
            )
        ):
            return f'date "{raw[:40]}" is not a date such as 2019, 2019-11 or 2019-11-14'
    year = plain(fields.get("year", "")).strip()
    if year and not re.search(r"\d{4}", year):
        return f'year "{year[:40]}" has no four-digit year'
    month = plain(fields.get("month", "")).strip()
    if month and month_number(month) is None:
        return f'month "{month[:40]}" is not a month'
    return None


def entry_date(entry: Entry) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as far as the entry gives them (``date``, else ``year``/``month``);
    a season or an unreadable part counts as unknown."""
    fields = entry.fields
    raw = fields.get("date", "").strip()
    if raw:
        parts = _date_parts(raw.split("/")[0])
        if parts is not None:
            found_month = parts[1] if parts[1] is not None and parts[1] <= 12 else None
            return parts[0], found_month, parts[2]
        leading = re.match(r"^(\d{4})\b", raw)  # as far as it can be read (2019-13: 2019)
        if leading:
            return int(leading.group(1)), None, None
    year_match = re.search(r"\d{4}", fields.get("year", ""))
    year = int(year_match.group()) if year_match else None
    month = month_number(fields.get("month", ""))
    day_match = re.match(r"^\d{1,2}$", fields.get("day", "").strip())
    day = int(day_match.group()) if day_match and month else None
    if year and month and day and day > calendar.monthrange(year, month)[1]:
        day = None
    return year, month, day


def month_number(value: str) -> int | None:
    """1-12 from ``nov``, ``November`` or ``11``; ``None`` when unknown or empty."""
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTH_NUMBER.get(value) or _MONTH_NUMBER.get(value[:3])


def _one_date(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return str(year)
    name = SEASONS.get(month) or MONTHS[month - 1]
    return f"{name} {year}" if day is None else f"{day} {name} {year}"


def date_text(entry: Entry) -> str:
    """The date as far as it is known: ``2019``, ``November 2019``, ``14 November 2019``,
    ``Spring 2019``; a range as ``March\u2013May 2018``; a month with no year as the month."""
    raw = entry.fields.get("date", "").strip()
    if raw:
        ends = [_date_parts(part) for part in raw.split("/")[:2]]
        if ends[0] is not None:
            first = _one_date(*ends[0])
            last = ends[1] if len(ends) == 2 else None
            if last is None or last == ends[0] or ends[0][1] in SEASONS:
                return first
            if last[0] == ends[0][0] and ends[0][1] and last[1] and not ends[0][2] and not last[2]:
                return f"{first.rsplit(' ', 1)[0]}\u2013{_one_date(*last)}"
            return f"{first} \u2013 {_one_date(*last)}"
    year, month, day = entry_date(entry)
    if year is None:
        month_only = month_number(entry.fields.get("month", ""))
        if month_only and not plain(entry.fields.get("year", "")).strip():
            return MONTHS[month_only - 1]
        return plain(entry.fields.get("year", "")).strip()
    return _one_date(year, month, day)


def sort_date(entry: Entry) -> tuple[int, int, int]:
    """A sort key for newest-first lists (unknown parts sort as 0)."""
    year, month, day = entry_date(entry)
    return (year or 0, month or 0, day or 0)


def entry_link(entry: Entry) -> tuple[str, str] | None:
    """(href, text) of the entry's link: its DOI if valid, else a safe ``url``."""
    doi = entry.fields.get("doi", "")
    if doi and (href := doi_url(doi)):
        return href, href
    url = entry.fields.get("url", "")
    if url and (href := safe_url(url)):
        return href, href
    return None


def short_who(entry: Entry) -> str:
    """Who, for a label: ``Smith``, ``Smith and Jones``, ``Reed et al.``, an organisation."""
    for role in ("author", "editor"):
        people = entry.persons.get(role)
        if people:
            lasts = [
                " ".join(plain(p) for p in (*person.prelast_names, *person.last_names))
                or person_text(person)
                for person in people
            ]
            if len(lasts) == 1:
                return lasts[0]
            if len(lasts) == 2:
                return f"{lasts[0]} and {lasts[1]}"
            return f"{lasts[0]} et al."
    for name in ("organization", "institution", "publisher"):
        if entry.fields.get(name):
            return plain(entry.fields[name])
    words = plain(entry.fields.get("title", entry.key)).split()
    return " ".join(words[:4]) + ("..." if len(words) > 4 else "")


def _shorten(who: str, limit: int = 36) -> str:
    """At most ``limit`` characters, cut at a word ("NHS England and NHS Improvement...")."""
    if len(who) <= limit:
        return who
    cut = who[:limit].rsplit(" ", 1)[0]
    for joiner in (" and", " of", " for", " the", ","):
        cut = cut.removesuffix(joiner)
    return cut + "\u2026"


class EvidenceLabels(BaseLabelStyle):
    """Author-year labels (``Reed et al. 2019``, ``The King's Fund n.d.``), as cited in text;
    labels that would repeat get ``a``, ``b``... after the year."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        """One label per entry, in order."""
        entries = list(sorted_entries)
        bases = []
        for entry in entries:
            year = entry_date(entry)[0]
            bases.append(f"{_shorten(short_who(entry))} {year if year else 'n.d.'}")
        counts: dict[str, int] = {}
        for base in bases:
            counts[base] = counts.get(base, 0) + 1
        seen: dict[str, int] = {}
        for base in bases:
            if counts[base] == 1:
                yield base
                continue
            seen[base] = seen.get(base, 0) + 1
            yield base + "abcdefghijklmnopqrstuvwxyz"[(seen[base] - 1) % 26]


class EvidenceSorting(BaseSortingStyle):
    """Sort by who (organisations by name, "The" ignored), then year, then title."""

    def sorting_key(self, entry: Entry) -> tuple[str, int, str]:
        """The sort key of one entry."""
        who = re.sub(r"^the\s+", "", short_who(entry).casefold())
        rough = re.sub(r"\\[A-Za-z]+|[{}\\]", "", entry.fields.get("title", ""))  # enough to sort
        title = re.sub(r"^(the|a|an)\s+", "", rough.casefold())
        return (who, sort_date(entry)[0], title)


#: Attribute of a pybtex ``Entry`` holding its formatted text (set by :func:`.load`).
MEMO = "_evidence_formatted"
#: Attribute of a ``@set`` entry holding its member entries (set by :func:`.load`).
SET_MEMBERS = "_evidence_members"


class EvidenceStyle(BaseStyle):
    """The house style: readable references for reports, web pages and articles alike."""

    default_name_style = "plain"
    default_label_style = EvidenceLabels
    default_sorting_style = EvidenceSorting

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> FormattedEntry:
        """Format one entry (never raises for missing fields or unknown types).

        The text is formatted once per parse of the .bib file: :func:`.load` stores
        it on the entry (``MEMO``), so sphinxcontrib-bibtex's per-build formatting of every
        bibliography and footnote reuses it.
        """
        text = getattr(entry, MEMO, None)
        if not isinstance(text, Text):
            text = self.format_text(entry)
        return FormattedEntry(entry.key, text, label)

    def format_text(self, entry: Entry) -> Text:
        """The formatted reference of ``entry`` as pybtex rich text."""
        kind = family(entry.type) or "generic"
        if kind == "set":
            return self._format_set(entry)
        blocks: list[Text] = []
        title = self._title(entry, kind)
        if title:
            blocks.append(title)
        who = self._who(entry, kind)
        if who:
            blocks.append(Text(who))
        when = date_text(entry)
        if when:
            blocks.append(Text(when))
        details = self._details(entry, kind)
        if details:
            blocks.append(details)
        if entry.fields.get("note") and kind != "generic":
            blocks.append(latex_text(entry.fields["note"]))  # a sentence of its own
        parts: list[Any] = []
        for block in blocks:
            if parts:
                parts.append(" ")
            parts.append(block)
            if not str(block).rstrip().endswith((".", "?", "!")):
                parts.append(".")
        link = entry_link(entry)
        shown_link: Any = None
        if link:
            shown_link = HRef(link[0], link[1])
        elif entry.fields.get("doi") or entry.fields.get("url"):
            shown_link = String((entry.fields.get("doi") or entry.fields.get("url", "")).strip())
        if shown_link is not None:
            parts.extend([" ", shown_link] if parts else [shown_link])
        return Text(*parts) if parts else Text(entry.key)

    def _title(self, entry: Entry, kind: str) -> Text | None:
        fields = entry.fields
        title = fields.get("title", "")
        if not title:
            return None
        text = latex_text(title)
        if fields.get("subtitle"):
            text = Text(text, ": ", latex_text(fields["subtitle"]))
        if fields.get("titleaddon"):
            text = Text(text, ". ", latex_text(fields["titleaddon"]))
        if kind in {"book", "report", "thesis", "periodical"}:
            return Text(Tag("em", text))
        return text

    def _who(self, entry: Entry, kind: str) -> str:
        persons = entry.persons
        for role in ("author", "editor"):
            if persons.get(role):
                names = names_list([person_text(p) for p in persons[role]])
                if role == "editor":
                    names += " (ed.)" if len(persons[role]) == 1 else " (eds)"
                return names
        for field in ("organization", "institution", "publisher", "howpublished"):
            if kind == "thesis" and field == "institution":
                continue
            if entry.fields.get(field):
                return plain(entry.fields[field])
        return ""

    def _details(self, entry: Entry, kind: str) -> Text | None:
        f = entry.fields
        parts: list[Any] = []

        def add(*values: Any) -> None:
            parts.extend(v for v in values if v)

        if kind == "article":
            journal = f.get("journaltitle") or f.get("journal")
            if journal:
                add(Tag("em", latex_text(journal)))
            issue = ""
            if f.get("volume"):
                issue = plain(f["volume"])
            number = f.get("number") or f.get("issue")
            if number:
                issue += f"({plain(number)})"
            if issue:
                add(issue)
            if f.get("pages"):
                add(plain(f["pages"]))
            if f.get("eid"):
                add(plain(f["eid"]))
        elif kind == "part":
            container = f.get("booktitle") or f.get("maintitle") or f.get("journaltitle")
            if container:
                inner = Text("In: ", Tag("em", latex_text(container)))
                if kind == "part" and entry.persons.get("author") and entry.persons.get("editor"):
                    editors = names_list([person_text(p) for p in entry.persons["editor"]])
                    inner = Text(inner, ", edited by ", editors)
                add(inner)
            add(*[plain(f[k]) for k in ("publisher", "location", "address") if f.get(k)])
            if f.get("pages"):
                add("pp. " + plain(f["pages"]))
        elif kind in {"book", "periodical"}:
            if f.get("edition"):
                add(_edition(plain(f["edition"])))
            if f.get("volumes"):
                add(f"{plain(f['volumes'])} volumes")
            for key in ("series", "publisher", "location", "address"):
                if f.get(key) and not (
                    key == "publisher" and self._who(entry, kind) == plain(f[key])
                ):
                    add(plain(f[key]))
            if f.get("isbn"):
                add("ISBN " + plain(f["isbn"]))
        elif kind in {"report", "thesis", "patent"}:
            words = _type_words(plain(f["type"]) if f.get("type") else entry.type.lower())
            if f.get("number"):
                words = f"{words} {plain(f['number'])}".strip()
            add(words)
            for key in ("institution", "school", "publisher", "location", "address"):
                if f.get(key) and plain(f[key]) != self._who(entry, kind):
                    add(plain(f[key]))
            if f.get("isrn"):
                add("ISRN " + plain(f["isrn"]))
        elif kind == "online":
            for key in ("organization", "publisher", "howpublished"):
                if f.get(key) and plain(f[key]) != self._who(entry, kind):
                    add(plain(f[key]))
        else:  # generic
            word = _TYPE_WORDS.get(entry.type.lower())
            add(word)
            for key in ("howpublished", "organization", "institution", "publisher", "note"):
                if f.get(key) and plain(f[key]) != self._who(entry, kind):
                    add(latex_text(f[key]))
        if not parts:
            return None
        text = Text()
        for part in parts:
            text = Text(text, ", ", part) if len(text) else Text(part)
        return text

    def _format_set(self, entry: Entry) -> Text:
        members = getattr(entry, SET_MEMBERS, None)
        if members is None:  # not loaded by bibdata.load: the keys are all there is
            keys = [m.strip() for m in entry.fields.get("entryset", "").split(",")]
            texts = [Text(key) for key in keys if key]
        else:
            texts = [self.format_text(member) for member in members]
        if not texts:
            title = entry.fields.get("title")
            return latex_text(title) if title else Text(entry.key)
        text = texts[0]
        for more in texts[1:]:
            text = Text(text, " Also: ", more)
        return text
