"""The ``evidencepdf`` builder: the site as one PDF book, and a PDF per brief.

It is a :class:`~sphinx.builders.singlehtml.SingleFileHTMLBuilder` (``format = "html"``)
so every HTML translator and post-transform applies, but it writes no HTML pages and
copies no theme assets: each PDF is rendered from our own template
(``templates/pdf/document.html``) and print stylesheet (``static/print.css``). A PDF that
WeasyPrint cannot write, or that is missing afterwards, stops the build with a
:class:`PdfBuildError` (non-zero exit).
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import time
from collections.abc import Set
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MethodType
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe
from docutils import nodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import SphinxError
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import progress_message, status_iterator
from sphinx.util.i18n import format_date

from sphinx_evidence.core.nodes import page_title
from sphinx_evidence.core.warnings import Warn, warn
from sphinx_evidence.pdf import doctree as dt
from sphinx_evidence.pdf.book import write_book
from sphinx_evidence.pdf.cache import PdfCache
from sphinx_evidence.pdf.config import (
    PDF_DIR,
    page_pdf_name,
    pdf_docnames,
    read_config,
    site_pdf_name,
)
from sphinx_evidence.pdf.cover import cover_details
from sphinx_evidence.pdf.fonts import font_css, install_hint
from sphinx_evidence.pdf.render import PdfWriteError, RenderResult, write_pdf

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent.parent  # the package: its static/ and templates/
STYLESHEET = HERE / "static" / "print.css"
TEMPLATES = HERE / "templates" / "pdf"


class PdfBuildError(SphinxError):
    """A PDF could not be written."""

    category = "PDF error"


@dataclass
class PdfJob:
    """One PDF to write: its file name, title and the HTML to render."""

    name: str
    docname: str
    title: str
    html: str | None
    """``None``: no page was read again since the last build, so the PDF is kept as it is."""
    book: bool = False
    """The whole-site PDF: rendered in parts when it is large."""


class EvidencePDFBuilder(SingleFileHTMLBuilder):
    """Write accessible PDFs (PDF/UA-1) with WeasyPrint."""

    name = "evidencepdf"
    format = "html"
    epilog = __("The PDFs are in %(outdir)s.")
    search = False
    copysource = False
    add_permalinks = False
    allow_parallel = False
    supported_image_types = ["image/svg+xml", "image/png", "image/gif", "image/jpeg"]
    supported_remote_images = False

    def init(self) -> None:
        super().init()
        # themes (furo) write their stylesheets into _static at build-finished; the PDF
        # builder copies no static files, so the folder is made here
        (Path(self.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        self.options = read_config(self.config)
        self.fonts = font_css(self.options.font, self.options.mono_font)
        for family in self.fonts.missing:
            warn(
                Warn.pdf_font,
                f"the PDF typeface {family!r} is not installed, so the PDFs are set in a "
                f"generic face: install it with `{install_hint(family)}` (the pdf extra of "
                "sphinx-evidence brings the default faces), or set evidence_pdf_font / "
                "evidence_pdf_mono_font to a family that is installed",
            )
        self.jobs: list[PdfJob] = []
        self._reread = -1  # pages Sphinx reads in this build (-1: not known)
        self.events.connect("env-before-read-docs", self._count_read, priority=900)
        self._resolved: dict[str, nodes.document] = {}
        self._templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            keep_trailing_newline=True,
        )

    # -- nothing of the HTML theme is written ----------------------------------------------

    def copy_assets(self) -> None:
        """The PDFs need no theme or static files."""

    # -- documents --------------------------------------------------------------------------

    def _keep_bibliography_nodes(self) -> None:
        """Remember sphinxcontrib-bibtex's citation nodes as they are before any page is
        resolved in this build.

        Its BibliographyTransform appends each entry's label and text to a citation node
        it keeps in the environment, so a page resolved twice in one process (here: a
        brief's appendices and the book both need the references page) gets every entry
        twice. :meth:`_fresh_bibliography_nodes` puts fresh copies back before each
        resolution.
        """
        self._bib_nodes: dict[Any, dict[str, nodes.Element]] = {}
        domain = self.env.domains.get("cite")
        for key, bibliography in getattr(domain, "bibliographies", {}).items():
            citation_nodes = getattr(bibliography, "citation_nodes", None)
            if isinstance(citation_nodes, dict):
                self._bib_nodes[key] = {k: n.deepcopy() for k, n in citation_nodes.items()}

    def _fresh_bibliography_nodes(self) -> None:
        domain = self.env.domains.get("cite")
        bibliographies = getattr(domain, "bibliographies", {})
        for key, kept in self._bib_nodes.items():
            bibliography = bibliographies.get(key)
            citation_nodes = getattr(bibliography, "citation_nodes", None)
            if isinstance(citation_nodes, dict):
                citation_nodes.clear()
                citation_nodes.update({k: n.deepcopy() for k, n in kept.items()})

    def _resolve(self, docname: str) -> nodes.document:
        self._fresh_bibliography_nodes()
        return self.env.get_and_resolve_doctree(docname, self, tags=self.tags)

    def assemble_doctree(self) -> nodes.document:
        self._fresh_bibliography_nodes()
        return super().assemble_doctree()

    def _resolved_doctree(self, docname: str) -> nodes.document:
        if docname not in self._resolved:
            self._resolved[docname] = self._resolve(docname)
        return self._resolved[docname]

    def _render_body(self, docname: str, tree: nodes.document) -> str:
        tree.settings = self.docsettings
        self.secnumbers = {}
        self.fignumbers = self.env.toc_fignumbers.get(docname, {})
        self.imgpath = self.imagedir
        self.dlpath = "_downloads"
        self.current_docname = docname
        self.post_process_images(tree)
        visitor = self.create_translator(tree, self)
        visitor.visit_start_of_file = MethodType(_visit_start_of_file, visitor)  # type: ignore[attr-defined]
        tree.walkabout(visitor)
        return "".join(visitor.fragment)  # type: ignore[attr-defined]

    def _count_read(self, _app: Any, _env: Any, docnames: list[str]) -> None:
        self._reread = len(docnames)

    def _cache(self) -> PdfCache:
        settings = self._settings_key() if self.options.cache else None
        return PdfCache(Path(self.doctreedir) / "evidencepdf", Path(self.outdir), settings)

    def _unchanged(self, names: list[tuple[str, str]]) -> bool:
        """Sphinx read no page again (no source, .bib file, image or setting changed) and
        every PDF of the last build is there, made with this code and these settings: the
        PDFs are kept without assembling their HTML (a clean build, -E, always renders)."""
        if self._reread != 0:
            return False
        return self._cache().holds(self._sources_key(), [name for name, _ in names])

    def _sources_key(self) -> str:
        """The pages there are, the settings, the date and the code that turns the pages
        into HTML (this package)."""
        import sphinx

        code = sorted(p for p in HERE.rglob("*") if p.suffix in {".py", ".html", ".css", ".js"})
        texts = [
            self._settings_key(),
            sphinx.__version__,
            self.build_info.config_hash,  # every setting that does not make Sphinx re-read
            self.build_info.tags_hash,
            self.build_date().isoformat(),  # the PDFs' dates
            *sorted(self.env.found_docs),
        ]
        return PdfCache.digest(texts, code)

    def write_documents(self, _docnames: Set[str]) -> None:
        singles = pdf_docnames(self.config, self.env.found_docs)
        names = [(page_pdf_name(d), d) for d in singles]
        if self.options.site:
            names.insert(0, (site_pdf_name(self.config), self.config.root_doc))
        if self._unchanged(names):
            logger.info(__("no page changed since the last build: the PDFs are kept"))
            self.jobs = [PdfJob(name, docname, "", None) for name, docname in names]
            return
        self.prepare_writing(self.env.all_docs.keys())
        # an e-mail address cloaked with <span>s would be split into several link parts
        self.docsettings.cloak_email_addresses = False
        self._keep_bibliography_nodes()
        self.jobs = []
        for docname in status_iterator(
            singles,
            __("preparing PDFs of pages... "),
            "darkgreen",
            len(singles),
            self.config.verbosity,
        ):
            self.jobs.append(self._page_job(docname))
        if self.options.site:
            with progress_message(__("assembling the whole site")):
                self.jobs.insert(0, self._site_job())
        # the doctrees are in the HTML now: free them for WeasyPrint, which needs the memory
        self._resolved.clear()
        self._bib_nodes.clear()
        gc.collect()

    def _page_job(self, docname: str) -> PdfJob:
        tree = self._resolve(docname)
        dt.normalise_refuris(tree, self._term_anchors())
        terms = self._glossary_terms_used(docname)
        remap = dt.add_appendices(tree, docname, self._resolved_doctree, terms)
        dt.localise_links(tree, docname, remap, self.config.html_baseurl)
        self._prepare_for_print(tree)
        body = self._render_body(docname, tree)
        title = self._title(docname)
        meta = self.env.metadata.get(docname, {})
        summary, fields = cover_details(
            self.env.get_doctree(docname), meta, self.options.cover_fields
        )
        html = self._page_html(
            kind="page",
            title=title,
            body=body,
            description=summary,
            subtitle=summary,
            fields=fields,
            keywords=_as_list(meta.get("tags")),
            web_url=self._web_url(docname),
        )
        return PdfJob(page_pdf_name(docname), docname, title, html)

    def _prepare_for_print(self, tree: nodes.document) -> None:
        """The passes every PDF's doctree goes through once its links are local."""
        dt.flatten_citations(tree)
        dt.fix_relative_links(tree, self.config.html_baseurl)
        dt.drop_dangling_links(tree)
        dt.dedupe_raw_ids(tree)
        dt.drop_controls(tree)
        dt.print_urls(tree)
        dt.flatten_links(tree)

    def _site_job(self) -> PdfJob:
        root = self.config.root_doc
        tree = self.assemble_doctree()
        self.env.toc_fignumbers = self.assemble_toc_fignumbers()
        dt.normalise_refuris(tree, self._term_anchors())
        left_out = dt.drop_pages(tree, self.options.book_exclude)
        dt.unlink_pages(tree, left_out, self.config.html_baseurl)
        dt.make_ids_unique(tree, root)
        self._prepare_for_print(tree)
        contents = dt.book_contents(tree, self.options.toc_depth)
        body = self._render_body(root, tree)
        title = self.config.project
        summary, _fields = cover_details(
            self.env.get_doctree(root), self.env.metadata.get(root, {}), []
        )
        subtitle = self.options.subtitle or summary
        html = self._page_html(
            kind="site",
            title=title,
            body=body,
            contents=contents,
            subtitle=subtitle,
            description=subtitle,
            web_url=self._web_url(root),
        )
        return PdfJob(site_pdf_name(self.config), root, title, html, book=True)

    def _glossary_terms_used(self, docname: str) -> list[tuple[str, str]]:
        """(docname, anchor) of the glossary entries the page uses: from the glossary
        feature's ``terms_used`` (links and auto-linked mentions), plus the page's own
        ``{term}`` references."""
        found: list[tuple[str, str]] = []
        try:
            from sphinx_evidence.glossary.resolve import terms_used

            for entry in terms_used(self.env, docname):
                found.append((str(entry.docname), str(entry.anchor)))
        except (ImportError, KeyError, AttributeError) as err:
            logger.debug("glossary terms_used unavailable for %s: %s", docname, err)
        doctree = self.env.get_doctree(docname)
        names = [
            node["reftarget"]
            for node in doctree.findall(nodes.Element)
            if node.get("refdomain") == "std" and node.get("reftype") == "term"
        ]
        std = self.env.domains.standard_domain
        by_name: dict[str, Any] = {}
        for (kind, name), obj in std.objects.items():
            if kind == "term":
                by_name.setdefault(name, obj)
                by_name.setdefault(name.casefold(), obj)
        for name in names:
            match = by_name.get(name) or by_name.get(name.casefold())
            if match is not None:
                found.append((match[0], match[1]))
        return [pair for pair in dict.fromkeys(found) if pair[0] != docname]

    def _web_url(self, docname: str) -> str:
        """The page's address on the web site, when ``html_baseurl`` is an http(s) URL."""
        base = self.config.html_baseurl or ""
        if not base.startswith(("https://", "http://")):
            return ""
        return base.rstrip("/") + "/" + quote(docname) + ".html"

    def _term_anchors(self) -> dict[str, str]:
        """Anchor -> docname of every glossary term (links to terms may be ``#<anchor>``)."""
        std = self.env.domains.standard_domain
        anchors: dict[str, str] = {}
        for (kind, _name), entry in std.objects.items():
            if kind == "term":
                anchors.setdefault(entry[1], entry[0])
        return anchors

    def _title(self, docname: str) -> str:
        return page_title(self.env, docname)

    # -- the HTML fed to WeasyPrint ------------------------------------------------------

    def build_date(self) -> datetime:
        """SOURCE_DATE_EPOCH, else the newest source file: never the clock."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return datetime.fromtimestamp(int(epoch), UTC)
        newest = 0.0
        paths: list[Path] = [Path(self.env.doc2path(d)) for d in self.env.found_docs]
        paths += [Path(p) for p in getattr(self.config, "bibtex_bibfiles", [])]
        for path in paths:
            full = path if path.is_absolute() else Path(self.srcdir) / path
            try:
                newest = max(newest, full.stat().st_mtime)
            except OSError:
                continue
        return datetime.fromtimestamp(int(newest or time.time()), UTC)

    def _page_html(self, **context: Any) -> str:
        date = self.build_date()
        lang = (self.config.language or "en").replace("_", "-")
        shown_date = self.config.today or format_date(
            self.config.today_fmt or "%d %B %Y", date=date, language=self.config.language
        )
        shown_date = re.sub(r"^0(\d)", r"\1", shown_date)  # "1 December", not "01 December"
        template = self._templates.get_template("document.html")
        values: dict[str, Any] = {
            "contents": [],
            "subtitle": "",
            "fields": [],
            "description": "",
            "keywords": [],
            "web_url": "",
        }
        values.update(context)
        return template.render(
            lang=lang,
            project=self.config.project,
            project_css=markupsafe.Markup(css_string(self.config.project)),
            publisher=self.options.publisher or self.config.author,
            date_iso=date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            date_shown=shown_date,
            **values,
        )

    # -- writing the PDFs ------------------------------------------------------------------

    def finish(self) -> None:
        self.copy_image_files()
        outdir = Path(self.outdir)
        cache = self._cache()
        written: list[Path] = []
        rendered: list[Path] = []
        failures: list[str] = []
        notices: set[str] = set()
        for job in status_iterator(
            self.jobs,
            __("writing PDFs... "),
            "darkgreen",
            len(self.jobs),
            self.config.verbosity,
            stringify_func=lambda j: j.name,
        ):
            target = outdir / job.name
            key = cache.stored_key(job.name) if job.html is None else cache.key(job.html, outdir)
            kept = cache.get(job.name, key)
            if kept is not None:
                written.append(target)
                self._report(job, kept.messages, kept.problems)
                continue
            if job.html is None:  # (holds() made sure this cannot happen)
                failures.append(f"{job.name} (from {job.docname}): not kept from the last build")
                continue
            if target.exists():
                target.unlink()
            try:
                result = self._write(job, target)
            except PdfWriteError as err:
                failures.append(f"{job.name} (from {job.docname}): {err}")
                continue
            notices |= result.notices
            written.append(target)
            rendered.append(target)
            if target.is_file() and target.read_bytes()[:5] == b"%PDF-":
                problems = self._check(target) if self.options.check else []
                cache.put(job.name, key, result.messages, problems)
                self._report(job, result.messages, problems)
        cache.keep_only({job.name for job in self.jobs})
        cache.save(self._sources_key() if not failures else "")
        for notice in sorted(notices):
            logger.info(notice)
        if len(written) > len(rendered):
            logger.info(
                __("%d PDFs unchanged since the last build (their inputs are the same)"),
                len(written) - len(rendered),
            )
        if failures:
            raise PdfBuildError("could not write " + "; ".join(failures))
        missing = [p.name for p in written if not p.is_file() or p.read_bytes()[:5] != b"%PDF-"]
        if missing:
            raise PdfBuildError(f"PDFs missing after the build: {', '.join(missing)}")
        if self.options.html_dir:
            self._copy_to_html(written)

    def _write(self, job: PdfJob, target: Path) -> RenderResult:
        """Render one PDF: the whole-site book in parts when it is large (:mod:`.book`)."""
        assert job.html is not None
        outdir = Path(self.outdir)
        if job.book and self.options.part_size:
            size = self.options.part_size
            book = write_book(job.html, outdir, target, STYLESHEET, self.fonts.css, size)
            if book is not None:
                logger.info(__("%s: rendered in %d parts"), job.name, book.parts)
                return book
        return write_pdf(job.html, outdir, target, STYLESHEET, extra_css=self.fonts.css)

    def _report(self, job: PdfJob, messages: list[str], problems: list[str]) -> None:
        for message in [*messages, *problems]:
            warn(Warn.pdf, f"{job.name}: {message}", location=job.docname)

    def _check(self, path: Path) -> list[str]:
        from sphinx_evidence.pdf.check import check_pdf

        lang = (self.config.language or "en").replace("_", "-")
        fonts = None if self.fonts.missing else self.fonts.embedded
        return check_pdf(path, lang=lang, fonts=fonts)

    def _settings_key(self) -> str:
        """What, besides each PDF's HTML and images, goes into its cache key: the print
        stylesheet, the fonts, the PDF settings and the versions of the renderers."""
        from importlib.metadata import version

        if getattr(self, "_settings_digest", None):
            return self._settings_digest
        parts = [
            STYLESHEET.read_bytes().decode("utf-8"),
            self.fonts.css,
            repr(self.options),
            self.config.language or "",
            *(f"{name} {version(name)}" for name in ("weasyprint", "pikepdf")),
            *(
                Path(__file__).with_name(module).read_text("utf-8")
                for module in ("render.py", "check.py", "parts.py", "merge.py", "book.py")
            ),
        ]
        self._settings_digest: str = PdfCache.digest(parts, self.fonts.files)
        return self._settings_digest

    def _copy_to_html(self, written: list[Path]) -> None:
        target = (Path(self.outdir) / self.options.html_dir / PDF_DIR).resolve()
        target.mkdir(parents=True, exist_ok=True)
        for path in written:
            shutil.copyfile(path, target / path.name)
        logger.info(__("copied %d PDFs to %s"), len(written), target)


def _visit_start_of_file(translator: Any, node: nodes.Element) -> None:
    """Sphinx's visitor, without its ``<span id="document-...">`` when the page's first
    section holds that anchor (:data:`~sphinx_evidence.pdf.doctree.ANCHOR_MOVED`)."""
    if node.get(dt.ANCHOR_MOVED):
        translator.docnames.append(node["docname"])
    else:
        type(translator).visit_start_of_file(translator, node)


def _as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        return [v.strip() for v in value.strip("[]").split(",") if v.strip()]
    return []


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-_()'!?&" else f"\\{ord(ch):06x}" for ch in text
    )
    return f'"{escaped}"'
