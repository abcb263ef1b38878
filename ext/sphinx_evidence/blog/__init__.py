"""blog: post headers from front matter, ``{postlist}`` lists and tag archives.

A *post* is a page under ``evidence_blog_path`` (default ``blog``) whose front matter has
any of the post keys (``date``, ``authors``, ``tags``, ``summary``, ``original``,
``publication``)::

    ---
    title: Place-based Care
    date: 2019-11          # YYYY, YYYY-MM or YYYY-MM-DD, as far as known
    authors: [Emily Hopkins, Katie Nicholas]
    tags: [STP]
    summary: One sentence.
    original: https://...  # where it was first published
    publication: Knowledge for Healthcare blog
    ---

Each post gets a header (byline, date as precise as it is known, tags linking to their
archive pages ``<evidence_blog_tags_path>/<slug>``, "First published" link) made of
stock docutils nodes, so every builder renders it. ``{postlist}`` (options ``:tag:`` and
``:limit:``) lists posts newest first and ``{taglist}`` the tags with their counts;
both are resolved at write time from the data of all posts, kept in :class:`BlogDomain`
(parallel safe), and ``env-updated`` returns the pages holding lists whenever any post
changed, so incremental builds stay right. Tag archive
pages can be generated (``evidence_blog_tag_pages``, :mod:`.tags`), and every page's front
matter checked (``evidence_blog_check_front_matter``, :mod:`.frontmatter`).
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from sphinx_evidence.blog.domain import BlogDomain, domain_of
from sphinx_evidence.blog.feed import feed_link, feed_path, write_feed
from sphinx_evidence.blog.meta import BlogConfig, tag_key
from sphinx_evidence.blog.render import (
    CSS,
    PREFIX,
    PostList,
    ReadPost,
    ResolvePostLists,
    _skip,
    blog_config,
    postlist,
    safe_front_matter,
)
from sphinx_evidence.blog.tags import TagList, prepare_tags, taglist
from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.core.assets import STATIC, add_page_asset, has_class
from sphinx_evidence.core.nodes import setup_nodes


def _env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Rewrite every page with a post list when any post was added, changed or removed."""
    domain = domain_of(env)
    now = domain.fingerprint()
    if now == domain.data.get("fingerprint"):
        return []
    domain.data["fingerprint"] = now
    return sorted(domain.lists)


def _env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """Re-read posts whose tag archive page appeared or went away (their header links),
    posts whose tags another post's spelling now changes, and the pages holding
    ``{taglist}`` when a tag page appeared or went away (their toctree)."""
    tags_path = blog_config(app.config).tags_path.strip("/")
    moved = set(added) | set(removed)
    domain = domain_of(env)
    spelling = domain.data.get("spellings", {})
    stale = [
        post.docname
        for post in domain.posts.values()
        if any(f"{tags_path}/{s}" in moved for s in post.tag_slugs)
        or post.tags != _respelled(post.written_tags, spelling)
    ]
    if any(doc.startswith(tags_path + "/") for doc in moved):  # the tag pages' toctree
        stale.extend(domain.taglists)
    return stale


def _respelled(tags: tuple[str, ...], spelling: dict[str, str]) -> tuple[str, ...]:
    shown: list[str] = []
    for tag in tags:
        tag = spelling.get(tag_key(tag), tag)
        if tag not in shown:
            shown.append(tag)
    return tuple(shown)


def _builder_inited(app: Sphinx) -> None:
    prepare_tags(app, blog_config(app.config))


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    conf = blog_config(app.config)
    written = (
        write_feed(app, domain_of(app.env), conf.path, conf.feed_length) if conf.feed else None
    )
    stale = Path(app.builder.outdir) / feed_path(conf.path)
    if written is None and stale.is_file():  # left by an earlier build with a feed
        stale.unlink()


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    conf = blog_config(app.config)
    if conf.feed and domain_of(app.env).posts:
        feed_link(app, pagename, context, conf.path)


def _config_inited(app: Sphinx, config: Config) -> None:
    blog_config(config)  # raises ConfigError when unusable


def _add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """HTML builders only: link ``blog.css`` from pages with a post header or a post list."""
    if has_class(doctree, "evidence-post"):
        add_page_asset(app, STATIC / CSS, CSS, priority=503)


def setup_blog(app: Sphinx) -> None:
    """Register the blog feature with app (and the contributor guide's tables)."""
    cfg.register(app, PREFIX, BlogConfig)
    app.add_domain(BlogDomain)
    app.add_node(
        postlist,
        html=(_skip, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.add_node(
        taglist,
        html=(_skip, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.add_directive("postlist", PostList)
    app.add_directive("taglist", TagList)
    app.add_post_transform(ResolvePostLists)
    setup_nodes(app)  # post dates
    app.connect("config-inited", _config_inited)
    app.add_transform(ReadPost)
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", safe_front_matter)
    app.connect("env-updated", _env_updated)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("html-page-context", _add_assets)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.blog"]``: posts under ``evidence_blog_path``."""
    setup_blog(app)
    return extension_metadata()
