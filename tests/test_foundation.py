"""The extension loads, says truthfully what it is safe for, and the real site builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

import sphinx_evidence
from tests.helpers import page_bodies, sphinx_build


@pytest.mark.sphinx("html", testroot="basic")
def test_extension_loads_and_declares_parallel_safety(app: SphinxTestApp) -> None:
    ext = app.extensions["sphinx_evidence"]
    assert ext.version == sphinx_evidence.__version__
    assert ext.parallel_read_safe is True
    assert ext.parallel_write_safe is True
    for needed in ("sphinxcontrib.bibtex",):
        assert needed in app.extensions
    app.build()
    assert not app.warning.getvalue()


def test_real_docs_build_html_without_warnings(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    result = sphinx_build(site, out, "html", "-n", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "furo" in index
    assert 'lang="en-GB"' in index


@pytest.mark.parametrize("builder", ["latex", "text", "man", "singlehtml"])
def test_real_docs_build_in_other_builders(site: Path, tmp_path: Path, builder: str) -> None:
    result = sphinx_build(site, tmp_path / builder, builder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception occurred" not in result.stderr


def test_parallel_build_gives_the_same_pages(site_factory, tmp_path: Path) -> None:
    serial, parallel = site_factory(), site_factory()
    first = sphinx_build(serial, tmp_path / "serial", "html", "-E")
    second = sphinx_build(parallel, tmp_path / "parallel", "html", "-E", "-j", "2")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "parallel" not in second.stderr.lower() or "not safe" not in second.stderr.lower()
    assert page_bodies(tmp_path / "serial") == page_bodies(tmp_path / "parallel")
