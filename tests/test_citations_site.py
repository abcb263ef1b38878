"""The real site uses the citation features: brief reading lists, references page, posts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from sphinx_evidence.bib.dates import sort_date
from sphinx_evidence.bib.latex import plain
from tests.conftest import REPO

BRIEF = "briefs/place-based-systems-of-care.html"


@pytest.fixture
def html(real_site_html: Path) -> Path:
    """The real site, built once for the tests that read it (``conftest.real_site_html``)."""
    return real_site_html


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))


def _soup(html: Path, page: str) -> Any:
    return BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")


def test_brief_reading_lists_show_reference_badge_and_annotation(html: Path) -> None:
    bib = parse_file(str(REPO / "references.bib"))
    lists = _soup(html, BRIEF).select("div.evidence-reading-list")
    assert len(lists) >= 5
    key_pubs = [
        e for e in bib.entries.values() if "key-publications" in e.fields.get("keywords", "")
    ]
    items = lists[0].select("li.evidence-entry")
    assert len(items) == len(key_pubs)
    by_title = sorted(
        key_pubs, key=lambda e: re.sub(r"^(the|a|an) ", "", plain(e.fields["title"]).casefold())
    )
    newest_first = sorted(by_title, key=lambda e: sort_date(e), reverse=True)
    shown = [_ascii(i.select_one("p.evidence-reference").get_text()) for i in items]
    for entry, text in zip(newest_first, shown, strict=True):
        if sort_date(entry) != (0, 0, 0):  # dated entries come first, newest first
            assert _ascii(plain(entry.fields["title"])).split(":")[0] in text
    for item in items:
        assert item.select_one("p.evidence-reference").get_text(strip=True)
        level = next(c for c in item["class"] if c.startswith("evidence-level-"))
        if level != "evidence-level-none":
            badge = item.select_one("a.evidence-badge")
            assert badge is not None and badge["href"] == "../access.html"
    annotated = [e for e in key_pubs if e.fields.get("annotation")]
    assert len(lists[0].select("p.evidence-annotation")) >= len(annotated)


def test_references_page_lists_every_entry_with_cited_on(html: Path) -> None:
    bib = parse_file(str(REPO / "references.bib"))
    soup = _soup(html, "references.html")
    entries = soup.select('div.citation[role="listitem"]')
    assert len(entries) == len(bib.entries)
    assert all(e.select_one("p.evidence-cited-on a") for e in entries)
    exported = soup.select("details.evidence-export a")  # the page's one downloads menu
    assert len(exported) == 3
    csl = json.loads((html / exported[2]["href"]).read_text(encoding="utf-8"))
    assert {item["id"] for item in csl} == set(bib.entries)


def test_blog_footnotes_are_in_house_style(html: Path) -> None:
    post = _soup(html, "blog/place-based-care.html")
    notes = post.select("aside.footnote")
    assert notes
    for printed in post.select(".evidence-print-url"):  # addresses shown only in print
        printed.decompose()
    text = " ".join(n.get_text(" ", strip=True) for n in notes).replace("\u2019", "'")
    badge = "Free Free to read: no login or payment needed."
    assert f"integrated care systems . {badge} The King's Fund." in text
    assert "November 2019" in text
