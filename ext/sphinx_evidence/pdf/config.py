"""PDF options (``evidence_pdf_*``) and the names of the PDFs a project writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sphinx.config import Config
from sphinx.util.matching import Matcher

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core.text import slug

PREFIX = "evidence_pdf"


PDF_DIR = "_pdf"


WEB_BUILDERS = {"html", "dirhtml"}


@dataclass(frozen=True)
class PdfConfig:
    """Options of the PDF output (``evidence_pdf_<name>`` in conf.py)."""

    documents: list[str] = field(
        default_factory=lambda: ["briefs/*", "guidance/*"],
        metadata={"help": "Glob patterns of docnames that get a PDF of their own."},
    )
    exclude: list[str] = field(
        default_factory=lambda: ["*/index"],
        metadata={
            "help": "Glob patterns of docnames that get no PDF of their own (section index pages)."
        },
    )
    site: bool = field(default=True, metadata={"help": "Write the whole site as one PDF."})
    book_exclude: list[str] = field(
        default_factory=list,
        metadata={
            "help": "Glob patterns of docnames left out of the whole-site PDF (a contributor "
            "guide, say); links to them point at the web site, or become text."
        },
    )
    subtitle: str = field(
        default="",
        metadata={
            "help": "Subtitle on the whole-site PDF's cover; default: the root page's "
            "summary (front matter) or its first paragraph."
        },
    )
    cover_fields: list[str] = field(
        default_factory=lambda: ["Produced by", "Publisher", "Author", "Date", "Year", "Type"],
        metadata={
            "help": "Fields of a page's first field list (or front matter) shown on the "
            "cover of its PDF, in the page's order: its own publisher and date."
        },
    )
    font: str = field(
        default="Atkinson Hyperlegible",
        metadata={
            "help": "Typeface of the PDFs' text: a font family installed as a fontpkg "
            "package (pip install fontpkg-atkinson-hyperlegible) or known to fontconfig."
        },
    )
    mono_font: str = field(
        default="IBM Plex Mono",
        metadata={"help": "Typeface of code in the PDFs (as for ``font``)."},
    )
    cache: bool = field(
        default=True,
        metadata={
            "help": "Keep each PDF with a hash of its inputs (HTML, stylesheet, fonts, "
            "images, settings) and render it again only when they change."
        },
    )
    site_name: str = field(
        default="",
        metadata={
            "help": "File name (without .pdf) of the whole-site PDF; "
            "default: the project name in lower case with hyphens."
        },
    )
    publisher: str = field(
        default="",
        metadata={
            "help": "Publisher on the cover and in the PDF metadata; default: the author setting."
        },
    )
    toc_depth: int = field(
        default=2, metadata={"help": "Levels in the printed contents (1: pages only)."}
    )
    html_dir: str = field(
        default="",
        metadata={
            "help": "HTML output folder (relative to the PDF output folder) to copy "
            "the PDFs into, under _pdf/ (nox -s docs passes ../html); empty: do not copy."
        },
    )
    html_links: bool = field(
        default=False,
        metadata={
            "help": "HTML pages that have a PDF link to it (_pdf/<name>.pdf from the site root)."
        },
    )
    part_size: int = field(
        default=400_000,
        metadata={
            "help": "Characters of HTML per part when the whole-site PDF is rendered in "
            "parts and merged (a large book needs the memory of one part, not of the whole); "
            "0: render it as one document."
        },
    )
    check: bool = field(
        default=True,
        metadata={
            "help": "Check every PDF written (tags, language, bookmarks, fonts, alt "
            "text, artifacts); problems are evidence.pdf warnings."
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.documents, list | tuple) or not all(
            isinstance(p, str) for p in self.documents
        ):
            raise ValueError("documents must be a list of glob patterns")
        for name in ("exclude", "book_exclude", "cover_fields"):
            value = getattr(self, name)
            if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
                raise ValueError(f"{name} must be a list of strings")
        for name in ("font", "mono_font"):
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _-]*", getattr(self, name)):
                raise ValueError(f"{name} must name a font family (letters, digits, spaces)")
        if isinstance(self.part_size, bool) or not isinstance(self.part_size, int):
            raise ValueError("part_size must be a whole number of characters (0: one part)")
        if self.part_size < 0:
            raise ValueError("part_size must be 0 (one part) or more")
        if self.toc_depth < 1:
            raise ValueError("toc_depth must be 1 or more")
        if "/" in self.site_name or "\\" in self.site_name:
            raise ValueError("site_name is a file name, not a path")


def read_config(config: Config) -> PdfConfig:
    """The validated PDF options of ``config``."""
    return cfg.read(config, PREFIX, PdfConfig)


def slugify(text: str) -> str:
    """A lower-case ASCII file name stem for ``text``."""
    return slug(text, "site")


def site_pdf_name(config: Config) -> str:
    """File name of the whole-site PDF."""
    return f"{read_config(config).site_name or slugify(config.project)}.pdf"


def page_pdf_name(docname: str) -> str:
    """File name of the PDF of one page (``briefs/x`` -> ``briefs-x.pdf``)."""
    return docname.replace("/", "-") + ".pdf"


def in_book(config: Config, docname: str) -> bool:
    """Whether the page is part of the whole-site PDF."""
    return not Matcher(read_config(config).book_exclude)(docname)


def pdf_docnames(config: Config, docnames: Any) -> list[str]:
    """The docnames (sorted) that get a PDF of their own."""
    options = read_config(config)
    matcher, excluded = Matcher(options.documents), Matcher(options.exclude)
    return sorted(d for d in docnames if matcher(d) and not excluded(d))


__all__ = [
    "PdfConfig",
    "in_book",
    "page_pdf_name",
    "pdf_docnames",
    "read_config",
    "site_pdf_name",
    "slugify",
]
