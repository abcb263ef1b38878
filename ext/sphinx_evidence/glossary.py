"""glossary: set up in :func:`setup_glossary`."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_glossary(app: Sphinx) -> None:
    """Register the glossary feature with app."""
