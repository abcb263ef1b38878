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


def test_a_new_post_shows_on_the_blog_index_its_tag_pages_and_the_feed(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = 'Evidence for "place": a new post'
    args = ["post", title, "--docs", str(site), "--date", "2026-12-01", "--author", "Ann Smith"]
    args += ["--tag", "Integrated care", "--tag", "STP", "--summary", "What place means."]
    assert main(args) == 0
    page = site / "blog" / "evidence-for-place-a-new-post.md"
    assert str(page) in capsys.readouterr().out
    text = page.read_text("utf-8")
    assert text.startswith(
        '---\ntitle: "Evidence for \\"place\\": a new post"\ndate: 2026-12-01\n'
        'authors: ["Ann Smith"]\ntags: ["Integrated care", "STP"]\nsummary: "What place means."\n'
    )
    listed = (site / "blog" / "index.md").read_text("utf-8").split("```{toctree}")[1]
    assert "evidence-for-place-a-new-post" in listed
    result = sphinx_build(site, tmp_path / "html", "html", "-n", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html" / "blog"

    def titles(name: str) -> list[str]:
        soup = BeautifulSoup((html / name).read_text("utf-8"), "html.parser")
        return [a.get_text(" ", strip=True) for a in soup.select("ul.evidence-postlist a")]

    shown = "Evidence for “place”: a new post"
    assert shown in titles("index.html") or title in titles("index.html")
    for tag_page in ("tags/integrated-care.html", "tags/stp.html"):
        assert titles(tag_page)[0] in (shown, title), tag_page  # newest first
    index = BeautifulSoup((html / "index.html").read_text("utf-8"), "html.parser")
    tags = [" ".join(li.get_text().split()) for li in index.select("ul.evidence-taglist li")]
    assert "Integrated care (1 post)" in tags and "STP (4 posts)" in tags
    feed = feedparser.parse((html / "atom.xml").read_bytes())
    assert feed.entries[0].title == title  # newest first
    assert [t.term for t in feed.entries[0].tags] == ["Integrated care", "STP"]


def test_a_new_post_without_a_summary_is_reported_once(site: Path, tmp_path: Path) -> None:
    page = new_page("post", "No summary yet", site, TODAY)
    result = sphinx_build(site, tmp_path / "html", "html", "-n", "--keep-going")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert warnings == [
        f'{page}:6: WARNING: this page needs a "summary" in its front matter; add a line'
        ' "summary: ..." between the --- lines [evidence.front_matter_missing]'
    ]


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
    assert 'tags: ["A b", "C"]' in render("post", "T", TODAY, tags=["A  b", "C", " "])
