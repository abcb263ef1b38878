"""Incremental builds equal clean builds after each kind of citation change; -j 2 equals serial.

Stock sphinxcontrib-bibtex leaves the references page stale when a citation is added
elsewhere; these tests build, change one thing, rebuild incrementally, and compare every
page body with a clean build of the same sources.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import page_bodies, sphinx_build

ROOT = Path(__file__).parent / "roots" / "test-citations"

NEW_ENTRY = """
@report{new2023,
  title = {A brand new report},
  author = {{NHS Confederation}},
  year = {2023},
  month = mar,
  url = {https://www.nhsconfed.org/new},
  access = {free},
  keywords = {key-publications},
  annotation = {Added after the first build.},
}
"""


def _touch_later(path: Path) -> None:
    later = time.time() + 2
    os.utime(path, (later, later))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _touch_later(path)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    _touch_later(path)


def _delete_post(src: Path) -> None:
    (src / "post.md").unlink()
    _edit(src / "index.md", "post\n", "")


CHANGES: dict[str, Callable[[Path], None]] = {
    "add a citation": lambda src: _edit(
        src / "index.md",
        "Places matter {cite:p}`fund2019places`.",
        "Places matter {cite:p}`fund2019places`. Books too {cite:p}`old2001`.",
    ),
    "remove a citation": lambda src: _edit(
        src / "index.md", "Places matter {cite:p}`fund2019places`.", "Places matter."
    ),
    "add a footnote citation": lambda src: _edit(
        src / "post.md",
        "A claim.{footcite}`nhs_ics`",
        "A claim.{footcite}`nhs_ics` More.{footcite}`smith2020care`",
    ),
    "edit an entry in the .bib": lambda src: _edit(
        src / "refs.bib",
        "title = {Places and {NHS} partnerships}",
        "title = {Places, people and partnerships}",
    ),
    "add an entry to the .bib": lambda src: _append(src / "refs.bib", NEW_ENTRY),
    "change an entry's keywords": lambda src: _edit(
        src / "refs.bib", "keywords = {jargon},", "keywords = {jargon, key-publications},"
    ),
    "change an entry's access": lambda src: _edit(
        src / "refs.bib", "access = {subscription},", "access = {openathens},"
    ),
    "add a reading list": lambda src: _append(
        src / "index.md", "\n:::{reading-list}\n:keywords: jargon\n:::\n"
    ),
    "delete a citing page": lambda src: _delete_post(src),
    "retitle a citing page": lambda src: _edit(src / "post.md", "# A post", "# A renamed post"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_build_equals_clean_build(tmp_path: Path, change: str) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    first = sphinx_build(src, tmp_path / "inc", "html")
    assert first.returncode == 0, first.stderr
    before = page_bodies(tmp_path / "inc")
    CHANGES[change](src)
    second = sphinx_build(src, tmp_path / "inc", "html")
    assert second.returncode == 0, second.stderr
    clean = sphinx_build(src, tmp_path / "clean", "html")
    assert clean.returncode == 0, clean.stderr
    after, expected = page_bodies(tmp_path / "inc"), page_bodies(tmp_path / "clean")
    # Sphinx leaves the output of a deleted page behind; compare the pages that exist
    after = {page: body for page, body in after.items() if page in expected}
    assert after == expected
    assert after != before  # the change shows
    for name in ("bib", "ris", "json"):
        exported = f"_downloads/evidence/references.{name}"  # the page's downloads menu
        assert (tmp_path / "inc" / exported).read_text(encoding="utf-8") == (
            tmp_path / "clean" / exported
        ).read_text(encoding="utf-8")


def test_added_citation_links_to_an_existing_entry_and_is_cited_on(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    assert sphinx_build(src, tmp_path / "out", "html").returncode == 0
    CHANGES["add a citation"](src)
    result = sphinx_build(src, tmp_path / "out", "html")
    assert result.returncode == 0, result.stderr
    index = BeautifulSoup(
        (tmp_path / "out" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    refs = BeautifulSoup(
        (tmp_path / "out" / "references.html").read_text(encoding="utf-8"), "html.parser"
    )
    ids = {tag["id"] for tag in refs.select("[id]")}
    hrefs = [str(a["href"]) for a in index.select("span.bibtex-citation a")]
    assert len(hrefs) == 2
    for href in hrefs:
        page, anchor = href.split("#")
        assert page == "references.html" and anchor in ids
    book = next(e for e in refs.select("div.citation") if "An older book" in e.get_text())
    assert [a.get_text() for a in book.select("p.evidence-cited-on a")] == [
        "A brief",
        "Citations test",
    ]


def test_unchanged_rebuild_writes_nothing_new(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    assert sphinx_build(src, tmp_path / "out", "html").returncode == 0
    again = sphinx_build(src, tmp_path / "out", "html")
    assert again.returncode == 0, again.stderr
    assert (
        "0 source files that are out of date" in again.stdout
        or "no targets are out of date" in again.stdout
    )


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "a", tmp_path / "b"
    shutil.copytree(ROOT, serial)
    shutil.copytree(ROOT, parallel)
    for n in range(8):  # enough pages for the parallel reader to split the work
        page = f"# Extra {n}\n\nCited {{cite:p}}`smith2020care` and{{footcite}}`old2001`.\n\n"
        page += "```{footbibliography}\n```\n\n:::{reading-list}\n:keywords: jargon\n:::\n"
        for root in (serial, parallel):
            (root / f"extra{n}.md").write_text(page, encoding="utf-8")
            _edit(root / "index.md", "references\n", f"references\nextra{n}\n")
    first = sphinx_build(serial, tmp_path / "serial", "html")
    second = sphinx_build(parallel, tmp_path / "parallel", "html", "-j", "2")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "not safe" not in second.stderr
    assert page_bodies(tmp_path / "serial") == page_bodies(tmp_path / "parallel")
    refs = (tmp_path / "parallel" / "references.html").read_text(encoding="utf-8")
    assert "Extra 7" in refs


@pytest.mark.parametrize(
    "change", ["add a citation", "remove a citation", "edit an entry in the .bib"]
)
def test_incremental_with_a_cited_only_bibliography(tmp_path: Path, change: str) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    (src / "references.md").write_text("# References\n\n```{bibliography}\n```\n", encoding="utf-8")
    assert sphinx_build(src, tmp_path / "inc", "html").returncode == 0
    before = page_bodies(tmp_path / "inc")
    CHANGES[change](src)
    second = sphinx_build(src, tmp_path / "inc", "html")
    assert second.returncode == 0, second.stderr
    assert sphinx_build(src, tmp_path / "clean", "html").returncode == 0
    after = page_bodies(tmp_path / "inc")
    assert after == page_bodies(tmp_path / "clean")
    assert after["references.html"] != before["references.html"]


def _drop_entry(path: Path, key: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = re.search(r"^@\w+\{" + re.escape(key) + ",", text, re.MULTILINE).start()  # type: ignore[union-attr]
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    _touch_later(path)


@pytest.mark.parametrize("bibliography", ["all entries", "cited only"])
def test_bib_gains_or_loses_a_key_a_page_cites(tmp_path: Path, bibliography: str) -> None:
    """A page citing a key the .bib lacks shows it as unknown; once the .bib has it, an
    incremental build links it (and loses it again when the entry goes), as a clean one does."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    if bibliography == "cited only":
        (src / "references.md").write_text(
            "# References\n\n```{bibliography}\n```\n", encoding="utf-8"
        )
    _edit(src / "index.md", "Places matter", "Soon {cite:p}`new2023`. Places matter")
    assert sphinx_build(src, tmp_path / "inc", "html").returncode == 0
    for step, change in enumerate(
        (
            lambda: _append(src / "refs.bib", NEW_ENTRY),
            lambda: _drop_entry(src / "refs.bib", "fund2019places"),
        )
    ):
        change()
        assert sphinx_build(src, tmp_path / "inc", "html").returncode == 0
        clean = tmp_path / f"clean{step}"
        assert sphinx_build(src, clean, "html").returncode == 0
        assert page_bodies(tmp_path / "inc") == page_bodies(clean)
    index = (tmp_path / "inc" / "index.html").read_text(encoding="utf-8")
    references = (tmp_path / "inc" / "references.html").read_text(encoding="utf-8")
    assert "A brand new report" in references and "Places and NHS" not in references
    assert "evidence-cite-unknown" in index  # fund2019places, now gone from the .bib
    assert "NHS Confederation, 2023" in index
