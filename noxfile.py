"""Sessions for building, testing and checking the knowledge hub.

``nox -s docs`` builds the HTML and PDFs; ``nox -s tests`` runs the test suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
BUILD = ROOT / "build"
DEBIAN_TEST_PACKAGES = {"chromium": "/usr/bin/chromium", "pdftoppm": "/usr/bin/pdftoppm"}
DEBIAN_NAMES = {"chromium": "chromium", "pdftoppm": "poppler-utils"}

nox.options.sessions = ["docs", "tests", "lint"]
nox.options.reuse_venv = "yes"


def _install(session: nox.Session, group: str, extras: str = "pdf") -> None:
    session.install("-e", f".[{extras}]", *nox.project.dependency_groups(PYPROJECT, group))


def _ensure_debian_tools(session: nox.Session) -> None:
    """Install the Debian packages the tests drive (Chromium, poppler) when they are missing."""
    missing = [
        DEBIAN_NAMES[t] for t, path in DEBIAN_TEST_PACKAGES.items() if not Path(path).exists()
    ]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.error(f"Please install these Debian packages first: {' '.join(missing)}")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run("apt-get", "install", "-y", "-qq", *missing, external=True, env=env)


def _source_date_epoch() -> dict[str, str]:
    """SOURCE_DATE_EPOCH as given, else the last commit's time: the PDFs' dates come from
    the sources, so two builds of one commit match wherever and whenever they run."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return {}
    git = shutil.which("git")
    if git is None:
        return {}
    result = subprocess.run(
        [git, "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    stamp = result.stdout.strip()
    return {"SOURCE_DATE_EPOCH": stamp} if result.returncode == 0 and stamp.isdigit() else {}


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly (-n -W --keep-going): HTML into build/html, PDFs into build/pdf.
    Dates come from SOURCE_DATE_EPOCH, or else from the last commit."""
    _install(session, "docs")
    env = _source_date_epoch()
    session.run(
        "sphinx-build",
        "-n",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "docs",
        str(BUILD / "html"),
        *session.posargs,
        env=env,
    )
    # The PDF builder copies its PDFs into build/html/_pdf/, where the pages link them.
    session.run(
        "sphinx-build",
        "-n",
        "-W",
        "--keep-going",
        "-b",
        "evidencepdf",
        "docs",
        str(BUILD / "pdf"),
        "-D",
        "evidence_pdf_html_dir=../html",
        *session.posargs,
        env=env,
    )


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site on http://127.0.0.1:8000, rebuilding on every save of a page,
    references.bib or the extension code."""
    _install(session, "docs")
    session.run(
        "sphinx-autobuild",
        "docs",
        str(BUILD / "live"),
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--watch",
        "references.bib",
        "--watch",
        "ext/sphinx_evidence",
        *session.posargs,
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole pytest suite (arguments after -- go to pytest)."""
    _ensure_debian_tools(session)
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff (lint, format check) and mypy over ext/, tests/, noxfile.py; check references.bib."""
    _install(session, "lint")
    session.run("ruff", "check", "ext", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "ext", "tests", "noxfile.py")
    session.run("mypy")
    session.run("python", "-m", "sphinx_evidence.bib.lint", "references.bib", "--docs", "docs")


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every external link of the site with Sphinx's linkcheck builder (needs the network)."""
    _install(session, "docs")
    session.run(
        "sphinx-build", "-b", "linkcheck", "docs", str(BUILD / "linkcheck"), *session.posargs
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Compare build time and memory of our stack with the stock stack on a generated corpus
    (results in build/bench/; ``-- --quick`` for a tiny corpus, ``-- --record`` to update the
    table in docs/benchmarks.md, ``-- --help`` for the rest)."""
    _install(session, "bench")
    session.run("python", "tests/bench/run.py", *session.posargs)
