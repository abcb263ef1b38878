"""An Atom feed of the blog (``<evidence_blog_path>/atom.xml``) for HTML builders.

Atom needs absolute addresses, so the feed is written only when ``html_baseurl`` is set
(the site's public address is never guessed). Dates are never made more precise than they
are known: an entry's ``published`` is given only for posts dated to the day, and its
``updated`` is when this site's copy of the post last changed (the page source's
modification time, clamped to ``SOURCE_DATE_EPOCH`` for reproducible builds).
"""

from __future__ import annotations

import datetime
import html
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from sphinx_evidence.blog.domain import BlogDomain
from sphinx_evidence.blog.meta import Post, format_date
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


def write_feed(app: Sphinx, domain: BlogDomain, blog_path: str, limit: int) -> Path | None:
    """Write the Atom feed; return its path (None when it is not written)."""
    from feedgen.feed import FeedGenerator

    base = (app.config.html_baseurl or "").rstrip("/")
    posts = domain.sorted_posts()
    if not base or not posts or app.builder.name not in FEED_BUILDERS:
        return None
    if not base.startswith(("https://", "http://")):
        warn(Warn.config, f"html_baseurl {base!r} is not an http(s) address; no blog feed")
        return None
    if limit:
        posts = posts[:limit]
    feed = FeedGenerator()
    self_url = f"{base}/{feed_path(blog_path)}"
    index = f"{blog_path}/index" if blog_path else app.config.root_doc
    feed.id(self_url)
    feed.title(f"{app.config.project}: blog")
    feed.link(href=self_url, rel="self")
    feed.link(href=f"{base}/{app.builder.get_target_uri(index)}", rel="alternate")
    feed.language(app.config.language or "en")
    entries_updated = []
    for post in reversed(posts):  # feedgen puts the last added entry first
        url = f"{base}/{app.builder.get_target_uri(post.docname)}"
        entry = feed.add_entry()
        entry.id(url)
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
    out = Path(app.builder.outdir) / feed_path(blog_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    feed.atom_file(str(out), pretty=True)
    return out


def feed_link(app: Sphinx, pagename: str, context: dict[str, Any], blog_path: str) -> None:
    """Announce the feed in the ``<head>`` of the blog's pages."""
    if not app.config.html_baseurl or app.builder.name not in FEED_BUILDERS:
        return
    if blog_path and not pagename.startswith(blog_path + "/"):
        return
    href = f"{app.config.html_baseurl.rstrip('/')}/{feed_path(blog_path)}"
    title = html.escape(f"{app.config.project}: blog")
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="{title}" '
        f'href="{html.escape(href)}">'
    )
