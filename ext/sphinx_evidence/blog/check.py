"""The front matter check of one page: what the build runs on each page (``ReadPost``)
and what ``python -m sphinx_evidence.blog.lint`` runs on every page without a build."""

from __future__ import annotations

from collections.abc import Mapping

from sphinx_evidence.blog import frontmatter
from sphinx_evidence.blog.frontmatter import Found
from sphinx_evidence.blog.meta import BlogConfig, Post, parse_post
from sphinx_evidence.core.warnings import Warn


def is_under(docname: str, folder: str) -> bool:
    folder = folder.strip("/")
    return bool(folder) and docname.startswith(folder + "/")


def check_text(
    docname: str, text: str, conf: BlogConfig, title: str, known_tags: Mapping[str, str]
) -> tuple[Post | None, list[Found]]:
    """The page's post (None if it is not one) and every problem of its front matter."""
    in_blog = is_under(docname, conf.path)
    post = None
    problems: list[Found] = []
    if in_blog:
        post, found = parse_post(docname, text, title, known_tags)
        problems.extend(Found(line, kind, message) for line, message, kind in found)
    if not conf.check_front_matter:
        return post, problems
    matter = frontmatter.read(text)
    if matter.problem is not None:
        if not in_blog:  # parse_post reported it already
            problems.append(matter.problem)
        return post, problems
    if is_under(docname, conf.tags_path):
        return post, problems
    required = frontmatter.required_for(docname, conf.required_keys)
    if post is not None:
        required = [key for key in required if key != "title"]  # parse_post's check
    elif in_blog:
        required = []  # not a post: the blog's index or another page
    keys = [*frontmatter.PAGE_KEYS, *conf.front_matter_keys]
    problems.extend(frontmatter.check_page(matter, keys, required, has_heading=bool(title)))
    if not in_blog and "date" in matter.data:
        _, why = frontmatter.check_date(matter.data["date"])
        if why:
            problems.append(Found(matter.lines.get("date", 1), Warn.post_date, why))
    return post, sorted(problems, key=lambda f: f.line)
