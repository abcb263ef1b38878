"""Sphinx configuration for the place-based care knowledge hub."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# -- Project -------------------------------------------------------------------------------
project = "Place-based Care Knowledge Hub"
author = "NHS Library and Knowledge Services"
_built = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None)
copyright = f"{time.strftime('%Y', _built)}, {author}"
language = "en_GB"
today_fmt = "%d %B %Y"

extensions = [
    "myst_parser",
    "sphinx_design",  # cards and badges; before sphinx_evidence, whose a11y fixes chain to it
    "sphinx_evidence",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
suppress_warnings: list[str] = []

# -- MyST ----------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline", "attrs_block"]
myst_heading_anchors = 3
myst_title_to_header = True  # blog posts take their title from front matter

# -- Citations (sphinxcontrib-bibtex) ------------------------------------------------------
bibtex_bibfiles = [str(ROOT / "references.bib")]
bibtex_encoding = "utf-8"
bibtex_default_style = "evidence"  # the house style (sphinx_evidence.bib.style)
bibtex_reference_style = "evidence"  # house in-text citations (sphinx_evidence.citations.citestyle)
evidence_access_help_page = "access"

# -- sphinx-evidence: the hub's own opt-ins (each is off on any other site) ---------------
evidence_glossary_autolink = True  # link each term's first mention on each page
evidence_glossary_previews = True  # hover, focus and tap previews of definitions
evidence_glossary_backlinks = True  # "Used on:" under each glossary entry
evidence_glossary_backlinks_exclude: list[str] = []  # the hub lists tag and index pages too
evidence_glossary_backlinks_fold = 0  # and never folds the list
evidence_glossary_house_rules = True  # every definition cites a source, ...
evidence_glossary_single_words = True  # one-word names are linked too, but these:
evidence_glossary_common_words = [
    "place",
    "places",
    "system",
    "systems",
    "neighbourhood",
    "neighbourhoods",
    "care",
    "health",
    "partnership",
    "partnerships",
    "board",
    "network",
    "community",
    "population",
    "evidence",
]
evidence_citations_cited_on = True  # "Cited on:" under each reference
evidence_citations_exports = True  # BibTeX, RIS and CSL-JSON downloads under bibliographies
evidence_citations_tooltips = True  # citation tooltips on keyboard focus too
evidence_citations_house_rules = True  # references.bib checked against the house style
evidence_a11y_fixes = True  # fixes of stock Sphinx, furo and sphinx-design markup
evidence_blog_path = "blog"  # pages under blog/ are posts
evidence_pdf_html_links = True  # "Download this page as a PDF" under each brief's title

# -- HTML ----------------------------------------------------------------------------------
html_theme = "furo"
html_title = project
html_static_path: list[str] = []
html_last_updated_fmt = ""
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}

# -- linkcheck (``nox -s linkcheck``) ------------------------------------------------------
linkcheck_timeout = 30
linkcheck_retries = 2
linkcheck_anchors = False
linkcheck_ignore = [
    r"https://[a-z0-9.-]*sharepoint\.com/.*",  # staff-only intranet, needs a login
]
linkcheck_allowed_redirects = {
    r"https://doi\.org/.*": r".*",
    r"https://www\.kingsfund\.org\.uk/.*": r"https://www\.kingsfund\.org\.uk/.*",
}
