"""Names: a person as written, as (family, given), lists of names, and the short "who" of an
entry (authors, editors or organisation) for labels and in-text citations."""

from __future__ import annotations

from pybtex.database import Entry, Person

from sphinx_evidence.bib.latex import plain


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
