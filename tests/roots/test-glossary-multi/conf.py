extensions = ["myst_parser", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence", "fieldlist"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
