"""citations: set up in :func:`setup_citations`."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_citations(app: Sphinx) -> None:
    """Register the citations feature with app."""
