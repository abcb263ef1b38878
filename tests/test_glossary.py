"""Glossary cross-links: auto-linked first mentions, abbreviations, previews, backlinks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_evidence.glossary.match import Candidate, Matcher, is_case_sensitive, plurals
from sphinx_evidence.glossary.resolve import terms_used


def _soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / page).read_text(encoding="utf-8"), "html.parser")


def _body(soup: BeautifulSoup) -> Tag:
    body = soup.find("div", class_="body")
    assert isinstance(body, Tag)
    return body


def _term_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(text, href) of every term link in the page body, previews excluded."""
    body = _body(soup)
    return [(a.get_text(), str(a["href"])) for a in body.select("a.evidence-term")]


# -- matching ----------------------------------------------------------------------------
def _matcher(*forms: tuple[str, str]) -> Matcher:
    cands = []
    for key, form in forms:
        for variant in (form, *plurals(form)):
            cands.append(Candidate(key, variant, is_case_sensitive(form), form.isupper()))
    return Matcher(cands)


def test_matcher_rules() -> None:
    m = _matcher(("stp", "STP"), ("ics", "integrated care system"), ("care", "care system"))
    found = [(x.key, "x") for x in m.finditer("STPs and stps; integrated care systems")]
    assert found == [("stp", "x"), ("ics", "x")]
    text = "A care system, an STP-led plan, a NHS-STP, the STP's plan"
    hits = [text[x.start : x.end] for x in m.finditer(text)]
    assert hits == ["care system", "STP"]
    assert [x.abbreviation for x in m.finditer("STP")] == [True]
    kf = _matcher(("kf", "The King's Fund"))
    text = "the King\u2019s Fund says"
    assert [text[x.start : x.end] for x in kf.finditer(text)] == ["the King\u2019s Fund"]


def test_plurals_and_case_rules() -> None:
    assert plurals("STP") == ["STPs"]
    assert plurals("integrated care system") == ["integrated care systems"]
    assert plurals("body") == ["bodies"]
    assert plurals("approach") == ["approaches"]
    assert is_case_sensitive("STP") and is_case_sensitive("STEM Club")
    assert is_case_sensitive("NHS England")
    assert not is_case_sensitive("Integrated Care System")
    assert not is_case_sensitive("devolution")


def test_matcher_across_lines_mixed_case_and_addresses() -> None:
    m = _matcher(
        ("ics", "integrated care system"),
        ("nhs", "NHS"),
        ("nhse", "NHS England"),
        ("pair", "NHS ICS"),
        ("trust", "NHS trust"),
        ("ae", "A&E"),
        ("dev", "devolution"),
    )

    def hits(text: str) -> list[tuple[str, str]]:
        return [(text[x.start : x.end], x.key) for x in m.finditer(text)]

    # a source line break (or any white space) between the words of a name
    assert hits("an integrated care\nsystem") == [("integrated care\nsystem", "ics")]
    # a longer name refused on case gives way to a shorter one at the same place
    assert hits("the NHS ics plans") == [("NHS", "nhs")]
    assert hits("the NHS england region") == [("NHS england", "nhse")]
    # abbreviation-like words exactly, the other words in any case
    assert hits("Northumbria NHS Trust; nhs trust") == [("NHS Trust", "trust")]
    assert hits("a&e and A&E") == [("A&E", "ae")]
    # never inside a web or e-mail address written as text
    text = "https://example.org/devolution/ or devolution@example.org, then devolution"
    assert hits(text) == [("devolution", "dev")]
    assert m.finditer(text).__next__().start == text.rindex("devolution")


def test_matcher_is_one_pattern_for_many_terms() -> None:
    m = _matcher(*((f"k{i}", f"term number {i}") for i in range(500)))
    assert m.pattern is not None
    hits = [x.key for x in m.finditer("see term number 42 and term number 499.")]
    assert hits == ["k42", "k499"]


# -- HTML --------------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_first_mention_is_linked_once(app: SphinxTestApp) -> None:
    app.build()
    links = _term_links(_soup(app, "plans.html"))
    assert links == [
        ("STP", "glossary.html#term-STP"),
        ("integrated care system", "glossary.html#term-ICS"),
        ("place level", "glossary.html#term-Place"),
    ]
    body = _body(_soup(app, "plans.html"))
    abbr = body.select("a.evidence-term abbr")
    assert [(a.get_text(), a["title"]) for a in abbr] == [
        ("STP", "Sustainability and Transformation Partnership")
    ]
    # never in headings, literals, existing links; ICP says :autolink: no
    assert not body.select("h1 a.evidence-term, code a.evidence-term")
    assert "integrated care partnership" in body.get_text()


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_edge_cases(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "edges.html")
    assert _term_links(soup) == [
        ("STP", "glossary.html#term-STP"),  # not the hyphenated STP-led
        ("integrated care systems", "glossary.html#term-ICS"),  # plural
        ("Primary care network", "glossary.html#term-PCN"),  # longest match wins
        ("primary care", "glossary.html#term-Primary-care"),
        ("system level", "glossary.html#term-System"),  # stated form only
        ("Devolution", "glossary.html#term-Devolution"),  # not in the footnote
    ]
    footnote = _body(soup).select_one("aside.footnote")
    assert footnote is not None and not footnote.select("a.evidence-term")


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_explicit_term_counts_as_first_mention(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "networks.html")
    assert _term_links(soup) == [
        ("PCN", "glossary.html#term-PCN"),
        ("ics", "glossary.html#term-ICS"),
        ("STP", "glossary.html#term-STP"),  # in a heading: linked, not a first mention
        ("ICP", "glossary.html#term-ICP"),  # in a footnote
    ]
    # outside body prose a reference gets no <abbr>
    assert [a["title"] for a in _body(soup).select("a.evidence-term abbr")] == [
        "Primary Care Network"
    ]
    warnings = strip_colors(app.warning.getvalue())
    # with the house rules an unknown term is our warning (Sphinx's ref.term otherwise)
    assert (
        'networks.md:4: WARNING: "widget" is not a glossary term: check its spelling, or add it'
        " to the glossary. [evidence.term_unknown]" in warnings
    )
    assert "[ref.term]" not in warnings
    assert "std.term" not in warnings


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_page_opt_out_and_glossary_page(app: SphinxTestApp) -> None:
    app.build()
    assert _term_links(_soup(app, "quiet.html")) == []
    glossary = _soup(app, "glossary.html")
    assert not _body(glossary).select("a.evidence-autolink")
    # an explicit {term} in a definition is still resolved (and previewed)
    assert [a.get_text() for a in _body(glossary).select("dd a.evidence-term")] == ["ICS"]
    assert ":autolink:" not in _body(glossary).get_text()


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_backlinks_in_toctree_order(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "glossary.html")
    used_on: dict[str, list[str]] = {}
    first_name = ""
    for child in _body(soup).select("dl.glossary > dt, dl.glossary > dd"):
        if child.name == "dt":
            first_name = first_name or child.get_text().rstrip("¶")
            continue
        para = child.select_one("p.evidence-term-backlinks")
        used_on[first_name] = [str(a["href"]) for a in para.select("a")] if para else []
        first_name = ""
    assert used_on["ICS"] == ["plans.html", "networks.html", "edges.html"]
    assert used_on["PCN"] == ["networks.html", "edges.html"]
    assert used_on["ICP"] == ["networks.html"]  # :autolink: no; one {term} in a footnote
    # quiet.md opted out; networks.md has a {term} in a heading
    assert used_on["STP"] == ["plans.html", "networks.html", "edges.html"]


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_previews_are_embedded_and_described(app: SphinxTestApp) -> None:
    app.build()
    soup = _soup(app, "plans.html")
    links = _body(soup).select("a.evidence-term")
    assert links
    for link in links:
        tip = soup.find(id=link["aria-describedby"])
        assert isinstance(tip, Tag)
        assert tip["role"] == "tooltip"
        assert tip.has_attr("hidden")
        assert not tip.select("a")  # nothing interactive inside a tooltip
    stp = soup.find(id="evidence-preview-glossary-term-STP")
    assert isinstance(stp, Tag)
    text = " ".join(stp.get_text().split())
    assert "STP: Sustainability and Transformation Partnership" in text
    assert "Partnerships formed in 2016 to plan services NHS England (2016)." in text
    assert "Source: NHS England (2016) Sustainability and transformation partnerships." in text
    assert "second paragraph" not in text
    # the previews are not indexed as the page's own words ("together": PCN's preview)
    index = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    together = data["terms"]["togeth"]
    together = together if isinstance(together, list) else [together]
    assert [data["docnames"][i] for i in together] == ["glossary"]
    assert (Path(app.outdir) / "_static" / "evidence-glossary.js").exists()
    assert "evidence-glossary.js" in str(soup.head)


@pytest.mark.sphinx(
    "html", testroot="glossary", freshenv=True, confoverrides={"evidence_glossary_autolink": False}
)
def test_project_switch_keeps_explicit_terms(app: SphinxTestApp) -> None:
    app.build()
    assert _term_links(_soup(app, "plans.html")) == []
    assert [t for t, _ in _term_links(_soup(app, "networks.html"))] == ["PCN", "ics", "STP", "ICP"]


@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_terms_used_for_pdf(app: SphinxTestApp) -> None:
    app.build()
    names = [entry.names[0] for entry in terms_used(app.env, "plans")]
    assert names == ["ICS", "Place", "STP"]
    assert [e.names[0] for e in terms_used(app.env, "networks")] == ["ICP", "ICS", "PCN", "STP"]
    entry = terms_used(app.env, "networks")[1]
    assert (entry.docname, entry.anchor, entry.cite_keys) == (
        "glossary",
        "term-ICS",
        ("kingsfund2021",),
    )


# -- snapshots ---------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="glossary", freshenv=True)
def test_snapshot_doctree_and_body(app: SphinxTestApp, file_regression) -> None:
    app.build()
    doctree = app.env.get_and_resolve_doctree("edges", app.builder, tags=app.builder.tags)
    text = doctree.pformat().replace(str(app.srcdir), "<srcdir>")
    file_regression.check(text, basename="glossary_edges_doctree", extension=".xml")
    body = _body(_soup(app, "plans.html")).decode()
    file_regression.check(body, basename="glossary_plans_body", extension=".html")


# -- warnings ----------------------------------------------------------------------------
@pytest.mark.sphinx("html", testroot="glossary-warnings", freshenv=True)
def test_warnings_name_file_line_and_subtype(app: SphinxTestApp) -> None:
    app.build()
    src = Path(app.srcdir)
    lines = {
        line.replace(str(src) + "/", "")
        for line in strip_colors(app.warning.getvalue()).splitlines()
        if "[evidence." in line
    }
    assert lines == {
        "glossary.md:11: WARNING: glossary entry 'Devolution' cites no source "
        "(add a {cite:p} reference) [evidence.term_no_source]",
        "glossary.md:24: WARNING: glossary entry 'Empty' has an empty definition "
        "[evidence.term_empty]",
        'glossary.md:21: WARNING: the glossary term "Integrated Care System" is defined twice'
        " (first in glossary, line 4): links cannot tell them apart, so keep one definition"
        " [evidence.term_duplicate]",
        "glossary.md:14: WARNING: glossary entry 'Unused term': an :autolink: setting is "
        "read only at the end of the definition; this one is ignored "
        "[evidence.term_autolink]",
        'glossary.md:8: WARNING: the glossary term "ics" differs only in case from "ICS"'
        " (glossary, line 4): links cannot tell them apart, so keep one spelling"
        " [evidence.term_case_duplicate]",
        'index.md:8: WARNING: "unknown thing" is not a glossary term: check its spelling, or add'
        " it to the glossary. [evidence.term_unknown]",
    }
    # one warning per mistake: not also Sphinx's duplicate or unknown-term warnings
    assert "duplicate term description" not in app.warning.getvalue()
    assert "[ref.term]" not in app.warning.getvalue()


@pytest.mark.sphinx(
    "html",
    testroot="glossary-warnings",
    freshenv=True,
    confoverrides={"evidence_glossary_warn_unused": True},
)
def test_unused_warning_is_opt_in(app: SphinxTestApp) -> None:
    app.build()
    warnings = strip_colors(app.warning.getvalue())
    unused = [line for line in warnings.splitlines() if "term_unused" in line]
    assert [line.split("WARNING: ")[1] for line in unused] == [
        "glossary entry 'ics' is used on no page [evidence.term_unused]",
        "glossary entry 'Devolution' is used on no page [evidence.term_unused]",
        "glossary entry 'Unused term' is used on no page [evidence.term_unused]",
        "glossary entry 'Integrated Care System' is used on no page [evidence.term_unused]",
        "glossary entry 'Empty' is used on no page [evidence.term_unused]",
    ]
    assert "glossary.md:14: WARNING: glossary entry 'Unused term'" in warnings
    # the mention of devolution in a linked card is no use: it cannot be a link
    card = _body(_soup(app, "index.html")).select_one(".sd-card")
    assert card is not None and "devolution" in card.get_text()
    assert card.select("a.evidence-term") == []


@pytest.mark.sphinx("html", testroot="glossary-warnings", freshenv=True)
def test_unknown_term_goes_to_other_resolvers_first(app: SphinxTestApp) -> None:
    """As in stock Sphinx, a term this project lacks may be resolved elsewhere
    (intersphinx, another extension's ``missing-reference`` handler)."""
    from docutils import nodes

    def elsewhere(_app: Any, _env: Any, node: Any, contnode: Any) -> Any:
        if node.get("reftype") == "term" and node["reftarget"] == "unknown thing":
            ref = nodes.reference("", "", internal=False, refuri="https://example.org/g#t")
            ref += contnode
            return ref
        return None

    app.connect("missing-reference", elsewhere)
    app.build()
    assert "term_unknown" not in strip_colors(app.warning.getvalue())
    link = _body(_soup(app, "index.html")).find("a", href="https://example.org/g#t")
    assert link is not None and link.get_text() == "unknown thing"


def test_bad_config_is_a_clear_error(make_app: Any, rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-glossary", srcdir)
    with pytest.raises(ConfigError, match="common_words"):
        make_app("html", srcdir=srcdir, confoverrides={"evidence_glossary_common_words": [1, 2]})


@pytest.mark.sphinx("html", testroot="glossary-rst", freshenv=True)
def test_restructuredtext_glossary_and_opt_outs(app: SphinxTestApp) -> None:
    app.build()
    assert _term_links(_soup(app, "index.html")) == [("ICS", "glossary.html#term-ICS")]
    assert _term_links(_soup(app, "page.html")) == []  # :autolink: false in the docinfo
    glossary = _body(_soup(app, "glossary.html")).get_text()
    assert ":autolink:" not in glossary and "autolink" not in glossary
    assert "evidence." not in strip_colors(app.warning.getvalue())


@pytest.mark.sphinx("html", testroot="glossary-multi", freshenv=True)
def test_glossary_on_several_pages(app: SphinxTestApp) -> None:
    app.build()
    # the first HWB is in an {only} latex block the HTML builder drops: the next one is linked
    assert _term_links(_soup(app, "page.html")) == [
        ("ICS", "terms/nhs.html#term-ICS"),
        ("HWB", "terms/councils.html#term-HWB"),
    ]
    nhs = _soup(app, "terms/nhs.html")
    # a {term} across glossary pages resolves; glossary pages are never auto-linked
    assert _term_links(nhs) == [("HWB", "councils.html#term-HWB")]
    assert _term_links(_soup(app, "terms/councils.html")) == []
    backlinks = _body(nhs).select_one("p.evidence-term-backlinks")
    assert backlinks is not None
    assert [str(a["href"]) for a in backlinks.select("a")] == ["../page.html"]
    councils = _body(_soup(app, "terms/councils.html")).select_one("p.evidence-term-backlinks")
    assert councils is not None
    assert [str(a["href"]) for a in councils.select("a")] == ["../page.html", "nhs.html"]
    assert "evidence." not in strip_colors(app.warning.getvalue())


def test_autolink_field_parsing() -> None:
    from docutils import nodes

    from sphinx_evidence.glossary.domain import _take_autolink_field, parse_autolink

    # MyST without the fieldlist extension leaves the field as a paragraph
    definition = nodes.definition(
        "",
        nodes.paragraph(text="Text."),
        nodes.paragraph(text=":autolink: place level; place-based"),
    )
    assert _take_autolink_field(definition) == "place level; place-based"
    assert definition.astext() == "Text."
    assert parse_autolink("place level; place-based") == ("place level", "place-based")
    assert parse_autolink("No") == ()
    assert parse_autolink("") is None and parse_autolink("yes") is None
