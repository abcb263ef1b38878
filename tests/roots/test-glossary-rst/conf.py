extensions = ["sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
