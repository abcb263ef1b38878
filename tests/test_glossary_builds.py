"""Glossary cross-links under change, in parallel and in every builder (subprocess builds)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import page_bodies, sphinx_build

ROOT = Path(__file__).parent / "roots" / "test-glossary"


def _copy(dest: Path) -> Path:
    shutil.copytree(ROOT, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def _build(src: Path, out: Path, *args: str) -> dict[str, str]:
    result = sphinx_build(src, out, "html", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return {page: _main(body) for page, body in page_bodies(out).items()}


def _main(body: str) -> str:
    """The page's own content (the theme's navigation lists every title: not ours)."""
    main = BeautifulSoup(body, "html.parser").select_one('[role="main"]')
    return main.decode() if main is not None else body


def _links(body: str) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    return [a.get_text() for a in soup.select("a.evidence-term")]


def _backlinks(body: str, entry_id: str) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    dt = soup.find(id=entry_id)
    assert dt is not None
    dd = dt.find_next_sibling("dd")
    assert dd is not None
    para = dd.select_one("p.evidence-term-backlinks")
    return [str(a["href"]) for a in para.select("a")] if para else []


GLOSSARY = "glossary.md"

# (description, file, old text, new text, check on the incremental build)
CHANGES: list[tuple[str, str, str, str, Callable[[dict[str, str]], bool]]] = [
    (
        "add a term",
        GLOSSARY,
        "Devolution\n",
        "Neighbourhood level\n  The level below place {cite:p}`kingsfund2021`.\n\nDevolution\n",
        lambda pages: _links(pages["plans.html"]).count("neighbourhood level") == 1,
    ),
    (
        "rename a term",
        GLOSSARY,
        "STP\nSustainability and Transformation Partnership\n",
        "STPX\nSustainability and Transformation Plan\n",
        lambda pages: "STP" not in _links(pages["plans.html"]),
    ),
    (
        "remove a term",
        GLOSSARY,
        "ICS\nIntegrated Care System\n  A partnership",
        "ICSX\n  A partnership",
        lambda pages: (
            "integrated care system" not in _links(pages["plans.html"])
            and "evidence-preview-glossary-term-ICS" not in pages["plans.html"]
        ),
    ),
    (
        "add a mention",
        "quiet.md",
        "autolink: false\n",
        "autolink: true\n",
        lambda pages: "quiet.html" in _backlinks(pages["glossary.html"], "term-STP"),
    ),
    (
        "remove a mention",
        "networks.md",
        "See {term}`PCN` first; later primary care networks and a PCN again.",
        "Nothing here.",
        lambda pages: "networks.html" not in _backlinks(pages["glossary.html"], "term-PCN"),
    ),
    (
        "change a definition",
        GLOSSARY,
        "GP practices working together",
        "General practices working together",
        lambda pages: "General practices working together" in pages["networks.html"],
    ),
    (
        "change a source in references.bib",
        "refs.bib",
        "title = {Sustainability and transformation partnerships}",
        "title = {STPs explained}",
        lambda pages: "STPs explained" in pages["networks.html"],
    ),
    (
        "change a page title",
        "plans.md",
        "# Plans and STPs",
        "# Plans, renamed",
        lambda pages: "Plans, renamed" in pages["glossary.html"],
    ),
]


@pytest.mark.parametrize("change", CHANGES, ids=[c[0] for c in CHANGES])
def test_incremental_build_equals_clean_build(
    tmp_path: Path, change: tuple[str, str, str, str, Callable[[dict[str, str]], bool]]
) -> None:
    _name, filename, old, new, check = change
    src = _copy(tmp_path / "src")
    out = tmp_path / "incremental"
    before = _build(src, out)
    _edit(src / filename, old, new)
    after = _build(src, out)
    assert after != before
    assert check(after), _name
    clean = _build(src, tmp_path / "clean", "-E")
    assert after == clean


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    serial = _build(_copy(tmp_path / "a"), tmp_path / "serial", "-E")
    parallel = _build(_copy(tmp_path / "b"), tmp_path / "parallel", "-E", "-j", "2")
    assert _links(serial["plans.html"])
    assert serial == parallel


def test_other_builders(tmp_path: Path) -> None:
    src = _copy(tmp_path / "src")
    for builder in ("text", "latex", "man", "texinfo", "singlehtml"):
        result = sphinx_build(src, tmp_path / builder, builder)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "Exception" not in result.stderr
    text = (tmp_path / "text" / "plans.txt").read_text(encoding="utf-8")
    assert text.count("STP (Sustainability and Transformation Partnership)") == 1
    glossary = (tmp_path / "text" / "glossary.txt").read_text(encoding="utf-8")
    assert "**Used on:** Plans and STPs, Networks, Edge cases." in glossary
    # builders that assemble every page into one document keep the backlinks too
    for builder, pattern in (
        ("singlehtml", "index.html"),
        ("latex", "*.tex"),
        ("man", "*.1"),
        ("texinfo", "*.texi"),
    ):
        output = next((tmp_path / builder).glob(pattern)).read_text(encoding="utf-8")
        assert "Used on:" in output, builder
    latex = next((tmp_path / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert r"\hyperref[\detokenize{glossary:term-STP}]" in latex
    assert "evidence-term-preview" not in latex
    single = (tmp_path / "singlehtml" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(single, "html.parser")
    hrefs = {str(a["href"]) for a in soup.select("a.evidence-term")}
    assert "#term-STP" in hrefs
    for href in hrefs:
        assert soup.find(id=href[1:]) is not None, href
    # first mention restarts on each page of the single page: plans, edges (auto) and
    # the {term} in a heading of networks
    auto = [a.get_text() for a in soup.select("a.evidence-autolink")]
    assert auto.count("STP") == 2
    assert [a.get_text() for a in soup.select("a.evidence-term")].count("STP") == 3


def test_backlinks_to_a_page_outside_the_latex_document(tmp_path: Path) -> None:
    """An orphan page (in no toctree, so not in the LaTeX document) that uses a term: the
    LaTeX build leaves it out of "Used on" instead of failing; HTML still lists it."""
    src = _copy(tmp_path / "src")
    (src / "aside.md").write_text(
        "---\norphan: true\n---\n# Aside\n\nA {term}`STP` on a page of its own.\n",
        encoding="utf-8",
    )
    result = sphinx_build(src, tmp_path / "latex", "latex")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    latex = next((tmp_path / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert "Used on:" in latex and "Aside" not in latex
    html = _build(src, tmp_path / "html")
    assert "aside.html" in _backlinks(html["glossary.html"], "term-STP")
