"""pdf: set up in :func:`setup_pdf`."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_pdf(app: Sphinx) -> None:
    """Register the pdf feature with app."""
