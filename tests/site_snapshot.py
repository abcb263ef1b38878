"""A normalised text snapshot of every page body of the real site.

Stored in ``tests/data/site_snapshot.json``.

The test in ``test_site_snapshot.py`` compares a fresh build against it, so a refactoring
that changes what a reader sees fails. Regenerate (only when a change of text is meant) with
``python tests/site_snapshot.py build/html``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python tests/site_snapshot.py build/html
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import html_pages

SNAPSHOT = Path(__file__).parent / "data" / "site_snapshot.json"


def page_texts(html_dir: Path) -> dict[str, str]:
    """Each page's main article as text, whitespace collapsed, keyed by its relative path."""
    texts = {}
    for rel, soup in html_pages(html_dir):
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
