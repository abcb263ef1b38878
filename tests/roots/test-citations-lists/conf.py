extensions = ["myst_parser", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "evidence"
