"""Property test: generated bib entries, front matter and glossary entries, built by a real
Sphinx build with the hub's settings, give warnings (or nothing) and never a traceback."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sphinx.application import Sphinx

from tests.house import HOUSE_SETTINGS

# printable text, with the characters that matter to BibTeX, YAML, MyST and HTML
TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -_,.:;'\"{}[]<>&#%@\\/|*`~!?é\u2013\t")),
    max_size=24,
)
WORD = st.text(alphabet=st.sampled_from(list("abcSTPics-_ 09")), min_size=1, max_size=12)

DATES = st.one_of(
    st.sampled_from(["2020-02-31", "2019-13", "2019-11", "2019-11-05", "31/01/2020", "2020-1-5"]),
    st.integers(min_value=-5, max_value=30000),
    TEXT,
    st.dates().map(str),
)

VALUE = st.recursive(
    st.one_of(TEXT, st.integers(), st.booleans(), st.none(), DATES),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(WORD, inner, max_size=2)),
    max_leaves=4,
)

KEYS = st.one_of(
    st.sampled_from(["title", "date", "authors", "tags", "summary", "original", "sumary"]),
    WORD,
)

FRONT_MATTER = st.one_of(
    st.dictionaries(KEYS, VALUE, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False)
    ),
    st.lists(TEXT, max_size=4).map(lambda lines: "\n".join(lines) + "\n"),  # often not YAML
    st.builds(
        lambda date, tags: f"title: T\ndate: {date}\nauthors: [A]\ntags: [{tags}]\n",
        DATES,
        st.lists(WORD, max_size=3).map(", ".join),
    ),
)

FIELDS = st.sampled_from(
    ["title", "author", "year", "date", "month", "url", "doi", "access", "institution",
     "journaltitle", "crossref", "entryset", "file", "annotation", "keywords"]
)  # fmt: skip

BIB_ENTRY = st.builds(
    lambda kind, key, fields: (
        "@"
        + kind
        + "{"
        + key
        + ",\n"
        + "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
        + "}\n"
    ),
    st.sampled_from(["article", "report", "online", "book", "misc", "set", "gadget", "inbook"]),
    st.text(alphabet=st.sampled_from(list("abc019_:-")), min_size=1, max_size=10),
    st.dictionaries(FIELDS, st.one_of(TEXT, DATES.map(str)), max_size=6),
)

GLOSSARY_ENTRY = st.builds(
    lambda names, definition, field: (
        "\n".join(names) + "\n  " + (definition or "x") + ("\n\n  " + field if field else "") + "\n"
    ),
    st.lists(WORD.map(str.strip).filter(bool), min_size=1, max_size=2),
    TEXT.map(lambda t: t.replace("\n", " ")),
    st.sampled_from(["", ":autolink: no", ":autolink: a; b", ":autolink:", ":other: x"]),
)


def _build(src: Path, out: Path) -> str:
    """Build ``src`` in this process; an exception fails the test with its traceback."""
    warnings = io.StringIO()
    app = Sphinx(
        str(src), str(src), str(out), str(out / ".doctrees"), "html",
        status=None, warning=warnings, freshenv=True, keep_going=True,
    )  # fmt: skip
    app.build()
    return warnings.getvalue()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a build per try is slow
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    bib=st.lists(BIB_ENTRY, min_size=1, max_size=3),
    front=FRONT_MATTER,
    terms=st.lists(GLOSSARY_ENTRY, min_size=1, max_size=3),
    cited=WORD,
)
@example(  # found by this test: a citation of "0 0" crashed sphinxcontrib-bibtex
    bib=["@article{0,\n}\n"], front="{}\n", terms=["0\n  x\n"], cited="0 0"
)
@example(bib=["@misc{k,\n}\n"], front="title: T\ndate: 2020-02-31\n", terms=["A\n  x\n"], cited="k")
def test_generated_content_never_crashes_the_build(
    bib: list[str], front: str, terms: list[str], cited: str
) -> None:
    root = Path(tempfile.mkdtemp(prefix="evidence-property-"))
    try:
        src = root / "src"
        (src / "blog").mkdir(parents=True)
        settings_py = "".join(f"{k} = {v!r}\n" for k, v in HOUSE_SETTINGS.items())
        (src / "conf.py").write_text(
            'extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]\n'
            'myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]\n'
            "myst_title_to_header = True\n"
            'bibtex_bibfiles = ["refs.bib"]\nbibtex_default_style = "evidence"\n'
            'bibtex_reference_style = "evidence"\nevidence_access_help_page = ""\n' + settings_py,
            encoding="utf-8",
        )
        (src / "refs.bib").write_text("\n".join(bib), encoding="utf-8")
        (src / "index.md").write_text(
            f"# Home\n\nCited {{cite:p}}`{cited.strip() or 'x'}` and {{term}}`{cited}`.\n\n"
            "```{toctree}\nglossary\nblog/index\nrefs\n```\n",
            encoding="utf-8",
        )
        (src / "glossary.md").write_text(
            "# Glossary\n\n:::{glossary}\n" + "\n".join(terms) + ":::\n", encoding="utf-8"
        )
        (src / "refs.md").write_text("# References\n\n```{bibliography}\n```\n")
        (src / "blog" / "index.md").write_text(
            "# Blog\n\n```{postlist}\n```\n\n```{taglist}\n```\n\n"
            "```{toctree}\n:hidden:\npost\n```\n"
        )
        (src / "blog" / "post.md").write_text(f"---\n{front}---\n\nText.\n", encoding="utf-8")
        warnings = _build(src, root / "html")
        assert "Traceback" not in warnings
        assert (root / "html" / "blog" / "post.html").is_file()
    finally:
        shutil.rmtree(root, ignore_errors=True)
