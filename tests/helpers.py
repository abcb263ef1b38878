"""Helpers the tests share: running sphinx-build and reading page bodies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup


def sphinx_build(
    src: Path, out: Path, builder: str = "html", *args: str
) -> subprocess.CompletedProcess[str]:
    """Run sphinx-build in a subprocess (as a user would) and return the finished process.

    Colour is off (CI sets ``FORCE_COLOR``), so tests can read the warnings as plain text.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "PY_COLORS"}}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "--no-color", "-b", builder, *args, str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def html_pages(html_dir: Path) -> Iterator[tuple[str, BeautifulSoup]]:
    """Every content page of an HTML build (not static files, sources, index or search),
    parsed, with its path relative to ``html_dir``, in path order."""
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/")) or rel in {"genindex.html", "search.html"}:
            continue
        yield rel, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def page_bodies(html_dir: Path) -> dict[str, str]:
    """The main article of every HTML page, keyed by its path relative to ``html_dir``."""
    bodies = {}
    for rel, soup in html_pages(html_dir):
        article = soup.find("article") or soup.body
        bodies[rel] = article.decode() if article else ""
    return bodies
