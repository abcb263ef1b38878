"""What the hosted hub needs beyond stock Sphinx and the extensions ``conf.py`` enables.

* Each page's description (``<meta name="description">`` and OpenGraph's) is its
  front-matter ``summary`` where it has one (sphinxext-opengraph otherwise takes the first
  paragraph), escaped as text.
* Without a public address (``html_baseurl``), the OpenGraph tags that must be absolute
  addresses (``og:url``, ``og:image``) are left out rather than written relative.
* The 404 page's own links are absolute paths under ``notfound_urls_prefix``, as
  sphinx-notfound-page makes its styles and navigation, so they work at any depth.
* ``robots.txt`` allows every crawler and, when the site's public address is known, names
  the sitemap.
* With ``-j N``, each page keeps the metadata (front matter) its reader found:
  sphinx-notfound-page's collector merges a read worker's whole metadata table into the
  main process's, including the stub it makes for the 404 page in a worker that did not
  read it, so the 404 page lost its ``summary`` in about half of parallel builds.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def _describe_with_summary(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    meta = context.get("meta") or {}
    summary = " ".join(str(meta.get("summary", "")).split())
    if summary and "og:description" not in meta:
        # a copy: the environment's own metadata must not change between builds
        context["meta"] = {**meta, "og:description": html.escape(summary)}
        context["metatags"] = context.get("metatags", "") + (
            f'\n<meta name="description" content="{html.escape(summary)}">'
        )


ABSOLUTE_ONLY = re.compile(r'\n?<meta property="og:(?:url|image)(?::alt)?" content="[^"]*" />')


def _drop_relative_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not (app.config.html_baseurl or "").startswith(("https://", "http://")):
        context["metatags"] = ABSOLUTE_ONLY.sub("", context.get("metatags", ""))


def _absolute_links_on_404(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if docname != app.config.notfound_pagename or app.builder.format != "html":
        return
    prefix = app.config.notfound_urls_prefix or "/"
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if ref.get("internal") and uri and not uri.startswith(("/", "#")) and "://" not in uri:
            ref["refuri"] = prefix + uri


def _write_robots(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    lines = ["User-agent: *", "Allow: /"]
    base = app.config.html_baseurl or ""
    if base.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {base.rstrip('/')}/{app.config.sitemap_filename}")
    Path(app.outdir, "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


_AS_READ: dict[str, Any] = {}
"""docname -> the metadata the read worker that read the page found, in this build."""


def _forget_metadata(app: Sphinx, env: Any, docnames: list[str]) -> None:
    _AS_READ.clear()


def _metadata_as_read(app: Sphinx, env: Any, docnames: Any, other: Any) -> None:
    for docname in docnames:
        if docname in other.metadata:
            _AS_READ[docname] = other.metadata[docname]
    env.metadata.update(_AS_READ)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", _forget_metadata)
    app.connect("env-merge-info", _metadata_as_read, priority=900)  # after every collector
    app.connect("html-page-context", _describe_with_summary, priority=400)
    app.connect("html-page-context", _drop_relative_opengraph, priority=600)
    app.connect("doctree-resolved", _absolute_links_on_404)
    app.connect("build-finished", _write_robots)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
