"""Start a page from a template: ``nox -s new -- post|brief|guidance "Title"``.

Writes the page with its front matter or header (today's date, a slug from the title, the
right folder), adds it to its section's table of contents, and prints what to edit next.
Plain Python: no Sphinx needed.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx_evidence.core.text import slug

FOLDERS = {"post": "blog", "brief": "briefs", "guidance": "guidance"}

POST = """---
title: {title_yaml}
date: {date}
authors: {authors}
tags: {tags}
summary: {summary}
---

% Fill in the front matter above: authors as a list ([First Last, First Last]), tags as a
% list using existing tags where they fit ([STP, evidence]; each tag gets its archive page
% by itself), and a one-sentence summary for the blog index, the feed and link previews
% (the build reports a post without one). If the post was first published elsewhere, add
% "original:" (its web address) and "publication:" (where). Then write the post below, with
% "##" headings. Delete these comment lines when you are done.
"""

BRIEF = """# {title}

:Produced by: {team}
:Date: {month_year}

% Write a sentence on what the brief covers. Then one "##" section per group of resources,
% each with a reading list of references.bib keys, for example:
%
% ```{{readinglist}}
% :keys: kingsfund2019hwbics
% ```
%
% Delete these comment lines when you are done.
"""

GUIDANCE = """# {title}

% Fill in the details of the guidance as a field list, as the other guidance pages do:
% :Publisher:, :Type:, :Year:, :Full report: (its web address) and :Access: ({{access}}`free`
% or another level). Give only what the publisher states. Cite its references.bib entry
% with {{cite:p}}`key`, then summarise it in "##" sections. Delete these comment lines.
"""

NEXT = {
    "post": "add its authors, tags and summary in the front matter, then write the post",
    "brief": "check the team and date, then add its sections and reading lists",
    "guidance": "add the publisher's details, cite its references.bib entry, then summarise it",
}


def _yaml_text(text: str) -> str:
    """``text`` as a YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_yaml_text(" ".join(i.split())) for i in items if i.strip()) + "]"


def render(
    kind: str,
    title: str,
    today: datetime.date,
    authors: Sequence[str] = (),
    tags: Sequence[str] = (),
    summary: str = "",
) -> str:
    """The new page's text (``authors``, ``tags`` and ``summary``: posts only)."""
    values = {
        "title": title,
        "title_yaml": _yaml_text(title),
        "authors": _yaml_list(authors),
        "tags": _yaml_list(tags),
        "summary": _yaml_text(" ".join(summary.split())),
        "date": today.isoformat(),
        "month_year": today.strftime("%B %Y"),
        "team": "Knowledge Management team",
    }
    template = {"post": POST, "brief": BRIEF, "guidance": GUIDANCE}[kind]
    return template.format(**values)


def add_to_toctree(index: Path, entry: str) -> bool:
    """Add ``entry`` to the first ``{toctree}`` block of ``index``: after the last page
    entry and before tag archives (``tags/...``). False when it is listed already."""
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("```{toctree}")), None)
    if start is None:
        raise ValueError(f"{index} has no {{toctree}} block to add the page to")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    entries = [i for i in range(start + 1, end) if lines[i].strip() and lines[i][0] != ":"]
    if any(lines[i].strip() == entry for i in entries):
        return False
    pages = [i for i in entries if not lines[i].strip().startswith("tags/")]
    at = (pages[-1] + 1) if pages else (entries[0] if entries else end)
    lines.insert(at, entry + "\n")
    index.write_text("".join(lines), encoding="utf-8")
    return True


def new_page(kind: str, title: str, docs: Path, today: datetime.date, **post: Any) -> Path:
    """Write the page and list it; return its path. ``FileExistsError`` if it exists.
    ``post``: a post's ``authors``, ``tags`` and ``summary``."""
    name = slug(title)
    if not name:
        raise ValueError("give the page a title with letters or digits in it")
    folder = docs / FOLDERS[kind]
    page = folder / f"{name}.md"
    if page.exists():
        raise FileExistsError(f"{page} exists already: choose another title, or edit that page")
    page.write_text(render(kind, title.strip(), today, **post), encoding="utf-8")
    add_to_toctree(folder / "index.md", name)
    return page


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nox -s new --", description="Start a blog post, evidence brief or guidance page."
    )
    parser.add_argument("kind", choices=sorted(FOLDERS), help="what kind of page")
    parser.add_argument("title", help='the page\'s title, in quotes: "The title"')
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the site's folder")
    parser.add_argument("--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument(
        "--author", action="append", default=[], help="a post's author (again for more)"
    )
    parser.add_argument("--tag", action="append", default=[], help="a post's tag (again for more)")
    parser.add_argument("--summary", default="", help="a post's one-sentence summary")
    args = parser.parse_args(argv)
    today = args.date or datetime.date.today()
    post = {"authors": args.author, "tags": args.tag, "summary": args.summary}
    try:
        page = new_page(
            args.kind, args.title, args.docs, today, **(post if args.kind == "post" else {})
        )
    except (FileExistsError, ValueError) as err:
        print(f"Not written: {err}", file=sys.stderr)
        return 1
    print(f"Wrote {page} and listed it in {page.parent / 'index.md'}.")
    print(f"Next: open {page}, {NEXT[args.kind]}.")
    print("Then check it in a minute with: python3 -m nox -s check")
    if args.kind == "post":
        print("Tags: use the spelling other posts use; each tag's archive page is made for you.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
