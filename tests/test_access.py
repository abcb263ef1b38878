"""Access levels: validated configuration, the {access} role, badges in every builder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from sphinx_evidence.access.levels import AccessConfig, colours_css, contrast
from sphinx_evidence.bib.levels import DEFAULT_LEVELS


def _soup(app: SphinxTestApp, page: str) -> Any:
    return BeautifulSoup(
        (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8"), "html.parser"
    )


def test_default_levels_are_the_five_of_the_brief_with_aa_contrast() -> None:
    levels = AccessConfig().parsed
    assert list(levels) == ["free", "openathens", "abstract", "subscription", "staff"]
    for level in levels.values():
        assert level.label and level.explanation
        assert contrast(*level.light) >= 4.5
        assert contrast(*level.dark) >= 4.5


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({}, "levels must be a non-empty dict"),
        ({"Free": DEFAULT_LEVELS["free"]}, "must be lower-case"),
        ({"free": {"label": "Free"}}, "lacks explanation, light, dark"),
        (
            {"free": {**DEFAULT_LEVELS["free"], "light": "#777777 on #ffffff"}},
            "light colours have contrast 4.48:1, below WCAG AA",
        ),
        ({"free": {**DEFAULT_LEVELS["free"], "dark": "white on black"}}, "dark must read"),
        (
            {"free": {**DEFAULT_LEVELS["free"], "explanation": "Two\nlines"}},
            "label and explanation must be one line each",
        ),
    ],
)
def test_bad_vocabulary_is_a_clear_config_error(
    make_app: Any, rootdir: Path, tmp_path: Path, levels: dict[str, Any], message: str
) -> None:
    import shutil

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-access", src)
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_app("html", srcdir=src, confoverrides={"evidence_access_levels": levels})


@pytest.mark.sphinx("html", testroot="access")
def test_role_badge_links_to_help_with_accessible_tooltip(app: SphinxTestApp) -> None:
    app.build()
    assert not app.warning.getvalue()
    soup = _soup(app, "index")
    badges = soup.select("a.evidence-badge")
    assert [b.get_text() for b in badges] == ["OpenAthens", "Free"]
    for badge in badges:
        assert badge["href"] == "help.html"
        tip = soup.find(id=badge["aria-describedby"])
        assert tip is not None and tip["role"] == "tooltip"
    assert soup.find(id=badges[0]["aria-describedby"]).get_text() == (
        "Free with an NHS OpenAthens login."
    )
    assert "evidence-access-openathens" in badges[0]["class"]
    css = (Path(app.outdir) / "_static" / "evidence-access-colours.css").read_text(encoding="utf-8")
    assert ".evidence-access-openathens { --evidence-badge-fg: #1e3a8a" in css
    assert 'body[data-theme="dark"] .evidence-access-openathens' in css
    assert "@media (prefers-color-scheme: dark)" in css
    assert "body:not([data-theme]) .evidence-access-free" in css
    assert (Path(app.outdir) / "_static" / "evidence-access.css").exists()
    head = soup.find("head")
    assert head.find("link", href=re.compile("evidence-access-colours.css"))
    assert head.find("script", src=re.compile("evidence-readinglist.js"))


@pytest.mark.sphinx("html", testroot="access", confoverrides={"evidence_access_help_page": ""})
def test_badge_without_help_page_is_still_focusable(app: SphinxTestApp) -> None:
    app.build()
    badge = _soup(app, "index").select_one("span.evidence-badge")
    assert badge["tabindex"] == "0"
    assert badge["aria-describedby"]


@pytest.mark.sphinx(
    "html",
    testroot="access",
    confoverrides={
        "evidence_access_levels": {
            "nhs": {
                "label": "NHS only",
                "explanation": "For NHS staff.",
                "light": "#003087 on #ffffff",
                "dark": "#ffffff on #003087",
            }
        }
    },
)
def test_custom_vocabulary_replaces_the_defaults(app: SphinxTestApp) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert '"openathens" is not an access level; use one of: nhs. [evidence.access_unknown]' in (
        warnings
    )
    assert "index.md:7" in warnings


@pytest.mark.sphinx("text", testroot="access")
def test_text_builder_shows_the_label_in_words(app: SphinxTestApp) -> None:
    app.build()
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    assert "Log in first OpenAthens, or read it free Free." in text


@pytest.mark.sphinx("latex", testroot="access")
def test_latex_builder_shows_the_label_in_words(app: SphinxTestApp) -> None:
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "OpenAthens" in tex
    assert "evidence-badge-tip" not in tex


def test_colours_css_covers_every_level_and_mode() -> None:
    css = colours_css(AccessConfig().parsed)
    for name in DEFAULT_LEVELS:
        assert css.count(f".evidence-access-{name} ") == 4  # light, dark, auto x2
