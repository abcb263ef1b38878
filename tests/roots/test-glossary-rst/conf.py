extensions = ["sphinx_evidence"]
bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
