"""Sphinx configuration for the place-based care knowledge hub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from sphinx_evidence.glossary.config import DEFAULT_NAVIGATION_PAGES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))

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
    "sphinx_sitemap",
    "notfound.extension",
    "sphinxext.opengraph",
    "hub_site",  # docs/_ext/hub_site.py
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
# "Used on:" leaves out navigation pages (indexes, tag pages: the default) and the pages that
# are not for readers of the content (contributors' pages, the footer's pages), and folds a
# list longer than six pages
evidence_glossary_backlinks_exclude = [
    *DEFAULT_NAVIGATION_PAGES,
    "contributing",
    "benchmarks",
    "accessibility",
    "privacy",
    "404",
]
evidence_glossary_backlinks_fold = 6
evidence_glossary_az = True  # an A-Z list of links above the glossary
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
evidence_citations_exports = True  # BibTeX, RIS and CSL-JSON downloads of each page's lists
evidence_citations_way_in = True  # an entry with no link says so and how to get it
evidence_citations_supply_label = "document-supply"  # docs/access.md: getting a copy
evidence_citations_filter_min = 8  # only lists this long get a filter
evidence_citations_tooltips = True  # citation tooltips on keyboard focus too
evidence_citations_house_rules = True  # references.bib checked against the house style
evidence_a11y_fixes = True  # fixes of stock Sphinx, furo and sphinx-design markup
evidence_parallel_resolve = True  # with -j N: pages resolved in the write workers
evidence_blog_path = "blog"  # pages under blog/ are posts
evidence_blog_tag_pages = True  # blog/tags/<tag>.md written for every tag a post uses
evidence_blog_tag_descriptions = {  # shown on those pages, above their lists
    "STP": "Posts about Sustainability and Transformation Partnerships (STPs), the partnerships"
    " of NHS organisations and local councils from which integrated care systems grew.",
    "evidence": "Posts about mobilising evidence: getting research and knowledge to the people"
    " who make decisions.",
}
evidence_blog_check_front_matter = True  # unknown keys, dates; and what each folder needs:
evidence_blog_required_keys = {
    "blog": ["title", "summary"],
    "briefs": ["title"],
    "guidance": ["title"],
}
evidence_pdf_html_links = True  # "Download this page as a PDF" under each brief's title
evidence_pdf_book_exclude = ["contributing", "benchmarks"]  # for contributors, not readers

# -- HTML ----------------------------------------------------------------------------------
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_css_files = ["hub.css"]  # docs/_static/hub.css: home cards, footer links
templates_path = ["_templates"]  # docs/_templates/page.html: the footer's links
html_last_updated_fmt = "%-d %B %Y"  # "1 December 2026"
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

# -- Hosting -------------------------------------------------------------------------------
# The site's public address, never guessed: the GitHub Pages workflow sets HUB_BASEURL from
# the Pages URL, Read the Docs sets READTHEDOCS_CANONICAL_URL. A local build has none: its
# pages then have no canonical link, and its feed links relative to itself.
html_baseurl = os.environ.get("HUB_BASEURL") or os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if html_baseurl and not html_baseurl.endswith("/"):
    html_baseurl += "/"

# sitemap.xml (sphinx-sitemap). A sitemap needs absolute addresses: a local build lists the
# pages at the local preview address (``python3 -m http.server -d build/html 8000``).
LOCAL_PREVIEW = "http://127.0.0.1:8000/"
site_url = html_baseurl or LOCAL_PREVIEW
sitemap_url_scheme = "{link}"
sitemap_excludes = ["404.html", "search.html", "genindex.html"]

# 404.html (sphinx-notfound-page, from docs/404.md): absolute links under the site's path.
notfound_urls_prefix = urlparse(html_baseurl).path or "/"

# OpenGraph and Twitter card metadata (sphinxext-opengraph); descriptions from each page's
# summary (docs/_ext/hub_site.py) or its first paragraph.
ogp_site_url = html_baseurl
ogp_image = "_static/hub-card.png"
ogp_image_alt = f"{project}: evidence briefs, guidance summaries and blog posts"
ogp_social_cards = {"enable": False}  # no generated images: one site card
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image">']


def _in_git_work_tree(path: Path) -> bool:
    git = shutil.which("git")
    if git is None:
        return False
    result = subprocess.run(
        [git, "-C", str(path), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "true"


# "Last updated" dates from git history (not file times); a copy of the site outside a git
# work tree simply shows none.
if _in_git_work_tree(HERE):
    extensions.append("sphinx_last_updated_by_git")
    git_last_updated_timezone = "Europe/London"
