"""Reading references.bib: a tolerant parse with line numbers, and checks of every entry.

:func:`load` parses the .bib files with pybtex, capturing its errors instead of letting a
malformed entry or a duplicate key end the build, records the file and line of every
entry, formats every entry once in the house style, and lists the problems it found
(:class:`Problem`, one Sphinx warning each). The result is cached in the environment and
reused while the files' paths and modification times stay the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pybtex.errors
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text

from sphinx_evidence.bib.dates import date_problem
from sphinx_evidence.bib.links import doi_url, safe_url
from sphinx_evidence.bib.style import MEMO, SET_MEMBERS, EvidenceStyle
from sphinx_evidence.bib.types import REQUIRED, family
from sphinx_evidence.core.text import suggestion
from sphinx_evidence.core.warnings import Warn

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?\s*>|&[A-Za-z]+;|&#\d+;")
_NOT_ENTRIES = {"string", "preamble", "comment"}


class Problem(NamedTuple):
    """One problem in a .bib file, reported as a warning at ``path:line``."""

    kind: Warn
    message: str
    path: str
    line: int

    @property
    def location(self) -> str:
        """``path:line``, as Sphinx prints locations."""
        return f"{self.path}:{self.line}"


class Where(NamedTuple):
    """The file and line where an entry starts."""

    path: str
    line: int


class BibCache(NamedTuple):
    """Everything derived from the .bib files; valid while ``signature`` is unchanged."""

    signature: tuple[tuple[str, float], ...]
    encoding: str
    data: BibliographyData
    keys_by_file: dict[str, tuple[str, ...]]
    where: dict[str, Where]
    problems: tuple[Problem, ...]
    formatted: dict[str, Text]


def mtime(path: Path) -> float:
    """Modification time of ``path`` (minus infinity when missing), as the stock cache has it."""
    try:
        return path.lstat().st_mtime
    except OSError:
        return -math.inf


def signature(paths: Sequence[Path]) -> tuple[tuple[str, float], ...]:
    """The cache key: each path with its modification time."""
    return tuple((str(p), mtime(p)) for p in paths)


def scan(text: str) -> list[tuple[str, str, int]]:
    """(type, key, line) of every ``@type{key,`` in a .bib file's text."""
    found = []
    for match in _ENTRY_START.finditer(text):
        kind = match.group(1).lower()
        if kind in _NOT_ENTRIES:
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append((kind, match.group(2), line))
    return found


def load(
    paths: Sequence[Path],
    encoding: str,
    access_levels: Iterable[str],
    style: EvidenceStyle | None = None,
) -> BibCache:
    """Parse, index, check and format the .bib files ``paths``."""
    parser = Parser(encoding)
    where: dict[str, Where] = {}
    keys_by_file: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for path in paths:
        name = str(path)
        if not path.is_file():
            problems.append(Problem(Warn.bib_syntax, "bibliography file not found", name, 1))
            keys_by_file[name] = ()
            continue
        try:
            text = path.read_text(encoding=encoding)
        except (UnicodeDecodeError, OSError) as unreadable:
            problems.append(
                Problem(Warn.bib_syntax, f"cannot be read as {encoding}: {unreadable}", name, 1)
            )
            keys_by_file[name] = ()
            continue
        before = set(parser.data.entries.keys())
        for _kind, key, line in scan(text):
            if not key:
                continue  # pybtex reports it, with its line
            elif key.lower() in {k.lower() for k in where}:
                first = where[next(k for k in where if k.lower() == key.lower())]
                problems.append(
                    Problem(
                        Warn.bib_duplicate,
                        f'duplicate key "{key}" (first at {first.path}:{first.line}); '
                        "the first entry is used",
                        name,
                        line,
                    )
                )
            else:
                where[key] = Where(name, line)
        with pybtex.errors.capture() as errors:
            try:
                parser.parse_file(name)
            except Exception as failure:  # pragma: no cover - pybtex reports via capture()
                errors.append(failure)
        for err in errors:
            if "repeated bibliography entry" in str(err):
                continue  # reported above, with its line
            line = getattr(err, "lineno", None) or _line_of(text, str(err))
            problems.append(
                Problem(
                    Warn.bib_syntax,
                    f"this entry cannot be read ({err}); check its braces, commas and quotes",
                    name,
                    line,
                )
            )
        for key in [k for k in parser.data.entries if k not in before and k not in where]:
            if re.match(r"^unnamed-\d+$", key):  # pybtex's stand-in for an entry with no key
                del parser.data.entries[key]
        keys_by_file[name] = tuple(k for k in parser.data.entries if k not in before)
    data = parser.data
    problems.extend(resolve_links(data, where, paths))
    levels = set(access_levels)
    style = style or EvidenceStyle()
    formatted: dict[str, Text] = {}
    for key, entry in data.entries.items():
        at = _locate(where, key, paths)
        problems.extend(check_entry(entry, at, levels))
        try:
            formatted[key] = style.format_text(entry)
        except Exception as failure:  # one odd entry must not end the whole build
            problems.append(
                Problem(
                    Warn.bib_syntax,
                    f'entry "{key}" could not be formatted ({type(failure).__name__}: '
                    f"{failure}); shown by its key",
                    at.path,
                    at.line,
                )
            )
            formatted[key] = Text(key)
        setattr(entry, MEMO, formatted[key])
    problems.sort(key=lambda p: (p.path, p.line))
    return BibCache(
        signature=signature(paths),
        encoding=encoding,
        data=data,
        keys_by_file=keys_by_file,
        where=where,
        problems=tuple(problems),
        formatted=formatted,
    )


#: Fields a child entry never takes from the entry its ``crossref`` names.
_NOT_INHERITED = {
    "crossref",
    "xref",
    "xdata",
    "entryset",
    "ids",
    "keywords",
    "annotation",
    "access",
    "label",
    "shorthand",
    "sortkey",
    "indextitle",
    "indexsorttitle",
    "note",
}
#: The parent's title fields become these in a child (biblatex's inheritance for parts
#: of a book or proceedings; a volume of a multi-volume work takes them as ``main...``).
_TITLES_AS = {"part": "book", "book": "main"}


def resolve_links(
    data: BibliographyData, where: dict[str, Where], paths: Sequence[Path]
) -> list[Problem]:
    """biblatex's ``crossref`` inheritance, copied into each child's fields (pybtex does
    not do it), and the members of each ``@set``; a key that names no entry is a problem."""
    problems: list[Problem] = []
    done: set[str] = set()

    def inherit(key: str, chain: tuple[str, ...]) -> None:
        if key in done:
            return
        done.add(key)
        entry = data.entries[key]
        parent_key = entry.fields.get("crossref", "").strip()
        if not parent_key:
            return
        parent = data.entries.get(parent_key)
        if parent is None or parent_key in chain:
            there = _locate(where, key, paths)
            what = "names no entry" if parent is None else "makes a loop"
            problems.append(
                Problem(
                    Warn.bib_missing_field,
                    f'crossref "{parent_key}" {what} in entry "{key}"',
                    there.path,
                    there.line,
                )
            )
            return
        inherit(parent.key, (*chain, key))
        prefix = _TITLES_AS.get(family(entry.type) or "")
        for name, value in list(parent.fields.items()):
            lower = name.lower()
            if lower in _NOT_INHERITED:
                continue
            if prefix and lower in ("title", "subtitle", "titleaddon"):
                lower = prefix + lower
            if lower not in entry.fields:
                entry.fields[lower] = value
        for role, people in parent.persons.items():
            if role not in entry.persons and role.lower() != "author":
                entry.persons[role] = list(people)

    for key in list(data.entries):
        inherit(key, ())
    for key, entry in data.entries.items():
        if entry.type.lower() != "set":
            continue
        members: list[Entry] = []
        for name in (m.strip() for m in entry.fields.get("entryset", "").split(",")):
            member = data.entries.get(name) if name else None
            if member is not None and member.type.lower() != "set":
                members.append(member)
            elif name:
                there = _locate(where, key, paths)
                problems.append(
                    Problem(
                        Warn.bib_missing_field,
                        f'set member "{name}" names no entry in entry "{key}"',
                        there.path,
                        there.line,
                    )
                )
        setattr(entry, SET_MEMBERS, tuple(members))
    return problems


def _line_of(text: str, message: str) -> int:
    """The line of the first quoted fragment of ``message`` found in ``text`` (else 1)."""
    for fragment in re.findall(r"'([^']{3,})'", message):
        at = text.find(fragment)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _locate(where: dict[str, Where], key: str, paths: Sequence[Path]) -> Where:
    """Where entry ``key`` starts (its first file's top when the scan did not find it)."""
    return where.get(key) or _find(where, key) or Where(str(paths[0]) if paths else "", 1)


def _find(where: dict[str, Where], key: str) -> Where | None:
    lowered = key.lower()
    return next((w for k, w in where.items() if k.lower() == lowered), None)


def has_field(entry: Entry, name: str) -> bool:
    """Whether ``entry`` has field or person role ``name`` (crossrefs included)."""
    if entry.persons.get(name):
        return True
    try:
        return bool(entry.fields[name].strip())
    except KeyError:
        return False


def check_entry(entry: Entry, at: Where, levels: set[str]) -> list[Problem]:
    """The problems of one entry: type, required fields, access, links, markup."""
    found: list[Problem] = []

    def add(kind: Warn, message: str) -> None:
        found.append(Problem(kind, f'{message} in entry "{entry.key}"', at.path, at.line))

    kind = family(entry.type)
    if kind is None:
        add(Warn.bib_unknown_type, f"unknown entry type @{entry.type}; shown in the generic form")
    for need in REQUIRED[kind or "generic"]:
        options = need.split("|")
        if not any(has_field(entry, o) for o in options):
            add(Warn.bib_missing_field, f"missing field {' or '.join(options)}")
    bad_date = date_problem(entry)
    if bad_date:
        add(Warn.bib_date, bad_date)
    access = entry.fields.get("access", "").strip()
    if access and access not in levels:
        found.append(
            Problem(
                Warn.access_unknown,
                f'entry "{entry.key}" has access = {{{access}}}, which is not an access level;'
                f" use one of: {', '.join(sorted(levels))}.{suggestion(access, levels)}",
                at.path,
                at.line,
            )
        )
    url = entry.fields.get("url", "").strip()
    if url and safe_url(url) is None:
        add(
            Warn.bib_unsafe_url,
            f'url "{url[:60]}" is not http(s) or mailto; shown as text, not linked',
        )
    doi = entry.fields.get("doi", "").strip()
    if doi and doi_url(doi) is None:
        add(Warn.bib_unsafe_url, f'doi "{doi[:60]}" is not a DOI; shown as text, not linked')
    for name, value in entry.fields.items():
        if _MARKUP.search(value):
            add(Warn.bib_markup, f"HTML markup in field {name}; shown as text")
    for role, persons in entry.persons.items():
        if any(_MARKUP.search(str(p)) for p in persons):
            add(Warn.bib_markup, f"HTML markup in field {role}; shown as text")
    return found


def keywords(entry: Entry) -> list[str]:
    """The entry's ``keywords``, lower-cased, in order."""
    return [k.strip().lower() for k in entry.fields.get("keywords", "").split(",") if k.strip()]
