"""The whole-site PDF rendered part by part (:mod:`.parts`) and merged (:mod:`.merge`).

1. Each part of ``<main>`` is rendered on its own, without page numbers in its footer; what
   the book needs of its pages (anchors, bookmarks, named page) is kept, its boxes freed.
2. The front part (cover, contents) is rendered with each contents entry's page number
   written in (its target's page is known now); again if that changed its own length.
3. A sheet of as many empty pages as the book has, each with the page's footer ("Page 3 of
   720"; none on the cover), is rendered and drawn over the merged pages.

The pages are laid out as in one document: each part starts on a new sheet, where the
whole book breaks the page anyway. The result is compared with a single render in the
tests (the text of every page, links, outline, tags).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pikepdf

from sphinx_evidence.pdf import parts as split
from sphinx_evidence.pdf.merge import merge
from sphinx_evidence.pdf.render import (
    PageInfo,
    PdfWriteError,
    Rendered,
    RenderResult,
    render_pdf,
)

PART_CSS = "@page { @bottom-center { content: none; } }"
"""The footers (page numbers) of the parts: the sheet draws them."""
FRONT_CSS = f'.print-toc a::after {{ content: leader(".") attr({split.PAGE_ATTRIBUTE}); }}'
"""The contents' page numbers, written in (``target-counter`` cannot see other parts)."""
SHEET_CSS = """
@page { @top-left { content: none; } @top-right { content: none; } }
.evidence-sheet { break-after: page; }
.evidence-sheet:last-child { break-after: auto; }
"""
FRONT_RENDERS = 4
"""Renders of the front part at most: its contents' numbers depend on its own length."""


@dataclass
class BookResult(RenderResult):
    """A book written in parts: how many."""

    parts: int = 0


def _sheet(pages: list[PageInfo], lang: str) -> str:
    """An empty page for each of ``pages``, of the same named page type (the cover has no
    footer): only the footers are drawn."""
    sheets = "".join(
        f'<div class="evidence-sheet" style="page: {escape(p.name)}"></div>'
        if p.name
        else '<div class="evidence-sheet"></div>'
        for p in pages
    )
    head = '<head><meta charset="utf-8"><title>Page numbers</title></head>'
    return f'<!DOCTYPE html><html lang="{escape(lang)}">{head}<body>{sheets}</body></html>'


def write_book(
    html: str, base_url: Path, target: Path, stylesheet: Path, extra_css: str, size: int
) -> BookResult | None:
    """Write the book ``html`` to ``target`` in parts of about ``size`` characters of
    HTML; ``None`` (nothing written) when it is one part, or when the front part's length
    does not settle (render it as one document)."""
    if size <= 0 or len(html) <= size:
        return None
    root = split.parse(html)
    book = split.split(root, size)
    if book is None:
        return None
    css = f"{extra_css}\n{PART_CSS}"
    messages: list[str] = []
    notices: set[str] = set()
    rendered: list[Rendered] = []
    for part in book.parts:
        result = render_pdf(part.html, base_url, stylesheet, css)
        messages += result.messages
        notices |= result.notices
        rendered.append(result)
    body_pages = [page for result in rendered for page in result.pages]
    first_page: dict[str, int] = {}
    for number, page in enumerate(body_pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    front_length = 0
    for _ in range(FRONT_RENDERS):
        numbers = {a: front_length + n + 1 for a, n in first_page.items()}
        front_html = split.number_contents(book.front, numbers)
        front = render_pdf(front_html, base_url, stylesheet, f"{css}\n{FRONT_CSS}")
        if len(front.pages) == front_length:
            break
        front_length = len(front.pages)
    else:  # its length does not settle: the contents' numbers would be off
        return None
    messages = front.messages + messages
    notices |= front.notices
    pages = front.pages + body_pages
    lang = root.get("lang", "en")
    sheet = render_pdf(_sheet(pages, lang), base_url, stylesheet, f"{extra_css}\n{SHEET_CSS}")
    if len(sheet.pages) != len(pages):
        raise PdfWriteError(
            f"the page-number sheet has {len(sheet.pages)} pages, the book {len(pages)}"
        )
    try:
        data, problems = merge(front.pdf, [r.pdf for r in rendered], pages, sheet.pdf)
    except (pikepdf.PdfError, AttributeError, KeyError, ValueError) as err:
        raise PdfWriteError(f"merging the parts failed: {type(err).__name__}: {err}") from err
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return BookResult(target, messages + problems, notices, parts=len(rendered) + 1)
