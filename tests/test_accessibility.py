"""WCAG 2.2 AA with axe-core in headless Chromium, in furo's light and dark modes.

Every page of the real site is loaded from a local server, once per view (light and dark
mode on a desktop screen, and light mode on a phone-sized one), and checked with
axe-core (the copy inside ``axe-playwright-python``) on the WCAG 2.0/2.1/2.2 A and AA rules.
While a page loads, any request that would leave 127.0.0.1 is recorded and blocked: the
site must fetch nothing from another host. Faster checks of our fix-ups (``a11y.py`` and
``static/a11y.css``) run on the small ``test-a11y`` root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from sphinx_evidence import a11y
from tests.browser import chromium, serve
from tests.conftest import copy_site
from tests.helpers import sphinx_build

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MODES = ("light", "dark")
#: name -> (furo theme, Playwright browser-context options)
VIEWS: dict[str, tuple[str, dict[str, Any]]] = {
    "light": ("light", {"color_scheme": "light"}),
    "dark": ("dark", {"color_scheme": "dark"}),
    "phone": (
        "light",
        {
            "color_scheme": "light",
            "viewport": {"width": 390, "height": 844},
            "is_mobile": True,
            "has_touch": True,
        },
    ),
}
LOCAL_SCHEMES = ("data:", "blob:", "about:")
#: Links that open a tooltip on focus (glossary previews, access badges), and how many
#: pages per mode to check each on with its tooltip open.
POPUP_TRIGGERS = ("a.evidence-term[aria-describedby]", "a.evidence-badge[aria-describedby]")
POPUP_PAGES = 3
PAGE_BACKGROUND = {"light": "#ffffff", "dark": "#131416"}  # furo's --color-background-primary

needs_chromium = pytest.mark.browser


@dataclass
class PageScan:
    """What axe-core and the request log found on one page in one view."""

    page: str
    mode: str
    """The view: a key of :data:`VIEWS`."""
    theme: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    popup: str = ""
    """The trigger focused before the scan ("" for the page as loaded)."""
    popup_shown: bool = False


class RequestLog:
    """Records (and blocks) every request of a page that is not to the local server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.external: list[str] = []

    def _local(self, url: str) -> bool:
        return url.startswith((self.base + "/", *LOCAL_SCHEMES))

    def on_request(self, request: Any) -> None:
        if not self._local(request.url) and request.url not in self.external:
            self.external.append(request.url)

    def route(self, route: Any) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            self.on_request(route.request)
            route.abort()


def html_pages(html_dir: Path) -> list[str]:
    """Every HTML page of a build, as paths relative to ``html_dir``."""
    return sorted(
        p.relative_to(html_dir).as_posix()
        for p in html_dir.rglob("*.html")
        if not p.relative_to(html_dir).as_posix().startswith(("_static/", "_sources/"))
    )


def scan_site(html_dir: Path) -> list[PageScan]:
    """Load every page in each view; run axe-core; log requests to other hosts."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    scans: list[PageScan] = []
    with serve(html_dir) as base, chromium() as browser:
        for mode, (wanted, context_options) in VIEWS.items():
            context = browser.new_context(**context_options)  # type: ignore[attr-defined]
            context.add_init_script(
                f"try {{ localStorage.setItem('theme', '{wanted}') }} catch (e) {{}}"
            )
            log = RequestLog(base)
            context.route("**/*", log.route)
            page = context.new_page()
            page.on("request", log.on_request)
            popups_checked = dict.fromkeys(POPUP_TRIGGERS, 0)
            for rel in html_pages(html_dir):
                log.external.clear()
                page.goto(f"{base}/{rel}", wait_until="load")
                theme = page.evaluate("document.body.dataset.theme || ''")
                results = axe.run(page, options=options)
                scans.append(
                    PageScan(
                        rel, mode, theme, list(results.response["violations"]), list(log.external)
                    )
                )
                for trigger in POPUP_TRIGGERS:
                    if popups_checked[trigger] >= POPUP_PAGES:
                        continue
                    link = page.query_selector(trigger)
                    if link is None:
                        continue
                    popups_checked[trigger] += 1
                    link.scroll_into_view_if_needed()
                    link.focus()
                    tip_id = str(link.get_attribute("aria-describedby"))
                    tip = page.query_selector(f'[id="{tip_id}"]')
                    shown = tip is not None and _visible_soon(page, tip)
                    # the page around it was checked just above: check the open tooltip
                    results = axe.run(page, {"include": [[f'[id="{tip_id}"]']]}, options)
                    violations = list(results.response["violations"])
                    scans.append(PageScan(rel, mode, theme, violations, [], trigger, shown))
                    link.evaluate("element => element.blur()")
            context.close()
    return scans


def _visible_soon(page: Any, element: Any, timeout_ms: int = 1000) -> bool:
    """Whether ``element`` becomes visible within ``timeout_ms`` (tooltips may fade in)."""
    for _ in range(timeout_ms // 50):
        if element.is_visible():
            return True
        page.wait_for_timeout(50)
    return bool(element.is_visible())


def describe(scans: list[PageScan]) -> str:
    """A readable list of axe-core violations: page, mode, rule, element, what to fix."""
    lines = []
    for scan in scans:
        for v in scan.violations:
            where = f"{scan.page} [{scan.mode}]" + (
                f" with {scan.popup} focused" if scan.popup else ""
            )
            lines.append(f"{where} {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                target = " ".join(str(t) for t in node["target"])
                html = re.sub(r"\s+", " ", node.get("html", ""))[:160]
                summary = (node.get("failureSummary") or "").splitlines()
                lines.append(f"    {target}: {html}")
                if len(summary) > 1:
                    lines.append(f"      {summary[1].strip()}")
            if len(v["nodes"]) > 5:
                lines.append(f"    ... and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


# -- the real site -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("a11y-site")
    docs = copy_site(dest)
    result = sphinx_build(docs, dest / "html", "html")
    assert result.returncode == 0, result.stderr
    return dest / "html"


@pytest.fixture(scope="module")
def site_scans(site_html: Path) -> list[PageScan]:
    return scan_site(site_html)


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize("mode", VIEWS)
def test_every_page_meets_wcag22_aa(site_scans: list[PageScan], mode: str) -> None:
    scans = [s for s in site_scans if s.mode == mode]
    assert len(scans) >= 3  # index, genindex, search at the least
    failing = [s for s in scans if s.violations]
    assert not failing, f"axe-core, {mode} view:\n{describe(failing)}"


@needs_chromium
@pytest.mark.browser
def test_tooltips_were_open_when_checked(site_scans: list[PageScan]) -> None:
    popups = [s for s in site_scans if s.popup]
    assert {s.popup for s in popups} == set(POPUP_TRIGGERS)  # the site has both kinds
    hidden = [(s.page, s.mode, s.popup) for s in popups if not s.popup_shown]
    assert not hidden, "focusing these links showed no tooltip"


@needs_chromium
@pytest.mark.browser
def test_dark_and_light_modes_are_really_applied(site_scans: list[PageScan]) -> None:
    wrong = [(s.page, s.mode, s.theme) for s in site_scans if s.theme != VIEWS[s.mode][0]]
    assert not wrong


@needs_chromium
@pytest.mark.browser
def test_no_request_leaves_localhost(site_scans: list[PageScan]) -> None:
    leaks = {f"{s.page}: {url}" for s in site_scans for url in s.external}
    assert not leaks, "requests to other hosts:\n" + "\n".join(sorted(leaks))


# -- our fix-ups on a small root ---------------------------------------------------------


@pytest.mark.sphinx("html", testroot="a11y")
def test_toctree_caption_has_a_heading_level(app: SphinxTestApp) -> None:
    app.build()
    assert not app.warning.getvalue()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = soup.select('[role="heading"]')
    assert headings  # furo's sidebar and the page's own toctree
    for heading in headings:
        assert heading.get("aria-level") == a11y.CAPTION_LEVEL, heading
    captions = [h.get_text(strip=True) for h in soup.select("p.caption[role=heading]")]
    assert "More pages" in captions
    # Other titles are untouched: sections, admonitions, code captions.
    assert soup.select_one("h2") is not None
    admonition = soup.select_one("p.admonition-title")
    code_caption = soup.select_one("div.code-block-caption span.caption-text")
    assert admonition is not None and admonition.get_text() == "Note"
    assert code_caption is not None and code_caption.get_text() == "A code caption"
    # A code block that scrolls sideways on a phone can be reached by keyboard.
    code = soup.select_one("div.highlight > pre")
    assert code is not None and code.get("tabindex") == "0"
    wrapper = soup.select_one("div.table-wrapper")
    assert wrapper is not None and wrapper.get("tabindex") == "0"
    assert wrapper.select_one("table") is not None
    plain = soup.select_one("div.plain-box")
    assert plain is not None and plain.get("tabindex") is None
    assert "A plain container" in plain.get_text()
    assert (app.outdir / "_static" / a11y.CSS).is_file()
    assert soup.find("link", href=re.compile(re.escape(a11y.CSS)))


@pytest.mark.sphinx("text", testroot="a11y")
def test_other_builders_get_no_stylesheet(app: SphinxTestApp) -> None:
    app.build()
    assert "More pages" in (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert not (app.outdir / "_static").exists()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palettes() -> Iterator[tuple[str, dict[str, str]]]:
    """(mode, {variable: colour}) for each block of ``a11y.css``."""
    css = re.sub(r"/\*.*?\*/", "", a11y.SOURCE.read_text(encoding="utf-8"), flags=re.S)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        colours = dict(re.findall(r"(--sd-color-[a-z-]+):\s*(#[0-9a-f]{6})", body))
        if not colours:
            continue  # a rule that sets no sphinx-design colour
        # ``body`` is light; ``body[data-theme="dark"]`` and, inside the media query,
        # ``body:not([data-theme="light"])`` are dark.
        yield ("light" if selector.strip() == "body" else "dark"), colours


def test_palette_meets_aa_contrast_in_both_modes() -> None:
    seen = set()
    for mode, colours in palettes():
        seen.add(mode)
        assert colours
        for name, colour in colours.items():
            if name.endswith("-text"):
                continue
            # badge: -text on the colour; outline and text: the colour on the page
            assert contrast(colours[f"{name}-text"], colour) >= 4.5, (mode, name)
            assert contrast(colour, PAGE_BACKGROUND[mode]) >= 4.5, (mode, name)
    assert seen == {"light", "dark"}


@needs_chromium
@pytest.mark.browser
def test_fixups_pass_axe_on_the_small_root(tmp_path: Path, rootdir: Path) -> None:
    result = sphinx_build(rootdir / "test-a11y", tmp_path / "html", "html")
    assert result.returncode == 0, result.stderr
    scans = scan_site(tmp_path / "html")
    failing = [s for s in scans if s.violations]
    assert not failing, describe(failing)
    assert {s.theme for s in scans} == set(MODES)
    assert {s.mode for s in scans} == set(VIEWS)
    assert not [url for s in scans for url in s.external]
