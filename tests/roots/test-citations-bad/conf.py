extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["bad.bib"]
bibtex_default_style = "evidence"
bibtex_reference_style = "author_year"

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
