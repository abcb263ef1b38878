"""Front matter is checked before it can crash anything: impossible dates, other date
formats, unknown keys, missing titles and summaries give one plain warning at the key's line,
and the page is still built (in a build, and from ``python -m sphinx_evidence.blog.lint``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_evidence.blog.frontmatter import check_date, read, safe_source
from sphinx_evidence.blog.lint import main
from sphinx_evidence.core.warnings import Warn
from tests.helpers import sphinx_build

ROOT = Path(__file__).parent / "roots" / "test-blog"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2020-02-31",
            'the date "2020-02-31" does not exist: February 2020 has no day 31; check the day,'
            ' or give only the month ("2020-02") if the day is not known',
        ),
        ("2020-13", 'the date "2020-13" has no month 13: months are 01 to 12;'),
        (
            "31/01/2020",
            'the date "31/01/2020" is written day first; write it year first: "2020-01-31"',
        ),
        ("2020-1-5", 'the date "2020-1-5" needs two digits for the month and day: "2020-01-05"'),
        ("November 2019", 'the date "November 2019" is not written as this site writes dates;'),
        (True, 'the date "True" is not a date;'),
        ([2019], 'the date "[2019]" is not a date;'),
    ],
)
def test_bad_dates_say_what_is_wrong_and_how_to_write_them(value: object, message: str) -> None:
    date, why = check_date(value)
    assert date is None
    assert why is not None and why.startswith(message)


def test_good_dates_as_far_as_known() -> None:
    assert check_date(2019) == ((2019,), None)
    assert check_date("2019-11") == ((2019, 11), None)
    assert check_date("2024-02-29") == ((2024, 2, 29), None)


def test_reading_never_raises_and_names_the_line() -> None:
    matter = read("---\ntitle: A\ndate: 2020-02-31\n---\n")
    assert matter.problem is None and matter.data == {"title": "A", "date": "2020-02-31"}
    assert matter.lines == {"title": 2, "date": 3}
    broken = read("---\ntitle: A\nsummary: [unclosed\nauthors: [B]\n---\n")
    assert broken.problem is not None and broken.problem.kind is Warn.front_matter
    assert broken.problem.line == 3 and "cannot be read" in broken.problem.message
    assert read("---\n- a\n- b\n---\n").problem is not None
    assert read("no front matter\n").present is False


def test_impossible_dates_are_quoted_for_myst_and_lines_kept() -> None:
    text = "---\ntitle: A\ndate: 2020-02-31  # a comment\nother: 2020-01-01\n---\n# X\n"
    safe = safe_source(text)
    assert safe == ('---\ntitle: A\ndate: "2020-02-31"  # a comment\nother: 2020-01-01\n---\n# X\n')
    assert safe_source("# no front matter\n") == "# no front matter\n"
    colon = "---\ntitle: Place: a guide\nsummary: It's fine\n---\n"
    assert safe_source(colon) == "---\ntitle: 'Place: a guide'\nsummary: It's fine\n---\n"
    hopeless = "---\ntitle: [A\n  - b: c\n---\n"
    assert safe_source(hopeless) == "---\n# title: [A\n#   - b: c\n---\n"


def test_unreadable_front_matter_is_one_warning_and_the_title_kept(tmp_path: Path) -> None:
    src = _site(tmp_path)
    post = src / "blog" / "colon.md"
    post.write_text(
        "---\norphan: true\ntitle: Place: a guide\nauthors: [A]\nsummary: S.\n---\n\nText.\n"
    )
    result = sphinx_build(src, tmp_path / "html", "html", "--keep-going")
    assert _warnings(result.stderr) == [
        f"{post}:3: WARNING: the front matter cannot be read from this line on: check its"
        " colon, quotes, brackets and indentation (a value with a colon in it needs quotes:"
        ' title: "A: B") [evidence.front_matter]'
    ]
    page = BeautifulSoup((tmp_path / "html" / "blog" / "colon.html").read_text(), "html.parser")
    heading = page.find("h1")
    assert heading is not None and heading.get_text().startswith("Place: a guide")


def _site(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    return src


def _warnings(stderr: str) -> list[str]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    return [line for line in plain.splitlines() if "WARNING" in line]


BAD_POST = """---
title: Impossible <i>date</i>
date: 2020-02-31
authors: [Ann Author]
tags: [STP]
sumary: A typo in a key.
---

Body of the post.
"""

GUIDANCE = """---
orphan: true
---

Text without a heading.
"""


def test_each_mistake_gives_one_warning_at_its_line_and_the_page_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _site(tmp_path)
    post = src / "blog" / "bad.md"
    post.write_text("---\norphan: true\n" + BAD_POST.removeprefix("---\n"), encoding="utf-8")
    guidance = src / "guidance" / "untitled.md"
    guidance.parent.mkdir()
    guidance.write_text(GUIDANCE, encoding="utf-8")
    result = sphinx_build(src, tmp_path / "html", "html", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    expected = [
        f'{post}:4: WARNING: the date "2020-02-31" does not exist: February 2020 has no day 31;'
        ' check the day, or give only the month ("2020-02") if the day is not known'
        " [evidence.post_date]",
        f'{post}:7: WARNING: the front matter key "sumary" is not one this site uses, so it does'
        ' nothing. Did you mean "summary"? [evidence.front_matter]',
        f'{post}:8: WARNING: this page needs a "summary" in its front matter; add a line'
        ' "summary: ..." between the --- lines [evidence.front_matter_missing]',
        f'{guidance}:3: WARNING: this page needs a "title" in its front matter (or a # heading);'
        ' add a line "title: ..." between the --- lines [evidence.front_matter_missing]',
    ]
    ours = [w for w in _warnings(result.stderr) if "[evidence." in w]
    assert ours == expected
    page = BeautifulSoup((tmp_path / "html" / "blog" / "bad.html").read_text(), "html.parser")
    heading = page.find("h1")
    assert heading is not None and heading.get_text().startswith("Impossible <i>date</i>")
    assert page.select_one("article i") is None
    # the check without a build says the same, at the same lines
    assert main(["--docs", str(src)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == [line.replace(": WARNING:", ":") for line in expected]


def test_the_hub_front_matter_passes_the_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).parent.parent)  # as nox -s check runs it: a relative path
    assert main(["--docs", "docs"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_unknown_keys_are_not_checked_on_other_sites(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_evidence"]\n')
    (src / "index.md").write_text("---\nwhatever: 1\ndate: 2020-02-31\n---\n# Home\n")
    result = sphinx_build(src, tmp_path / "html", "html")
    assert result.returncode == 0, result.stderr
    assert "[evidence." not in result.stderr and "Traceback" not in result.stderr
