"""Messages for people: each mistake gives one warning, at the file and line of the mistake,
in plain words with a hint (and "did you mean" where a name is mistyped); the examples in
the contributor guide's list of warnings are the messages the build really gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sphinx_evidence.core.docs_tables import warning_rows
from sphinx_evidence.core.text import closest, suggestion
from tests.helpers import sphinx_build

CONF = """\
extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_title_to_header = True
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "evidence"
bibtex_reference_style = "evidence"
exclude_patterns = ["_build"]

from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
evidence_access_help_page = ""
"""

BIB = """\
@report{kingsfund2019hwbics,
  title = {Health and wellbeing boards and integrated care systems},
  author = {{The King's Fund}},
  institution = {{The King's Fund}},
  year = {2019},
  access = {free},
}
"""

INDEX = """\
# Home

First line of the paragraph,
second line {cite:p}`kingsfund2019hwbics`,
third line with {cite:p}`kingsfund2019hwbic` in it.

A badge {access}`fre` and a term {term}`STQ`
and {term}`STP`, cited {cite:t}`kingsfund2019hwbics`.

```{toctree}
glossary
blog/index
refs
```
"""

GLOSSARY = """\
# Glossary

:::{glossary}
STP
  A partnership {cite:p}`kingsfund2019hwbics`.

ICS
  A system {cite:p}`kingsfund2019hwbics`.

STP
  Again {cite:p}`kingsfund2019hwbics`.
:::
"""

POST = """\
---
title: {title}
date: {date}
authors: [Ann Author]
tags: [{tags}]
{extra}---

Text.
"""


def _site(root: Path) -> Path:
    src = root / "src"
    (src / "blog").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "refs.bib").write_text(BIB)
    (src / "index.md").write_text(INDEX)
    (src / "glossary.md").write_text(GLOSSARY)
    (src / "refs.md").write_text("# References\n\n```{bibliography}\n```\n")
    (src / "blog" / "index.md").write_text(
        "# Blog\n\n```{postlist}\n```\n\n```{toctree}\n:hidden:\none\ntwo\nmy-post\n```\n"
    )
    for name, tags in (("one", "STP"), ("two", "STP")):
        (src / "blog" / f"{name}.md").write_text(
            POST.format(title=name, date="2020-01", tags=tags, extra="summary: Fine.\n")
        )
    (src / "blog" / "my-post.md").write_text(
        POST.format(title="Mine", date="2020-02-31", tags="stp", extra="sumary: A typo.\n")
    )
    return src


@pytest.fixture(scope="module")
def warnings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every warning line of one build of a site with the mistakes above (paths relative)."""
    src = _site(tmp_path_factory.mktemp("messages"))
    result = sphinx_build(src, src.parent / "html", "html", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr).replace(f"{src}/", "")
    return [line for line in plain.splitlines() if "WARNING" in line]


def test_each_mistake_once_at_its_own_line(warnings: list[str]) -> None:
    where = sorted(re.sub(r": WARNING: .*\[", " [", line) for line in warnings)
    assert where == sorted(
        [
            "index.md:5 [evidence.cite_unknown]",  # the third line of its paragraph
            "index.md:7 [evidence.access_unknown]",
            "index.md:7 [evidence.term_unknown]",
            "glossary.md:10 [evidence.term_duplicate]",  # and not Sphinx's too
            "blog/my-post.md:3 [evidence.post_date]",
            "blog/my-post.md:5 [evidence.post_tag]",
            "blog/my-post.md:6 [evidence.front_matter]",
            "blog/my-post.md:7 [evidence.front_matter_missing]",
        ]
    )


def test_the_guides_examples_are_the_real_messages(warnings: list[str]) -> None:
    examples = {value: example for value, _, example in warning_rows()}
    given = {}
    for line in warnings:
        match = re.match(r"^\S*: WARNING: (.*) \[evidence\.(\w+)\]$", line)
        assert match, line
        given[match.group(2)] = match.group(1)
    assert len(given) == 8
    for subtype, message in given.items():
        assert examples[subtype].split("WARNING: ", 1)[1] == message, subtype


def test_no_jargon_in_our_messages(warnings: list[str]) -> None:
    texts = [example for _, _, example in warning_rows()] + warnings
    for word in ("malformed", "ISO date", "cross-reference target", "xref", "docname"):
        assert not [t for t in texts if word.lower() in t.lower()], word


def test_did_you_mean() -> None:
    assert suggestion("kingsfund2019hwbic", ["kingsfund2019hwbics", "nhs2019"]) == (
        ' Did you mean "kingsfund2019hwbics"?'
    )
    assert closest("stp", ["STP", "ICS"]) == "STP"  # case is not a difference
    assert suggestion("zzzz", ["STP", "ICS"]) == ""
    assert suggestion("STP", ["STP"]) == ""  # nothing to suggest for a right name
