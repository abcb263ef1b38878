"""The real site uses the glossary cross-links: its pages link their terms, the glossary
shows backlinks, previews work in headless Chromium, and an edit to the glossary reaches
other pages in an incremental build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.browser import chromium, serve
from tests.conftest import copy_site
from tests.helpers import page_bodies, sphinx_build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    tmp = tmp_path_factory.mktemp("glossary-site")
    src = copy_site(tmp)
    out = tmp / "html"
    result = sphinx_build(src, out, "html", "-n", "--keep-going")
    assert result.returncode == 0, result.stderr
    return src, out, result.stderr


def _soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html.parser")


def test_no_glossary_warnings(built: tuple[Path, Path, str]) -> None:
    assert "evidence.term" not in built[2]


def test_pages_link_their_terms(built: tuple[Path, Path, str]) -> None:
    _src, out, _ = built
    pages = [
        "briefs/place-based-systems-of-care.html",
        "guidance/place-based-partnerships.html",
        *(
            f"blog/{p.stem}.html"
            for p in sorted((out / "blog").glob("*.html"))
            if p.stem not in {"index"}
        ),
    ]
    assert len(pages) >= 5
    for page in pages:
        soup = _soup(out, page)
        links = soup.select("article a.evidence-term")
        assert links, f"{page} links no glossary term"
        auto = [str(a["href"]) for a in soup.select("article a.evidence-autolink")]
        assert len(auto) == len(set(auto)), f"{page}: an entry auto-linked twice"
        for link in links:
            href = str(link["href"])
            assert "glossary.html#term-" in href
            assert soup.find(id=str(link["aria-describedby"])) is not None
    brief = _soup(out, "briefs/place-based-systems-of-care.html")
    abbrs = {a.get_text(): a["title"] for a in brief.select("article a.evidence-term abbr")}
    assert abbrs.get("STP") == "Sustainability and Transformation Partnership"


def test_glossary_has_backlinks(built: tuple[Path, Path, str]) -> None:
    _src, out, _ = built
    soup = _soup(out, "glossary.html")
    paras = soup.select("article p.evidence-term-backlinks")
    assert len(paras) >= 20
    for para in paras:
        for link in para.select("a"):
            target = str(link["href"]).split("#")[0]
            assert (out / target).exists(), target
    assert not soup.select("article a.evidence-autolink")
    assert ":autolink:" not in soup.get_text()


@pytest.mark.browser
def test_preview_on_the_brief(built: tuple[Path, Path, str]) -> None:
    _src, out, _ = built
    with serve(out) as url, chromium() as instance:
        browser: Any = instance
        page = browser.new_page()
        page.goto(f"{url}/briefs/place-based-systems-of-care.html")
        link = page.locator("article a.evidence-term").first
        tip = page.locator(f"#{link.get_attribute('aria-describedby')}")
        link.focus()
        assert tip.is_visible()
        assert "Source" in tip.inner_text()
        page.keyboard.press("Escape")
        assert not tip.is_visible()
        link.hover()
        assert tip.is_visible()


def test_glossary_edit_reaches_other_pages_incrementally(tmp_path: Path) -> None:
    work = copy_site(tmp_path / "edit")
    out = tmp_path / "incremental"
    assert sphinx_build(work, out, "html").returncode == 0
    glossary = work / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    marker = "\nSTP\nSustainability and Transformation Partnership\n  "
    assert marker in text
    glossary.write_text(text.replace(marker, marker + "EDITED DEFINITION. "), encoding="utf-8")
    result = sphinx_build(work, out, "html")
    assert result.returncode == 0, result.stderr
    assert "EDITED DEFINITION" in (out / "briefs" / "place-based-systems-of-care.html").read_text(
        encoding="utf-8"
    )
    clean = tmp_path / "clean"
    assert sphinx_build(work, clean, "html", "-E").returncode == 0

    def articles(folder: Path) -> dict[str, str]:
        found = {}
        for page, body in page_bodies(folder).items():
            article = BeautifulSoup(body, "html.parser").select_one("article")
            found[page] = article.decode() if article is not None else body
        return found

    assert articles(out) == articles(clean)
