"""Entry types: biblatex and BibTeX types folded into the families the house style knows,
the fields each family requires (and completes), and the words a ``type`` field reads as."""

from __future__ import annotations

import re

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
