extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_enable_extensions = ["colon_fence", "fieldlist"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
