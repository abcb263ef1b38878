extensions = ["myst_parser", "sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]
