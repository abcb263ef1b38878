"""The PDFs as printed documents: covers, typefaces, page breaks, what the book leaves out,
and PDFs kept between builds when nothing they are made from changed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from docutils import nodes

from sphinx_evidence.pdf import doctree as dt
from sphinx_evidence.pdf.builder import STYLESHEET
from sphinx_evidence.pdf.check import check_pdf
from sphinx_evidence.pdf.fonts import font_css
from sphinx_evidence.pdf.render import write_pdf
from tests.helpers import sphinx_build
from tests.test_pdf import link_annotations, outline_titles, pdftext, squash

pytestmark = pytest.mark.pdf

ROOTS = Path(__file__).parent / "roots"
FONTS = font_css("Atkinson Hyperlegible", "IBM Plex Mono")
EPOCH = "1575158400"  # 1 December 2019


def pdffonts(path: Path) -> list[str]:
    """Names of the fonts in a PDF, without subset tags (poppler's pdffonts)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split()[0].split("+")[-1] for line in out.stdout.splitlines()[2:] if line]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site's PDFs, with "other" left out of the book."""
    base = tmp_path_factory.mktemp("pdfprint")
    shutil.copytree(ROOTS / "test-pdf", base / "src")
    result = sphinx_build(
        base / "src", base / "out", "evidencepdf", "-n", "-W", "--keep-going",
        "-D", "evidence_pdf_book_exclude=other",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return base / "out"


# -- covers -------------------------------------------------------------------------------


def test_brief_cover_has_its_own_title_summary_publisher_and_date(book: Path) -> None:
    cover = squash(pdftext(book / "briefs-brief.pdf", 1))
    assert "Evidence brief: integrated care" in cover
    assert "A short brief on integrated care for testing the cover." in cover
    assert "Produced by Test Library Service evidence team" in cover
    assert "Date March 2021" in cover  # the brief's own date, from its field list
    assert "team@example.org" not in cover  # fields not listed for the cover stay off it
    assert "Published by Test Library Service in Test Hub" in cover
    assert re.search(r"Generated on \d{1,2} \w+ \d{4}", cover), cover
    # the cover is a page of its own: the brief starts on page 2, with running heads
    assert "Definitions" not in cover
    assert "Page 2 of" in pdftext(book / "briefs-brief.pdf", 2)


def test_book_cover_has_subtitle_from_the_root_page(book: Path) -> None:
    cover = squash(pdftext(book / "test-hub.pdf", 1))
    assert "Test Hub" in cover and "A hub for testing PDF output." in cover
    assert "Published by Test Library Service" in cover and "Generated on" in cover
    assert "Contents" in squash(pdftext(book / "test-hub.pdf", 2))


def test_cover_dates_come_from_source_date_epoch_and_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = sphinx_build(ROOTS / "test-pdf", tmp_path / "out", "evidencepdf")
    assert result.returncode == 0, result.stderr
    cover = squash(pdftext(tmp_path / "out" / "briefs-brief.pdf", 1))
    assert "Generated on 1 December 2019" in cover  # no leading zero
    assert "Date March 2021" in cover


# -- the book leaves pages out --------------------------------------------------------------


def test_book_exclude_leaves_pages_out_and_unlinks_them(book: Path) -> None:
    path = book / "test-hub.pdf"
    text = squash(pdftext(path))
    assert "Other page" not in text and "Text on another page" not in text
    assert "Other page" not in outline_titles(path)
    assert not any("Other page" in link["contents"] for link in link_annotations(path))
    assert check_pdf(path, fonts=FONTS.embedded) == []
    # the page itself still gets no PDF of its own (it never had one) and the brief's PDF
    # is unchanged by the book's setting
    assert "Evidence brief: integrated care" in text


def test_used_on_lists_drop_pages_left_out_of_the_book() -> None:
    tree = nodes.document(None, None)  # type: ignore[arg-type]
    para = nodes.paragraph(classes=["evidence-term-backlinks"])
    para += nodes.strong("", "Used on:")
    para += nodes.Text(" ")
    para += nodes.reference("", "Brief", refuri="#document-briefs/brief")
    para += nodes.Text(", ")
    para += nodes.reference("", "Contributor guide", refuri="#document-contributing")
    para += nodes.Text(".")
    only = nodes.paragraph(classes=["evidence-cited-on"])
    only += nodes.reference("", "Benchmarks", refuri="#document-benchmarks")
    tree += [para, only]
    dt.unlink_pages(tree, {"contributing", "benchmarks"})
    assert para.astext() == "Used on: Brief."
    assert only not in tree.children  # it listed nothing else


# -- typefaces ------------------------------------------------------------------------------


def test_pdfs_embed_the_chosen_typeface_and_no_fallback(book: Path) -> None:
    assert FONTS.missing == ()  # the pdf extra installs them
    for path in book.glob("*.pdf"):
        names = pdffonts(path)
        assert any(n.startswith("Atkinson-Hyperlegible") for n in names), names
        assert not any("DejaVu" in n for n in names), names
        assert check_pdf(path, fonts=FONTS.embedded) == [], path.name


def test_a_missing_typeface_is_one_clear_warning(tmp_path: Path) -> None:
    result = sphinx_build(
        ROOTS / "test-pdf", tmp_path / "out", "evidencepdf",
        "-D", "evidence_pdf_font=No Such Face",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert "'No Such Face' is not installed" in warnings[0]
    assert "pip install fontpkg-no-such-face" in warnings[0]
    assert "[evidence.pdf_font]" in warnings[0]
    assert (tmp_path / "out" / "briefs-brief.pdf").is_file()


def test_font_names_are_validated() -> None:
    from sphinx_evidence.pdf.config import PdfConfig

    with pytest.raises(ValueError, match="font"):
        PdfConfig(font='x"; } body { color: red')


# -- what check_pdf finds -------------------------------------------------------------------


def test_check_finds_blank_pages_and_fallback_fonts(tmp_path: Path) -> None:
    html = (
        '<html lang="en-GB"><title>t</title><body><h1>A</h1><p>text</p>'
        '<div style="break-after: page"></div><div style="break-after: page"></div>'
        "<p>more</p></body></html>"
    )
    target = tmp_path / "x.pdf"
    write_pdf(html, tmp_path, target, STYLESHEET)  # no font CSS: the system's face
    problems = " | ".join(check_pdf(target, fonts=FONTS.embedded))
    assert "blank page 2" in problems
    assert "text set in fonts other than AtkinsonHyperlegible" in problems
    assert "the chosen face AtkinsonHyperlegible is not embedded" in problems
    write_pdf(html.replace('<div style="break-after: page"></div>', "", 1), tmp_path,
              target, STYLESHEET, extra_css=FONTS.css)  # fmt: skip
    assert check_pdf(target, fonts=FONTS.embedded) == []


# -- page and line breaks -------------------------------------------------------------------


def _pages_and_lines(html: str, tmp_path: Path) -> tuple[int, list[str]]:
    target = tmp_path / "t.pdf"
    write_pdf(html, tmp_path, target, STYLESHEET, extra_css=FONTS.css)
    with pikepdf.open(target) as pdf:
        count = len(pdf.pages)
    lines = [line.strip() for line in pdftext(target).splitlines() if line.strip()]
    return count, lines


def _two_pages(lines: int, anchor_inside: bool) -> str:
    """Two pages of the book as the builder writes them: page B of ``lines`` paragraphs,
    then page C, each with its ``document-`` anchor between or inside its section."""

    def page(name: str, body: str) -> str:
        anchor = f'<span id="document-{name}"></span>'
        inner = f"<h2>{name}</h2>{body}"
        if anchor_inside:
            return f'<section class="evidence-doc-start" id="{name}">{anchor}{inner}</section>'
        return f'{anchor}<section class="evidence-doc-start" id="{name}">{inner}</section>'

    paras = "".join(f"<p>Line {i}</p>" for i in range(lines))
    return (
        '<html lang="en-GB"><title>t</title><body class="evidence-print"><main>'
        '<section id="a"><h1>A</h1>'
        f'<div class="toctree-wrapper compound">{page("b", paras)}</div>'
        f'<div class="toctree-wrapper compound">{page("c", "<p>x</p>")}</div>'
        "</section></main></body></html>"
    )


def test_page_anchors_between_pages_made_a_blank_page(tmp_path: Path) -> None:
    """The cause of the book's blank page (p. 23), shown: Sphinx's ``<span
    id="document-x">`` between two pages of the book, after a page that fills its last
    sheet, went alone onto a sheet before the next page's break. Inside the next page's
    section (where the builder puts it) it never does, whatever the length of the page."""
    blank: dict[bool, list[int]] = {True: [], False: []}
    target = tmp_path / "t.pdf"
    for lines in range(24, 40):
        for inside in (False, True):
            write_pdf(_two_pages(lines, inside), tmp_path, target, STYLESHEET,
                      extra_css=FONTS.css)  # fmt: skip
            if any("blank page" in p for p in check_pdf(target)):
                blank[inside].append(lines)
    assert blank[True] == [], blank
    assert blank[False], "the span between pages no longer makes a blank page"


def test_the_book_puts_each_page_anchor_inside_its_first_section(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("evidencepdf", srcdir=ROOTS / "test-pdf", builddir=tmp_path / "out")
    try:
        app.build()
        jobs = app.builder.jobs  # type: ignore[attr-defined]
    finally:
        app.cleanup()
    book = BeautifulSoup(jobs[0].html, "html.parser")
    anchors = book.select('[id^="document-"]')
    assert {a["id"] for a in anchors} >= {"document-briefs/brief", "document-other"}
    for anchor in anchors:
        assert anchor.parent is not None and anchor.parent.name == "section", anchor.parent


CCG = (
    "An NHS body that commissions health services, including primary care, for a local "
    "area {c}. Health and wellbeing boards share with CCGs a statutory duty to produce a "
    "joint strategic needs assessment {c}. CCGs merged onto ICS footprints, and their "
    "functions were proposed to be subsumed by statutory ICSs {c}."
)


def test_flatten_citations_prints_brackets_and_links_only() -> None:
    from sphinx_evidence.core.nodes import tooltip

    para = nodes.paragraph()
    cite = nodes.inline("", "", ids=["id8"], classes=["bibtex-citation"])
    tip = tooltip(
        "", "", href="#r", tip="The full reference", tip_id="tip-8",
        label_classes=["reference", "internal"], classes=["evidence-cite-wrap"],
    )  # fmt: skip
    tip += nodes.Text("The King's Fund, 2021")
    cite += [nodes.Text("["), tip, nodes.Text("]")]
    badge = tooltip("", "", tip="Free to read", tip_id="tip-9", label_classes=["badge"])
    badge += nodes.Text("Free")
    para += [nodes.Text("statutory ICSs "), cite, nodes.Text(". "), badge]
    dt.flatten_citations(para)  # type: ignore[arg-type]
    assert para.astext() == "statutory ICSs [The King's Fund, 2021]. Free"
    assert not list(para.findall(tooltip)) and not list(para.findall(nodes.inline))[:-1]
    link = next(iter(para.findall(nodes.reference)))
    assert link["refuri"] == "#r" and link["ids"] == ["id8"]
    assert link.parent is para  # no span around it
    assert isinstance(para[-1], nodes.inline) and para[-1]["classes"] == ["badge"]


def test_a_section_index_shares_its_sheet_with_its_first_page(tmp_path: Path) -> None:
    """A page that is only a title over its sub-pages ("Part 01") is not a heading alone
    on a sheet (check_pdf: a stranded heading); a page with content of its own still
    starts its sub-pages on a new sheet."""

    def book(intro: str) -> str:
        return (
            '<html lang="en-GB"><title>t</title><body class="evidence-print"><main>'
            '<section class="evidence-doc-start" id="p"><h2>Part 01</h2>'
            f'{intro}<div class="toctree-wrapper compound">'
            '<section class="evidence-doc-start" id="q"><h3>Page 1</h3><p>Text.</p>'
            "</section></div></section></main></body></html>"
        )

    target = tmp_path / "s.pdf"
    write_pdf(book(""), tmp_path, target, STYLESHEET, extra_css=FONTS.css)
    assert check_pdf(target) == []
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 1
    write_pdf(book("<p>About this part.</p>"), tmp_path, target, STYLESHEET, extra_css=FONTS.css)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 2


CCG_HTML = (
    "An NHS body that commissions health services, including primary care, for a local "
    "area {c}. Health and wellbeing boards share with CCGs a statutory duty to produce a "
    "joint strategic needs assessment {c}. CCGs merged onto ICS footprints, and their "
    "functions were proposed to be subsumed by statutory ICSs {c}."
)
WEB_CITATION = (  # what the web's visitors write for a citation with a tooltip
    '<span class="bibtex-citation" id="i1">[<span class="evidence-badge-wrap '
    'evidence-cite-wrap"><a class="reference internal" href="#r">The King\'s Fund, 2021</a>'
    '<span class="evidence-badge-tip" role="tooltip">Developing place-based partnerships'
    "</span></span>]</span>"
)
PRINT_CITATION = '[<a class="reference internal" id="i1" href="#r">The King\'s Fund, 2021</a>]'


def test_the_ccg_entry_breaks_no_word_onto_a_line_of_its_own(tmp_path: Path) -> None:
    """The cause, shown: with the web's nested citation markup, WeasyPrint 70 leaves a
    single word on a line of its own at some widths ("onto" in the glossary's CCG entry);
    with the flat markup that :func:`flatten_citations` makes, at none of the same widths."""
    lone: dict[str, list[int]] = {"web": [], "print": []}
    for width in range(130, 150):
        for kind, cite in (("web", WEB_CITATION), ("print", PRINT_CITATION)):
            html = (
                '<html lang="en-GB"><title>t</title><body><h1 id="r">G</h1>'
                f'<dl class="glossary"><dt>CCG</dt><dd><p style="width: {width}mm">'
                f"{CCG_HTML.format(c=cite)}</p></dd></dl></body></html>"
            )
            _pages, lines = _pages_and_lines(html, tmp_path)
            body = lines[2:-1]  # without the headings and the page number
            if any(len(line.split()) == 1 for line in body[:-1]):
                lone[kind].append(width)
    assert lone["print"] == [], lone
    assert lone["web"], "WeasyPrint no longer breaks the nested markup badly"


def _pages_starting_with_used_on(css: Path, tmp_path: Path) -> list[tuple[int, int]]:
    found = []
    target = tmp_path / "u.pdf"
    items = "".join(
        f"<dt>Term {i}</dt><dd><p>Definition {i}.</p>"
        '<p class="evidence-term-backlinks">Used on: Page.</p></dd>'
        for i in range(16)
    )
    for lines_before in range(12):  # where the page ends, in steps of about a line
        before = "".join(f"<p>Line {i}</p>" for i in range(lines_before))
        html = (
            '<html lang="en-GB"><title>t</title><body><h1>G</h1>'
            f'{before}<dl class="glossary">{items}</dl></body></html>'
        )
        write_pdf(html, tmp_path, target, css, extra_css=FONTS.css)
        with pikepdf.open(target) as pdf:
            pages = len(pdf.pages)
        for number in range(2, pages + 1):
            lines = [line.strip() for line in pdftext(target, number).splitlines()]
            if [line for line in lines if line][:1] == ["Used on: Page."]:
                found.append((lines_before, number))
    return found


def test_used_on_lines_stay_with_their_entry(tmp_path: Path) -> None:
    """A "Used on" line never starts a page: it keeps with its definition. Without the
    print stylesheet's rule for it, some lengths of glossary strand it there."""
    assert _pages_starting_with_used_on(STYLESHEET, tmp_path) == []
    without = tmp_path / "without.css"
    rule = re.compile(r"\.evidence-cited-on, \.evidence-term-backlinks \{[^}]*\}")
    text = STYLESHEET.read_text("utf-8")
    assert rule.search(text)
    without.write_text(rule.sub("", text).replace("dl.glossary > dd { break-before: avoid; }", ""))
    assert _pages_starting_with_used_on(without, tmp_path)


# -- cached PDFs ----------------------------------------------------------------------------


def test_unchanged_pdfs_are_not_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the PDFs' date is SOURCE_DATE_EPOCH (nox -s docs: the last commit's), else the newest
    # source's time, which an edit of any page changes for every PDF
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-pdf", src)
    out = tmp_path / "out"
    first = sphinx_build(src, out, "evidencepdf")
    assert first.returncode == 0, first.stderr
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    second = sphinx_build(src, out, "evidencepdf")
    assert second.returncode == 0, second.stderr
    assert "2 PDFs unchanged since the last build" in second.stdout
    assert "no page changed since the last build: the PDFs are kept" in second.stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == stamps
    # an edit of the brief: both PDFs hold it, both are rendered again, and match a clean build
    page = src / "briefs" / "brief.md"
    page.write_text(page.read_text("utf-8").replace("first item", "edited item"), "utf-8")
    third = sphinx_build(src, out, "evidencepdf")
    assert third.returncode == 0, third.stderr
    assert "unchanged since the last build" not in third.stdout
    clean = sphinx_build(src, tmp_path / "clean", "evidencepdf", "-E")
    assert clean.returncode == 0
    for name in stamps:
        assert (out / name).stat().st_mtime_ns != stamps[name]
        assert pdftext(out / name) == pdftext(tmp_path / "clean" / name)
    # an edit of a page only the book holds: the brief's PDF is kept
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    other = src / "other.md"
    other.write_text(other.read_text("utf-8").replace("Another page", "A changed page"), "utf-8")
    fourth = sphinx_build(src, out, "evidencepdf")
    assert "1 PDFs unchanged since the last build" in fourth.stdout
    assert (out / "briefs-brief.pdf").stat().st_mtime_ns == stamps["briefs-brief.pdf"]
    assert "A changed page" in pdftext(out / "test-hub.pdf")


def test_a_fresh_output_folder_gets_the_kept_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``nox -s docs`` builds: a new output folder each time, the doctrees kept. The
    PDFs come from the cache beside the doctrees, byte for byte, none rendered again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    src, doctrees = tmp_path / "src", tmp_path / "doctrees"
    shutil.copytree(ROOTS / "test-pdf", src)
    first = sphinx_build(src, tmp_path / "one", "evidencepdf", "-d", str(doctrees))
    assert first.returncode == 0, first.stderr
    second = sphinx_build(src, tmp_path / "two", "evidencepdf", "-d", str(doctrees))
    assert second.returncode == 0, second.stderr
    assert "the PDFs are kept" in second.stdout
    for name in ("test-hub.pdf", "briefs-brief.pdf"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    # a setting that makes Sphinx read nothing again, but changes the PDFs: rendered again
    third = sphinx_build(
        src, tmp_path / "three", "evidencepdf", "-d", str(doctrees),
        "-D", "html_baseurl=https://hub.example.org/",
    )  # fmt: skip
    assert third.returncode == 0, third.stderr
    assert "the PDFs are kept" not in third.stdout
    assert "https://hub.example.org/briefs/brief.html" in pdftext(
        tmp_path / "three" / "briefs-brief.pdf", 1
    )


def test_a_kept_pdf_repeats_its_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF kept from a build in which it failed a check fails it again: a strict build
    of unchanged sources does not pass where the first one failed."""
    from sphinx.testing.util import SphinxTestApp

    from sphinx_evidence.pdf import check

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-pdf", src)

    def build(**overrides: object) -> str:
        warnings = io.StringIO()
        app = SphinxTestApp(
            "evidencepdf", srcdir=src, builddir=tmp_path / "out", warning=warnings,
            confoverrides=overrides,
        )  # fmt: skip
        try:
            app.build()
        finally:
            app.cleanup()
        return warnings.getvalue()

    with monkeypatch.context() as patch:
        patch.setattr(check, "check_pdf", lambda path, **kw: ["simulated problem"])
        first = build()
    assert first.count("simulated problem") == 2  # the book and the brief
    second = build()  # the real check is not run: nothing changed
    assert second.count("simulated problem") == 2
    assert "[evidence.pdf]" in second
    off = build(evidence_pdf_cache=False)  # rendered and checked again: no problem
    assert "simulated problem" not in off
    assert not (tmp_path / "out" / "doctrees" / "evidencepdf").exists()


def test_the_cache_key_covers_images(tmp_path: Path) -> None:
    from sphinx_evidence.pdf.cache import PdfCache

    (tmp_path / "_images").mkdir()
    image = tmp_path / "_images" / "chart.png"
    image.write_bytes(b"one")
    cache = PdfCache(tmp_path / "cache", tmp_path, "settings")
    html = '<img src="_images/chart.png" alt="a chart">'
    before = cache.key(html, tmp_path)
    image.write_bytes(b"two")
    assert cache.key(html, tmp_path) != before
    other = PdfCache(tmp_path / "cache", tmp_path, "other settings")
    assert other.key(html, tmp_path) != cache.key(html, tmp_path)
