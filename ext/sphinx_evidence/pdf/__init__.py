"""Accessible PDFs of the whole site and of each brief, written with WeasyPrint.

``sphinx-build -b evidencepdf docs build/pdf`` writes:

* ``<site>.pdf``: the whole site as one book (cover, contents with page numbers, every
  page in toctree order); ``<site>`` is :attr:`PdfConfig.site_name` or a slug of ``project``;
* one PDF per page matching :attr:`PdfConfig.documents` (by default the pages under
  ``briefs/`` and ``guidance/``), named after the docname (``briefs/x`` -> ``briefs-x.pdf``),
  each ending with a glossary of the terms it uses and its reference list.

The builder (:mod:`.builder`) has ``format = "html"`` so that every HTML visitor and
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

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.util.osutil import relative_uri

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.pdf.config import (
    PDF_DIR,
    PREFIX,
    WEB_BUILDERS,
    PdfConfig,
    page_pdf_name,
    pdf_docnames,
    read_config,
    site_pdf_name,
)


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
    from sphinx_evidence.pdf.builder import EvidencePDFBuilder

    cfg.register(app, PREFIX, PdfConfig, rebuild="html")
    app.connect("config-inited", _check_config)
    app.add_builder(EvidencePDFBuilder)
    app.connect("doctree-resolved", _add_download_link)


def setup(app: Sphinx) -> dict[str, Any]:
    """``extensions = ["sphinx_evidence.pdf"]``: the ``evidencepdf`` builder (and, with
    ``evidence_pdf_html_links``, download links in HTML pages)."""
    setup_pdf(app)
    return extension_metadata()
