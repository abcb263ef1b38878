"""Posts on the page: the header under a post's title, ``{postlist}``, dates as ``<time>``."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from sphinx_evidence.blog import frontmatter
from sphinx_evidence.blog.check import check_text, is_under
from sphinx_evidence.blog.domain import domain_of
from sphinx_evidence.blog.meta import (
    BlogConfig,
    Post,
    PostDate,
    format_date,
    iso_date,
)
from sphinx_evidence.blog.tags import tag_items, taglist
from sphinx_evidence.core import config as cfg
from sphinx_evidence.core.nodes import page_link, post_date, print_url
from sphinx_evidence.core.text import suggestion
from sphinx_evidence.core.warnings import Warn, warn

PREFIX = "evidence_blog"


CSS = "blog.css"


NO_AUTOLINK = "evidence-no-autolink"  # glossary auto-links skip post metadata and lists


class postlist(nodes.General, nodes.Element):
    """Placeholder for a list of posts; replaced at write time by a bullet list."""


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def blog_config(config: Config) -> BlogConfig:
    return cfg.read(config, PREFIX, BlogConfig)


def _names(authors: Iterable[str]) -> str:
    names = list(authors)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _date(date: PostDate) -> post_date:
    """The date in words; HTML shows it as ``<time datetime="2019-11">``."""
    text = format_date(date)
    return post_date(text, text, classes=["evidence-post-date"], datetime=iso_date(date))


def _byline(post: Post) -> nodes.paragraph:
    para = nodes.paragraph(classes=["evidence-post-byline"])
    if post.authors:
        para += nodes.Text("By ")
        para += nodes.strong(_names(post.authors), _names(post.authors))
    if post.date:
        if post.authors:
            para += nodes.Text(", ")
        para += _date(post.date)
    else:
        para += nodes.Text(" (date of first publication not known)" if post.authors else "")
    return para


def _original(post: Post) -> nodes.paragraph:
    para = nodes.paragraph(classes=["evidence-post-original"])
    para += nodes.Text("First published ")
    if post.publication:  # the blog's name is the link; its address is printed on paper
        para += nodes.Text("on the ")
        name = nodes.emphasis(post.publication, post.publication)
        para += nodes.reference("", "", name, refuri=post.original)
        para += print_url(post.original)
    else:
        para += nodes.Text("at ")
        para += nodes.reference(post.original, post.original, refuri=post.original)
    para += nodes.Text(".")
    return para


def _tags(post: Post, env: BuildEnvironment, tags_path: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["evidence-post-tags"])
    para += nodes.Text("Tags: ")
    for i, (tag, tag_slug) in enumerate(zip(post.tags, post.tag_slugs, strict=True)):
        if i:
            para += nodes.Text(", ")
        target = f"{tags_path.strip('/')}/{tag_slug}"
        if target in env.found_docs:
            para += page_link(target, tag, post.docname)
        else:
            para += nodes.Text(tag)
    return para


def post_header(post: Post, env: BuildEnvironment, tags_path: str) -> nodes.container:
    """The header shown under a post's title, made only of stock docutils nodes."""
    header = nodes.container(classes=["evidence-post-header", NO_AUTOLINK])
    header += _byline(post)
    if post.tags:
        header += _tags(post, env, tags_path)
    if post.original:
        header += _original(post)
    return header


class ReadPost(SphinxTransform):
    """At read time: check a page's front matter; record a post and add its header.

    A title from front matter is set as plain text (myst would parse it as Markdown,
    raw HTML included), so front matter is always escaped.
    """

    default_priority = 880

    def apply(self, **kwargs: Any) -> None:
        env = self.env
        docname = env.current_document.docname
        conf = blog_config(self.config)
        in_blog = bool(docname) and is_under(docname, conf.path)
        if not docname or not (in_blog or conf.check_front_matter):
            return
        path = env.doc2path(docname)
        if path.suffix != ".md":
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # pragma: no cover - Sphinx just read it
            return
        title_node = next(iter(self.document.findall(nodes.title)), None)
        title = title_node.astext() if title_node is not None else ""
        spelling = domain_of(env).data.get("spellings", {})
        post, problems = check_text(docname, text, conf, title, spelling)
        for found in problems:
            warn(found.kind, found.message, location=(docname, found.line))
        if post is not None:
            self.add_post(post, title_node, conf)

    def add_post(self, post: Post, title_node: nodes.title | None, conf: BlogConfig) -> None:
        env = self.env
        docname = post.docname
        if title_node is not None and "title" in post.lines:
            title_node.children = []
            title_node += nodes.Text(post.title)
        domain_of(env).posts[docname] = post
        for tag, tag_slug in zip(post.tags, post.tag_slugs, strict=True):
            target = f"{conf.tags_path}/{tag_slug}"
            if target not in env.found_docs:
                warn(
                    Warn.post_tag,
                    f'the tag "{tag}" has no archive page {target}.md; create it with a'
                    " {postlist} of the tag, or set evidence_blog_tag_pages = True",
                    location=(docname, post.lines.get("tags", 1)),
                )
        header = post_header(post, env, conf.tags_path)
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is not None and section.children and isinstance(section[0], nodes.title):
            section.insert(1, header)
        else:
            self.document.insert(0, header)


def safe_front_matter(app: Any, docname: str, source: list[str]) -> None:
    """``source-read``: quote impossible dates so that MyST keeps the page's front matter
    (the post's title included); the date itself is reported by :class:`ReadPost`."""
    conf = blog_config(app.config)
    if is_under(docname, conf.path) or conf.check_front_matter:
        source[0] = frontmatter.safe_source(source[0])


def _positive_int(argument: str | None) -> int:
    return directives.positive_int(argument or "")


class PostList(SphinxDirective):
    """``{postlist}``: the posts, newest first (``:tag:`` to filter, ``:limit:`` to cut)."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "tag": directives.unchanged_required,
        "limit": _positive_int,
    }

    def run(self) -> list[nodes.Node]:
        node = postlist()
        self.set_source_info(node)
        node["tag"] = self.options.get("tag", "").strip() or None
        node["limit"] = self.options.get("limit", 0)
        node["docname"] = self.env.current_document.docname
        lists = domain_of(self.env).lists
        lists[node["docname"]] = lists.get(node["docname"], 0) + 1
        return [node]


def _post_item(post: Post, refdoc: str) -> nodes.list_item:
    item = nodes.list_item(classes=["evidence-postlist-item"])
    head = nodes.paragraph()
    head += nodes.strong("", "", page_link(post.docname, post.title, refdoc))
    if post.date:
        head += nodes.Text(" · ")
        head += _date(post.date)
    if post.authors:
        head += nodes.Text(" · " + _names(post.authors))
    item += head
    if post.summary:
        item += nodes.paragraph(post.summary, post.summary, classes=["evidence-post-summary"])
    return item


class ResolvePostLists(SphinxPostTransform):
    """Replace each ``postlist`` placeholder with a bullet list (before references resolve)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = domain_of(self.env)
        tags_path = blog_config(self.config).tags_path
        for found in list(self.document.findall(taglist)):
            found.replace_self(tag_items(self.env, tags_path, found["docname"]))
        for node in list(self.document.findall(postlist)):
            posts = domain.sorted_posts(node["tag"])
            if node["limit"]:
                posts = posts[: node["limit"]]
            if not posts:
                if node["tag"]:
                    tags = {t for p in domain.posts.values() for t in p.tags}
                    warn(
                        Warn.post_tag,
                        f'the post list is of the tag "{node["tag"]}", which no post has.'
                        + suggestion(node["tag"], tags),
                        location=node,
                    )
                para = nodes.paragraph("", "No posts yet.", classes=["evidence-postlist"])
                node.replace_self(para)
                continue
            bullets = nodes.bullet_list(classes=["evidence-postlist", NO_AUTOLINK])
            for post in posts:
                bullets += _post_item(post, node["docname"])
            node.replace_self(bullets)


class HtmlTimes(SphinxPostTransform):
    """HTML: dates become ``<time datetime>`` elements (after post lists are made)."""

    default_priority = 6
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.inline)):
            if "evidence_datetime" in node:
                markup = (
                    f'<time class="evidence-post-date" '
                    f'datetime="{html.escape(node["evidence_datetime"])}">'
                    f"{html.escape(node.astext())}</time>"
                )
                node.replace_self(nodes.raw("", markup, format="html"))
