"""Issue 11, the reader's path, on the real site: every entry has a way in, private notes
stay private, one downloads menu per page, filters only on long lists, the readers'
navigation and footer, search that finds an entry by its title."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import rispy
from bs4 import BeautifulSoup
from pybtex.database import parse_file, parse_string

from sphinx_evidence.bib.export import PRIVATE_FIELDS, csl_item, ris_record, to_bibtex
from sphinx_evidence.bib.latex import plain
from sphinx_evidence.bib.links import entry_link
from sphinx_evidence.citations.config import CitationsConfig
from sphinx_evidence.citations.entry import search_href, way_in
from tests.browser import chromium, serve
from tests.conftest import REPO
from tests.helpers import sphinx_build

BRIEF = "briefs/place-based-systems-of-care.html"
#: Words of cataloguing and provenance notes that must never reach a reader.
PROVENANCE = re.compile(
    r"as given in the brief|probably a slip|the brief writes|the brief calls|the brief credits"
    r"|the brief links|the brief expands|the link is|tag archive",
    re.IGNORECASE,
)


@pytest.fixture
def html(real_site_html: Path) -> Path:
    """The real site, built once for the tests that read it (``conftest.real_site_html``)."""
    return real_site_html


def _soup(html: Path, page: str) -> Any:
    return BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")


def _bib() -> Any:
    return parse_file(str(REPO / "references.bib"))


# -- 1. every entry has a way in ------------------------------------------------------------


def test_linked_titles_and_addresses_printed_only_for_print(html: Path) -> None:
    bib = _bib()
    items = _soup(html, BRIEF).select("li.evidence-entry")
    assert len(items) == 42
    linked = unlinked = 0
    for item in items:
        key = item["id"].split("-", 3)[3]
        entry = bib.entries[key]
        link = entry_link(entry)
        title = item.select_one("p.evidence-reference > .evidence-title")
        assert plain(entry.fields["title"]).startswith(title.get_text()[:20])
        if link:
            linked += 1
            assert title.name == "a" and title["href"] == link[0]
            printed = title.find_next_sibling(class_="evidence-print-url")
            assert printed.get_text() == f" <{link[0]}>"
            # no link text on screen is a bare address
            assert not [a for a in item.select("a") if a.get_text().startswith("http")]
        else:
            unlinked += 1
            assert title.name == "span"
            way = item.select_one("p.evidence-way-in")
            assert way.select_one(".evidence-no-link").get_text() == "No online copy known."
            ask = way.select_one("a")
            assert ask.get_text() == "Ask your library and knowledge service"
            assert ask["href"] == "../access.html#document-supply"
            tip = item.select_one(".evidence-badge-tip").get_text()
            assert "No online copy is known" in tip  # the badge promises no click
    assert linked and unlinked and linked + unlinked == 42
    access = _soup(html, "access.html")
    section = access.find(id="document-supply")
    assert section is not None and section.name == "section"
    assert "document supply" in section.get_text()


def test_free_badge_never_promises_a_click(html: Path) -> None:
    for page in (BRIEF, "references.html"):
        for tip in _soup(html, page).select(".evidence-access-free + .evidence-badge-tip"):
            assert "everyone" not in tip.get_text()
            assert tip.get_text().startswith("Free to read: no login or payment needed.")


def test_references_page_and_footnotes_show_the_way_in(html: Path) -> None:
    bib = _bib()
    refs = _soup(html, "references.html")
    entries = refs.select('div.citation[role="listitem"]')
    assert len(entries) == len(bib.entries)
    no_link = [e for e in entries if e.select_one("p.evidence-way-in")]
    expected = [k for k, e in bib.entries.items() if entry_link(e) is None]
    assert len(no_link) == len(expected)
    brief = _soup(html, BRIEF)
    footnote = brief.find(id="footcite-phe-journeyplacebasedhealth")
    assert "No online copy known." in footnote.get_text()
    assert footnote.select_one('a[href="../access.html#document-supply"]') is not None


def test_search_link_is_off_by_default_and_quotes_the_title() -> None:
    entry = parse_string('@report{x, title={Care & "place"/<b>}}', "bibtex").entries["x"]
    assert CitationsConfig().search_url == ""
    assert not [n for n in way_in(entry, CitationsConfig(), "") if "Search" in n.astext()]
    template = "https://discover.example.org/search?q={title}&type=all"
    href = search_href(template, entry)
    assert href == (
        "https://discover.example.org/search?q=Care%20%26%20%22place%22%2F%3Cb%3E&type=all"
    )
    options = CitationsConfig(way_in=True, search_url=template)
    para = way_in(entry, options, "")[0]
    assert "Search for this title" in para.astext()
    for bad in ("javascript:alert(1)//{title}", "https://x.org/search", "ftp://x.org/{title}"):
        with pytest.raises(ValueError):
            CitationsConfig(search_url=bad)


# -- 2. private notes stay private ----------------------------------------------------------


def test_no_reader_facing_page_holds_a_provenance_note_or_private_field(html: Path) -> None:
    bib = _bib()
    private = [e.fields["privatenote"] for e in bib.entries.values() if "privatenote" in e.fields]
    assert len(private) >= 8
    for note in (e.fields.get("note", "") for e in bib.entries.values()):
        assert not PROVENANCE.search(note), note
    # the contributor pages explain the conventions; the glossary says how the brief names
    # an organisation, which a reader of the brief needs
    notes_allowed = {"contributing.html", "benchmarks.html", "glossary.html"}
    for page in html.rglob("*.html"):
        name = page.relative_to(html).as_posix()
        text = " ".join(_soup(html, name).get_text().split())
        for note in private:
            assert plain(note)[:40] not in text, (page, note)
        if name not in notes_allowed:
            assert not PROVENANCE.search(text), (name, PROVENANCE.search(text))
    for path in (html / "_downloads" / "evidence").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "privatenote" not in text and "unverified" not in text, path
        for note in private:
            assert plain(note)[:40] not in text, (path, note)


def test_exports_carry_the_access_level_and_never_private_fields() -> None:
    entry = parse_string(
        "@report{k, title={T}, access={openathens}, note={With partners},"
        " privatenote={The brief writes T.}, unverified={year},"
        " file={/Users/me/Zotero/storage/t.pdf}, howpublished={C:\\\\Users\\\\me\\\\t.pdf},"
        " keywords={key-publications}, annotation={What it is.}}",
        "bibtex",
    ).entries["k"]
    bib = parse_string(to_bibtex([entry]), "bibtex").entries["k"]
    assert not PRIVATE_FIELDS & set(bib.fields) and "howpublished" not in bib.fields
    assert bib.fields["access"] == "openathens"
    assert bib.fields["keywords"] == "key-publications, Access: OpenAthens"
    ris: dict[str, Any] = ris_record(entry)
    assert ris["keywords"] == ["key-publications", "Access: OpenAthens"]
    assert ris["notes"][0] == "Access: OpenAthens. Free with an NHS OpenAthens login."
    assert "With partners" in ris["notes"] and "What it is." in ris["notes"]
    assert not [n for n in ris["notes"] if "brief writes" in n]
    text = rispy.dumps([ris])
    assert "N1  - Access: OpenAthens." in text and "KW  - Access: OpenAthens" in text
    csl = csl_item(entry)
    assert str(csl["note"]).startswith("Access: OpenAthens.")
    assert csl["keyword"] == "key-publications, Access: OpenAthens"
    assert csl["annote"] == "What it is."
    assert "brief writes" not in json.dumps(csl)


# -- 3. lists that read well ----------------------------------------------------------------


def test_one_downloads_menu_per_page_near_its_top(html: Path) -> None:
    for page, count in ((BRIEF, 42), ("references.html", len(_bib().entries))):
        soup = _soup(html, page)
        menus = soup.select("details.evidence-export")
        assert len(menus) == 1, page
        summary = menus[0].select_one("summary").get_text()
        assert summary == f"Download the {count} references on this page"
        article = soup.select_one("article")
        first_list = article.select_one(".evidence-reading-list, .citation-list")
        assert menus[0] in first_list.find_all_previous("details")
        links = [a["href"] for a in menus[0].select("a")]
        assert [h.rsplit(".", 1)[1] for h in links] == ["bib", "ris", "json"]
    access = _soup(html, "access.html")
    assert "Download the reference on this page" in access.select_one("summary").get_text()


def test_filters_only_on_long_lists(html: Path) -> None:
    lists = _soup(html, BRIEF).select("div.evidence-reading-list")
    sizes = [len(lst.select("li.evidence-entry")) for lst in lists]
    filterable = ["evidence-filterable" in lst["class"] for lst in lists]
    assert filterable == [size >= 8 for size in sizes]
    assert filterable.count(True) == 1 and sizes[0] == 32


# -- 4. readers' navigation ------------------------------------------------------------------


def test_contributor_pages_are_apart_and_the_footer_links_help(html: Path) -> None:
    home = _soup(html, "index.html")
    captions = [c.get_text(strip=True) for c in home.select(".sidebar-tree p.caption")]
    assert captions == ["For contributors"]
    contributor_links = home.select(".sidebar-tree p.caption + ul a")
    assert [a["href"] for a in contributor_links] == ["contributing.html", "benchmarks.html"]
    for page in ("index.html", BRIEF, "blog/stem-club.html"):
        nav = _soup(html, page).select_one('footer nav[aria-label="About this site"]')
        names = [a.get_text() for a in nav.select("a")]
        assert names == ["Accessibility statement", "Privacy", "Contact"]
        for a in nav.select("a"):
            target = (html / page).parent / a["href"].split("#")[0]
            assert target.resolve().is_file(), a["href"]
    statement = _soup(html, "accessibility.html").select_one("article").get_text()
    assert "WCAG) 2.2, level AA" in statement and "no" in statement
    assert "KnowledgeManagement@hee.nhs.uk" in statement
    privacy = _soup(html, "privacy.html").select_one("article").get_text()
    assert "No cookies" in privacy and "No trackers" in privacy


def test_glossary_has_an_a_to_z_and_used_on_leaves_out_navigation_pages(html: Path) -> None:
    glossary = _soup(html, "glossary.html")
    letters = glossary.select(".evidence-glossary-az a")
    assert [a.get_text() for a in letters][:3] == ["A", "C", "D"]
    for a in letters:
        target = glossary.find(id=a["href"].lstrip("#"))
        assert target is not None and target.get_text().upper().startswith(a.get_text())
    used_on = " ".join(p.get_text() for p in glossary.select(".evidence-term-backlinks"))
    assert "Posts tagged" not in used_on
    assert "Evidence briefs" not in used_on  # the briefs' index page


def test_headings_are_in_sentence_case(html: Path) -> None:
    headings = [h.get_text().rstrip("¶#").strip() for h in _soup(html, BRIEF).select("h2")]
    assert "Case studies" in headings and "Case Studies" not in headings


# -- 5. search ---------------------------------------------------------------------------------


def _search_index(html: Path) -> dict[str, Any]:
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return dict(json.loads(text[text.index("(") + 1 : text.rindex(")")]))


def test_search_index_leads_to_entries_and_skips_hidden_text(html: Path) -> None:
    index = _search_index(html)
    docnames = index["docnames"]
    entries = index["indexentries"]
    title = "place-based systems of care: a way forward for the nhs in england"
    found = {(docnames[doc], anchor) for doc, anchor, _main in entries[title]}
    assert (
        "briefs/place-based-systems-of-care",
        "reading-list-1-kingsfund2015placebasedsystems",
    ) in found
    assert any(doc == "references" for doc, _anchor in found)
    for doc, anchor in found:
        assert _soup(html, doc + ".html").find(id=anchor) is not None
    assert ("glossary", "term-ICS") in {(docnames[d], a) for d, a, _m in entries["ics"]}
    terms = index["terms"]
    assert "payment" not in terms  # only in the badges' tooltips ("no login or payment")


@pytest.mark.browser
def test_search_in_the_browser_finds_an_entry_by_title(html: Path) -> None:
    with serve(html) as base, chromium() as instance:
        browser: Any = instance
        page = browser.new_page()
        query = "Place-based systems of care: a way forward"
        page.goto(f"{base}/search.html?q={query}")
        page.wait_for_selector("#search-results li", timeout=20000)
        page.wait_for_function(
            "document.querySelectorAll('#search-results p.context').length > 0", timeout=20000
        )
        links = page.eval_on_selector_all(
            "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert any("#reading-list-1-kingsfund2015placebasedsystems" in h for h in links), links
        snippets = page.eval_on_selector_all(
            "#search-results p.context", "ps => ps.map(p => p.textContent)"
        )
        assert snippets and not [s for s in snippets if "FreeFree" in s or "Free to read" in s]


def test_a_site_with_a_discovery_search_gets_search_links(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-citations", src)
    result = sphinx_build(
        src,
        tmp_path / "html",
        "html",
        "-D",
        "evidence_citations_search_url=https://discover.example.org/find?q={title}",
        "-D",
        "evidence_citations_supply_label=nowhere",
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and warnings[0].endswith("[evidence.config]"), warnings
    assert "'nowhere' is not a label of any page" in warnings[0]
    soup = BeautifulSoup((tmp_path / "html" / "brief.html").read_text("utf-8"), "html.parser")
    older = next(li for li in soup.select("li.evidence-entry") if "older" in li.get_text())
    search: Any = older.select_one("a.evidence-search-title")
    assert search.get_text() == "Search for this title"
    assert search["href"] == "https://discover.example.org/find?q=An%20older%20book"
    assert older.select_one("p.evidence-way-in a:not(.evidence-search-title)") is None
    linked = [li for li in soup.select("li.evidence-entry") if li.select_one("a.evidence-title")]
    assert linked and not [li for li in linked if li.select_one(".evidence-way-in")]
