"""Publishing: the atomic ``nox -s docs`` build, what a hosted site needs (sitemap, 404 page,
OpenGraph, robots.txt, feed), the GitHub Pages workflow, Read the Docs and ``docs-live``."""

from __future__ import annotations

import http.server
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlparse
from xml.etree import ElementTree as ET

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from tests.browser import serve
from tests.conftest import REPO, copy_site
from tests.helpers import sphinx_build

ROOTS = Path(__file__).parent / "roots"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _noxfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hub_noxfile", REPO / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sphinx(args: list[str]) -> None:
    """Run one of build_site's sphinx-build command lines, as nox would."""
    subprocess.run(
        [sys.executable, "-m", "sphinx", *args[1:]], check=True, capture_output=True, text=True
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# -- nox -s docs: atomic, clean publishing ------------------------------------------------


@pytest.mark.pdf
def test_a_failed_build_publishes_nothing_and_a_deleted_page_disappears(tmp_path: Path) -> None:
    nox_file = _noxfile()
    src, build = tmp_path / "src", tmp_path / "build"
    shutil.copytree(ROOTS / "test-pdf", src)
    index = src / "index.md"
    index.write_text(index.read_text("utf-8").replace("other\n", "other\nextra\n"), "utf-8")
    extra = src / "extra.md"
    extra.write_text("# Extra\n\nA page to delete later.\n", "utf-8")
    pdfs = nox_file.build_site(_sphinx, src, build)
    assert "test-hub.pdf" in pdfs and (build / "html" / "_pdf" / "test-hub.pdf").is_file()
    assert (build / "html" / "extra.html").is_file()
    assert not (build / "html" / ".doctrees").exists()  # caches stay out of the site
    good_html, good_pdf = _files(build / "html"), _files(build / "pdf")

    # a mistyped citation key fails the strict build: nothing published, nothing left over
    extra.write_text(extra.read_text("utf-8") + "\nSee {cite:p}`nosuchkey2019`.\n", "utf-8")
    with pytest.raises(nox_file.BuildFailed):
        nox_file.build_site(_sphinx, src, build)
    assert _files(build / "html") == good_html
    assert _files(build / "pdf") == good_pdf
    assert not (build / ".staging").exists()

    # the page deleted (and taken out of the toctree): gone from the next good build
    extra.unlink()
    index.write_text(index.read_text("utf-8").replace("extra\n", ""), "utf-8")
    nox_file.build_site(_sphinx, src, build)
    assert not (build / "html" / "extra.html").exists()
    assert not (build / "html" / "_sources" / "extra.md.txt").exists()
    assert (build / "html" / "index.html").is_file()
    assert sorted(p.name for p in build.iterdir()) == [".doctrees", "html", "pdf"]


# -- What a hosted site needs ----------------------------------------------------------------


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real site's HTML built twice: locally (no public address) and as the Pages
    workflow builds it (HUB_BASEURL set)."""
    out = {}
    for name, base in (("local", ""), ("pages", "https://example.github.io/hub")):
        tmp = tmp_path_factory.mktemp(name)
        docs = copy_site(tmp)
        with pytest.MonkeyPatch.context() as env:
            env.delenv("READTHEDOCS_CANONICAL_URL", raising=False)
            env.setenv("HUB_BASEURL", base)
            result = sphinx_build(docs, tmp / "html", "html", "-n", "-W", "--keep-going")
        assert result.returncode == 0, result.stderr
        out[name] = tmp / "html"
    return out


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return str(tag["content"]) if tag is not None else None


def test_local_build_has_sitemap_robots_opengraph_and_a_valid_feed(
    hosted: dict[str, Path],
) -> None:
    html = hosted["local"]
    locs = [e.text for e in ET.parse(html / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert "http://127.0.0.1:8000/briefs/place-based-systems-of-care.html" in locs
    assert not [loc for loc in locs if loc and loc.endswith(("404.html", "search.html"))]
    assert (html / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    post = _soup(html / "blog" / "stem-club.html")
    summary = "An informal group of NHS and public health colleagues"
    assert (_meta(post, "og:description") or "").startswith(summary)
    assert (_meta(post, "description") or "").startswith(summary)
    assert len(post.find_all("meta", attrs={"name": "description"})) == 1
    assert _meta(post, "og:title") and _meta(post, "twitter:card") == "summary_large_image"
    # no public address: nothing that must be absolute is written relative
    assert _meta(post, "og:url") is None and _meta(post, "og:image") is None
    assert post.find("link", rel="canonical") is None
    feed = feedparser.parse((html / "blog" / "atom.xml").read_bytes())
    assert not feed.bozo and feed.entries
    assert all(e.id.startswith("tag:place-based-care-knowledge-hub,") for e in feed.entries)
    assert "Place-based Care Knowledge Hub" not in str(feed.feed.get("id"))


def test_pages_build_has_absolute_addresses_everywhere(hosted: dict[str, Path]) -> None:
    html = hosted["pages"]
    base = "https://example.github.io/hub/"
    locs = [e.text for e in ET.parse(html / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert f"{base}index.html" in locs and all(loc and loc.startswith(base) for loc in locs)
    assert f"Sitemap: {base}sitemap.xml" in (html / "robots.txt").read_text()
    page = _soup(html / "briefs" / "place-based-systems-of-care.html")
    canonical = page.find("link", rel="canonical")
    assert canonical is not None
    assert canonical["href"] == f"{base}briefs/place-based-systems-of-care.html"
    assert _meta(page, "og:url") == f"{base}briefs/place-based-systems-of-care.html"
    assert _meta(page, "og:image") == f"{base}_static/hub-card.png"
    assert (html / "_static" / "hub-card.png").is_file()
    feed = feedparser.parse((html / "blog" / "atom.xml").read_bytes())
    assert not feed.bozo
    assert all(e.link.startswith(f"{base}blog/") for e in feed.entries)
    # the 404 page lives under the site's path on Pages
    assert 'href="/hub/_static/' in (html / "404.html").read_text(encoding="utf-8")


def test_summary_is_escaped_in_page_metadata(tmp_path: Path) -> None:
    docs = copy_site(tmp_path)
    post = docs / "blog" / "stem-club.md"
    text = post.read_text("utf-8")
    start = text.index("summary:")
    end = text.index("\n", start)
    post.write_text(text[:start] + 'summary: A "quoted" <b>bold</b> & more' + text[end:], "utf-8")
    result = sphinx_build(docs, tmp_path / "html", "html")
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "html" / "blog" / "stem-club.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in raw.split("<body")[0]
    assert _meta(_soup(tmp_path / "html" / "blog" / "stem-club.html"), "description") == (
        'A "quoted" <b>bold</b> & more'
    )


class _PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as GitHub Pages does: a missing page gets 404.html, status 404."""

    def log_message(self, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def served(hosted: dict[str, Path]) -> Iterator[str]:
    with serve(hosted["local"], _PagesLikeHandler) as url:
        yield url


@pytest.mark.parametrize("missing", ["/nothing.html", "/blog/gone.html", "/a/b/c/d/gone"])
def test_404_page_links_and_styles_work_at_any_depth(served: str, missing: str) -> None:
    url = served + missing
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=10)
    assert caught.value.code == 404
    soup = BeautifulSoup(caught.value.read().decode("utf-8"), "html.parser")
    heading = soup.find("h1")
    assert heading is not None and "not found" in heading.get_text().lower()
    targets = [str(t["href"]) for t in soup.find_all(["a", "link"], href=True)]
    targets += [str(t["src"]) for t in soup.find_all("script", src=True)]
    local = {
        urljoin(url, t).split("#")[0]
        for t in targets
        if not t.startswith(("#", "mailto:")) and "://" not in t
    }
    stylesheets = [t for t in local if ".css" in t]
    assert stylesheets and any(u.endswith("/index.html") for u in local)
    for target in sorted(local):
        with urllib.request.urlopen(target, timeout=10) as response:
            assert response.status == 200, target


# -- The GitHub Pages workflow and Read the Docs --------------------------------------------


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def test_pages_workflow_tests_builds_and_deploys_main() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    runs = {name: " ".join(str(s.get("run", "")) for s in _steps(j)) for name, j in jobs.items()}
    uses = {name: [str(s.get("uses", "")) for s in _steps(j)] for name, j in jobs.items()}
    assert "bash .ci/run" in runs["test"]  # the README's two commands, as CI runs them
    assert "nox -s docs" in runs["build"]
    build_step = next(s for s in _steps(jobs["build"]) if "nox -s docs" in str(s.get("run")))
    assert build_step["env"]["HUB_BASEURL"] == "${{ steps.pages.outputs.base_url }}"
    assert any(u.startswith("actions/configure-pages@") for u in uses["build"])
    upload = next(s for s in _steps(jobs["build"]) if "upload-pages-artifact" in str(s.get("uses")))
    assert upload["with"]["path"] == "build/html"
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"test", "build"}  # nothing deploys unless all passed
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(u.startswith("actions/deploy-pages@") for u in uses["deploy"])
    assert deploy["environment"]["name"] == "github-pages"
    for job in ("test", "build"):
        checkout = next(s for s in _steps(jobs[job]) if "checkout" in str(s.get("uses")))
        assert checkout["with"]["fetch-depth"] == 0  # last-updated dates need the history


def test_read_the_docs_builds_the_same_site_with_its_pdfs() -> None:
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text())
    assert config["version"] == 2
    build = config["build"]
    assert build["os"].startswith("ubuntu-") and build["tools"]["python"] == "3.11"
    assert "libharfbuzz-subset0" in build["apt_packages"]
    assert "jobs" not in build  # Read the Docs ignores jobs beside commands
    commands = "\n".join(build["commands"])
    assert "nox -s docs" in commands
    assert 'cp -a build/html/. "$READTHEDOCS_OUTPUT/html/"' in commands
    assert '"$READTHEDOCS_OUTPUT/pdf/"' in commands and "unshallow" in commands
    conf = (REPO / "docs" / "conf.py").read_text()
    assert "READTHEDOCS_CANONICAL_URL" in conf and "HUB_BASEURL" in conf


def test_ci_runs_both_readme_commands() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    docs_command = "python3 -m pip install --upgrade nox && python3 -m nox -s docs"
    assert docs_command in readme
    assert "python3 -m pip install --quiet --upgrade nox && python3 -m nox -s docs" in ci
    assert "python3 -m nox -s tests" in readme and "python3 -m nox -s tests" in ci


# -- docs-live --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(check: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    return None


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_live_server_rebuilds_on_save_and_stops_with_its_session(
    tmp_path: Path, stop: signal.Signals
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    port = _free_port()
    # as nox -s docs-live runs it: sphinx-autobuild with forked builds
    command = [sys.executable, "-m", "sphinx_evidence.live", str(src), str(tmp_path / "out"),
               "--host", "127.0.0.1", "--port", str(port),
               "-d", str(tmp_path / "doctrees")]  # fmt: skip
    runner = subprocess.Popen(
        [sys.executable, "-c",
         "import importlib.util, sys\n"
         f"spec = importlib.util.spec_from_file_location('n', {str(REPO / 'noxfile.py')!r})\n"
         "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
         f"sys.exit(module.serve_until_stopped({command!r}) > 0)\n"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # started as a background job is: Ctrl-C inherited ignored (test runners' workers too)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/index.html"
    try:
        assert _wait_for(lambda: _get(url), 120), "the server never answered"
        page = src / "index.md"
        page.write_text(page.read_text("utf-8") + "\nA sentence saved just now.\n", "utf-8")
        assert _wait_for(lambda: "saved just now" in (_get(url) or ""), 60), "no rebuild"
        server_groups = {os.getpgid(c) for c in _children(runner.pid)}
        assert (server_groups and runner.pid not in server_groups) or server_groups == {runner.pid}
        os.kill(runner.pid, stop)
        runner.wait(timeout=30)
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGKILL)
    assert _wait_for(lambda: _get(url) is None, 15), "the server still answers"
    for group in server_groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)
    assert urlparse(url).hostname == "127.0.0.1"
