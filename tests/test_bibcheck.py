"""The bibcheck command (``nox -s lint``): every problem on its own line, non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_evidence.bib.lint import main

REPO = Path(__file__).parent.parent

BIB = r"""@online{one,
  title = {The same title},
  url = {https://example.org/one},
  doi = {10.1000/xyz},
  access = {free},
}

@article{two,
  title = {The Same Title},
  journal = {A Journal},
  doi = {https://doi.org/10.1000/XYZ},
  access = {gold},
}

@online{three,
  title = {Bad links},
  url = {ftp://example.org/file},
  doi = {not-a-doi},
}

@online{unused,
  title = {Nobody cites me},
  url = {https://example.org/unused},
}

@online{listed,
  title = {In a list},
  url = {https://example.org/listed},
  keywords = {case-studies},
}
"""

PAGE = """# Page

Cites {cite:p}`one` and {cite:t}`{see}two{p. 3}`, and a footnote{footcite}`three`.

:::{reading-list}
:keywords: case-studies
:::
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    (docs / "conf.py").write_text("extensions = []\n", encoding="utf-8")
    return tmp_path


def test_reports_every_problem_and_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = str(project / "refs.bib")
    status = main([bib, "--docs", str(project / "docs")])
    out = capsys.readouterr().out.replace(bib, "refs.bib").replace(str(project / "docs"), "docs")
    assert status == 1
    assert out.splitlines() == [
        'refs.bib:8: DOI of "two" repeats "one" [evidence.bib_duplicate]',
        'refs.bib:8: entry "two" has access = {gold}, which is not an access level; use one of:'
        " abstract, free, openathens, staff, subscription. [evidence.access_unknown]",
        'refs.bib:8: title of "two" repeats "one" [evidence.bib_duplicate]',
        'refs.bib:15: doi "not-a-doi" is not a DOI; shown as text, not linked in entry "three"'
        " [evidence.bib_unsafe_url]",
        'refs.bib:15: url "ftp://example.org/file" is not http(s) or mailto; shown as text, not'
        ' linked in entry "three" [evidence.bib_unsafe_url]',
        'refs.bib:21: entry "unused" is not cited or listed on any page of docs'
        " [evidence.bib_unused]",
    ]


def test_strict_asks_for_authors_and_dates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = str(project / "refs.bib")
    main([bib, "--strict"])
    out = capsys.readouterr().out
    assert 'missing field author or editor in entry "two" (--strict)' in out
    assert 'missing field date or year in entry "two" (--strict)' in out


def test_clean_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = tmp_path / "ok.bib"
    bib.write_text("@online{ok, title={Fine}, url={https://example.org/}, access={free}}\n")
    assert main([str(bib)]) == 0
    assert "no problems" in capsys.readouterr().out


def test_access_levels_come_from_conf_py(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs" / "conf.py").write_text(
        'evidence_access_levels = {"gold": {"label": "Gold"}, "free": {}}\n', encoding="utf-8"
    )
    main([str(project / "refs.bib"), "--docs", str(project / "docs")])
    assert "access_unknown" not in capsys.readouterr().out


def test_real_references_bib_passes_as_in_nox_lint() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_evidence.bib.lint", "references.bib", "--docs", "docs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_entry_without_an_access_level_is_reported_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@online{a,\n  title = {A page},\n  url = {https://example.org/a},\n}\n\n"
        "@online{b,\n  title = {B page},\n  url = {https://example.org/b},\n  access = {fre},\n}\n",
        encoding="utf-8",
    )
    assert main([str(bib)]) == 1  # the unknown level is always reported
    assert "[evidence.access_missing]" not in capsys.readouterr().out
    assert main([str(bib), "--require-access"]) == 1
    assert capsys.readouterr().out.replace(str(bib), "refs.bib").splitlines()[:2] == [
        'refs.bib:1: entry "a" has no access level: add access = {...} with one of: free,'
        " openathens, abstract, subscription, staff [evidence.access_missing]",
        'refs.bib:6: entry "b" has access = {fre}, which is not an access level; use one of:'
        ' abstract, free, openathens, staff, subscription. Did you mean "free"?'
        " [evidence.access_unknown]",
    ]
