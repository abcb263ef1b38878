project = "Test Hub"
author = "Test Library Service"
language = "en_GB"
extensions = ["myst_parser", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence", "deflist"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
exclude_patterns = ["_build"]
