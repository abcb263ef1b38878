"""Issue 3's "Done when": every seed's text is on the built site, and no outside URL is
on the site that the seeds or the facts file do not give.

How the seeds are compared:

* The real site is built once (module fixture). The text of each page's main article is
  taken (only the pages that hold the seed, ``SEED_PAGES``), with footnote markers and
  heading link symbols removed, and normalised: runs of white space become one space and
  quotation marks (straight and curly) are dropped.
* Each seed is cut into lines and then sentences, normalised the same way, after:
  ``SEED_FIXES`` (lines a PDF page break split, rejoined), ``FURNITURE`` (captured web-page
  or PDF furniture that is not content: left out, each listed), Markdown link and emphasis
  markup and footnote markers removed, and ``CORRECTIONS`` (the only places where the site
  deliberately says something else; each with its reason).
* Reference lines (a linked title followed by publisher, date and access marker, in the
  brief's lists and footnotes, or a post's numbered reference list) are rendered on the
  site from references.bib in the house style, so only their titles are looked for
  (case-insensitive), using the verified title where the facts file corrects the brief
  (``TITLE_CORRECTIONS``). Publisher, date, URL and access level of every entry are
  checked against the facts file by tests/test_references_facts.py.
* A line that is only a URL must be a link target somewhere on the site.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_site
from tests.helpers import html_pages, sphinx_build

DATA = Path(__file__).parent / "data"  # copies of the shared seeds and facts file
SEEDS = DATA / "seeds"
FACTS = DATA / "references_facts.tsv"

SEED_FILES = {
    "000": "000_972418a6ac728d9c.txt",
    "001": "001_ce1be565a5b01a8a.txt",
    "002": "002_1b8326543d6575cc.txt",
    "003": "003_8182f686a4b97667.txt",
    "004": "004_100ed0f7fd7fb78e.txt",
}

# The pages that hold each seed: its text must be on these pages, not just somewhere.
SEED_PAGES = {
    "000": ["blog/place-based-care.html"],
    "001": [
        "blog/place-based-care.html",
        "blog/stem-club.html",
        "blog/stem-club-north-east.html",
    ],
    "002": ["briefs/place-based-systems-of-care.html"],
    "003": ["blog/final-frontier.html"],
    "004": ["guidance/place-based-partnerships.html"],
}

# (seed, text in the seed, replacement): a PDF page break or a lost line joined back up.
SEED_FIXES: list[tuple[str, str, str]] = [
    (
        "002",
        "that work\n\n⁴ <https://www.england.nhs.uk/integratedcare/stps/>\n\n"
        "⁵ <https://www.england.nhs.uk/integratedcare/integrated-care-systems/>\n\ntogether",
        "that work together",
    ),
    ("002", "how public services\n\nare funded", "how public services are funded"),
    ("002", "the physical environment\n\nand family", "the physical environment and family"),
    (
        "002",
        "checklist which can be used to assess progress. The\n\nreport builds",
        "checklist which can be used to assess progress. The report builds",
    ),
    (
        "002",
        "two innovative programmes\n\nHEE Knowledge Management Team, December 2019\n\nwhich aim",
        "two innovative programmes which aim",
    ),
    (
        "002",
        "improve health and\n\nwellbeing by reducing",
        "improve health and wellbeing by reducing",
    ),
    ("002", "and future](#)\n\n[research agendas](#)", "and future research agendas](#)"),
]
# The footnote URLs 4 and 5 that the first fix moves out of the ICP quotation.
EXTRA_URL_LINES = {
    "002": [
        "https://www.england.nhs.uk/integratedcare/stps/",
        "https://www.england.nhs.uk/integratedcare/integrated-care-systems/",
        "https://www.hee.nhs.uk/our-work/hee-star",  # moved out of its sentence (CORRECTIONS)
    ]
}

# Lines that are captured furniture, not content (compared after normalisation).
FURNITURE: dict[str, set[str]] = {
    "000": {
        "Leave a Reply",  # the blog's comment form
        "Your email address will not be published. Required fields are marked *",
    },
    "001": {
        "Tag Archives: STP",  # the archive heading: the site's tag page is "Posts tagged STP"
        "Background:",  # headings with a trailing colon: the site's have none
        "Work to date:",
    },
    "002": {
        "Contents",  # the PDF's table of contents with page numbers
        "What do we mean by place? 2",
        "Understanding the jargon 2",
        "Key publications \u2013 the big picture 4",
        "Case Studies..... 9",
        "HEE Star 9",
        "Statistics..... 9",
        "HEE National Data Programme 9",
        "Journal articles..... 10",
        "Help accessing articles or papers 11",
        "HEE Knowledge Management Team, December 2019",  # PDF page footer
        "Improvement Service, April 2016",  # publisher line of a reference: from the bib
    },
    "003": {"Blog"},  # the NHS England site's section label above the title
    "004": {"Skip to content", "Report"},  # web-page skip link and the page-type label
}

# Seed sentence -> what the site says instead, and why.
CORRECTIONS: dict[str, tuple[str, str]] = {
    "The Sustainability and Evidence Mobilisation (STEM)Club": (
        "The Sustainability and Evidence Mobilisation (STEM) Club",
        "missing space in the captured title (the issue spells it with the space)",
    ),
    "Produced by the HEE Knowledge Management team Evidence Briefs offer a quick overview of "
    "the published reports, research and evidence on a workforce-related topic.": (
        "Produced by the HEE Knowledge Management team. Evidence Briefs offer a quick overview "
        "of the published reports, research and evidence on a workforce-related topic.",
        "the PDF lost the full stop between the credit line and the first sentence",
    ),
    "More resources and tools are available in the HEE Star: "
    "https://www.hee.nhs.uk/our-work/hee-star": (
        "More resources and tools are available in the HEE Star",
        "the address is the link of the HEE Star entry in the reading list below the sentence",
    ),
    "If you do not have an OpenAthens account you can self-register here.": (
        "If you do not have an OpenAthens account you can self-register: see how to get an "
        "OpenAthens account.",
        "the brief's link was a placeholder; the site links its own help on getting an account",
    ),
    "Case Studies": ("Case studies", "the site's headings are in sentence case (issue 11)"),
    "figure 1 Key functions of place-based partnerships": (
        "Figure 1: Key functions of place-based partnerships.",
        "the figure itself is not in the seed; the page describes where to find it",
    ),
}

# Brief's title -> verified title (facts file), where they differ.
TITLE_CORRECTIONS: dict[str, str] = {
    "Facing the facts, Shaping the Future: a draft health and social care workforce strategy": (
        "Facing the Facts, Shaping the Future: a draft health and care workforce strategy"
    ),
    "Poverty, place and inequality: why place-based approaches are key to tackling poverty "
    "and equality": "Poverty, place and inequality: why place-based approaches are key to "
    "tackling poverty and inequality",
    "Developing healthier places: how council can work with developers": (
        "Developing healthier places: how councils can work with developers"
    ),
    "Place-based approaches to joint planning, resources and delivery": (
        "Place-based approaches to joint planning, resourcing and delivery"
    ),
    "Transforming communities? Exploring the role of community and anchor organisations": (
        "Transforming communities? Exploring the roles of community anchor organisations"
    ),
    "Shifting the centre of gravity: making place-based person-centred": (
        "Shifting the centre of gravity: making place-based, person-centred"
    ),
    "Place-based leadership development programme": (
        "Place-based leadership development programmes"
    ),
    "Putting health into place (NHS England\u2019s Healthy New Towns programme)": (
        "Putting Health into Place"
    ),
    # the brief's link text, not the title (the facts file verifies the title on a CLES copy)
    "The NHS an anchor": (
        "How can health care organisations maximise their resources to improve population health?"
    ),
}

QUOTES = re.compile("[\"'\u2018\u2019\u201c\u201d]")
FOOTNOTE_MARKS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d\)")
LINK = re.compile(r"\[([^\]]*)\]\(#\)")
AUTOLINK = re.compile(r"<(https?://[^>]+)>")
REFERENCE = re.compile(r"^(?:\(£\)\s*)?(?:[¹²³⁴⁵⁶⁷⁸⁹]+\s*)?\[(?P<title>[^\]]+)\]\(#\)(?P<rest>.*)$")
POST_REFERENCE = re.compile(r"^\d\.\s+(?P<title>.+?),\s+(?P<rest>[^,]+)$")
SENTENCE_END = re.compile('(?<=[.!?])\\s+(?=[A-Z\u201c\u2018"(])')


def normalise(text: str) -> str:
    """Drop quotation marks, spell ellipses as three dots, collapse white space."""
    return " ".join(QUOTES.sub("", text).replace("…", "...").split())


def _clean_markup(line: str) -> str:
    line = line.replace("\\(", "(").replace("\\)", ")")
    line = LINK.sub(r"\1", line)
    line = AUTOLINK.sub(r"\1", line)
    line = re.sub(r"\*\*([^*]+)\*\*", r"\1", line)
    line = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", line)
    line = re.sub(r"^\s*(?:[•*\-]|\d\.)\s+", "", line)
    return FOOTNOTE_MARKS.sub("", line).strip()


def _title_key(title: str) -> str:
    title = normalise(_clean_markup(title)).lower()
    for brief, verified in TITLE_CORRECTIONS.items():
        if title.startswith(normalise(brief).lower()):
            return normalise(verified).lower()
    return title


def seed_units(seed: str) -> tuple[list[str], list[str], list[str]]:
    """(sentences, reference titles, URL-only lines) of a seed, as the site should have them."""
    text = (SEEDS / SEED_FILES[seed]).read_text(encoding="utf-8")
    for which, old, new in SEED_FIXES:
        if which == seed:
            assert old in text, f"seed fix no longer applies: {old!r}"
            text = text.replace(old, new)
    furniture = {normalise(f) for f in FURNITURE.get(seed, set())}
    sentences: list[str] = []
    titles: list[str] = []
    urls: list[str] = list(EXTRA_URL_LINES.get(seed, []))
    in_references = False
    for raw in text.splitlines():
        line = raw.strip()
        if line == "References:":  # a post's reference list: the site's is footnotes
            in_references = True
            continue
        if not line or normalise(line) in furniture:
            continue
        if in_references:
            post_ref = POST_REFERENCE.match(line)
            if post_ref:
                titles.append(_title_key(post_ref.group("title")))
                continue
            in_references = False
        bare = AUTOLINK.sub(r"\1", FOOTNOTE_MARKS.sub("", line)).strip()
        if re.fullmatch(r"https?://\S+", bare):
            urls.append(bare)
            continue
        match = REFERENCE.match(line)
        if match:
            titles.append(_title_key(match.group("title")))
            continue
        cleaned = _clean_markup(line)
        for sentence in SENTENCE_END.split(cleaned):
            sentence = sentence.strip()
            if sentence in CORRECTIONS:
                sentence = CORRECTIONS[sentence][0]
            if sentence:
                sentences.append(normalise(sentence))
    return sentences, titles, urls


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once for this module."""
    src = copy_site(tmp_path_factory.mktemp("content"))
    out = src.parent / "html"
    result = sphinx_build(src, out, "html")
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def _pages(html_dir: Path) -> dict[str, BeautifulSoup]:
    return dict(html_pages(html_dir))


BLOCKS = ["p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "div", "td", "th", "tr"]


@pytest.fixture(scope="module")
def page_texts(built_site: Path) -> dict[str, str]:
    """The normalised text a reader sees in each page's article, by page path."""
    texts = {}
    for rel, soup in _pages(built_site).items():
        article = soup.find("article") or soup.body
        assert article is not None
        # hidden text (glossary previews) is not what a reader sees on the page
        for tag in article.select("[hidden], a.footnote-reference, a.headerlink, .fn-bracket"):
            tag.decompose()
        for tag in article.find_all(BLOCKS):
            tag.append("\n")
        texts[rel] = normalise(article.get_text(""))
    return texts


def _seed_pages_text(seed: str, page_texts: dict[str, str]) -> str:
    return "\n".join(page_texts[page] for page in SEED_PAGES[seed])


@pytest.fixture(scope="module")
def site_links(built_site: Path) -> set[str]:
    links: set[str] = set()
    for soup in _pages(built_site).values():
        for tag in soup.find_all(["a", "link", "script", "img", "iframe", "source"]):
            for attr in ("href", "src"):
                value = tag.get(attr)
                if isinstance(value, str):
                    links.add(unquote(value))
    return links


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_every_sentence_of_the_seed_is_on_its_pages(seed: str, page_texts: dict[str, str]) -> None:
    sentences, _, _ = seed_units(seed)
    assert sentences
    text = _seed_pages_text(seed, page_texts)
    missing = [s for s in sentences if s not in text]
    assert not missing, f"{len(missing)} of {len(sentences)} sentences missing:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_every_reference_of_the_seed_is_on_its_pages(seed: str, page_texts: dict[str, str]) -> None:
    _, titles, _ = seed_units(seed)
    lowered = _seed_pages_text(seed, page_texts).lower()
    missing = [t for t in titles if t not in lowered]
    assert not missing, "titles missing:\n" + "\n".join(missing)


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_every_url_line_of_the_seed_is_linked(seed: str, site_links: set[str]) -> None:
    _, _, urls = seed_units(seed)
    missing = [u for u in urls if u not in site_links]
    assert not missing, missing


def _known_urls() -> set[str]:
    known: set[str] = set()
    with FACTS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["url"]:
                known.add(row["url"].strip())
            if row["doi"]:
                known.add("https://doi.org/" + row["doi"].strip())
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        known.update(re.findall(r"https?://[^\s<>)\]]+", text))
        known.update("mailto:" + m for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text))
    return {k.rstrip("/.") for k in known}


# The theme's credit line in every page footer (furo), not site content.
THEME_LINKS = {
    "https://www.sphinx-doc.org/",
    "https://github.com/pradyunsg/furo",
    "https://pradyunsg.me",
}


def test_no_outside_url_that_the_seeds_or_facts_do_not_give(site_links: set[str]) -> None:
    known = _known_urls()
    outside = sorted(
        link
        for link in site_links
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", link, re.IGNORECASE)
        and link not in THEME_LINKS
        and link.rstrip("/.") not in known
    )
    assert not outside, outside


def test_the_seed_fixes_and_corrections_are_used() -> None:
    """Every documented correction still matches a seed sentence (no stale entries)."""
    raw = " ".join(
        normalise(_clean_markup(line))
        for name in SEED_FILES.values()
        for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()
    )
    unused = [s for s in CORRECTIONS if normalise(s) not in raw]
    assert not unused, unused


# -- blog posts: where and when first published, only as far as the facts file says ----------

POST_KEYS = {
    "blog/place-based-care": "hopkins2019placebasedcare",
    "blog/stem-club": "haining_stemclub",
    "blog/stem-club-north-east": "naughton2018stemclubnortheast",
    "blog/final-frontier": "brooks2021finalfrontier",
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _facts() -> dict[str, dict[str, str]]:
    with FACTS.open(encoding="utf-8") as handle:
        return {row["key"]: row for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("docname", sorted(POST_KEYS))
def test_post_says_where_it_was_first_published(docname: str, built_site: Path) -> None:
    fact = _facts()[POST_KEYS[docname]]
    soup = BeautifulSoup((built_site / f"{docname}.html").read_text(), "html.parser")
    link = soup.select_one(".evidence-post-original a")
    assert link is not None and link["href"] == fact["url"]


@pytest.mark.parametrize("docname", sorted(POST_KEYS))
def test_post_date_is_no_more_precise_than_the_facts(docname: str) -> None:
    from sphinx_evidence.blog.meta import front_matter, parse_date

    fact = _facts()[POST_KEYS[docname]]
    data, _, _ = front_matter((Path(__file__).parents[1] / "docs" / f"{docname}.md").read_text())
    assert data is not None
    date = parse_date(data["date"]) if "date" in data else None
    known: tuple[int, ...] = ()
    if fact["year"]:
        known = (int(fact["year"]),)
        if fact["month"]:
            known += (MONTHS.index(fact["month"]) + 1,)
    assert (date or ()) == known


def test_the_brief_says_who_produced_it_and_when(built_site: Path) -> None:
    page = built_site / "briefs" / "place-based-systems-of-care.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    fields = {}
    for dt in soup.select("article dl.field-list dt"):
        dd = dt.find_next("dd")
        assert dd is not None
        fields[" ".join(dt.get_text().split()).rstrip(":")] = " ".join(dd.get_text().split())
    assert "HEE Knowledge Management team" in fields["Produced by"]
    assert fields["Date"] == "December 2019"


def test_contributor_guide_lists_every_warning_subtype_and_setting(built_site: Path) -> None:
    import dataclasses

    from sphinx_evidence.a11y import A11yConfig
    from sphinx_evidence.access.levels import AccessConfig
    from sphinx_evidence.blog.meta import BlogConfig
    from sphinx_evidence.citations.config import CitationsConfig
    from sphinx_evidence.core.warnings import Warn
    from sphinx_evidence.glossary.config import GlossaryConfig
    from sphinx_evidence.navcache import NavigationConfig
    from sphinx_evidence.pdf.config import PdfConfig

    soup = BeautifulSoup((built_site / "contributing.html").read_text(), "html.parser")
    cells = {" ".join(td.get_text().split()) for td in soup.select("table td")}
    for member in Warn:
        assert f"evidence.{member.value}" in cells
    for prefix, cls in [
        ("evidence_access", AccessConfig),
        ("evidence_glossary", GlossaryConfig),
        ("evidence_blog", BlogConfig),
        ("evidence_pdf", PdfConfig),
        ("evidence_citations", CitationsConfig),
        ("evidence_a11y", A11yConfig),
        ("evidence_navigation", NavigationConfig),
    ]:
        for field in dataclasses.fields(cls):
            assert f"{prefix}_{field.name}" in cells
    assert "5 entries: free, openathens, abstract, subscription, staff" in cells
