"""Check every page's front matter without a build: ``python -m sphinx_evidence.blog.lint``.

Reads the ``evidence_blog_*`` settings of ``<docs>/conf.py`` (running it as Sphinx does) and runs on
every MyST page the check the build runs (:func:`~.check.check_text`): front matter that
cannot be read, impossible dates and other date formats, unknown keys, required keys that
are missing, tags spelt differently from other posts. Prints one line per problem,
``file:line: message [evidence.<subtype>]``, worded as the build words it, and exits 1 when
it found any (``nox -s check`` and the pre-commit hook run it).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx.errors import ConfigError

from sphinx_evidence.blog import frontmatter
from sphinx_evidence.blog.check import check_text, is_under
from sphinx_evidence.blog.frontmatter import Found
from sphinx_evidence.blog.meta import BlogConfig, parse_post, spellings

_HEADING = re.compile(r"^#[ \t]+(\S.*?)[ \t#]*$", re.MULTILINE)


def settings(docs: Path) -> BlogConfig:
    """The ``evidence_blog_*`` values that ``<docs>/conf.py`` sets (others: defaults);
    ``ConfigError`` when conf.py cannot be run."""
    from sphinx.config import Config
    from sphinx.util.tags import Tags

    if not (docs / "conf.py").is_file():
        return BlogConfig()
    raw = Config.read(docs.resolve(), overrides={}, tags=Tags())._raw_config
    names = {f.name for f in dataclasses.fields(BlogConfig)}
    prefix = "evidence_blog_"
    values: dict[str, Any] = {
        name[len(prefix) :]: value
        for name, value in raw.items()
        if name.startswith(prefix) and name[len(prefix) :] in names
    }
    return BlogConfig(**values)


def pages(docs: Path) -> list[Path]:
    """The site's MyST pages (not those in folders starting ``_`` or ``.``)."""
    return [
        page
        for page in sorted(docs.rglob("*.md"))
        if not any(part.startswith(("_", ".")) for part in page.relative_to(docs).parts[:-1])
    ]


def check_site(docs: Path) -> list[tuple[Path, Found]]:
    """Every front matter problem of the site in ``docs``."""
    conf = settings(docs)
    texts = {page: page.read_text(encoding="utf-8", errors="replace") for page in pages(docs)}

    def docname(page: Path) -> str:
        return page.relative_to(docs).with_suffix("").as_posix()

    posts = [parse_post(docname(p), t, "")[0] for p, t in texts.items()]
    known = spellings(
        post.written_tags
        for post in posts
        if post is not None and is_under(post.docname, conf.path)
        and not is_under(post.docname, conf.tags_path)
    )  # fmt: skip
    found: list[tuple[Path, Found]] = []
    for page, text in texts.items():
        body = frontmatter.FRONT_MATTER_RE.sub("", text.removeprefix("\ufeff"), count=1)
        heading = _HEADING.search(body)
        _, problems = check_text(
            docname(page), text, conf, heading.group(1) if heading else "", known
        )
        found.extend((page, problem) for problem in problems)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Check the front matter of every page; print one line per problem."""
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_evidence.blog.lint",
        description="Check the front matter of every page of a site, without a build.",
    )
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the site's folder")
    args = parser.parse_args(argv)
    try:
        problems = check_site(args.docs)
    except (ConfigError, TypeError, ValueError) as err:
        print(f"{args.docs / 'conf.py'}: cannot be read: {err}", file=sys.stderr)
        return 2
    for page, problem in problems:
        print(f"{page}:{problem.line}: {problem.message} [evidence.{problem.kind.value}]")
    if problems:
        print(f"{args.docs}: {len(problems)} front matter problem(s)", file=sys.stderr)
        return 1
    print(f"{args.docs}: front matter has no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
