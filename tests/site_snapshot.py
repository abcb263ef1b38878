"""A normalised text snapshot of every page body of the real site.

Stored in ``tests/data/site_snapshot.json``.

The test in ``test_site_snapshot.py`` compares a fresh build against it, so a refactoring
that changes what a reader sees fails. Regenerate (only when a change of text is meant) with
``python -m tests.site_snapshot build/html``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

SNAPSHOT = Path(__file__).parent / "data" / "site_snapshot.json"


def page_texts(html_dir: Path) -> dict[str, str]:
    """Each page's main article as text, whitespace collapsed, keyed by its relative path."""
    texts = {}
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/")) or rel in {"genindex.html", "search.html"}:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup.body
        # the tables of settings and warnings are generated from the code (and change with it)
        for generated in soup.select("table.evidence-docs-table"):
            generated.decompose()
        text = article.get_text(" ") if article else ""
        texts[rel] = re.sub(r"\s+", " ", text).strip()
    return texts


if __name__ == "__main__":
    data = page_texts(Path(sys.argv[1]))
    SNAPSHOT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(data)} pages written to {SNAPSHOT}")
