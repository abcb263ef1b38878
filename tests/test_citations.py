"""Citations: house style, reading lists, "Cited on", exports, and every bad input's warning."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pybtex.errors
import pytest
import rispy
from bs4 import BeautifulSoup
from pybtex.database import parse_string
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Tag, Text
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_evidence.bib.dates import date_text
from sphinx_evidence.bib.latex import latex_text
from sphinx_evidence.bib.style import EvidenceStyle
from tests.helpers import sphinx_build

EXAMPLES = Path("/work/shared/data/biblatex-examples.bib")
if not EXAMPLES.exists():  # pragma: no cover - the file ships with the project's data
    EXAMPLES = Path(__file__).parent / "data" / "biblatex-examples.bib"


def _one(bib: str) -> str:
    data = parse_string(bib, "bibtex")
    entry = next(iter(data.entries.values()))
    return str(EvidenceStyle().format_text(entry))


def _soup(app: SphinxTestApp, page: str) -> Any:
    html = (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def _shown(node: Any) -> str:
    """The text of ``node`` as the screen shows it: without the addresses printed for print."""
    copy = BeautifulSoup(str(node), "html.parser")
    for printed in copy.select(".evidence-print-url"):
        printed.decompose()
    return str(copy.get_text())


def _warnings(app: SphinxTestApp) -> list[str]:
    text = strip_colors(app.warning.getvalue()).replace(str(app.srcdir) + "/", "")
    return [line for line in text.splitlines() if line.strip()]


# -- House style ---------------------------------------------------------------------------


def test_house_style_order_title_author_date_details_link() -> None:
    text = _one(
        "@article{a, title={Care at home}, author={Smith, Jane and Jones, Ali},"
        " journal={Journal of Integrated Care}, volume={28}, number={3}, pages={101--110},"
        " year={2020}, month=nov, doi={10.1108/JICA-01-2020-0001}}"
    )
    assert text == (
        "Care at home. Jane Smith and Ali Jones. November 2020. Journal of Integrated Care,"
        " 28(3), 101\u2013110."
    )
    data = parse_string("@article{a, title={Care at home}, doi={10.1108/x}}", "bibtex")
    html = EvidenceStyle().format_text(data.entries["a"]).render_as("html")
    assert html == '<a href="https://doi.org/10.1108/x">Care at home</a>.'  # the title links


def test_house_style_grey_literature_with_organisation_and_partial_dates() -> None:
    assert (
        _one(
            "@online{k, title={Health and wellbeing boards}, author={{The King's Fund}},"
            " year={2019}, month=nov, url={https://www.kingsfund.org.uk/x}}"
        )
        == "Health and wellbeing boards. The King's Fund. November 2019."
    )
    assert _one(
        "@report{r, title={A report}, institution={The Health Foundation}, year={2019}}"
    ) == ("A report. The Health Foundation. 2019. Report.")
    assert _one("@online{u, title={Undated page}, author={{NHS England}}}") == (
        "Undated page. NHS England."
    )


def test_dates_are_shown_as_far_as_known() -> None:
    for fields, shown in [
        ("year={2019}", "2019"),
        ("year={2019}, month=aug", "August 2019"),
        ("date={2019-11}", "November 2019"),
        ("date={2019-11-14}", "14 November 2019"),
        ("", ""),
    ]:
        entry = next(
            iter(parse_string(f"@misc{{x, title={{T}}, {fields}}}", "bibtex").entries.values())
        )
        assert date_text(entry) == shown


def test_latex_becomes_unicode_and_emphasis() -> None:
    text = latex_text(r"Caf{\'e} \& bar -- baz --- \textit{ital} and \emph{em} \TeX")
    assert str(text) == "Café & bar \u2013 baz \u2014 ital and em TeX"
    tags = [part for part in text.parts if isinstance(part, Tag)]
    assert [t.name for t in tags] == ["em", "em"]
    assert isinstance(latex_text("plain"), Text)
    cases = {
        r"Aristotle's \mkbibquote{De Motu}": "Aristotle's \u201cDe Motu\u201d",
        r"\enquote{Intention} und \enquote*{C}": "\u201cIntention\u201d und \u2018C\u2019",
        r"and\slash or, methodology\hyphen independent": "and/or, methodology-independent",
        r"{\TeX}: The Program; \LaTeX{} rules": "TeX: The Program; LaTeX rules",
        r"see \href{https://example.org}{the page} now": "see the page now",
    }
    for latex, shown in cases.items():
        assert str(latex_text(latex)) == shown
    old_style = latex_text(r"{\em emphasis} and {\bf bold}")
    assert [(t.name, str(t)) for t in old_style.parts if isinstance(t, Tag)] == [
        ("em", "emphasis"),
        ("strong", "bold"),
    ]


def test_editions_are_ordinals() -> None:
    from sphinx_evidence.bib.types import _edition

    assert [_edition(v) for v in ("1", "2nd", "3", "11", "22", "Revised")] == [
        "1st edition",
        "2nd edition",
        "3rd edition",
        "11th edition",
        "22nd edition",
        "Revised edition",
    ]


def test_unsafe_links_are_text_not_links() -> None:
    entry = next(
        iter(
            parse_string(
                "@online{j, title={X}, url={javascript:alert(1)}}", "bibtex"
            ).entries.values()
        )
    )
    text = EvidenceStyle().format_text(entry)
    assert "javascript:alert(1)" in str(text)
    assert "<a" not in text.render_as("html")


def test_every_biblatex_example_formats() -> None:
    parser = Parser("utf-8")
    with pybtex.errors.capture() as errors:
        parser.parse_file(str(EXAMPLES))
    assert not errors
    style = EvidenceStyle()
    entries = parser.data.entries
    assert len(entries) > 90
    for entry in entries.values():
        text = str(style.format_text(entry))
        assert text.strip(), entry.key
        assert "\\" not in text, (entry.key, text)
    assert {e.type.lower() for e in entries.values()} >= {"report", "online", "set", "patent"}


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
def test_biblatex_examples_build_without_crash(tmp_path: Path, builder: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(EXAMPLES, src / "examples.bib")
    (src / "conf.py").write_text(
        'extensions = ["sphinx_evidence"]\nbibtex_bibfiles = ["examples.bib"]\n'
        'bibtex_default_style = "evidence"\nbibtex_reference_style = "author_year"\n',
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "Examples\n========\n\nSee :cite:p:`kastenholz`.\n\n"
        ".. reading-list::\n   :filter: True\n   :group: type\n   :sort: date\n\n"
        ".. bibliography::\n   :all:\n",
        encoding="utf-8",
    )
    result = sphinx_build(src, tmp_path / builder, builder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception occurred" not in result.stderr
    assert "has no attribute 'format_" not in result.stderr
    if builder == "html":
        body = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
        for title in [
            "Computers and Graphics",
            "A Model of Leptons",
            "Elektromagnetisches Signalhorn",
        ]:
            assert title in body


# -- Reading lists, references page, exports ------------------------------------------------


@pytest.mark.sphinx("html", testroot="citations")
def test_reading_list_by_keywords_sorted_by_date(app: SphinxTestApp) -> None:
    app.build()
    assert _warnings(app) == []
    lists = _soup(app, "brief").select("div.evidence-reading-list")
    assert len(lists) == 2
    items = lists[0].select("li.evidence-entry")
    titles = [li.select_one("p.evidence-reference .evidence-title").get_text() for li in items]
    assert titles == [
        "Care at home \u2013 what works",
        "Places and NHS partnerships",
        "An older book",
    ]
    first = items[1]
    assert "evidence-level-free" in first["class"]
    assert [p.get_text() for p in first.select("p.evidence-annotation")] == [
        "A report on place & partnership.",
        "A second paragraph.",
    ]
    assert first.select_one("p.evidence-annotation em").get_text() == "place"
    badge = first.select_one("a.evidence-badge")
    assert badge.get_text() == "Free"
    assert badge["href"] == "access.html"


@pytest.mark.sphinx("html", testroot="citations")
def test_reading_list_explicit_keys_grouped_by_access(app: SphinxTestApp) -> None:
    app.build()
    second = _soup(app, "brief").select("div.evidence-reading-list")[1]
    groups = second.select("div.evidence-group")
    assert [g.select_one(".rubric").get_text() for g in groups] == ["OpenAthens", "Abstract only"]
    assert groups[0].select_one(".rubric").name == "h3"
    assert [len(g.select("li.evidence-entry")) for g in groups] == [1, 1]


@pytest.mark.sphinx("html", testroot="citations")
def test_references_page_cited_on_links(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "references")
    assert soup.select_one('div.citation-list[role="list"]') is not None
    assert not soup.select('[role="doc-biblioentry"]')
    entries = soup.select('div.citation[role="listitem"]')
    cited = {
        _shown(e.select_one("p")).split(".")[0]: [
            (a.get_text(), a["href"]) for a in e.select("p.evidence-cited-on a")
        ]
        for e in entries
    }
    assert cited == {
        "Places and NHS partnerships": [
            ("A brief", "brief.html"),
            ("Citations test", "index.html"),
        ],
        "Care at home \u2013 what works": [("A brief", "brief.html")],
        "Integrated care systems": [("A brief", "brief.html"), ("A post", "post.html")],
        "An older book": [("A brief", "brief.html")],
    }


@pytest.mark.sphinx("html", testroot="citations")
def test_references_are_sorted_by_author_with_author_year_labels(app: SphinxTestApp) -> None:
    app.build()
    labels = [e.get_text() for e in _soup(app, "references").select("div.citation .label")]
    assert labels == [
        "[Brown 2001]",
        "[The King's Fund 2019]",  # "The" is ignored in sorting
        "[NHS England n.d.]",
        "[Smith and Jones 2020]",
    ]


def test_dates_seasons_ranges_and_bad_dates() -> None:
    from sphinx_evidence.bib.dates import date_problem, date_text

    data = parse_string(
        "@misc{spring, date={2019-21}} @misc{range, date={2018-03/2018-05}}"
        "@misc{years, date={2018/2019}} @misc{month, month={nov}}"
        "@misc{m13, date={2019-13}} @misc{d45, date={2019-02-45}} @misc{m00, date={2019-00}}"
        "@misc{leap, date={2020-02-29}} @misc{noleap, date={2019-02-29}}"
        "@misc{badmonth, year={2019}, month={Brumaire}} @misc{noyear, year={soon}}",
        "bibtex",
    )
    shown = {key: date_text(entry) for key, entry in data.entries.items()}
    assert shown == {
        "spring": "Spring 2019",
        "range": "March\u2013May 2018",
        "years": "2018 \u2013 2019",
        "month": "November",
        "m13": "2019",  # as far as it can be read
        "d45": "2019",
        "m00": "2019",
        "leap": "29 February 2020",
        "noleap": "2019",
        "badmonth": "2019",
        "noyear": "soon",
    }
    bad = {key for key, entry in data.entries.items() if date_problem(entry)}
    assert bad == {"m13", "d45", "m00", "noleap", "badmonth", "noyear"}


HOUSE_CONF = (
    'extensions = ["myst_parser", "sphinx_evidence"]\n'
    'bibtex_bibfiles = ["refs.bib"]\n'
    'bibtex_default_style = "evidence"\n'
    'bibtex_reference_style = "evidence"\n'
    "evidence_citations_house_rules = True\n"
)
"""conf.py of a small project in the house styles (bibliography and in-text) and rules."""


def test_in_text_citations_name_entries_as_their_labels(tmp_path: Path) -> None:
    """The house reference style: organisations and date-only entries cited as the list
    labels them, with the same letters; an entry with no author or title by its key."""
    (tmp_path / "conf.py").write_text(HOUSE_CONF)
    (tmp_path / "refs.bib").write_text(
        "@report{one, title={One}, institution={NHS Digital}, year={2018}}\n"
        "@report{two, title={Two}, institution={NHS Digital}, year={2018}}\n"
        '@article{kast, author={Kastenholz, M. and H{\\"u}nenberger, P.},'
        " title={Computation}, journaltitle={J Chem}, date={2006-03}}\n"
        "@misc{bare, url={https://example.org/b}}\n"
    )
    (tmp_path / "index.md").write_text(
        "# Cites\n\n{cite:p}`one`, {cite:t}`two`, {cite:p}`kast`, {cite:year}`kast`,"
        " {cite:p}`bare`.\n\n```{bibliography}\n:all:\n```\n"
    )
    result = sphinx_build(tmp_path, tmp_path / "out", "text")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = " ".join((tmp_path / "out" / "index.txt").read_text(encoding="utf-8").split())
    assert (
        "[NHS Digital, 2018a], NHS Digital [2018b], [Kastenholz and Hünenberger, 2006], 2006,"
        " [bare, n.d.]." in text
    )
    assert "[NHS Digital 2018a] *One*." in text and "[NHS Digital 2018b] *Two*." in text


def test_repeated_labels_get_letters() -> None:
    from sphinx_evidence.bib.style import EvidenceLabels

    data = parse_string(
        "@misc{a, title={One}, author={Smith, J}, year={2019}}"
        "@misc{b, title={Two}, author={Smith, J}, year={2019}}"
        "@misc{c, title={Three}, author={Smith, J and Ng, K and Roe, P}}",
        "bibtex",
    )
    labels = list(EvidenceLabels().format_labels(data.entries.values()))
    assert labels == ["Smith 2019a", "Smith 2019b", "Smith et al. n.d."]


@pytest.mark.sphinx("html", testroot="citations")
def test_citation_links_and_footnotes_in_house_style(app: SphinxTestApp) -> None:
    app.build()
    index = _soup(app, "index")
    link = index.select_one("span.bibtex-citation a")
    assert link.get_text() == "The King's Fund, 2019"
    assert link["href"].startswith("references.html#")
    assert not link.get("title")  # a real tooltip instead, also on keyboard focus
    tip = index.find(id=link["aria-describedby"])
    assert tip["role"] == "tooltip"
    assert tip.get_text().startswith("Places and NHS partnerships. The King's Fund. November 2019.")
    post = _soup(app, "post")
    footnote = post.select_one("aside.footnote, div.footnote, .footnote-list")
    assert footnote is not None
    text = " ".join(_shown(footnote).split())
    # the badge sits beside the title, after its full stop, before who published it
    assert "Integrated care systems. Abstract only" in text
    assert text.index("Abstract only") < text.index("NHS England.")


@pytest.mark.sphinx("html", testroot="citations")
def test_exports_are_real_files(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "brief")
    menus = soup.select("details.evidence-export")
    assert len(menus) == 1  # one downloads menu per page, not one per list
    assert not soup.select("div.evidence-reading-list .evidence-export")
    # near the top: before the first subsection
    assert menus[0].find_parent("section").find("h1") is not None
    assert menus[0].find_next("h2").get_text(strip=True).startswith("Key publications")
    assert menus[0].select_one("summary").get_text() == "Download the 4 references on this page"
    links = menus[0].select("a")
    hrefs = [a["href"] for a in links]
    assert [h.rsplit(".", 1)[1] for h in hrefs] == ["bib", "ris", "json"]
    out = Path(app.outdir)
    bib = parse_string((out / hrefs[0]).read_text(encoding="utf-8"), "bibtex")
    assert list(bib.entries) == ["smith2020care", "fund2019places", "old2001", "nhs_ics"]
    assert bib.entries["smith2020care"].fields["access"] == "openathens"
    assert "Access: OpenAthens" in bib.entries["smith2020care"].fields["keywords"]
    ris_text = (out / hrefs[1]).read_text(encoding="utf-8")
    assert ris_text.startswith("TY  - JOUR\n")  # no counter lines: every line is a tag
    assert all(re.match(r"^([A-Z][A-Z0-9]  - .*)?$", line) for line in ris_text.splitlines())
    ris = rispy.loads(ris_text)
    assert ris[0]["title"] == "Care at home \u2013 what works"
    assert ris[0]["type_of_reference"] == "JOUR"
    assert ris[0]["doi"] == "10.1108/JICA-01-2020-0001"
    assert ris[1]["authors"] == ["The King's Fund"]
    csl = json.loads((out / hrefs[2]).read_text(encoding="utf-8"))
    assert csl[1]["issued"] == {"date-parts": [[2019, 11]]}
    assert csl[1]["author"] == [{"literal": "The King's Fund"}]
    assert csl[0]["author"][0] == {"family": "Smith", "given": "Jane"}
    refs = _soup(app, "references").select("details.evidence-export a")
    assert len(refs) == 3
    assert len(json.loads((out / refs[2]["href"]).read_text(encoding="utf-8"))) == 4


@pytest.mark.parametrize("builder", ["text", "latex", "man", "texinfo", "singlehtml"])
def test_other_builders_show_lists_and_badges_in_words(tmp_path: Path, builder: str) -> None:
    src = Path(__file__).parent / "roots" / "test-citations"
    result = sphinx_build(src, tmp_path / builder, builder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    if builder == "text":
        brief = (tmp_path / "text" / "brief.txt").read_text(encoding="utf-8")
        flat = " ".join(brief.split())
        # the title, then its address (printed: text output has no links)
        assert "Care at home \u2013 what works <https://doi.org/10.1108/JICA-01-2020-0001>" in flat
        assert "An older book* [Subscription (\u00a3)] Sam Brown. 2001." in flat
        assert "No online copy known." in flat
        assert "[OpenAthens]" in brief
        assert "A study of care at home." in brief
        assert "See Smith and Jones [2020] and OpenAthens." in brief
        refs = (tmp_path / "text" / "references.txt").read_text(encoding="utf-8")
        assert "Cited on: A brief, A post" in refs
    if builder == "singlehtml":  # one document of every page: footnotes keep their badges
        single = BeautifulSoup(
            (tmp_path / builder / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        notes = [" ".join(n.get_text(" ").split()) for n in single.select("aside.footnote")]
        assert any("Integrated care systems" in n and "Abstract only" in n for n in notes)


# -- Bad input ---------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="citations-bad")
def test_bad_input_warnings_name_file_line_and_subtype(app: SphinxTestApp) -> None:
    app.build()
    assert _warnings(app) == [
        'bad.bib:8: WARNING: duplicate key "good" (first at bad.bib:1); the first entry is used'
        " [evidence.bib_duplicate]",
        'bad.bib:13: WARNING: missing field journaltitle or journal in entry "nojournal"'
        " [evidence.bib_missing_field]",
        'bad.bib:19: WARNING: entry "badaccess" has access = {vip}, which is not an access level;'
        " use one of: abstract, free, openathens, staff, subscription. [evidence.access_unknown]",
        "bad.bib:25: WARNING: unknown entry type @gadget; shown in the generic form in entry"
        ' "oddtype" [evidence.bib_unknown_type]',
        'bad.bib:29: WARNING: url "javascript:alert(1)" is not http(s) or mailto; shown as text,'
        ' not linked in entry "jsurl" [evidence.bib_unsafe_url]',
        'bad.bib:34: WARNING: url "data:text/html;base64,PHNjcmlwdD4=" is not http(s) or mailto;'
        ' shown as text, not linked in entry "dataurl" [evidence.bib_unsafe_url]',
        'bad.bib:39: WARNING: HTML markup in field title; shown as text in entry "htmlfield"'
        " [evidence.bib_markup]",
        'bad.bib:39: WARNING: HTML markup in field note; shown as text in entry "htmlfield"'
        " [evidence.bib_markup]",
        "bad.bib:49: WARNING: this entry cannot be read (syntax error in line 49: '}' expected);"
        " check its braces, commas and quotes [evidence.bib_syntax]",
        'bad.bib:54: WARNING: date "2019-13" is not a date such as 2019, 2019-11 or 2019-11-14'
        ' in entry "baddate" [evidence.bib_date]',
        'bad.bib:60: WARNING: missing field title in entry "notitle" [evidence.bib_missing_field]',
        'index.md:3: WARNING: no entry of the bibliography has the key "nosuchkey": check its'
        " spelling. [evidence.cite_unknown]",
        'index.md:5: WARNING: no entry of the bibliography has the key "nofootkey": check its'
        " spelling. [evidence.cite_unknown]",
        'index.md:7: WARNING: "platinum" is not an access level; use one of: free, openathens,'
        " abstract, subscription, staff. [evidence.access_unknown]",
        'index.md:11: WARNING: reading list: no entry of the bibliography has the key "ghostkey":'
        " check its spelling. [evidence.cite_unknown]",
        "index.md:27: WARNING: reading list: no entry of the bibliography has the key"
        ' "ghostafterblank": check its spelling. [evidence.cite_unknown]',
        'index.md:21: WARNING: citation "notitle" cannot be written in the reference style'
        ' "author_year": missing title in notitle; shown as its key'
        ' (bibtex_reference_style = "evidence" names any entry) [evidence.bib_missing_field]',
    ]


@pytest.mark.sphinx("html", testroot="citations-bad")
def test_bad_input_still_builds_safely(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "index")
    article = soup.select_one('[role="main"]') or soup.body
    hrefs = [str(a.get("href", "")) for a in article.select("a")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert not article.select("script")
    assert not article.select("b")
    text = article.get_text(" ", strip=True)
    assert '<script>alert("x")</script>' in text
    assert "javascript:alert(1)" in text
    assert "A good page" in text and "The same key again" not in text
    assert "An entry after the broken one" in text
    assert "nosuchkey" in text


# -- Performance: parse and format once per change of the .bib ------------------------------


def test_bib_is_parsed_and_formatted_once_per_change(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from sphinx_evidence.bib import load as bibdata
    from sphinx_evidence.citations import load as citations

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-citations", src)
    calls: list[int] = []

    def counting_load(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return bibdata.load(*args, **kwargs)

    monkeypatch.setattr(citations, "load", counting_load)
    make_app("html", srcdir=src).build()
    assert len(calls) == 1
    make_app("html", srcdir=src).build()  # unchanged: the cache in the environment is reused
    assert len(calls) == 1
    bib = src / "refs.bib"
    os.utime(bib, (bib.stat().st_atime, bib.stat().st_mtime + 5))
    make_app("html", srcdir=src).build()
    assert len(calls) == 2


def test_stock_formatting_reuses_the_cached_text() -> None:
    from sphinx_evidence.bib.load import load

    cache = load([EXAMPLES], "utf-8", ["free"])
    style = EvidenceStyle()
    entry = cache.data.entries["kastenholz"]
    assert style.format_entry("x", entry).text is cache.formatted["kastenholz"]


@pytest.mark.sphinx("text", testroot="citations-lists")
def test_reading_list_options_filter_sort_group(app: SphinxTestApp, file_regression: Any) -> None:
    app.build()
    assert _warnings(app) == [
        "index.md:43: WARNING: reading list: :sort: 'popularity' is not one of listed, date,"
        " title; listed order [evidence.reading_list]",
        "index.md:43: WARNING: reading list: :group: 'not a field!' is not a field name;"
        " not grouped [evidence.reading_list]",
        "index.md:53: WARNING: reading list: the :filter: 'type ==' is not an expression;"
        " ignored [evidence.reading_list]",
        "index.md:49: WARNING: reading list selects no entries [evidence.reading_list]",
        "index.md:58: WARNING: reading list: the :filter: cannot be used (invalid node Call in"
        " filter expression); ignored [evidence.reading_list]",
    ]
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    file_regression.check(text, extension=".txt")


def test_worse_bib_files_are_warnings_with_lines_not_crashes(tmp_path: Path) -> None:
    from sphinx_evidence.bib.load import load

    worse = tmp_path / "worse.bib"
    worse.write_text(
        "@misc{m1,\n  title = {Undefined macro},\n  month = foo,\n}\n\n"
        "@misc{,\n  title = {No key},\n}\n\n"
        "@misc{m2,\n  title = {Bad name},\n  author = {Smith, J, Jr, extra, more},\n}\n\n"
        "@misc{m3,\n  title = {Unbalanced {brace},\n}\n",
        encoding="utf-8",
    )
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@misc{latin, title = {Caf\xe9}}\n")
    cache = load([worse, latin], "utf-8", ["free"])
    found = [(Path(p.path).name, p.line, p.kind.value, p.message) for p in cache.problems]
    assert found == [
        (
            "latin.bib",
            1,
            "bib_syntax",
            "cannot be read as utf-8: 'utf-8' codec can't decode byte 0xe9 in position 25:"
            " invalid continuation byte",
        ),
        (
            "worse.bib",
            3,
            "bib_syntax",
            "this entry cannot be read (undefined string in line 3: foo); check its braces,"
            " commas and quotes",
        ),
        (
            "worse.bib",
            6,
            "bib_syntax",
            "this entry cannot be read (syntax error in line 6: entry key expected); check its"
            " braces, commas and quotes",
        ),
        (
            "worse.bib",
            12,
            "bib_syntax",
            "this entry cannot be read (Too many commas in 'Smith, J, Jr, extra, more'); check"
            " its braces, commas and quotes",
        ),
        ("worse.bib", 15, "bib_missing_field", 'missing field title in entry "m3"'),
        (
            "worse.bib",
            18,
            "bib_syntax",
            "this entry cannot be read (syntax error in line 18: premature end of file); check"
            " its braces, commas and quotes",
        ),
    ]
    assert list(cache.data.entries) == ["m1", "m2", "m3"]


def test_strict_build_lists_every_problem_and_fails(tmp_path: Path) -> None:
    src = Path(__file__).parent / "roots" / "test-citations-bad"
    result = sphinx_build(src, tmp_path / "html", "html", "-W", "--keep-going")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    subtypes = [
        line.rsplit("[", 1)[1].rstrip("]")
        for line in result.stderr.splitlines()
        if "WARNING" in line and "[evidence." in line
    ]
    assert sorted(set(subtypes)) == [
        "evidence.access_unknown",
        "evidence.bib_date",
        "evidence.bib_duplicate",
        "evidence.bib_markup",
        "evidence.bib_missing_field",
        "evidence.bib_syntax",
        "evidence.bib_unknown_type",
        "evidence.bib_unsafe_url",
        "evidence.cite_unknown",
    ]
    assert len(subtypes) == 17
    assert (tmp_path / "html" / "index.html").exists()


@pytest.mark.sphinx("html", testroot="citations")
def test_reading_list_html_snapshot(app: SphinxTestApp, file_regression: Any) -> None:
    app.build()
    lists = _soup(app, "brief").select("div.evidence-reading-list")
    file_regression.check("\n".join(str(div) for div in lists) + "\n", extension=".html")


def test_exported_entries_stand_alone_without_their_crossref() -> None:
    from sphinx_evidence.bib.export import csl_item, to_bibtex
    from sphinx_evidence.bib.load import load

    cache = load([EXAMPLES], "utf-8", ["free"])
    entry = cache.data.entries["westfahl:space"]  # crossref = {westfahl:frontier}
    exported = parse_string(to_bibtex([entry]), "bibtex").entries["westfahl:space"]
    assert "crossref" not in exported.fields
    assert exported.fields["publisher"] == "Greenwood"
    assert exported.fields["booktitle"] == "Space and Beyond"
    assert exported.fields["date"] == "2000"
    assert [str(p) for p in exported.persons["editor"]] == ["Westfahl, Gary"]
    assert csl_item(entry)["publisher"] == "Greenwood"


def test_crossrefs_are_inherited_and_sets_list_their_members(tmp_path: Path) -> None:
    from sphinx_evidence.bib.load import load

    cache = load([EXAMPLES], "utf-8", ["free"])
    space = str(cache.formatted["westfahl:space"])
    assert "Gary Westfahl. 2000. In: Space and Beyond, edited by Gary Westfahl, Greenwood" in space
    members = str(cache.formatted["set"])
    assert members.startswith("A carbocyclic carbene as an efficient catalyst ligand")
    assert members.count(" Also: ") == 2
    broken = tmp_path / "broken.bib"
    broken.write_text(
        "@incollection{child, title={Child}, author={Roe, P}, crossref={nosuchparent}}\n"
        "@set{group, entryset={child,ghost}}\n",
        encoding="utf-8",
    )
    problems = [(p.line, p.kind.value, p.message) for p in load([broken], "utf-8", []).problems]
    assert (1, "bib_missing_field", 'crossref "nosuchparent" names no entry in entry "child"') in (
        problems
    )
    assert (2, "bib_missing_field", 'set member "ghost" names no entry in entry "group"') in (
        problems
    )


def test_keys_in_another_case_resolve_to_the_entry(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-citations", src)
    (src / "index.md").write_text(
        "# Citations test\n\n```{toctree}\nbrief\npost\naccess\nreferences\n```\n\n"
        "Mixed case {cite:p}`Smith2020Care,nosuch`.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert _warnings(app) == [
        'index.md:10: WARNING: no entry of the bibliography has the key "nosuch": check its'
        " spelling. [evidence.cite_unknown]"
    ]
    link = _soup(app, "index").select_one("span.bibtex-citation a")
    assert link.get_text() == "Smith and Jones, 2020"
    refs = _soup(app, "references")
    care = next(e for e in refs.select("div.citation") if "Care at home" in e.get_text())
    assert "Citations test" in care.select_one("p.evidence-cited-on").get_text()


def test_keyprefix_bibliographies_work_as_stock(tmp_path: Path) -> None:
    """A ``{bibliography}`` with ``:keyprefix:`` is cited by prefixed keys, as in stock
    sphinxcontrib-bibtex; an unknown key is still reported."""
    shutil.copy(Path(__file__).parent / "roots" / "test-citations" / "refs.bib", tmp_path)
    (tmp_path / "conf.py").write_text(HOUSE_CONF)
    (tmp_path / "index.md").write_text(
        "# Prefix\n\nPrefixed {cite:p}`pre-smith2020care`, missing {cite:p}`pre-nosuch`.\n\n"
        "```{bibliography}\n:keyprefix: pre-\n```\n"
    )
    result = sphinx_build(tmp_path, tmp_path / "out", "text")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and 'has the key "pre-nosuch"' in warnings[0]
    text = " ".join((tmp_path / "out" / "index.txt").read_text(encoding="utf-8").split())
    assert "Prefixed [Smith and Jones, 2020], missing pre-nosuch." in text


def test_group_headings_are_readable() -> None:
    from sphinx_evidence.citations.readinglist import group_label

    data = parse_string(
        r"@article{a, author={Aks{\i}n, {\"O}zge and Roe, P}, title={T}, journal={J}}"
        r"@thesis{t, author={Doe, J}, title={T}, institution={U}, type={phdthesis}}"
        r"@report{r, title={T}, institution={NHS Digital}}",
        "bibtex",
    )
    entries = data.entries
    assert group_label(entries["a"], "author", {}) == ["Aks\u0131n, \u00d6zge"]
    assert group_label(entries["r"], "author", {}) == ["NHS Digital"]
    assert group_label(entries["t"], "type", {}) == ["Theses"]
    assert group_label(entries["r"], "type", {}) == ["Reports"]


def test_epub_has_no_download_files(tmp_path: Path) -> None:
    """An EPUB cannot carry .bib/.ris/.json downloads: none are written, so none warn."""
    src = Path(__file__).parent / "roots" / "test-citations"
    result = sphinx_build(src, tmp_path / "epub", "epub", "-d", str(tmp_path / "doctrees"))
    assert result.returncode == 0, result.stderr
    assert "unknown mimetype" not in result.stderr
    assert not (tmp_path / "epub" / "_downloads").exists()
