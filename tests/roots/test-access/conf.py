extensions = ["myst_parser", "sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]
evidence_access_help_page = "help"
