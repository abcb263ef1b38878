"""A site whose PDFs cannot be written: WeasyPrint is made to fail, as a broken
installation or a layout bug would make it."""

project = "Failing Hub"
extensions = ["myst_parser", "sphinx_design", "sphinx_evidence"]
language = "en_GB"
bibtex_bibfiles = ["refs.bib"]


def _broken_render(self, *args, **kwargs):
    raise RuntimeError("simulated layout failure")


def setup(app):
    import weasyprint

    weasyprint.HTML.render = _broken_render

# the hub's own opt-ins, as docs/conf.py sets them
from tests.house import HOUSE_SETTINGS

globals().update(HOUSE_SETTINGS)
