"""The real site reads exactly as it did before the package was reorganised."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import sphinx_build
from tests.site_snapshot import SNAPSHOT, page_texts


def test_real_site_pages_read_as_the_stored_snapshot(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    result = sphinx_build(site, out, "html")
    assert result.returncode == 0, result.stderr
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    got = page_texts(out)
    assert sorted(got) == sorted(expected)
    for page, text in expected.items():
        assert got[page] == text, page
