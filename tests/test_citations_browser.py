"""Reading lists and badges in headless Chromium: filter without reload, no-JS fallback,
tooltips on hover and focus, and axe-core (WCAG 2.2 AA) in light, dark and automatic modes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, serve
from tests.helpers import sphinx_build

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).parent / "roots" / "test-citations"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    tmp = tmp_path_factory.mktemp("citations-browser")
    shutil.copytree(ROOT, tmp / "src")
    # every list of this small root gets a filter (the hub's lists need 8 entries)
    result = sphinx_build(
        tmp / "src", tmp / "html", "html", "-D", "evidence_citations_filter_min=2"
    )
    assert result.returncode == 0, result.stderr
    with serve(tmp / "html") as base, chromium() as browser:
        yield base, browser


def _visible_titles(page: Any, list_index: int = 0) -> list[str]:
    return list(
        page.evaluate(
            """(n) => Array.from(document.querySelectorAll('.evidence-reading-list')[n]
                 .querySelectorAll('li.evidence-entry'))
                 .filter((li) => li.offsetParent !== null)
                 .map((li) => li.querySelector('.evidence-title').textContent)""",
            list_index,
        )
    )


def test_filter_by_access_level_and_words_without_reload(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page()
    page.goto(f"{base}/brief.html")
    page.evaluate("window.__marker = 'same page'")
    assert len(_visible_titles(page)) == 3
    form = page.locator(".evidence-reading-list").first.locator("form.evidence-filter")
    assert form.get_attribute("role") == "search"
    status = form.locator('[role="status"]')
    assert status.inner_text() == "Showing all 3 entries."
    form.get_by_label("OpenAthens").uncheck()
    assert _visible_titles(page) == ["Places and NHS partnerships", "An older book"]
    assert status.inner_text() == "Showing 2 of 3 entries."
    words = form.get_by_label("Find words in the titles and descriptions")
    words.fill("older book")
    assert _visible_titles(page) == ["An older book"]
    words.fill("")
    form.get_by_label("OpenAthens").check()
    assert len(_visible_titles(page)) == 3
    assert page.evaluate("window.__marker") == "same page"
    # accents are ignored ("partnerships" typed as "pärtnerships")
    words.fill("p\u00e4rtnerships")
    assert _visible_titles(page) == ["Places and NHS partnerships"]
    words.fill("no such words")
    assert _visible_titles(page) == []
    assert status.inner_text().startswith("No entries match.")
    # "Clear filter" shows every entry again and puts the focus back in the words box
    form.get_by_role("button", name="Clear filter").click()
    assert len(_visible_titles(page)) == 3
    assert status.inner_text() == "Showing all 3 entries."
    assert words.evaluate("(el) => el === document.activeElement")
    page.close()


@pytest.mark.browser
def test_short_lists_get_no_filter(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    result = sphinx_build(src, tmp_path / "html", "html")  # the default: 8 entries or more
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "brief.html").read_text(encoding="utf-8")
    assert html.count('class="evidence-reading-list') == 2
    assert "evidence-filterable" not in html  # the script adds a filter only to these


def test_each_filter_form_has_its_own_name(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page()
    page.goto(f"{base}/brief.html")
    names = page.evaluate(
        "() => Array.from(document.querySelectorAll('form.evidence-filter'))"
        ".map((f) => f.getAttribute('aria-label'))"
    )
    assert names == ["Filter the list: Key publications", "Filter the list: Chosen"]
    page.close()


def test_grouped_list_hides_empty_groups(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page()
    page.goto(f"{base}/brief.html")
    form = page.locator(".evidence-reading-list").nth(1).locator("form.evidence-filter")
    form.get_by_label("Abstract only").uncheck()
    headings = page.evaluate(
        """() => Array.from(document.querySelectorAll('.evidence-reading-list')[1]
             .querySelectorAll('.evidence-group'))
             .filter((g) => !g.hidden).map((g) => g.querySelector('.rubric').textContent)"""
    )
    assert headings == ["OpenAthens"]
    page.close()


def test_without_javascript_the_whole_list_shows(site: tuple[str, Any]) -> None:
    base, browser = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/brief.html")
    assert len(_visible_titles(page)) == 3
    assert page.locator("form.evidence-filter").count() == 0
    context.close()


def test_badge_explains_itself_on_focus_and_hover(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page()
    page.goto(f"{base}/brief.html")
    badge = page.locator("a.evidence-badge").first
    tip = page.locator("#" + str(badge.get_attribute("aria-describedby")))
    assert not tip.is_visible()
    badge.focus()
    assert tip.is_visible()
    assert tip.inner_text() == "Free with an NHS OpenAthens login."
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    page.mouse.move(0, 0)
    badge.hover()
    assert tip.is_visible()
    page.close()


@pytest.mark.parametrize("mode", ["light", "dark", "auto"])
def test_axe_passes_on_lists_badges_and_references(site: tuple[str, Any], mode: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base, browser = site
    context = browser.new_context(color_scheme="light" if mode == "light" else "dark")
    context.add_init_script(f"try {{ localStorage.setItem('theme', '{mode}') }} catch (e) {{}}")
    page = context.new_page()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    axe = Axe()
    problems = []
    for rel in ("brief.html", "references.html", "post.html", "index.html"):
        page.goto(f"{base}/{rel}")
        assert page.evaluate("document.body.dataset.theme") == mode
        page.locator(".evidence-badge-wrap a").first.focus()  # the tooltip's contrast too
        for violation in axe.run(page, options=options).response["violations"]:
            problems.append((rel, violation["id"], [n["target"] for n in violation["nodes"]]))
    context.close()
    assert problems == []


def test_tooltips_stay_inside_a_narrow_window(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page(viewport={"width": 420, "height": 800})
    page.goto(f"{base}/brief.html")
    badges = page.locator("a.evidence-badge")
    assert badges.count() >= 4
    for n in range(badges.count()):
        badge = badges.nth(n)
        badge.focus()
        tip = page.locator("#" + str(badge.get_attribute("aria-describedby")))
        box = tip.bounding_box()
        assert box is not None and tip.is_visible()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 420, (n, box)
    page.close()


def test_citation_link_explains_itself_on_focus(site: tuple[str, Any]) -> None:
    base, browser = site
    page = browser.new_page()
    page.goto(f"{base}/index.html")
    link = page.locator("span.bibtex-citation a").first
    tip = page.locator("#" + str(link.get_attribute("aria-describedby")))
    assert not tip.is_visible()
    link.focus()
    assert tip.is_visible()
    assert tip.inner_text().startswith("Places and NHS partnerships.")
    page.close()
