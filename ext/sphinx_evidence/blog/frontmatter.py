"""Front matter read so that no value can crash a build, and checked (plain Python).

* :func:`read` loads the YAML block at the top of a page with dates kept as text, so an
  impossible date (``2020-02-31``) is a problem to report, not a ``ValueError``;
* :func:`safe_source` quotes such dates in the page's text, so that MyST-Parser (which
  drops the whole front matter when one value fails) still reads the page's title;
* :func:`check_date` and :func:`check_page` say, in plain words, what is wrong: impossible
  dates and dates in other formats, unknown keys ("did you mean"), missing required keys;
* ``python -m sphinx_evidence.blog.frontmatter docs`` checks every page without a build.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from sphinx_evidence.core.text import MONTHS, suggestion
from sphinx_evidence.core.warnings import Warn

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w:.-]*)\s*:(.*)$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIMESTAMP = re.compile(r"^(\s*)(\d{4}-\d{1,2}-\d{1,2})([ \tTt]+\d[^#]*?)?(\s*(?:#.*)?)$")

PAGE_KEYS = (
    # Sphinx's file-wide metadata, MyST-Parser's own keys and what furo and
    # sphinxext-opengraph read
    "orphan",
    "nocomments",
    "nosearch",
    "tocdepth",
    "title",
    "myst",
    "html_meta",
    "substitutions",
    "hide-toc",
    "og:title",
    "og:description",
    "og:image",
    "og:image:alt",
    "og:type",
    "og:url",
    "description",
    # sphinx-evidence: posts, and the glossary's opt-out
    "date",
    "authors",
    "tags",
    "summary",
    "original",
    "publication",
    "autolink",
)
"""Front matter keys every page may use."""

PostDate = tuple[int, ...]


class Found(NamedTuple):
    """A problem found in a page's front matter: where, what kind, and the message."""

    line: int
    kind: Warn
    message: str


@dataclass
class FrontMatter:
    """A page's front matter: its values (``{}`` if none), the line of each top-level key,
    and a problem when the block cannot be read at all."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problem: Found | None = None
    present: bool = False


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, with dates kept as the text written (checked by us)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)


def read(text: str) -> FrontMatter:
    """The front matter at the top of ``text`` (a MyST page); never raises."""
    match = FRONT_MATTER_RE.match(text.removeprefix("\ufeff"))
    if not match:
        return FrontMatter()
    block = match.group(1) or ""
    found = FrontMatter(present=True)
    for number, line in enumerate(block.splitlines(), start=2):
        key = _KEY_LINE.match(line)
        if key:
            found.lines.setdefault(key.group(1), number)
    try:
        data = yaml.load(block, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        line = 2 + (err.problem_mark.line if err.problem_mark else 0)
        alone = [  # YAML may notice a problem a line late: the first line bad on its own
            n for n, text in enumerate(block.splitlines(), start=2)
            if _KEY_LINE.match(text) and not _readable(text)
        ]  # fmt: skip
        line = min(alone[0], line) if alone else line
        found.problem = Found(
            line,
            Warn.front_matter,
            "the front matter cannot be read from this line on: check its colon, quotes,"
            ' brackets and indentation (a value with a colon in it needs quotes: title: "A: B")',
        )
        return found
    except (yaml.YAMLError, ValueError, RecursionError) as err:
        found.problem = Found(2, Warn.front_matter, f"the front matter cannot be read ({err})")
        return found
    if data is None:
        return found
    if not isinstance(data, dict):
        found.problem = Found(
            2,
            Warn.front_matter,
            "the front matter must be lines of 'key: value' (it is not a list of keys)",
        )
        return found
    found.data = {str(k): v for k, v in data.items()}
    return found


def safe_source(text: str) -> str:
    """``text`` with front matter that MyST-Parser can read, the line numbers kept: dates
    that do not exist are quoted, as are values YAML cannot read (``title: Place: a
    guide``); a block still unreadable becomes YAML comments. The problems themselves are
    reported by the front matter check, which reads the page as written."""
    match = FRONT_MATTER_RE.match(text)
    if not match or not match.group(1):
        return text
    lines = match.group(1).splitlines(keepends=True)
    fixed = [_quoted_date(line) for line in lines]
    if not _readable("".join(fixed)):
        fixed = [_quoted_value(line) for line in fixed]
    if not _readable("".join(fixed)):
        fixed = [f"# {line}" if line.strip() else line for line in lines]
    if fixed == lines:
        return text
    return text[: match.start(1)] + "".join(fixed) + text[match.end(1) :]


def _readable(block: str) -> bool:
    try:
        yaml.load(block, Loader=_Loader)  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    return True


def _split(line: str) -> tuple[str, str, str] | None:
    """(key, value, line ending) of a top-level ``key: value`` line."""
    body = line.rstrip("\r\n")
    key = _KEY_LINE.match(body)
    return (key.group(1), key.group(2), line[len(body) :]) if key else None


def _quoted_date(line: str) -> str:
    parts = _split(line)
    stamp = _TIMESTAMP.match(parts[1]) if parts else None
    if not parts or not stamp or _real_date(stamp.group(2)) is not None:
        return line
    value = stamp.group(2) + (stamp.group(3) or "")
    return f'{parts[0]}: "{value}"{stamp.group(4)}{parts[2]}'


def _quoted_value(line: str) -> str:
    parts = _split(line)
    if not parts or not parts[1].strip() or _readable(line):
        return line
    value = parts[1].strip().replace("'", "''")
    return f"{parts[0]}: '{value}'{parts[2]}"


def _real_date(text: str) -> datetime.date | None:
    parts = [int(p) for p in text.split("-")]
    try:
        return datetime.date(*parts)
    except (TypeError, ValueError):
        return None


def check_date(value: Any) -> tuple[PostDate | None, str | None]:
    """A date as far as it is known, ``(2019,)``, ``(2019, 11)`` or ``(2019, 11, 5)``, and
    None; or None and a plain message saying what is wrong and how to write it."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return (value.year, value.month, value.day), None
    shown = str(value).strip() if not isinstance(value, list | dict) else repr(value)
    how = (
        "write it as YYYY-MM-DD (2019-11-05), or YYYY-MM or YYYY when the day or month is not known"
    )
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, f'the date "{shown}" is not a date; {how}'
    iso = _ISO.match(shown)
    if iso:
        parts = tuple(int(p) for p in iso.groups() if p is not None)
        if len(parts) > 1 and not 1 <= parts[1] <= 12:
            return None, f'the date "{shown}" has no month {parts[1]}: months are 01 to 12; {how}'
        if len(parts) == 3 and _real_date(shown) is None:
            name = MONTHS[parts[1] - 1]
            return None, (
                f'the date "{shown}" does not exist: {name} {parts[0]} has no day {parts[2]};'
                f' check the day, or give only the month ("{parts[0]}-{parts[1]:02d}") if the'
                " day is not known"
            )
        short = [p for p in iso.groups()[1:] if p is not None and len(p) == 1]
        if short:
            padded = "-".join([str(parts[0]), *(f"{p:02d}" for p in parts[1:])])
            return None, f'the date "{shown}" needs two digits for the month and day: "{padded}"'
        return parts, None
    dmy = _DMY.match(shown)
    if dmy:
        day, month, year = (int(n) for n in dmy.groups())
        if _real_date(f"{year}-{month}-{day}") is not None:
            return None, (
                f'the date "{shown}" is written day first; write it year first: '
                f'"{year}-{month:02d}-{day:02d}"'
            )
    return None, f'the date "{shown}" is not written as this site writes dates; {how}'


def check_page(
    matter: FrontMatter,
    known: Iterable[str],
    required: Iterable[str] = (),
    has_heading: bool = False,
) -> list[Found]:
    """Unknown keys (with a suggestion) and required keys that are missing or empty
    (``title`` is also given by a ``#`` heading)."""
    known = list(known)
    problems = []
    for key in matter.data:
        if key not in known:
            problems.append(
                Found(
                    matter.lines.get(key, 2),
                    Warn.front_matter,
                    f'the front matter key "{key}" is not one this site uses, so it does'
                    f" nothing.{suggestion(key, known) or ' Remove it, or check its spelling.'}",
                )
            )
    for key in required:
        value = matter.data.get(key)
        if key == "title" and has_heading:
            continue
        if value is None or (isinstance(value, str | list) and not value):
            end = max(matter.lines.values(), default=1) + 1 if matter.present else 1
            where = matter.lines.get(key, end)
            problems.append(
                Found(
                    where,
                    Warn.front_matter_missing,
                    f'this page needs a "{key}" in its front matter'
                    + (" (or a # heading)" if key == "title" else "")
                    + f'; add a line "{key}: ..." between the --- lines',
                )
            )
    return problems


def required_for(docname: str, rules: Mapping[str, Iterable[str]]) -> list[str]:
    """The keys the ``rules`` (folder -> keys) require of page ``docname``; a folder's
    index page is exempt."""
    if docname.rsplit("/", 1)[-1] == "index":
        return []
    for folder, keys in rules.items():
        folder = folder.strip("/")
        if folder and docname.startswith(folder + "/"):
            return list(keys)
    return []
