"""``python -m sphinx_evidence.live SOURCEDIR OUTDIR [sphinx-autobuild options]``."""

import sys

try:
    from sphinx_evidence.live.autobuild import main
except ModuleNotFoundError as err:
    if err.name != "sphinx_autobuild" and not str(err.name).startswith("sphinx_autobuild."):
        raise
    sys.exit(
        "The live preview needs sphinx-autobuild: pip install 'sphinx-evidence[live]' "
        "(or sphinx-autobuild itself)."
    )

main(sys.argv[1:])
