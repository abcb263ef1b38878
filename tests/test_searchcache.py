"""The search index cache writes the index Sphinx writes, and remembers stems across pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_evidence.searchcache import remember_stems
from tests.bench.corpus import CorpusSpec, generate
from tests.helpers import sphinx_build

CORPUS = CorpusSpec(pages=10, entries=30, terms=8, pages_per_part=4)


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


@pytest.mark.parametrize("args", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_the_index_and_pages_are_the_same_with_the_cache_on_and_off(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    src = generate(CORPUS, tmp_path / "src", "ours")
    built = {}
    for on in (True, False):
        out = tmp_path / f"out-{on}"
        result = sphinx_build(src, out, "html", *args, "-D", f"evidence_search_cache={int(on)}")
        assert result.returncode == 0, result.stderr
        built[on] = _files(out)
    assert built[True].keys() == built[False].keys()
    assert "searchindex.js" in built[True]
    for name, data in built[False].items():
        assert built[True][name] == data, name


def test_stems_are_remembered_for_the_whole_build(tmp_path: Path) -> None:
    src = generate(CORPUS, tmp_path / "src", "ours")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
        stem = app.builder.indexer.lang.stem  # type: ignore[attr-defined]
        info = stem.cache_info()
        # each page's words were stemmed once for the site, not once per page
        assert info.hits > info.misses > 0
        assert stem("partnerships") == "partnership"
    finally:
        app.cleanup()


def test_off_leaves_sphinx_as_it_is(tmp_path: Path) -> None:
    src = generate(CorpusSpec(pages=2, entries=4, terms=2), tmp_path / "src", "ours")
    app = SphinxTestApp(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        confoverrides={"evidence_search_cache": False},
    )
    try:
        app.build()
        assert not hasattr(app.builder.indexer.lang.stem, "cache_info")  # type: ignore[attr-defined]
    finally:
        app.cleanup()


def test_without_an_indexer_nothing_happens() -> None:
    assert remember_stems(None) is False


@pytest.mark.parametrize("keep", [True, False], ids=["kept", "stock"])
def test_an_incremental_build_keeps_the_index_entries_of_pages_it_did_not_write(
    tmp_path: Path, keep: bool
) -> None:
    """Sphinx 9 loses them: the reading lists' entries of every page not written again."""
    src = generate(CORPUS, tmp_path / "src", "ours")
    setting = ("-D", f"evidence_search_keep_entries={int(keep)}")
    out = tmp_path / "out"
    assert sphinx_build(src, out, "html", *setting).returncode == 0
    page = sorted(src.glob("part01/*.md"))[1]
    page.write_text(page.read_text().replace(" evidence ", " neighbourhood evidence ", 1))
    assert sphinx_build(src, out, "html", *setting).returncode == 0
    clean = tmp_path / "clean"
    assert sphinx_build(src, clean, "html", "-E", *setting).returncode == 0
    index, clean_index = (p.joinpath("searchindex.js").read_bytes() for p in (out, clean))
    assert b'"indexentries":{"' in clean_index
    assert (index == clean_index) is keep
