"""blog: set up in :func:`setup_blog`."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_blog(app: Sphinx) -> None:
    """Register the blog feature with app."""
