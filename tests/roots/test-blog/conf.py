extensions = ["myst_parser", "sphinx_evidence"]
myst_title_to_header = True
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"
