extensions = ["myst_parser", "sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]
html_theme = "furo"
language = "en_GB"
