extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "evidence"
bibtex_reference_style = "author_year"
evidence_access_help_page = "access"
html_theme = "furo"

# the hub's house settings (tests/roots share them)
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
