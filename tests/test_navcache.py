"""The navigation cache writes exactly the pages furo writes, and does its work once.

Each site is built with ``evidence_navigation_cache`` on and off, and every HTML file is
compared byte for byte (the sidebar and everything else): the real site, a benchmark
corpus (``html``, ``dirhtml``, ``singlehtml``, ``-j 2``) and a small site with every kind
of toctree entry. Other tests check that the cache is really used with furo (the global
tree is resolved once, not once per page) and does nothing with another theme.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_evidence.navcache import template as navtemplate
from tests.bench.corpus import CorpusSpec, generate
from tests.helpers import sphinx_build

CORPUS = CorpusSpec(pages=14, entries=40, terms=10, pages_per_part=5)

TOCTREES = {
    "conf.py": (
        'project = "Toctrees"\nextensions = ["myst_parser", "sphinx_evidence"]\n'
        'html_theme = "furo"\nhtml_theme_options = {"sidebar_hide_name": True, '
        '"navigation_with_keys": True}\n'
    ),
    "index.md": (
        "# Home\n\n```{toctree}\n:caption: Guides & notes\n:maxdepth: 1\n\nguides/index\n"
        "self\nExternal <https://example.org/a?b=1&c=2>\n```\n\n"
        "```{toctree}\n:hidden:\n:titlesonly:\n\nhidden\ngenindex\n```\n\n"
        "```{toctree}\n:glob:\n\nmore/*\n```\n"
    ),
    "guides/index.md": (
        "# Guides\n\n## A section\n\n```{toctree}\n:maxdepth: 3\n\none\ntwo\ndeep/index\n```\n"
    ),
    "guides/one.md": '# One <&> "quoted"\n\n## Part one\n\n### Deeper\n\ntext\n',
    "guides/two.md": "# Two\n\n```{toctree}\nGuide one again <one>\n```\n",
    "guides/deep/index.md": "# Deep\n\n```{toctree}\nleaf\n```\n",
    "guides/deep/leaf.md": "# Leaf\n\ntext\n",
    "hidden.md": "# Hidden page\n\ntext\n",
    "more/a.md": "# More A\n\n## Section\n\ntext\n",
    "more/b.md": "# More B\n\ntext\n",
    "orphan.md": "---\norphan: true\n---\n# Orphan\n\ntext\n",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _pages(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*.html"))
    }


def _sidebar(html: str) -> str:
    tree = BeautifulSoup(html, "html.parser").find("div", class_="sidebar-tree")
    return tree.decode() if tree else ""


def _on_and_off(src: Path, out: Path, builder: str = "html", *args: str) -> dict[str, str]:
    """Build ``src`` with the cache on and off; assert every page is the same; return them."""
    built = {}
    for state in ("1", "0"):
        dest = out / f"{builder}-{state}"
        result = sphinx_build(
            src, dest, builder, "-q", "-d", str(dest / ".doctrees"),
            "-D", f"evidence_navigation_cache={state}", *args,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        built[state] = _pages(dest)
    on, off = built["1"], built["0"]
    assert sorted(on) == sorted(off)
    differ = [name for name in on if on[name] != off[name]]
    assert not differ, f"pages differ with the cache on: {differ[:5]}"
    return on


def test_real_site_pages_are_identical(site: Path, tmp_path: Path) -> None:
    pages = _on_and_off(site, tmp_path)
    sidebars = {name: _sidebar(html) for name, html in pages.items()}
    assert sum(1 for tree in sidebars.values() if 'class="current' in tree) >= 10
    assert len(set(sidebars.values())) > 10  # each page marks its own place


@pytest.mark.parametrize(
    ("builder", "args"),
    [("html", ()), ("dirhtml", ()), ("singlehtml", ()), ("html", ("-j", "2"))],
)
def test_bench_corpus_pages_are_identical(
    tmp_path: Path, builder: str, args: tuple[str, ...]
) -> None:
    src = generate(CORPUS, tmp_path / "src", "ours")
    pages = _on_and_off(src, tmp_path, builder, *args)
    if builder != "singlehtml":
        assert len(pages) >= CORPUS.pages
        page = next(html for name, html in pages.items() if "page0007" in name)
        tree = _sidebar(page)
        assert tree.count("current-page") == 1
        assert tree.count('checked=""') == 1  # its part's checkbox (a page has no children)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_every_kind_of_toctree_entry(tmp_path: Path, builder: str) -> None:
    src = _write(tmp_path / "src", TOCTREES)
    pages = _on_and_off(src, tmp_path, builder)
    leaf = next(html for name, html in pages.items() if "leaf" in name)
    assert "current-page" in _sidebar(leaf)
    assert "example.org/a?b=1&amp;c=2" in _sidebar(leaf)


def _count_resolutions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Docnames the global tree is resolved for, by the cache and by Sphinx's builder."""
    from sphinx.builders import html as html_builder

    calls: list[str] = []

    def counting(wrapped: Callable[..., object]) -> Callable[..., object]:
        def resolve(env: object, docname: str, *args: object, **kwargs: object) -> object:
            calls.append(docname)
            return wrapped(env, docname, *args, **kwargs)

        return resolve

    monkeypatch.setattr(
        navtemplate, "global_toctree_for_doc", counting(navtemplate.global_toctree_for_doc)
    )
    monkeypatch.setattr(
        html_builder, "global_toctree_for_doc", counting(html_builder.global_toctree_for_doc)
    )
    return calls


@pytest.mark.parametrize(("cache", "theme"), [(True, "furo"), (False, "furo"), (True, "alabaster")])
def test_the_tree_is_resolved_once_with_furo_only(
    tmp_path: Path, make_app: Callable[..., object], monkeypatch: pytest.MonkeyPatch,
    cache: bool, theme: str,
) -> None:  # fmt: skip
    src = generate(CORPUS, tmp_path / "src", "ours")
    calls = _count_resolutions(monkeypatch)
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={"evidence_navigation_cache": cache, "html_theme": theme},
    )
    app.build()  # type: ignore[attr-defined]
    written = len(list(Path(app.outdir).rglob("*.html")))  # type: ignore[attr-defined]
    if cache and theme == "furo":
        assert calls == [navtemplate.NEUTRAL]
    elif theme == "furo":
        assert len(calls) >= written - 2  # once per page (not genindex and search)
        assert navtemplate.NEUTRAL not in calls
    else:
        assert navtemplate.NEUTRAL not in calls


def test_an_incremental_build_uses_the_new_tree(tmp_path: Path) -> None:
    """A page leaves the toctree: the next build's sidebars are what they are without the
    cache (whatever Sphinx rewrites, the cache does not keep the old tree)."""
    built = {}
    for state in ("1", "0"):
        src = generate(CORPUS, tmp_path / f"src{state}", "ours")
        out = tmp_path / f"out{state}"
        args = (
            "-q",
            "-d",
            str(tmp_path / f"doctrees{state}"),
            "-D",
            f"evidence_navigation_cache={state}",
        )
        assert sphinx_build(src, out, "html", *args).returncode == 0
        index = src / "part01" / "index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("page0002\n", ""), "utf-8")
        (src / "part01" / "page0002.md").unlink()
        assert sphinx_build(src, out, "html", *args).returncode == 0
        built[state] = _pages(out)
    assert built["1"] == built["0"]
    assert "page0002" not in _sidebar(built["1"]["part01/index.html"])


def test_parallel_builds_write_the_serial_pages(tmp_path: Path) -> None:
    """The cache declares itself parallel-safe: ``-j 2`` (write workers forked after the
    first page, inheriting the template) writes what ``-j 1`` writes."""
    src = generate(CORPUS, tmp_path / "src", "ours")
    built = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        result = sphinx_build(src, out, "html", "-q", "-j", jobs, "-d", str(out / ".doctrees"))
        assert result.returncode == 0, result.stderr
        built[jobs] = _pages(out)
    assert built["1"] == built["2"]
