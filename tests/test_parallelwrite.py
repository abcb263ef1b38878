"""The parallel write (``evidence_parallel_resolve``): with ``-j 2`` the pages are resolved
in the write workers, and the output is byte for byte that of ``-j 1``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_evidence.parallelwrite.write import ChunkResult, _merge
from tests.bench.corpus import CorpusSpec, generate
from tests.helpers import sphinx_build

DOCS = Path(__file__).parent.parent / "docs"
CORPUS = CorpusSpec(pages=24, entries=60, terms=12, pages_per_part=8)

CONF = """
import os
from pathlib import Path

extensions = ["sphinx_evidence.parallelwrite", "sphinx_evidence.searchcache"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
evidence_parallel_resolve = {on}
LOG = Path(__file__).parent.parent / "resolved.log"


def _resolved(app, doctree, docname):
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"{{docname}} {{os.getpid()}}\\n")


def _started(app):
    (LOG.parent / "main.pid").write_text(str(os.getpid()))


def setup(app):
    app.connect("builder-inited", _started)
    app.connect("doctree-resolved", _resolved)
"""

PAGE = """Page {n}
=======

.. index:: single: partnership {n}; place-based care

Words about integrated care boards and partnership number {n}.

.. image:: pic.png
   :alt: a picture

See :ref:`the start <start>` and :doc:`page{other}`.
"""


def _site(tmp: Path, on: bool, pages: int = 24) -> Path:
    src = tmp / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(CONF.format(on=on), encoding="utf-8")
    shutil.copyfile(DOCS / "_static" / "hub-card.png", src / "pic.png")
    names = [f"page{n}" for n in range(pages)]
    toc = "\n".join(f"   {name}" for name in names)
    (src / "index.rst").write_text(
        f".. _start:\n\nStart\n=====\n\n.. toctree::\n\n{toc}\n", encoding="utf-8"
    )
    for n, name in enumerate(names):
        text = PAGE.format(n=n, other=(n + 1) % pages)
        (src / f"{name}.rst").write_text(text, encoding="utf-8")
    return src


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.name != ".buildinfo"
    }


def _same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert a.keys() == b.keys()
    for name, data in a.items():
        assert b[name] == data, name


def _serial_and_parallel(src: Path, tmp: Path, builder: str) -> dict[str, dict[str, bytes]]:
    """Every output file of a ``-j 1`` and a ``-j 2`` build of ``src``, by ``-j``."""
    built = {}
    for jobs in ("1", "2"):
        out = tmp / f"out-{jobs}"
        result = sphinx_build(src, out, builder, "-j", jobs)
        assert result.returncode == 0, result.stderr
        built[jobs] = _files(out)
    return built


def _resolved_in(tmp: Path) -> tuple[int, dict[str, int]]:
    main = int((tmp / "main.pid").read_text())
    pids = {}
    for line in (tmp / "resolved.log").read_text().splitlines():
        docname, pid = line.split()
        pids[docname] = int(pid)
    return main, pids


def test_pages_are_resolved_in_the_workers(tmp_path: Path) -> None:
    src = _site(tmp_path, on=True)
    result = sphinx_build(src, tmp_path / "out", "html", "-j", "2")
    assert result.returncode == 0, result.stderr
    main, pids = _resolved_in(tmp_path)
    assert len(pids) == 25
    workers = {pid for pid in pids.values() if pid != main}
    # the first page warms up the main process; every other page is resolved in a worker,
    # and both workers take a share
    assert [d for d, pid in pids.items() if pid == main] == ["index"]
    assert len(workers) >= 2


def test_off_the_main_process_resolves_every_page(tmp_path: Path) -> None:
    src = _site(tmp_path, on=False)
    result = sphinx_build(src, tmp_path / "out", "html", "-j", "2")
    assert result.returncode == 0, result.stderr
    main, pids = _resolved_in(tmp_path)
    assert set(pids.values()) == {main}


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_the_output_is_that_of_a_serial_build(tmp_path: Path, builder: str) -> None:
    """Pages, search index (words, titles, index entries) and images."""
    src = _site(tmp_path, on=True)
    built = _serial_and_parallel(src, tmp_path, builder)
    assert "_images/pic.png" in built["2"]
    assert b"partnership 7" in built["2"]["searchindex.js"]
    _same(built["1"], built["2"])


def test_a_corpus_of_ours_is_the_same_as_a_serial_build(tmp_path: Path) -> None:
    """Reading lists, citations, glossary links, badges and the downloads of each list."""
    src = generate(CORPUS, tmp_path / "src", "ours")
    built = _serial_and_parallel(src, tmp_path, "html")
    assert any(name.startswith("_downloads/") for name in built["2"])
    _same(built["1"], built["2"])


def _urls(sitemap: bytes) -> list[bytes]:
    return sorted(re.findall(rb"<url>.*?</url>", sitemap))


def test_the_real_site_is_the_same_as_a_serial_build(tmp_path: Path) -> None:
    """sphinx-sitemap lists the pages in the order they were written: with -j, in the
    order the workers finish (so with stock Sphinx too); the same pages, then."""
    src = tmp_path / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    shutil.copyfile(DOCS.parent / "references.bib", tmp_path / "references.bib")
    built = _serial_and_parallel(src, tmp_path, "html")
    sitemaps = [_urls(built[jobs].pop("sitemap.xml")) for jobs in ("1", "2")]
    assert sitemaps[0] == sitemaps[1]
    assert len(sitemaps[0]) > 10
    _same(built["1"], built["2"])


def test_an_edit_rebuilt_in_parallel_equals_a_clean_build(tmp_path: Path) -> None:
    src = _site(tmp_path, on=True)
    out = tmp_path / "out"
    assert sphinx_build(src, out, "html", "-j", "2").returncode == 0
    page = src / "page3.rst"
    page.write_text(page.read_text().replace("integrated care boards", "neighbourhood teams"))
    assert sphinx_build(src, out, "html", "-j", "2").returncode == 0
    clean = tmp_path / "clean"
    assert sphinx_build(src, clean, "html", "-j", "1", "-E").returncode == 0
    _same(_files(clean), _files(out))
    assert b"neighbourhood" in (out / "searchindex.js").read_bytes()


def test_a_warning_in_a_worker_reaches_the_build(tmp_path: Path) -> None:
    src = _site(tmp_path, on=True)
    (src / "page5.rst").write_text("Page 5\n======\n\nSee :ref:`nowhere-at-all`.\n")
    result = sphinx_build(src, tmp_path / "out", "html", "-j", "2", "-W", "--keep-going")
    assert result.returncode != 0
    assert "page5.rst:4: WARNING: undefined label: 'nowhere-at-all'" in result.stderr
    assert "Traceback" not in result.stderr
    main, pids = _resolved_in(tmp_path)
    assert pids["page5"] != main


def test_other_builders_keep_their_own_write(tmp_path: Path) -> None:
    src = _site(tmp_path, on=True, pages=2)
    for builder in ("singlehtml", "text"):
        app = SphinxTestApp(builder, srcdir=src, builddir=tmp_path / builder)
        try:
            assert "_write_parallel" not in vars(app.builder)
        finally:
            app.cleanup()
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "html")
    try:
        assert "_write_parallel" in vars(app.builder)
    finally:
        app.cleanup()


def test_merging_adds_to_what_the_index_holds() -> None:
    class Indexer:
        _titles: dict[str, str] = {"a": "A"}
        _filenames: dict[str, str] = {}
        _all_titles: dict[str, list[str]] = {}
        _index_entries: dict[str, list[str]] = {}
        _mapping = {"care": {"a"}}
        _title_mapping: dict[str, set[str]] = {}

    class Builder:
        images: dict[str, str] = {}
        indexer = Indexer()

    result = ChunkResult(
        images={"pic.png": "pic.png"},
        pages={"_titles": {"b": "B"}},
        words={"_mapping": {"care": {"b"}, "board": {"b"}}},
    )
    _merge(Builder(), result)
    assert Indexer._titles == {"a": "A", "b": "B"}
    assert Indexer._mapping == {"care": {"a", "b"}, "board": {"b"}}
    assert Builder.images == {"pic.png": "pic.png"}
