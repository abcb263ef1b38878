"""Write one PDF with WeasyPrint (PDF/UA-1), then finish its tagging with pikepdf.

WeasyPrint tags the document but leaves two gaps that :func:`write_pdf` closes:

* a link annotation's ``/Contents`` (its description) is the raw target
  (``#term-ICS``, a URL): the finisher puts the link's own text there;
* running headers and page numbers are marked content that no structure element owns:
  :func:`mark_artifacts` re-marks them as ``/Artifact`` (pagination) and drops them from
  the parent tree.

Nothing is fetched from the network: only ``file:`` and ``data:`` URLs are allowed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pikepdf

VIRTUAL_ROOT = "file:///evidencepdf-output/"
"""The address the HTML fed to WeasyPrint has; the fetcher maps it to the output folder."""


class PdfWriteError(Exception):
    """WeasyPrint (or the post-processing) failed to write a PDF."""


ENVIRONMENT_NOTICES = {
    "HarfBuzz-Subset": (
        "WeasyPrint found no HarfBuzz-Subset library and subsets fonts with fontTools, which is"
        " slower; the PDFs are the same. Install the Debian package libharfbuzz-subset0 (the"
        " docs session does this where it can) to make PDF builds faster."
    ),
}
"""WeasyPrint warnings about its own environment, not about the document, by a phrase they
contain: each is reported once per build at info level instead of as a warning."""


@dataclass
class RenderResult:
    """What one PDF render reported: problems in the document, and notices about the
    environment WeasyPrint runs in (see :data:`ENVIRONMENT_NOTICES`)."""

    path: Path
    messages: list[str] = field(default_factory=list)
    notices: set[str] = field(default_factory=set)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.notices: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        for phrase, notice in ENVIRONMENT_NOTICES.items():
            if phrase in message:
                self.notices.add(notice)
                return
        self.messages.append(message)


QUIET_LOGGERS = {
    "weasyprint": logging.NOTSET,
    "weasyprint.progress": logging.NOTSET,
    "fontTools": logging.WARNING,
}
"""Loggers kept from the root logger while WeasyPrint runs (with the level each is held to):
some packages (accessible-pygments, which furo loads) configure the root logger at INFO
on import, which would print every fontTools subsetting step. WeasyPrint's warnings reach
:class:`_Collect`; its progress and fontTools' steps are not ours to print."""


@contextmanager
def _quiet_loggers() -> Iterator[None]:
    saved = []
    for name, level in QUIET_LOGGERS.items():
        lg = logging.getLogger(name)
        saved.append((lg, lg.propagate, lg.level))
        lg.propagate = False
        if level:
            lg.setLevel(level)
    try:
        yield
    finally:
        for lg, propagate, level in saved:
            lg.propagate = propagate
            lg.setLevel(level)


def _describe(element: Any) -> str:
    text = " ".join("".join(element.itertext()).split())
    title = " ".join(element.get("title", "").split())
    if text and title and title not in text:
        return f"{text} ({title})"
    return text or title or element.get("href", "")


def _describe_links(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: every link annotation's /Contents says what the link is."""
    import pydyf

    for page in document.pages:
        for box in page._page_box.descendants():
            annotation = getattr(box, "link_annotation", None)
            if annotation is None or box.element is None:
                continue
            description = _describe(box.element)
            href = unquote(box.element.get("href", ""))
            if href.startswith(("http://", "https://", "mailto:")) and href not in description:
                description = f"{description} ({href})" if description else href
            annotation["Contents"] = pydyf.String(description)


def _cached_page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_evidence_page_references")
    if cached is None or cached[0] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = pdf.__dict__["_evidence_page_references"] = (len(kids), refs)
    return cached[1]


@contextmanager
def _fast_page_references() -> Iterator[None]:
    """pydyf's ``PDF.page_references`` builds a tuple of every page's reference on each
    call, and WeasyPrint's tagging calls it once per structure element: time grows with
    elements x pages (on an 850-page book, 94,000 calls and 80 million generator steps, 40%
    of the whole render). While WeasyPrint writes, the tuple is built once per page count.
    Same output, byte for byte."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property):  # another pydyf: leave it as it is
        yield
        return
    pydyf.PDF.page_references = property(_cached_page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


@dataclass
class PageInfo:
    """What the book (:mod:`.book`) needs of a rendered page once its boxes are freed."""

    height: float
    name: str
    """The page's named page type (``cover``), or ``""``."""
    anchors: list[str]
    bookmarks: list[Any]
    """WeasyPrint's ``(level, label, (x, y), state)`` of each bookmark on the page."""


@dataclass
class Rendered:
    """One HTML document rendered: the PDF (tagged, artifacts marked) and its pages."""

    pdf: bytes
    pages: list[PageInfo]
    messages: list[str]
    notices: set[str]


def render_pdf(html: str, base_url: Path, stylesheet: Path, extra_css: str = "") -> Rendered:
    """Render ``html`` with ``stylesheet`` (and ``extra_css``: the fonts, a part's rules)
    to PDF/UA-1; raise :class:`PdfWriteError` when that fails."""
    with _quiet_loggers():  # importing WeasyPrint parses its own stylesheets, with progress
        from weasyprint import CSS, HTML
        from weasyprint.logger import LOGGER
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

    collect = _Collect()
    real_root = base_url.resolve().as_uri() + "/"

    class LocalFetcher(URLFetcher):
        """Files of the output folder, under a fixed address: WeasyPrint names images
        after their URL, so the PDF must not depend on where the output folder is."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(VIRTUAL_ROOT):
                url = real_root + url[len(VIRTUAL_ROOT) :]
            return super().fetch(url, headers)

    fetcher = LocalFetcher(allowed_protocols=("file", "data"))
    LOGGER.addHandler(collect)
    try:
        with _quiet_loggers(), _fast_page_references():
            source = HTML(
                string=html, base_url=VIRTUAL_ROOT, url_fetcher=fetcher, media_type="print"
            )
            fonts = FontConfiguration()  # @font-face rules take effect through it
            css = [CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=fonts)]
            if extra_css:
                css.append(CSS(string=extra_css, url_fetcher=fetcher, font_config=fonts))
            options: dict[str, Any] = {"stylesheets": css, "pdf_variant": "pdf/ua-1"}
            document = source.render(font_config=fonts, **options)
            pages = [_page_info(page) for page in document.pages]
            pdf_bytes = document.write_pdf(finisher=_describe_links, **options)
            del document, source
    except Exception as err:
        raise PdfWriteError(f"WeasyPrint failed: {type(err).__name__}: {err}") from err
    finally:
        LOGGER.removeHandler(collect)
    if not pdf_bytes:
        raise PdfWriteError("WeasyPrint wrote nothing")
    try:
        import io

        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            mark_artifacts(pdf)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    except pikepdf.PdfError as err:
        raise PdfWriteError(f"post-processing failed: {err}") from err
    return Rendered(out.getvalue(), pages, collect.messages, collect.notices)


def _page_info(page: Any) -> PageInfo:
    page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
    return PageInfo(
        height=float(page.height),
        name=str(getattr(page_type, "name", "") or ""),
        anchors=list(page.anchors),
        bookmarks=list(page.bookmarks),
    )


def write_pdf(
    html: str, base_url: Path, target: Path, stylesheet: Path, extra_css: str = ""
) -> RenderResult:
    """Render ``html`` to ``target`` with ``stylesheet`` (and ``extra_css``, the fonts);
    raise :class:`PdfWriteError` when that fails."""
    rendered = render_pdf(html, base_url, stylesheet, extra_css)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(rendered.pdf)
    return RenderResult(target, rendered.messages, rendered.notices)


def _reachable_mcids(pdf: pikepdf.Pdf) -> set[tuple[tuple[int, int], int]]:
    """(page objgen, MCID) of every marked content the structure tree owns."""
    found: set[tuple[tuple[int, int], int]] = set()
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return found
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, Any]] = [(root.get("/K"), None)]
    while stack:
        kid, page = stack.pop()
        if kid is None:
            continue
        if isinstance(kid, int):
            if page is not None:
                found.add((page.objgen, int(kid)))
            continue
        if isinstance(kid, pikepdf.Array):
            stack.extend((k, page) for k in kid)
            continue
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        if kid.is_indirect:
            if kid.objgen in seen:
                continue
            seen.add(kid.objgen)
        kind = kid.get("/Type")
        if kind == "/MCR":
            mcr_page = kid.get("/Pg", page)
            if mcr_page is not None:
                found.add((mcr_page.objgen, int(kid.MCID)))
            continue
        if kind == "/OBJR":
            continue
        stack.append((kid.get("/K"), kid.get("/Pg", page)))
    return found


MARKED = re.compile(rb"/([A-Za-z0-9_]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""A marked-content sequence with an MCID as WeasyPrint (pydyf) writes it; text in its
content streams is hex-encoded glyphs, so the pattern cannot occur inside a string."""


def _content(page: pikepdf.Page) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return bytes(contents.read_bytes())


def mark_artifacts(pdf: pikepdf.Pdf) -> int:
    """Re-mark content no structure element owns (running heads, page numbers) as artifacts."""
    owned = _reachable_mcids(pdf)
    struct_root = pdf.Root.get("/StructTreeRoot")
    parent_tree = struct_root.get("/ParentTree") if struct_root is not None else None
    nums = parent_tree.get("/Nums") if parent_tree is not None else None
    arrays: dict[int, Any] = {}
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            arrays[int(nums[i])] = nums[i + 1]
    changed = 0
    for page in pdf.pages:
        key = page.obj.objgen
        orphans: list[int] = []

        def artifact(
            match: re.Match[bytes], key: tuple[int, int] = key, orphans: list[int] = orphans
        ) -> bytes:
            mcid = int(match.group(2))
            if (key, mcid) in owned:
                return match.group(0)
            orphans.append(mcid)
            return b"/Artifact <</Type /Pagination>> BDC"

        data = _content(page)
        new = MARKED.sub(artifact, data)
        if not orphans:
            continue
        changed += len(orphans)
        page.obj.Contents = pdf.make_stream(new)
        parents = page.obj.get("/StructParents")
        array = arrays.get(int(parents)) if parents is not None else None
        if array is not None:
            for mcid in orphans:
                if mcid < len(array):
                    array[mcid] = pikepdf.Object.parse(b"null")
    return changed
