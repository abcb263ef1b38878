"""The whole-site PDF rendered in parts and merged (pdf/book.py, pdf/merge.py) is the PDF
rendered as one document: the same text on every page (page numbers and the contents'
numbers included), links, named destinations, outline and structure tree, and it passes
the PDF check."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from sphinx_evidence.pdf.check import check_pdf
from tests.helpers import sphinx_build
from tests.test_pdf import ROOTS, pdftext, squash, struct_types

pytestmark = pytest.mark.pdf

SITE_PDF = "test-hub.pdf"


def layout(path: Path) -> dict[str, Any]:
    """What a reader meets in the PDF, page by page."""
    with pikepdf.open(path) as pdf:
        index: dict[tuple[int, int], int] = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
        outline: list[tuple[int, str, int | None]] = []
        with pdf.open_outline() as tree:
            stack = [(0, item) for item in reversed(tree.root)]
            while stack:
                depth, item = stack.pop()
                dest = item.destination
                page = index.get(dest[0].objgen) if isinstance(dest, pikepdf.Array) else None
                outline.append((depth, str(item.title), page))
                stack.extend((depth + 1, child) for child in reversed(item.children))
        flat = pdf.Root.Names.Dests.Names
        dests = {str(flat[i]): index[flat[i + 1][0].objgen] for i in range(0, len(flat), 2)}
        links = []
        for n, sheet in enumerate(pdf.pages):
            for annot in sheet.obj.get("/Annots", []):
                target = str(annot.Dest) if "/Dest" in annot else str(annot.A.URI)
                rect = tuple(round(float(x)) for x in annot.Rect)
                links.append((n, rect, target, str(annot.get("/Contents", ""))))
    return {"outline": outline, "dests": dests, "links": links}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The test site's book rendered whole and in parts of 2,000 characters."""
    base = tmp_path_factory.mktemp("book")
    src = base / "src"
    shutil.copytree(ROOTS / "test-pdf", src)
    whole = sphinx_build(src, base / "whole", "evidencepdf", "-E", "-D", "evidence_pdf_part_size=0")
    assert whole.returncode == 0, whole.stderr
    parted = sphinx_build(
        src, base / "parts", "evidencepdf", "-E", "-n", "-W", "--keep-going",
        "-D", "evidence_pdf_part_size=2000",
    )  # fmt: skip
    assert parted.returncode == 0, parted.stderr
    return base / "whole" / SITE_PDF, base / "parts" / SITE_PDF, parted.stdout


def test_the_book_is_rendered_in_parts(books: tuple[Path, Path, str]) -> None:
    _whole, _parted, log = books
    assert f"{SITE_PDF}: rendered in" in log
    count = int(log.split(f"{SITE_PDF}: rendered in ")[1].split()[0])
    assert count >= 4


def test_every_page_reads_as_in_the_whole_book(books: tuple[Path, Path, str]) -> None:
    whole, parted, _log = books
    pages = pdftext(parted).split("\f")
    assert pages == pdftext(whole).split("\f")
    last = len([p for p in pages if p.strip()])
    assert f"Page {last} of {last}" in squash(pages[last - 1])
    assert "Page" not in squash(pages[0])  # the cover has no footer


def test_links_outline_and_destinations_are_those_of_the_whole_book(
    books: tuple[Path, Path, str],
) -> None:
    whole, parted, _log = books
    expected, got = layout(whole), layout(parted)
    assert got["outline"] == expected["outline"]
    assert got["dests"] == expected["dests"]
    assert got["links"] == expected["links"]
    assert any(target.startswith("document-") for _n, _r, target, _c in got["links"])
    assert not any("evidencepdf-part" in target + contents
                   for _n, _r, target, contents in got["links"])  # fmt: skip


def test_the_structure_tree_is_whole_and_consistent(books: tuple[Path, Path, str]) -> None:
    whole, parted, _log = books
    assert struct_types(parted) == struct_types(whole)
    assert check_pdf(parted, lang="en-GB") == []
    with pikepdf.open(parted) as pdf:
        pages = {page.objgen for page in pdf.pages}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == sorted(set(keys))  # each key once, in order
        owners = [int(p.obj.StructParents) for p in pdf.pages]
        owners += [int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", [])]
        assert sorted(owners) == keys
        ids: Counter[str] = Counter()
        headers: list[str] = []
        stack: list[Any] = [pdf.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/StructElem":
                if "/Pg" in item:
                    assert item.Pg.objgen in pages  # no element on a page of another file
                if "/ID" in item:
                    ids[str(item.ID)] += 1
                attributes = item.get("/A")
                if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                    headers += [str(h) for h in attributes.Headers]
                stack.append(item.get("/K"))
        assert ids and max(ids.values()) == 1  # table header ids stay unique
        assert set(headers) <= set(ids)


def test_a_bad_part_size_is_a_clear_error(tmp_path: Path) -> None:
    result = sphinx_build(
        ROOTS / "test-pdf", tmp_path / "out", "evidencepdf", "-D", "evidence_pdf_part_size=-5"
    )
    assert result.returncode != 0
    assert "evidence_pdf: part_size must be 0 (one part) or more" in result.stderr


def test_each_font_subset_has_a_name_of_its_own(books: tuple[Path, Path, str]) -> None:
    """Every part subsets the same faces: a name (``ABCDEF+Face``) is one subset's only."""
    _whole, parted, _log = books
    with pikepdf.open(parted) as pdf:
        files: dict[str, set[tuple[int, int]]] = {}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
                assert program is not None, obj.FontName  # embedded
                files.setdefault(str(obj.FontName), set()).add(program.objgen)
    assert len(files) > 2  # the parts' subsets, each named apart
    assert all(len(programs) == 1 for programs in files.values()), files


def _page(name: str, extra: str = "") -> str:
    words = " ".join(["Place-based care joins up services around people."] * 12)
    return (
        f'<section class="evidence-doc-start" id="{name}"><h2>Page {name}</h2>'
        f"<p>{words}</p>{extra}</section>"
    )


def test_a_link_to_an_anchor_no_page_shows_is_dropped_as_in_one_document(
    tmp_path: Path,
) -> None:
    from sphinx_evidence.pdf.book import write_book
    from sphinx_evidence.pdf.builder import STYLESHEET
    from sphinx_evidence.pdf.render import write_pdf
    from tests.test_pdf import link_annotations

    pages = [
        _page("a", '<p>Hidden: <span id="hidden" style="display: none">x</span></p>'),
        _page("b", '<p>See <a href="#a">page a</a>.</p>'),
        _page("c", '<p>See <a href="#hidden">the hidden note</a> and <a href="#b">b</a>.</p>'),
    ]
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Book</title>'
        '</head><body class="evidence-print evidence-print-site"><div class="cover">'
        '<p>Cover</p></div><nav class="print-toc"><h1>Contents</h1><ol>'
        '<li class="toc-level-1"><a href="#a">A</a></li>'
        '<li class="toc-level-1"><a href="#c">C</a></li></ol></nav>'
        f'<main><section id="root"><h1>Book</h1><div class="toctree-wrapper">{"".join(pages)}'
        "</div></section></main></body></html>"
    )
    whole = write_pdf(html, tmp_path, tmp_path / "whole.pdf", STYLESHEET)
    parted = write_book(html, tmp_path, tmp_path / "parts.pdf", STYLESHEET, "", 600)
    assert parted is not None and parted.parts == 4  # the front part and one per page
    missing = "No anchor #hidden for internal URI reference"
    assert missing in whole.messages and missing in parted.messages
    assert link_annotations(parted.path) == link_annotations(whole.path)
    assert pdftext(parted.path) == pdftext(whole.path)
    assert check_pdf(parted.path, lang="en-GB", fonts=None) == []
