"""The drop-in contract, proved on projects nobody here wrote.

Each root under ``tests/roots/foreign-*`` is a copy of an upstream test root or of upstream
documentation snippets (``SOURCE.md`` in each says where from, and its licence). Each is
built once with the stock extensions it was written for and once with ours merely added to
``extensions``: the page bodies, the warnings (with their types) and the assets every page
links must be the same. Then each feature's opt-in is shown to turn it on.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import sphinx_evidence
from tests.helpers import sphinx_build

ROOTS = Path(__file__).parent / "roots"

#: root -> the conf.py it is built with (our extension goes at the end of ``extensions``)
SITES: dict[str, dict[str, object]] = {
    "foreign-sphinx-glossary": {"extensions": []},
    "foreign-bibtex-roles": {
        "extensions": ["sphinxcontrib.bibtex"],
        "bibtex_bibfiles": ["refs.bib"],
        "bibtex_reference_style": "author_year",
    },
    "foreign-bibtex-not-found": {
        "extensions": ["sphinxcontrib.bibtex"],
        "bibtex_bibfiles": ["refs.bib"],
    },
    "foreign-bibtex-missing-field": {
        "extensions": ["sphinxcontrib.bibtex"],
        "bibtex_bibfiles": ["test.bib"],
    },
    "foreign-design": {
        "extensions": ["myst_parser", "sphinx_design"],
        "html_theme": "furo",
        "myst_enable_extensions": ["colon_fence"],
    },
}

#: what a site adds to ``extensions``: the whole package, or one feature
OURS = ["sphinx_evidence", *sphinx_evidence.FEATURES]


def _conf(settings: Mapping[str, object], extra: list[str], overrides: Mapping[str, object]) -> str:
    values = dict(settings)
    values["extensions"] = [*settings["extensions"], *extra]  # type: ignore[misc]
    values.setdefault("exclude_patterns", ["_build", "SOURCE.md"])
    values.update(overrides)
    return "".join(f"{name} = {value!r}\n" for name, value in values.items())


def build(
    root: str,
    tmp: Path,
    extra: list[str],
    overrides: Mapping[str, object] | None = None,
    pages: dict[str, str] | None = None,
) -> tuple[Path, str]:
    """Build ``root`` (with ``extra`` extensions and ``overrides`` in conf.py, and ``pages``
    added); return the HTML folder and the warnings, paths made relative."""
    src = tmp / "src"
    shutil.copytree(ROOTS / root, src)
    (src / "conf.py").write_text(_conf(SITES[root], extra, overrides or {}), encoding="utf-8")
    for name, text in (pages or {}).items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp / "html"
    result = sphinx_build(src, out, "html", "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out, result.stderr.replace(str(src), "<src>")


def bodies(out: Path) -> dict[str, str]:
    """Each page's ``<body>``: what a reader sees, sidebar and footer included."""
    found = {}
    for page in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.body is not None
        found[page.relative_to(out).as_posix()] = soup.body.decode()
    return found


def assets(out: Path) -> dict[str, list[str]]:
    """The stylesheets and scripts each page links, and the files of ``_static``."""
    found: dict[str, list[str]] = {}
    for page in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = [str(tag.get("href")) for tag in soup.find_all("link", rel="stylesheet")]
        scripts = [str(tag.get("src")) for tag in soup.find_all("script") if tag.get("src")]
        found[page.relative_to(out).as_posix()] = links + scripts
    found["_static/"] = sorted(p.relative_to(out).as_posix() for p in (out / "_static").rglob("*"))
    return found


def warning_lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if "WARNING" in line or "ERROR" in line)


@pytest.fixture(scope="module")
def stock_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each root built once with its stock extensions only (built when first asked for)."""
    return {}


@pytest.mark.parametrize("ours", OURS)
@pytest.mark.parametrize("root", sorted(SITES))
def test_enabling_ours_changes_nothing(
    root: str,
    ours: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    stock_builds: dict[str, tuple[Path, str]],
) -> None:
    if root not in stock_builds:
        stock_builds[root] = build(root, tmp_path_factory.mktemp("stock"), [])
    stock_out, stock_warnings = stock_builds[root]
    our_out, our_warnings = build(root, tmp_path / "ours", [ours])
    assert warning_lines(our_warnings) == warning_lines(stock_warnings)
    assert assets(our_out) == assets(stock_out)
    stock_bodies, our_bodies = bodies(stock_out), bodies(our_out)
    assert sorted(our_bodies) == sorted(stock_bodies)
    for page, body in stock_bodies.items():
        assert our_bodies[page] == body, page


def test_stock_warning_types_stay_stock(tmp_path: Path) -> None:
    _out, warnings = build("foreign-bibtex-not-found", tmp_path, ["sphinx_evidence"])
    assert "[bibtex.key_not_found]" in warnings
    assert "evidence." not in warnings


def test_no_bibliography_configured_is_no_crash(tmp_path: Path) -> None:
    """A site with no ``bibtex_bibfiles`` that adds only ``sphinx_evidence`` builds."""
    out, warnings = build("foreign-sphinx-glossary", tmp_path, ["sphinx_evidence"])
    assert (out / "index.html").is_file()
    assert not warning_lines(warnings)


# -- each opt-in turns its feature on --------------------------------------------------------

USES_TERMS = "Uses\n====\n\nA boson and a myon and an STP.\n"


def test_glossary_opt_in(tmp_path: Path) -> None:
    pages = {
        "uses.rst": USES_TERMS,
        "index.rst": (ROOTS / "foreign-sphinx-glossary" / "index.rst").read_text(encoding="utf-8")
        + "\n.. toctree::\n\n   uses\n",
    }
    off, _ = build(
        "foreign-sphinx-glossary",
        tmp_path / "off",
        ["sphinx_evidence"],
        {"evidence_glossary_autolink": True},
        pages,
    )
    # one ordinary word is never linked unless its entry or the site opts in
    assert "evidence-autolink" not in (off / "uses.html").read_text(encoding="utf-8")
    on, _ = build(
        "foreign-sphinx-glossary",
        tmp_path / "on",
        ["sphinx_evidence"],
        {
            "evidence_glossary_autolink": True,
            "evidence_glossary_single_words": True,
            "evidence_glossary_backlinks": True,
            "evidence_glossary_previews": True,
        },
        pages,
    )
    uses = (on / "uses.html").read_text(encoding="utf-8")
    assert uses.count("evidence-autolink") == 2  # boson, myon
    assert "evidence-glossary.js" in uses and "evidence-glossary.css" in uses
    assert "evidence-term-backlinks" in (on / "index.html").read_text(encoding="utf-8")


def test_glossary_a_to_z_opt_in(tmp_path: Path) -> None:
    """``evidence_glossary_az`` puts a styled A-Z list above the glossary, and only then."""
    off, _ = build("foreign-sphinx-glossary", tmp_path / "off", ["sphinx_evidence"])
    assert "evidence-glossary-az" not in (off / "index.html").read_text(encoding="utf-8")
    on, _ = build(
        "foreign-sphinx-glossary",
        tmp_path / "on",
        ["sphinx_evidence"],
        {"evidence_glossary_az": True},
    )
    soup = BeautifulSoup((on / "index.html").read_text(encoding="utf-8"), "html.parser")
    letters = soup.select(".evidence-glossary-az a")
    assert letters and all(str(a["href"]).startswith("#") for a in letters)
    assert soup.find("link", href=re.compile("evidence-glossary.css"))  # its style comes along


def test_citations_opt_in(tmp_path: Path) -> None:
    out, _ = build(
        "foreign-bibtex-roles",
        tmp_path,
        ["sphinx_evidence"],
        {"evidence_citations_exports": True, "evidence_citations_tooltips": True},
    )
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "evidence-cite-wrap" in page  # tooltips
    assert "evidence-exports" in page or ".ris" in page  # downloads under the bibliography


def test_citation_house_rules_opt_in(tmp_path: Path) -> None:
    _out, warnings = build(
        "foreign-bibtex-not-found",
        tmp_path,
        ["sphinx_evidence"],
        {"bibtex_default_style": "evidence", "evidence_citations_house_rules": True},
    )
    assert re.search(
        r"index\.rst:1: WARNING: no entry of the bibliography has the key .*"
        r"\[evidence\.cite_unknown\]",
        warnings,
    )
    assert "bibtex.key_not_found" not in warnings


def test_access_opt_in(tmp_path: Path) -> None:
    pages = {"access.rst": "Access\n======\n\nFree to read :access:`free`.\n"}
    out, _ = build("foreign-sphinx-glossary", tmp_path, ["sphinx_evidence"], {}, pages)
    page = (out / "access.html").read_text(encoding="utf-8")
    assert "evidence-badge" in page and "evidence-access.css" in page
    assert "evidence-access.css" not in (out / "index.html").read_text(encoding="utf-8")


def test_blog_opt_in(tmp_path: Path) -> None:
    post = "---\ntitle: A post\ndate: 2024-05-01\nauthors: [A. Person]\n---\n\nText.\n"
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "foreign-design", src)
    (src / "posts").mkdir()
    (src / "posts" / "post.md").write_text(post, encoding="utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nposts/post\n```\n", encoding="utf-8")
    settings = {**SITES["foreign-design"], "evidence_blog_path": "posts"}
    (src / "conf.py").write_text(_conf(settings, ["sphinx_evidence"], {}), encoding="utf-8")
    result = sphinx_build(src, tmp_path / "html", "html", "-q")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "html" / "posts" / "post.html").read_text(encoding="utf-8")
    assert "evidence-post-header" in page and "blog.css" in page
    home = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "blog.css" not in home


def test_pdf_link_opt_in(tmp_path: Path) -> None:
    off, _ = build("foreign-sphinx-glossary", tmp_path / "off", ["sphinx_evidence"])
    assert "evidence-pdf-download" not in (off / "index.html").read_text(encoding="utf-8")
    on, _ = build(
        "foreign-sphinx-glossary",
        tmp_path / "on",
        ["sphinx_evidence"],
        {"evidence_pdf_html_links": True},
    )
    assert "evidence-pdf-download" in (on / "index.html").read_text(encoding="utf-8")


def test_a11y_opt_in(tmp_path: Path) -> None:
    out, _ = build("foreign-design", tmp_path, ["sphinx_evidence"], {"evidence_a11y_fixes": True})
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'aria-level="2"' in page and "evidence-a11y.css" in page
    assert 'tabindex="0"' in (out / "tabs.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "extensions", [["othercite", "sphinx_evidence"], ["sphinx_evidence", "othercite"]]
)
def test_beside_another_cite_domain_the_citations_stand_aside(
    tmp_path: Path, extensions: list[str]
) -> None:
    """An extension that registers its own ``cite`` domain, listed before or after ours:
    no crash, a warning that names it, and the other features still work."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "foreign-sphinx-glossary", src)
    (src / "othercite.py").write_text(
        "from sphinx.domains import Domain\n\n\n"
        "class CiteDomain(Domain):\n    name = 'cite'\n    label = 'Other citations'\n\n\n"
        "def setup(app):\n    app.add_domain(CiteDomain)\n"
        "    return {'parallel_read_safe': True}\n",
        encoding="utf-8",
    )
    (src / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        f"extensions = {extensions!r}\n"
        "exclude_patterns = ['_build', 'SOURCE.md']\n",
        encoding="utf-8",
    )
    result = sphinx_build(src, tmp_path / "html", "html", "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "a 'cite' domain is already registered (othercite.CiteDomain)" in result.stderr
    assert "[evidence.config]" in result.stderr


def test_bibtex_overrides_on_the_command_line_work_when_we_set_up_bibtex(tmp_path: Path) -> None:
    """A site that lists only ``sphinx_evidence`` (which sets up sphinxcontrib-bibtex at
    ``config-inited``): ``-D bibtex_...`` is applied and not called unknown; a name
    sphinxcontrib-bibtex does not have still is."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['sphinx_evidence']\nbibtex_bibfiles = ['refs.bib']\n", encoding="utf-8"
    )
    (src / "refs.bib").write_text("@misc{a, title={T}, author={A B}, year={2020}}\n", "utf-8")
    (src / "index.rst").write_text("T\n=\n\n:cite:p:`a`\n\n.. bibliography::\n", "utf-8")
    result = sphinx_build(
        src, tmp_path / "html", "html", "-D", "bibtex_default_style=plain",
        "-D", "bibtex_nonsense=1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "'bibtex_default_style'" not in result.stderr
    assert "unknown config value 'bibtex_nonsense' in override" in result.stderr
    soup = BeautifulSoup((tmp_path / "html" / "index.html").read_text("utf-8"), "html.parser")
    assert [label.get_text() for label in soup.select(".label")][:1] == ["[1]"]  # plain
