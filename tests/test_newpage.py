"""``nox -s new``: a page started from a template builds strictly and is listed where it must be."""

from __future__ import annotations

import datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from sphinx_evidence.newpage import add_to_toctree, main, new_page, render
from tests.helpers import sphinx_build

TODAY = datetime.date(2026, 12, 1)


def test_a_new_post_builds_and_shows_on_the_blog_index_and_feed(site: Path, tmp_path: Path) -> None:
    page = new_page("post", 'Evidence for "place": a new post', site, TODAY)
    assert page == site / "blog" / "evidence-for-place-a-new-post.md"
    text = page.read_text("utf-8")
    assert text.startswith('---\ntitle: "Evidence for \\"place\\": a new post"\ndate: 2026-12-01\n')
    index = (site / "blog" / "index.md").read_text("utf-8")
    listed = index.split("```{toctree}")[1]
    assert listed.index("evidence-for-place-a-new-post") < listed.index("tags/stp")
    result = sphinx_build(site, tmp_path / "html", "html", "-n", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup(
        (tmp_path / "html" / "blog" / "index.html").read_text("utf-8"), "html.parser"
    )
    titles = [a.get_text(" ", strip=True) for a in soup.select("article a")]
    assert (
        "Evidence for “place”: a new post" in titles or 'Evidence for "place": a new post' in titles
    )
    assert (tmp_path / "html" / "blog" / "evidence-for-place-a-new-post.html").is_file()
    feed = feedparser.parse((tmp_path / "html" / "blog" / "atom.xml").read_bytes())
    assert feed.entries[0].title == 'Evidence for "place": a new post'  # newest first


@pytest.mark.parametrize(("kind", "folder"), [("brief", "briefs"), ("guidance", "guidance")])
def test_a_new_brief_or_guidance_page_builds_and_is_listed(
    site: Path, tmp_path: Path, kind: str, folder: str
) -> None:
    page = new_page(kind, "Neighbourhood health", site, TODAY)
    assert page == site / folder / "neighbourhood-health.md"
    assert "neighbourhood-health\n" in (site / folder / "index.md").read_text("utf-8")
    if kind == "brief":
        assert ":Date: December 2026" in page.read_text("utf-8")
    result = sphinx_build(site, tmp_path / "html", "html", "-n", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "html" / folder / "neighbourhood-health.html").is_file()


def test_an_existing_page_is_never_overwritten(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (site / "blog" / "stem-club.md").read_text("utf-8")
    code = main(["post", "STEM Club", "--docs", str(site), "--date", "2026-12-01"])
    assert code == 1
    assert "exists already" in capsys.readouterr().err
    assert (site / "blog" / "stem-club.md").read_text("utf-8") == before


def test_the_command_says_what_to_do_next(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["post", "A first post", "--docs", str(site), "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "blog/a-first-post.md" in out and "nox -s check" in out and "summary" in out
    assert main(["post", "???", "--docs", str(site)]) == 1


def test_listing_twice_adds_nothing(tmp_path: Path) -> None:
    index = tmp_path / "index.md"
    index.write_text("# X\n\n```{toctree}\n:hidden:\n\na\ntags/t\n```\n", "utf-8")
    assert add_to_toctree(index, "b")
    assert not add_to_toctree(index, "b")
    assert index.read_text("utf-8") == "# X\n\n```{toctree}\n:hidden:\n\na\nb\ntags/t\n```\n"
    assert "authors: []" in render("post", "T", TODAY)
