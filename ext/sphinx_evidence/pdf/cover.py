"""What a PDF's cover says about its page: a summary and the page's own details.

Everything comes from the page itself, never from the build: its front matter's
``summary`` (else its first paragraph), and the fields of its front matter or of its first
field list (``:Date: December 2019``, ``:Produced by: ...``) whose names are in
:attr:`~sphinx_evidence.pdf.config.PdfConfig.cover_fields`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from docutils import nodes

SUMMARY_WORDS = 80
"""A first paragraph longer than this is cut to its whole sentences within the limit."""


def _plain(node: nodes.Node) -> str:
    return " ".join(node.astext().split())


def _shorten(text: str, limit: int = SUMMARY_WORDS) -> str:
    if len(text.split()) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len((kept + " " + sentence).split()) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or " ".join(text.split()[:limit]) + " …"


def cover_details(
    doctree: nodes.document, meta: Mapping[str, Any], wanted: Sequence[str]
) -> tuple[str, list[tuple[str, str]]]:
    """(summary, [(label, value)]) of a page for its cover."""
    names = {name.casefold(): name for name in wanted}
    fields: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in meta.items():
        label = names.get(str(key).casefold())
        if label and isinstance(value, str | int) and str(value).strip():
            fields.append((label, " ".join(str(value).split())))
            seen.add(label.casefold())
    summary = " ".join(str(meta.get("summary", "")).split())
    top = next(iter(doctree.findall(nodes.section)), None)
    read_fields = False
    for child in top.children if top is not None else []:
        if isinstance(child, nodes.section):
            break
        if isinstance(child, nodes.field_list) and not read_fields:
            read_fields = True
            for field in child.findall(nodes.field):
                name = _plain(field[0])
                if name.casefold() in names and name.casefold() not in seen:
                    value = _plain(field[1])
                    if value:
                        fields.append((name, value))
                        seen.add(name.casefold())
        elif isinstance(child, nodes.paragraph) and not summary:
            summary = _plain(child)
    return _shorten(summary), fields
