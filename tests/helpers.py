"""Helpers the tests share: running sphinx-build and reading page bodies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup

import sphinx_evidence
from sphinx_evidence.live.forkserver import STACK, ForkServer


def sphinx_build(
    src: Path, out: Path, builder: str = "html", *args: str
) -> subprocess.CompletedProcess[str]:
    """Run sphinx-build in a process of its own (as a user would) and return the finished
    process. The process is forked from a :mod:`sphinx_evidence.live.forkserver` that has
    the stack and this package imported already (``EVIDENCE_TEST_FORK=0``: a new
    interpreter each time). The code under test does not change while the tests run, so
    the package can be imported in advance too.

    Colour is off (CI sets ``FORCE_COLOR``), so tests can read the warnings as plain text.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "PY_COLORS"}}
    env["NO_COLOR"] = "1"
    argv = ["--no-color", "-b", builder, *args, str(src), str(out)]
    forks = _fork_server()
    if forks is not None:
        return forks.run(argv, env)
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *argv],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


PDF_STACK = ("weasyprint", "pikepdf")
"""The PDF builder's libraries, imported by it on first use (the live preview has no PDFs)."""
_SERVER: ForkServer | None = None


def _fork_server() -> ForkServer | None:
    """This test process's fork server, started on first use; None when turned off."""
    global _SERVER
    if os.environ.get("EVIDENCE_TEST_FORK", "1") == "0" or not hasattr(os, "fork"):
        return None
    if _SERVER is None or not _SERVER.alive():
        _SERVER = ForkServer([*STACK, *PDF_STACK, "sphinx_evidence", *sphinx_evidence.FEATURES])
    return _SERVER


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
