extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
myst_title_to_header = True
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_theme = "furo"

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
