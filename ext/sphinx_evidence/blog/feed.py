"""An Atom feed of the blog (``<evidence_blog_path>/atom.xml``) for HTML builders.

The feed is always written. With ``html_baseurl`` its links and ids are absolute addresses
on the site; without it (a local build: the site's public address is never guessed) its
links are relative to the feed itself, which Atom allows, and its ids are ``tag:`` URIs
(RFC 4151) made from the project's name, the post's year (undated posts: the earliest
post's) and its page name, so they stay the same from build to build and wherever the site
is copied. Dates are never made more precise than they are known: an entry's
``published`` is given only for posts dated to the day, and its ``updated`` is when this
site's copy of the post last changed (the page source's modification time, clamped to
``SOURCE_DATE_EPOCH`` for reproducible builds).
"""

from __future__ import annotations

import datetime
import html
import os
import posixpath
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from sphinx_evidence.blog.domain import BlogDomain
from sphinx_evidence.blog.meta import Post, format_date
from sphinx_evidence.core.text import slug
from sphinx_evidence.core.warnings import Warn, warn

FEED_BUILDERS = ("html", "dirhtml")
FEED_NAME = "atom.xml"


def _utc(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def _updated(app: Sphinx, post: Post) -> datetime.datetime:
    mtime = app.env.doc2path(post.docname).stat().st_mtime
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        mtime = min(mtime, float(epoch))
    return _utc(mtime)


def feed_path(blog_path: str) -> str:
    """The feed's path relative to the output folder."""
    return f"{blog_path}/{FEED_NAME}" if blog_path else FEED_NAME


class _Addresses:
    """Where the feed's links point and what its ids are, with or without a base URL."""

    def __init__(self, app: Sphinx, base: str, blog_path: str, posts: list[Post]) -> None:
        self.app = app
        self.base = base
        self.feed = feed_path(blog_path)
        self.authority = slug(app.config.project or "", "sphinx")
        years = [post.date[0] for post in posts if post.date]
        self.first_year = min(years) if years else 2000

    def link(self, path: str) -> str:
        """``path`` (relative to the output folder) as the feed links it."""
        if self.base:
            return f"{self.base}/{path}"
        relative = posixpath.relpath(path or ".", posixpath.dirname(self.feed) or ".")
        return relative + "/" if path.endswith("/") and relative != "." else relative

    def page(self, docname: str) -> str:
        return self.link(self.app.builder.get_target_uri(docname))

    def tag(self, name: str, year: int | None = None) -> str:
        return f"tag:{self.authority},{year or self.first_year}:{name}"


def write_feed(app: Sphinx, domain: BlogDomain, blog_path: str, limit: int) -> Path | None:
    """Write the Atom feed; return its path (None when it is not written: no posts, or not
    an HTML builder)."""
    from feedgen.feed import FeedGenerator

    posts = domain.sorted_posts()
    if not posts or app.builder.name not in FEED_BUILDERS:
        return None
    base = (app.config.html_baseurl or "").rstrip("/")
    if base and not base.startswith(("https://", "http://")):
        warn(
            Warn.config,
            f"html_baseurl {base!r} is not an http(s) address, so the blog feed links its"
            " posts relative to itself; set html_baseurl to the site's public address",
        )
        base = ""
    addresses = _Addresses(app, base, blog_path, posts)
    if limit:
        posts = posts[:limit]
    feed = FeedGenerator()
    index = f"{blog_path}/index" if blog_path else app.config.root_doc
    feed.id(addresses.link(addresses.feed) if addresses.base else addresses.tag(addresses.feed))
    feed.title(f"{app.config.project}: blog")
    feed.link(href=addresses.link(addresses.feed), rel="self")
    feed.link(href=addresses.page(index), rel="alternate")
    feed.language(app.config.language or "en")
    entries_updated = []
    for post in reversed(posts):  # feedgen puts the last added entry first
        url = addresses.page(post.docname)
        entry = feed.add_entry()
        entry.id(url if addresses.base else addresses.tag(post.docname, _year(post)))
        entry.title(post.title)
        entry.link(href=url, rel="alternate")
        for name in post.authors:
            entry.author({"name": name})
        for tag in post.tags:
            entry.category(term=tag)
        summary = post.summary
        if post.date:
            summary = f"{summary} (First published {format_date(post.date)}.)".strip()
        if summary:
            entry.summary(summary)
        if post.date and len(post.date) == 3:
            entry.published(datetime.datetime(*post.date, tzinfo=datetime.UTC))
        updated = _updated(app, post)
        entry.updated(updated)
        entries_updated.append(updated)
    feed.updated(max(entries_updated))
    out = Path(app.builder.outdir) / addresses.feed
    out.parent.mkdir(parents=True, exist_ok=True)
    feed.atom_file(str(out), pretty=True)
    return out


def _year(post: Post) -> int | None:
    return post.date[0] if post.date else None


def feed_link(app: Sphinx, pagename: str, context: dict[str, Any], blog_path: str) -> None:
    """Announce the feed in the ``<head>`` of the blog's pages."""
    if app.builder.name not in FEED_BUILDERS:
        return
    if blog_path and not pagename.startswith(blog_path + "/"):
        return
    base = app.config.html_baseurl or ""
    if base.startswith(("https://", "http://")):
        href = f"{base.rstrip('/')}/{feed_path(blog_path)}"
    else:
        href = context["pathto"](feed_path(blog_path), 1)
    title = html.escape(f"{app.config.project}: blog")
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="{title}" '
        f'href="{html.escape(href)}">'
    )
