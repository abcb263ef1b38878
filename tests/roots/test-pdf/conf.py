project = "Test Hub"
author = "Test Library Service"
language = "en_GB"
extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
exclude_patterns = ["_build"]
bibtex_default_style = "evidence"
evidence_access_help_page = "access"

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
