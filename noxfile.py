"""Sessions for building, testing and checking the knowledge hub.

``nox -s docs`` builds the HTML and PDFs; ``nox -s tests`` runs the test suite.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
BUILD = ROOT / "build"
PUBLISHED = ("html", "pdf")
"""The folders of ``build/`` that ``nox -s docs`` publishes, together or not at all."""
DOCTREES = BUILD / ".doctrees"
"""Sphinx's caches, kept between builds (outside the published folders) so rebuilds are fast."""
STRICT = ("-n", "-W", "--keep-going")

# Debian packages a session installs when missing: the tests need these ...
TEST_PACKAGES: dict[str, Callable[[], bool]] = {
    "chromium": lambda: Path("/usr/bin/chromium").exists(),
    "poppler-utils": lambda: Path("/usr/bin/pdftoppm").exists(),
}
# ... and the docs build is faster with this one (WeasyPrint subsets fonts with it; without
# it WeasyPrint falls back to fontTools, slower, same PDFs). The PDFs' typefaces need no
# Debian package: they are PyPI packages of the pdf extra (fontpkg-atkinson-hyperlegible,
# fontpkg-ibm-plex-mono), so pip installs them as any user on any system.
DOCS_PACKAGES: dict[str, Callable[[], bool]] = {
    "libharfbuzz-subset0": lambda: ctypes.util.find_library("harfbuzz-subset") is not None,
}

nox.options.sessions = ["docs", "tests", "lint"]
nox.options.reuse_venv = "yes"


def _install(session: nox.Session, group: str, extras: str = "pdf") -> None:
    session.install("-e", f".[{extras}]", *nox.project.dependency_groups(PYPROJECT, group))


def _ensure_debian(
    session: nox.Session, packages: dict[str, Callable[[], bool]], *, required: bool
) -> None:
    """Install the Debian ``packages`` whose check fails, with apt-get, when this is Debian
    and we are root. A ``required`` package that cannot be installed stops the session; an
    optional one is only reported."""
    missing = [name for name, present in packages.items() if not present()]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        message = f"Please install these Debian packages: {' '.join(missing)}"
        if required:
            session.error(message)
        session.warn(message + " (optional: the build is slower without them)")
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    try:
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", *missing, external=True, env=env)
    except nox.command.CommandFailed:
        if required:
            raise
        session.warn(f"Could not install {' '.join(missing)}; building without them")


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


class BuildFailed(Exception):
    """The HTML or the PDF build failed; nothing was published."""


def build_site(
    run: Callable[[Sequence[str]], object], src: Path, build: Path, extra: Sequence[str] = ()
) -> list[str]:
    """Build the HTML and the PDFs of ``src`` strictly in ``build/.staging/`` and publish both
    as ``build/html`` and ``build/pdf`` only when both succeeded; return the PDFs' names.

    ``run`` runs one ``sphinx-build`` command line (and raises when it fails). Sphinx's
    caches stay in ``build/.doctrees/``, outside what is published, so rebuilds are fast;
    the published folders hold exactly the pages of this build. Raises
    :class:`BuildFailed`, leaving ``build/html`` and ``build/pdf`` as they were."""
    staging, doctrees = build / ".staging", build / ".doctrees"
    shutil.rmtree(staging, ignore_errors=True)
    html, pdf = staging / "html", staging / "pdf"
    try:
        run(["sphinx-build", *STRICT, "-b", "html", "-d", str(doctrees / "html"),
             str(src), str(html), *extra])  # fmt: skip
        # The PDF builder copies its PDFs into the HTML's _pdf/, where the pages link them.
        run(["sphinx-build", *STRICT, "-b", "evidencepdf", "-d", str(doctrees / "pdf"),
             str(src), str(pdf), "-D", "evidence_pdf_html_dir=../html", *extra])  # fmt: skip
    except Exception as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(err)) from err
    for name in PUBLISHED:  # two renames each, on one file system
        new, live, old = staging / name, build / name, build / f".old-{name}"
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            live.rename(old)
        new.rename(live)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return sorted(p.name for p in (build / "pdf").glob("*.pdf"))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly (-n -W --keep-going): HTML into build/html, PDFs into build/pdf.

    Both are built in build/.staging/ and published together only when both succeed: a
    failed build leaves the last good build/html and build/pdf exactly as they were, and a
    page deleted or renamed since is gone from the next good build. Sphinx's caches stay in
    build/.doctrees/, so rebuilds are fast. Dates come from SOURCE_DATE_EPOCH, or else from
    the last commit. Arguments after -- go to both sphinx-build runs."""
    _install(session, "docs")
    _ensure_debian(session, DOCS_PACKAGES, required=False)
    env = _source_date_epoch()
    try:
        pdfs = build_site(
            lambda args: session.run(*args, env=env), ROOT / "docs", BUILD, session.posargs
        )
    except BuildFailed:
        session.error(
            "The build failed: see the problems listed above. Nothing was published:"
            " build/html and build/pdf still hold the last good build, unchanged."
        )
    session.log(f"Published build/html and build/pdf ({len(pdfs)} PDFs: {', '.join(pdfs)}).")


def serve_until_stopped(command: Sequence[str], env: dict[str, str] | None = None) -> int:
    """Run ``command`` in a process group of its own and wait for it. However this process
    is stopped (Ctrl-C, SIGTERM, SIGHUP), the whole group is stopped with it: the server and
    every build it started."""
    process = subprocess.Popen(list(command), env=env, start_new_session=True)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signum)

    # SIGINT too: a process started in the background (or by a test runner's worker)
    # inherits it ignored, and Python then never turns it into KeyboardInterrupt
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        return process.wait()
    except KeyboardInterrupt:
        return -signal.SIGINT
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM to the group, SIGKILL if the leader is still there after ``grace`` seconds;
    then SIGKILL whatever the leader left behind in its group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve the site on http://127.0.0.1:8000, rebuilding on every save of a page,
    references.bib or the extension code; warnings show as in the strict build (the server
    keeps running). Stopping the session stops the server and its builds."""
    _install(session, "docs")
    out = BUILD / "live"
    session.log(f"Building into {out.relative_to(ROOT)}/; serving http://127.0.0.1:8000/")
    session.log("Press Ctrl-C to stop the server.")
    # sphinx-autobuild, each rebuild forked from a process with the stack imported
    command = [
        str(Path(session.bin) / "python"), "-m", "sphinx_evidence.live",
        "-n", "--keep-going", "-d", str(DOCTREES / "live"),
        "docs", str(out),
        "--host", "127.0.0.1", "--port", "8000",
        "--watch", str(ROOT / "references.bib"), "--watch", str(ROOT / "ext" / "sphinx_evidence"),
        *session.posargs,
    ]  # fmt: skip
    env = {**os.environ, **_source_date_epoch(), "VIRTUAL_ENV": str(Path(session.bin).parent)}
    env["PATH"] = f"{session.bin}{os.pathsep}{env.get('PATH', '')}"
    code = serve_until_stopped(command, env)
    if code > 0:
        session.error(f"sphinx-autobuild stopped with exit code {code}")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole pytest suite (arguments after -- go to pytest)."""
    _ensure_debian(session, TEST_PACKAGES, required=True)
    _ensure_debian(session, DOCS_PACKAGES, required=False)
    _install(session, "test")
    args = list(session.posargs)
    if not any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in args):
        # one worker per core, each test file on one worker (module fixtures built once)
        args = ["-n", "auto", "--dist", "loadfile", *args]
    session.run("pytest", *args)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff (lint, format check) and mypy over ext/, tests/, docs/_ext/, noxfile.py; check
    references.bib."""
    _install(session, "lint")
    session.run("ruff", "check", "ext", "tests", "docs/_ext", "noxfile.py")
    session.run("ruff", "format", "--check", "ext", "tests", "docs/_ext", "noxfile.py")
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
    # the docs group too: the real site (docs-live edit, PDFs) is built with its extensions
    session.install("-e", ".[pdf]", *nox.project.dependency_groups(PYPROJECT, "bench", "docs"))
    session.run("python", "tests/bench/run.py", *session.posargs)


@nox.session(name="add-refs")
def add_refs(session: nox.Session) -> None:
    """Add references exported from Zotero, EndNote or Mendeley (RIS, BibTeX, CSL-JSON) to
    references.bib: ``nox -s add-refs -- FILE...`` (``-- --help`` for the options,
    ``-- --dry-run FILE`` to see what would change)."""
    _install(session, "docs")
    session.run("python", "-m", "sphinx_evidence.bib.importer", *session.posargs)


@nox.session
def new(session: nox.Session) -> None:
    """Start a page from a template: ``nox -s new -- post|brief|guidance "Title"`` writes it
    with its front matter, lists it in its section and says what to edit next."""
    _install(session, "docs")
    session.run("python", "-m", "sphinx_evidence.newpage", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """A quick check of a content change (about a minute): every page's front matter, the
    strict HTML build (into build/check/, nothing published; front matter, citations,
    glossary terms, links) and the check of references.bib. The PDFs and the test suite are
    left to ``nox -s docs`` / tests. Every check runs, and each lists all its problems."""
    _install(session, "docs")
    failed = []
    checks = {
        "front matter": ("python", "-m", "sphinx_evidence.blog.lint", "--docs", "docs"),
        "strict build": (
            "sphinx-build", *STRICT, "-q", "-b", "html", "-d", str(DOCTREES / "check"),
            "docs", str(BUILD / "check"), *session.posargs,
        ),
        "references.bib": (
            "python", "-m", "sphinx_evidence.bib.lint", "references.bib", "--docs", "docs",
        ),
    }  # fmt: skip
    for name, command in checks.items():
        try:
            session.run(*command)
        except nox.command.CommandFailed:
            failed.append(name)
    if failed:
        session.error(f"Problems found by: {', '.join(failed)} (each listed above).")
    session.log("No problems found: front matter, the strict build and references.bib pass.")
