"""Blog post front matter: configuration, parsing and validation (no Sphinx state here)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sphinx_evidence.blog.frontmatter import check_date, read
from sphinx_evidence.core.text import MONTHS, slug
from sphinx_evidence.core.warnings import Warn

POST_KEYS = ("date", "authors", "tags", "summary", "original", "publication")
"""Front matter keys that make a page under the blog folder a post."""


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

    tag_pages: bool = field(
        default=False,
        metadata={
            "help": "Write an archive page <tags_path>/<slug>.md for every tag a post uses "
            "(rewritten on each build; a page you wrote yourself is never replaced) and "
            "delete those of tags no post uses any more."
        },
    )
    tag_descriptions: dict[str, str] = field(
        default_factory=dict,
        metadata={
            "help": "Tag -> a sentence or two shown on its generated archive page, above the "
            'list of posts (e.g. {"STP": "Posts about ..."}); written as plain text.'
        },
    )
    check_front_matter: bool = field(
        default=False,
        metadata={
            "help": "Check every page's front matter: keys this site does not use (with a "
            "suggestion), and the keys required_keys asks for."
        },
    )
    front_matter_keys: list[str] = field(
        default_factory=list,
        metadata={"help": "Front matter keys allowed besides Sphinx's, MyST's and ours."},
    )
    required_keys: dict[str, list[str]] = field(
        default_factory=dict,
        metadata={
            "help": 'Folder -> front matter keys its pages need, e.g. {"blog": ["title", '
            '"summary"]} ("title" is also given by a # heading; index pages are exempt).'
        },
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
    written_tags: tuple[str, ...] = ()
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
        data.pop("written_tags")
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
    return check_date(value)[0]


def front_matter(text: str) -> tuple[dict[str, Any] | None, dict[str, int], str | None]:
    """The YAML front matter of a MyST page, the line of each top-level key, and an error."""
    found = read(text)
    if found.problem is not None:
        return None, found.lines, found.problem.message
    return (found.data if found.present else None), found.lines, None


def tag_key(tag: str) -> str:
    """What tags that differ only in case or spacing share: ``"S T P"`` -> ``"stp"``."""
    return "".join(tag.casefold().split())


def spellings(tag_lists: Iterable[Sequence[str]]) -> dict[str, str]:
    """Tag key -> the spelling most posts use (on a tie, the first seen)."""
    counts: dict[str, dict[str, int]] = {}
    for tags in tag_lists:
        for tag in tags:
            forms = counts.setdefault(tag_key(tag), {})
            forms[tag] = forms.get(tag, 0) + 1
    return {key: max(forms, key=lambda f: forms[f]) for key, forms in counts.items()}


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


Problem = tuple[int, str, Warn]
"""(line, message, kind) of a problem in a post's front matter."""


def _tags(
    data: dict[str, Any], known: Mapping[str, str], line: int, problems: list[Problem]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The post's tags as written and as shown (each in the spelling other posts use)."""
    written = _text_list(data["tags"])
    if written is None:
        message = "the tags must be a list of words, such as [STP, evidence]"
        problems.append((line, message, Warn.post_meta))
        return (), ()
    shown = []
    for tag in written:
        spelling = known.get(tag_key(tag), tag)
        if spelling != tag:
            problems.append(
                (
                    line,
                    f'the tag "{tag}" is written "{spelling}" on other posts, so it is shown as '
                    f'"{spelling}"; write it "{spelling}" here too',
                    Warn.post_tag,
                )
            )
        if spelling not in shown:
            shown.append(spelling)
    return written, tuple(shown)


def parse_post(
    docname: str, text: str, doc_title: str, known_tags: Mapping[str, str] | None = None
) -> tuple[Post | None, list[Problem]]:
    """Read a page's front matter; return its Post (None if not a post) and problems.

    Problems are ``(line, message, kind)``; a bad value is dropped and the rest still used.
    ``known_tags`` (tag key -> spelling) puts each tag in the spelling other posts use.
    """
    found = read(text)
    if found.problem is not None:
        return None, [(found.problem.line, found.problem.message, found.problem.kind)]
    data, lines = found.data, found.lines
    if not any(k in data for k in POST_KEYS):
        return None, []
    problems: list[Problem] = []

    def problem(key: str, message: str, kind: Warn = Warn.post_meta) -> None:
        problems.append((lines.get(key, 1), message, kind))

    title = _text(data.get("title")) if "title" in data else doc_title
    if title is None:
        problem("title", f"the title must be text, not {type(data['title']).__name__}")
        title = doc_title
    if not title:
        problem("title", 'the post has no title: add "title: ..." to its front matter')

    date = None
    if "date" in data:
        date, why = check_date(data["date"])
        if why:
            problem("date", why, Warn.post_date)

    authors: tuple[str, ...] = ()
    if "authors" not in data:
        problem(
            "authors", 'the post has no authors: add "authors: [First Last]" to its front matter'
        )
    else:
        names = _text_list(data["authors"])
        if names is None:
            problem("authors", "the authors must be a list of names, such as [Ann Smith, Bo Li]")
        else:
            authors = names

    written: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    if "tags" in data:
        written, tags = _tags(data, known_tags or {}, lines.get("tags", 1), problems)

    summary = ""
    if "summary" in data:
        summary = _text(data["summary"]) or ""
        if not isinstance(data["summary"], str):
            problem("summary", "the summary must be one sentence of text")

    original = ""
    if "original" in data:
        value = _text(data["original"]) or ""
        if re.match(r"^https?://[^\s<>\"]+$", value):
            original = value
        else:
            problem(
                "original",
                f'"original" must be a web address starting https:// or http://, not'
                f' "{data["original"]}"',
            )

    publication = _text(data.get("publication", "")) or ""

    post = Post(
        docname=docname,
        title=title or docname,
        date=date,
        authors=authors,
        tags=tags,
        written_tags=written,
        summary=summary,
        original=original,
        publication=publication,
        lines=lines,
    )
    return post, problems
