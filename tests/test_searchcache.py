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
