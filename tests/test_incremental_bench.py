"""On the benchmark corpus, an incremental build after an edit writes the pages a clean
build writes, and rewrites only the pages whose output changed (and their toctree
parents, as Sphinx always does)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.bench.corpus import CorpusSpec, edit_one_page, generate
from tests.bench.run import different_pages
from tests.helpers import page_bodies, sphinx_build

CORPUS = CorpusSpec(pages=16, entries=60, terms=12, pages_per_part=8)
WRITTEN = re.compile(r"writing output\.\.\. \[\s*\d+%\] (\S+)")


def _build(src: Path, out: Path, *args: str) -> list[str]:
    """Build; return the docnames written."""
    result = sphinx_build(src, out, "html", "-d", str(out / ".doctrees"), *args)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return WRITTEN.findall(result.stdout)


def _later(path: Path) -> None:
    stamp = time.time() + 2
    os.utime(path, (stamp, stamp))


def _clean(src: Path, tmp_path: Path) -> Path:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    _build(src, clean, "-E")
    return clean


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    src = generate(CORPUS, tmp_path / "src", "ours")
    out = tmp_path / "out"
    _build(src, out)
    return src, out


def test_the_benchmark_edit_equals_a_clean_build(built: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = built
    _later(edit_one_page(src, CORPUS))
    written = _build(src, out)
    assert different_pages(out, _clean(src, tmp_path)) == []
    # the page, its part (Sphinx rewrites toctree parents) and the references page the
    # new citation may change; not the glossary, whose page lists no backlinks here
    assert "part01/page0001" in written
    assert "glossary" not in written
    assert set(written) <= {"part01/page0001", "part01/index", "references", "index"}


def test_prose_edit_rewrites_the_page_and_its_parent_only(built: tuple[Path, Path]) -> None:
    src, out = built
    page = src / "part01" / "page0003.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nPlain words only.\n", "utf-8")
    _later(page)
    assert sorted(_build(src, out)) == ["part01/index", "part01/page0003"]


def test_a_new_citation_and_glossary_change_equal_a_clean_build(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    src, out = built
    bib = src / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@report{added2026,\n  title = {An added report},\n  author = {{Health Unit}},\n"
        "  year = {2026},\n  access = {free},\n  keywords = {alpha},\n}\n",
        "utf-8",
    )
    _later(bib)
    page = src / "part02" / "page0010.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNew {cite:p}`added2026`.\n", "utf-8")
    _later(page)
    glossary = src / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    assert "\n  A " in text
    glossary.write_text(text.replace("\n  A ", "\n  Changed. A ", 1), "utf-8")
    _later(glossary)
    _build(src, out)
    assert different_pages(out, _clean(src, tmp_path)) == []


def test_a_title_change_equals_a_clean_build_in_page_bodies(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    src, out = built
    page = src / "part01" / "page0002.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    page.write_text("# A renamed page\n" + "".join(lines[1:]), "utf-8")
    _later(page)
    _build(src, out)
    assert page_bodies(out) == page_bodies(_clean(src, tmp_path))
