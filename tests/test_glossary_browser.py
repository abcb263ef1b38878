"""Glossary previews in headless Chromium: keyboard, pointer, touch, and axe-core checks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, serve
from tests.helpers import sphinx_build

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent / "roots" / "test-glossary"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The glossary test root built with furo, served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("glossary-browser")
    src = tmp / "src"
    shutil.copytree(ROOT, src)
    out = tmp / "html"
    result = sphinx_build(src, out, "html", "-D", "html_theme=furo")
    assert result.returncode == 0, result.stderr
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _tip_visible(page: Any, tip_id: str) -> bool:
    return bool(page.locator(f"#{tip_id}").is_visible())


def test_keyboard_focus_shows_and_escape_hides(site: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{site}/plans.html")
    link = page.locator("article a.evidence-term").first
    tip_id = link.get_attribute("aria-describedby")
    assert tip_id and not _tip_visible(page, tip_id)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('evidence-term')"):
            break
    else:
        pytest.fail("no term link reachable with Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == tip_id
    assert _tip_visible(page, tip_id)
    text = page.locator(f"#{tip_id}").inner_text()
    assert "Sustainability and Transformation Partnership" in text and "Source:" in text
    page.keyboard.press("Escape")
    assert not _tip_visible(page, tip_id)
    # the link is still focused and still works
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary.html#term-STP")
    page.close()


def test_pointer_hover_shows_and_leaving_hides(site: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{site}/plans.html")
    link = page.locator("article a.evidence-term").nth(1)
    tip_id = link.get_attribute("aria-describedby")
    link.hover()
    assert _tip_visible(page, tip_id)
    box = page.locator(f"#{tip_id}").bounding_box()
    link_box = link.bounding_box()
    assert box is not None and link_box is not None
    assert (
        box["y"] >= link_box["y"] + link_box["height"] or box["y"] + box["height"] <= link_box["y"]
    )
    page.mouse.move(5, 5)
    page.wait_for_timeout(500)
    assert not _tip_visible(page, tip_id)
    page.close()


def test_touch_first_tap_previews_second_tap_follows(site: str, browser: Any) -> None:
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    page.goto(f"{site}/plans.html")
    link = page.locator("article a.evidence-term").first
    tip_id = link.get_attribute("aria-describedby")
    link.tap()
    assert _tip_visible(page, tip_id)
    assert page.url.endswith("/plans.html")
    link.tap()
    page.wait_for_url("**/glossary.html#term-STP")
    context.close()


def test_works_without_javascript(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/plans.html")
    link = page.locator("article a.evidence-term").first
    assert not _tip_visible(page, link.get_attribute("aria-describedby"))
    link.click()
    page.wait_for_url("**/glossary.html#term-STP")
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_on_a_glossary_using_page(site: str, browser: Any, theme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(color_scheme=theme)
    page.goto(f"{site}/plans.html")
    page.evaluate(f"document.body.dataset.theme = '{theme}'")
    link = page.locator("article a.evidence-term").first
    link.focus()  # an open preview is checked too
    assert _tip_visible(page, link.get_attribute("aria-describedby"))
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    ours = [
        violation
        for violation in results.response["violations"]
        if any("evidence-term" in " ".join(node["target"][0:1]) for node in violation["nodes"])
        or violation["id"] in {"color-contrast", "aria-tooltip-name", "aria-allowed-attr"}
    ]
    assert ours == [], results.generate_report()
    page.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_whole_page_report(site: str, browser: Any, theme: str) -> None:
    """Every WCAG 2.2 A/AA rule on the page (theme issues included) in both modes."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(color_scheme=theme)
    page.goto(f"{site}/plans.html")
    page.evaluate(f"document.body.dataset.theme = '{theme}'")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    page.close()
