"""Blog post front matter: configuration, parsing and validation (no Sphinx state here)."""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sphinx_evidence.core.text import MONTHS, slug

POST_KEYS = ("date", "authors", "tags", "summary", "original", "publication")
"""Front matter keys that make a page under the blog folder a post."""

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL)

PostDate = tuple[int, ...]
"""(year,), (year, month) or (year, month, day): as precise as the date is known."""


def _folder(value: str) -> str:
    if not isinstance(value, str) or value.startswith(("/", "..")) or "\\" in value:
        raise ValueError(f"{value!r} is not a folder path relative to the source directory")
    return value.strip("/")


@dataclass(frozen=True)
class BlogConfig:
    """Blog settings (``evidence_blog_<name>`` in ``conf.py``)."""

    path: str = field(
        default="",
        metadata={
            "help": "Folder (relative to the source directory) whose pages are blog posts; "
            "empty: no page is a post (a {postlist} then lists none)."
        },
    )
    tags_path: str = field(
        default="blog/tags",
        metadata={"help": "Folder of tag archive pages: a tag STP links to <folder>/stp."},
    )

    feed: bool = field(
        default=True,
        metadata={
            "help": "HTML: write an Atom feed <path>/atom.xml (absolute links with html_baseurl)."
        },
    )
    feed_length: int = field(
        default=20,
        metadata={"help": "How many of the newest posts the feed holds (0: all)."},
    )

    def __post_init__(self) -> None:
        if isinstance(self.feed_length, bool) or self.feed_length < 0:
            raise ValueError(f"feed_length must be a whole number >= 0, not {self.feed_length!r}")
        object.__setattr__(self, "path", _folder(self.path))
        object.__setattr__(self, "tags_path", _folder(self.tags_path))


@dataclass(frozen=True)
class Post:
    """What a post's front matter says, checked."""

    docname: str
    title: str
    date: PostDate | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    original: str = ""
    publication: str = ""
    lines: dict[str, int] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def tag_slugs(self) -> tuple[str, ...]:
        return tuple(tag_slug(t) for t in self.tags)

    def as_json(self) -> dict[str, Any]:
        """The data post lists show, for change detection."""
        data = dataclasses.asdict(self)
        data.pop("lines")
        return data


def tag_slug(tag: str) -> str:
    """``"Place-based care"`` -> ``"place-based-care"``: the tag's archive page name."""
    return slug(tag, "tag")


def format_date(date: PostDate) -> str:
    """``(2019, 11)`` -> ``"November 2019"``; ``(2019, 11, 5)`` -> ``"5 November 2019"``."""
    if len(date) == 1:
        return str(date[0])
    month = MONTHS[date[1] - 1]
    if len(date) == 2:
        return f"{month} {date[0]}"
    return f"{date[2]} {month} {date[0]}"


def iso_date(date: PostDate) -> str:
    """``(2019, 11)`` -> ``"2019-11"``."""
    return "-".join([f"{date[0]:04d}", *(f"{p:02d}" for p in date[1:])])


def parse_date(value: Any) -> PostDate | None:
    """A post date from YAML (``2019``, ``"2019-11"``, ``2019-11-05``); None if unusable."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return (value.year, value.month, value.day)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    match = DATE_RE.match(str(value).strip())
    if not match:
        return None
    parts = tuple(int(p) for p in match.groups() if p is not None)
    try:
        datetime.date(
            parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        )
    except ValueError:
        return None
    return parts


def front_matter(text: str) -> tuple[dict[str, Any] | None, dict[str, int], str | None]:
    """The YAML front matter of a MyST page, the line of each top-level key, and an error."""
    match = FRONT_MATTER_RE.match(text.removeprefix("\ufeff"))
    if not match:
        return None, {}, None
    lines: dict[str, int] = {}
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            lines.setdefault(key.group(1), number)
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        return None, lines, f"post front matter is not valid YAML: {err}".splitlines()[0]
    if not isinstance(data, dict):
        return None, lines, None
    return data, lines, None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split())
    return None


def _text_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(" ".join(v.split()) for v in value)


def parse_post(
    docname: str, text: str, doc_title: str
) -> tuple[Post | None, list[tuple[int, str]]]:
    """Read a page's front matter; return its Post (None if not a post) and problems.

    Problems are ``(line, message)``; a bad value is dropped and the rest still used.
    """
    data, lines, error = front_matter(text)
    if error:
        return None, [(1, error)]
    if data is None or not any(k in data for k in POST_KEYS):
        return None, []
    problems: list[tuple[int, str]] = []

    def problem(key: str, message: str) -> None:
        problems.append((lines.get(key, 1), message))

    title = _text(data.get("title")) if "title" in data else doc_title
    if title is None:
        problem("title", f"post title must be text, not {type(data['title']).__name__}")
        title = doc_title
    if not title:
        problem("title", "post has no title (add 'title:' to the front matter)")

    date = None
    if "date" in data:
        date = parse_date(data["date"])
        if date is None:
            problem(
                "date",
                f"post date {data['date']!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
            )

    authors: tuple[str, ...] = ()
    if "authors" not in data:
        problem("authors", "post has no 'authors' in its front matter")
    else:
        found = _text_list(data["authors"])
        if found is None:
            problem("authors", "post 'authors' must be a list of names")
        else:
            authors = found

    tags: tuple[str, ...] = ()
    if "tags" in data:
        found = _text_list(data["tags"])
        if found is None:
            problem("tags", "post 'tags' must be a list of words")
        else:
            tags = found

    summary = ""
    if "summary" in data:
        summary = _text(data["summary"]) or ""
        if not isinstance(data["summary"], str):
            problem("summary", "post 'summary' must be text")

    original = ""
    if "original" in data:
        value = _text(data["original"]) or ""
        if re.match(r"^https?://[^\s<>\"]+$", value):
            original = value
        else:
            problem("original", f"post 'original' must be an http(s) URL, not {data['original']!r}")

    publication = _text(data.get("publication", "")) or ""

    post = Post(
        docname=docname,
        title=title or docname,
        date=date,
        authors=authors,
        tags=tags,
        summary=summary,
        original=original,
        publication=publication,
        lines=lines,
    )
    return post, problems
