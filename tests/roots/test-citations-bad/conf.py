extensions = ["myst_parser", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["bad.bib"]
bibtex_default_style = "evidence"
bibtex_reference_style = "author_year"
