"""``python -m sphinx_evidence.live SOURCEDIR OUTDIR [sphinx-autobuild options]``."""

import sys

from sphinx_evidence.live.autobuild import main

main(sys.argv[1:])
