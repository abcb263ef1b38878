extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
