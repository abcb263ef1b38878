"""Shared fixtures: Sphinx's testing fixtures, test roots under tests/roots/, the real docs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import sphinx_build

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
REPO = TESTS.parent


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` looks for ``test-<name>`` folders."""
    return TESTS / "roots"


def copy_site(dest: Path) -> Path:
    """Copy the real site (docs/ and references.bib) to ``dest``; return the docs folder."""
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REPO / "references.bib", dest / "references.bib")
    return dest / "docs"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh copy of the real site's docs/ folder (with references.bib beside it)."""
    return copy_site(tmp_path)


@pytest.fixture
def site_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """Make as many fresh copies of the real site as a test needs."""
    return lambda: copy_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def real_site_html(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The real site built once (per test worker) with ``-n`` and no warning of any kind,
    for tests that only read its pages: never write into it."""
    tmp = tmp_path_factory.mktemp("real-site")
    docs = copy_site(tmp)
    result = sphinx_build(docs, tmp / "html", "html", "-n")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert "[evidence." not in result.stderr, result.stderr
    yield tmp / "html"
