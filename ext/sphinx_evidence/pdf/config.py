"""Accessible PDFs of the whole site and of each brief, written with WeasyPrint.

``sphinx-build -b evidencepdf docs build/pdf`` writes:

* ``<site>.pdf``: the whole site as one book (cover, contents with page numbers, every
  page in toctree order); ``<site>`` is :attr:`PdfConfig.site_name` or a slug of ``project``;
* one PDF per page matching :attr:`PdfConfig.documents` (by default the pages under
  ``briefs/`` and ``guidance/``), named after the docname (``briefs/x`` -> ``briefs-x.pdf``),
  each ending with a glossary of the terms it uses and its reference list.

The builder (:mod:`.pdf_builder`) has ``format = "html"`` so that every HTML visitor and
HTML post-transform (sphinx-design tabs, badges, our citations) applies, but it renders
its own template (``templates/pdf/document.html``) with only ``static/print.css``: no
theme, no JavaScript, no assets another feature adds with ``app.add_js_file``. Interactive
controls are dropped by the print stylesheet.

Download links: every HTML page that has a PDF links ``_pdf/<name>.pdf`` (relative to the
site root), and the root page links the whole-site PDF. When
:attr:`PdfConfig.html_dir` is set (``nox -s docs`` passes ``-D
evidence_pdf_html_dir=../html``), the PDF builder copies its PDFs into
``<html_dir>/_pdf/`` so the links work on the hosted site. The HTML and PDF builds can run
in either order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from . import config as cfg

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
        if not isinstance(self.exclude, list | tuple) or not all(
            isinstance(p, str) for p in self.exclude
        ):
            raise ValueError("exclude must be a list of glob patterns")
        if self.toc_depth < 1:
            raise ValueError("toc_depth must be 1 or more")
        if "/" in self.site_name or "\\" in self.site_name:
            raise ValueError("site_name is a file name, not a path")


def read_config(config: Config) -> PdfConfig:
    """The validated PDF options of ``config``."""
    return cfg.read(config, PREFIX, PdfConfig)


def slugify(text: str) -> str:
    """A lower-case ASCII file name stem for ``text``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "site"


def site_pdf_name(config: Config) -> str:
    """File name of the whole-site PDF."""
    return f"{read_config(config).site_name or slugify(config.project)}.pdf"


def page_pdf_name(docname: str) -> str:
    """File name of the PDF of one page (``briefs/x`` -> ``briefs-x.pdf``)."""
    return docname.replace("/", "-") + ".pdf"


def pdf_docnames(config: Config, docnames: Any) -> list[str]:
    """The docnames (sorted) that get a PDF of their own."""
    options = read_config(config)
    matcher, excluded = Matcher(options.documents), Matcher(options.exclude)
    return sorted(d for d in docnames if matcher(d) and not excluded(d))


def _add_download_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put a link to the page's PDF (and on the root page, the site's) under its title."""
    builder = app.builder
    # web pages only: not the single page, the PDF builder itself, epub or help formats
    if not isinstance(builder, StandaloneHTMLBuilder) or builder.name not in WEB_BUILDERS:
        return
    options = read_config(app.config)
    if not options.html_links:
        return
    links: list[tuple[str, str]] = []
    if docname in pdf_docnames(app.config, [docname]):
        links.append(("Download this page as a PDF", page_pdf_name(docname)))
    if options.site and docname == app.config.root_doc:
        links.append(("Download the whole site as a PDF", site_pdf_name(app.config)))
    if not links:
        return
    para = nodes.paragraph(classes=["evidence-pdf-download"])
    here = builder.get_target_uri(docname)
    for i, (label, name) in enumerate(links):
        if i:
            para += nodes.Text(" · ")
        uri = relative_uri(here, f"{PDF_DIR}/{name}")
        para += nodes.reference("", f"{label} ({name})", refuri=uri, internal=False)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, para)
    else:
        doctree.insert(0, para)


def _check_config(app: Sphinx, config: Config) -> None:
    read_config(config)


def setup_pdf(app: Sphinx) -> None:
    """Register the PDF options, the ``evidencepdf`` builder and the HTML download links."""
    from .pdf_builder import EvidencePDFBuilder

    cfg.register(app, PREFIX, PdfConfig, rebuild="html")
    app.connect("config-inited", _check_config)
    app.add_builder(EvidencePDFBuilder)
    app.connect("doctree-resolved", _add_download_link)


__all__ = [
    "PdfConfig",
    "page_pdf_name",
    "pdf_docnames",
    "read_config",
    "site_pdf_name",
    "slugify",
]
