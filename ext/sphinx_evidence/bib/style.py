"""The house bibliography style, a pybtex formatting-style plugin named ``evidence``.

An entry reads: title, then author or organisation, then the date (as far as it is known:
"2019", "November 2019" or "14 November 2019"), then the details of where it appeared
(journal, volume and pages; publisher; institution and report number; ...), then the link
(the DOI, else the URL). Every BibTeX and biblatex entry type is handled; a type the style
does not know falls back to a generic form (the caller warns, see :mod:`sphinx_evidence.bib.load`).

Fields hold LaTeX: :func:`.latex.latex_text` turns accents, dashes, ``\\&`` and friends into
Unicode and ``\\emph``/``\\textit``/``\\textbf`` into emphasis. Nothing in a field is ever
treated as markup of the output format: HTML in a field stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pybtex.database import Entry
from pybtex.richtext import HRef, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

from sphinx_evidence.bib.dates import _MONTH_NUMBER, date_text, entry_date, sort_date
from sphinx_evidence.bib.latex import latex_text, plain
from sphinx_evidence.bib.links import entry_link
from sphinx_evidence.bib.names import _shorten, names_list, person_text, short_who
from sphinx_evidence.bib.types import _TYPE_WORDS, _edition, _type_words, family
from sphinx_evidence.core.text import MONTHS

_MONTH_NUMBER.update({name[:3].lower(): n for n, name in enumerate(MONTHS, 1)})


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


def _sentences(blocks: list[Text]) -> list[Any]:
    """The blocks as sentences: each ends with a full stop (unless it ends with one of
    ``.?!``), joined by spaces. The title's sentence, when there is one, is one item."""
    parts: list[Any] = []
    for block in blocks:
        if parts:
            parts.append(" ")
        parts.append(block if str(block).rstrip().endswith((".", "?", "!")) else Text(block, "."))
    return parts


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
        link = entry_link(entry)
        title = self.title_text(entry)
        parts: list[Any] = []
        if title is not None:  # the title is the link; its address is printed in print only
            parts.append(HRef(link[0], title) if link else title)
            if not str(title).rstrip().endswith((".", "?", "!")):
                parts.append(".")
        meta = self.meta_text(entry)
        if meta is not None:
            parts.extend([" ", meta] if parts else [meta])
        shown_link: Any = None
        if link and title is None:
            shown_link = HRef(link[0], link[1])
        elif not link and (entry.fields.get("doi") or entry.fields.get("url")):
            shown_link = String((entry.fields.get("doi") or entry.fields.get("url", "")).strip())
        if shown_link is not None:
            parts.extend([" ", shown_link] if parts else [shown_link])
        return Text(*parts) if parts else Text(entry.key)

    def title_text(self, entry: Entry) -> Text | None:
        """The entry's title (with subtitle), unlinked; ``None`` when it has none."""
        return self._title(entry, family(entry.type) or "generic")

    def meta_text(self, entry: Entry) -> Text | None:
        """Who, when and where, with the note: the sentences after the title."""
        kind = family(entry.type) or "generic"
        blocks: list[Text] = []
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
        parts = _sentences(blocks)
        return Text(*parts) if parts else None

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
