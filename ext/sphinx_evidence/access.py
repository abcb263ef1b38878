"""access: set up in :func:`setup_access`."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_access(app: Sphinx) -> None:
    """Register the access feature with app."""
