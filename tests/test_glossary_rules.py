"""Auto-linking a stranger can trust: explicit links win, names and fields are left alone,
"Used on" leaves out navigation pages and folds when long."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from tests.test_foreign_sites import ROOTS, build

GLOSSARY = (ROOTS / "foreign-sphinx-glossary" / "index.rst").read_text(encoding="utf-8")
ON = {
    "evidence_glossary_autolink": True,
    "evidence_glossary_single_words": True,
    "evidence_glossary_backlinks": True,
}


def _links(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a.get_text() for a in soup.select("a.evidence-term")]


def test_explicit_link_is_not_auto_linked_earlier(tmp_path: Path) -> None:
    pages = {
        "index.rst": GLOSSARY + "\n.. toctree::\n\n   page\n",
        "page.rst": "Page\n====\n\nA boson here, and :term:`the boson <boson>` later.\n",
    }
    out, _ = build("foreign-sphinx-glossary", tmp_path, ["sphinx_evidence"], ON, pages)
    assert _links(out / "page.html") == ["the boson"]


def test_dotted_names_file_names_and_field_lists_are_not_linked(tmp_path: Path) -> None:
    pages = {
        "index.rst": GLOSSARY + "\n.. toctree::\n\n   page\n",
        "page.rst": "Page\n====\n\n:Owner: boson\n\nSee physics.boson.spin, boson.py and "
        "docs/boson; then a boson.\n",
    }
    out, _ = build("foreign-sphinx-glossary", tmp_path, ["sphinx_evidence"], ON, pages)
    soup = BeautifulSoup((out / "page.html").read_text(encoding="utf-8"), "html.parser")
    linked = soup.select("a.evidence-autolink")
    assert [a.get_text() for a in linked] == ["boson"]
    parent = linked[0].parent
    assert parent is not None and parent.get_text().endswith("then a boson.")


def test_used_on_leaves_out_navigation_pages_and_folds_when_long(tmp_path: Path) -> None:
    names = [f"p{n}" for n in range(7)]
    pages = {
        "index.rst": "Home\n====\n\nA boson.\n\n.. toctree::\n\n   glossary\n   "
        + "\n   ".join(names)
        + "\n",
        "glossary.rst": GLOSSARY,
        **{f"{n}.rst": f"{n}\n{'=' * len(n)}\n\nA boson.\n" for n in names},
    }
    out, _ = build("foreign-sphinx-glossary", tmp_path, ["sphinx_evidence"], ON, pages)
    soup = BeautifulSoup((out / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    box = soup.select_one("details.evidence-term-backlinks-fold")
    assert box is not None
    summary = box.find("summary")
    assert summary is not None and summary.get_text() == "Used on: 7 pages"
    assert [a.get_text() for a in box.select("a")] == names  # not the index page
    out2, _ = build(
        "foreign-sphinx-glossary",
        tmp_path / "nofold",
        ["sphinx_evidence"],
        {**ON, "evidence_glossary_backlinks_fold": 0, "evidence_glossary_backlinks_exclude": []},
        pages,
    )
    soup = BeautifulSoup((out2 / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("details") is None
    para = soup.select_one("p.evidence-term-backlinks")
    assert para is not None and para.get_text().startswith("Used on: Home, p0")
