"""Sphinx extensions for evidence briefs and knowledge hubs.

One entry in ``extensions`` (``"sphinx_evidence"``) sets up every part:

* :mod:`.glossary`: glossary cross-links (auto-linked first mentions, abbreviations,
  previews and backlinks);
* :mod:`.access`: access-level badges (free, OpenAthens, abstract only, ...);
* :mod:`.citations`: a house bibliography style, annotated reading lists, "Cited on"
  links and exports, on top of sphinxcontrib-bibtex;
* :mod:`.blog`: blog post headers and post lists from front matter;
* :mod:`.pdf`: accessible PDFs written with WeasyPrint;
* :mod:`.a11y`: fixes for stock Sphinx, furo and sphinx-design accessibility failures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"


def foreign_cite_domain(app: Sphinx) -> bool:
    """Whether another extension (not sphinxcontrib-bibtex) already registered a ``cite``
    domain. Then the citations feature stands aside, with a warning, instead of crashing."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    from .messages import Warn, warn

    other = app.registry.domains.get("cite")
    if other is None or issubclass(other, BibtexDomain):
        return False
    warn(
        Warn.config,
        f"a 'cite' domain is already registered ({other.__module__}.{other.__name__}): "
        "sphinx_evidence's citations, which build on sphinxcontrib-bibtex, are not set up",
        location=str(Path(app.confdir) / "conf.py"),
    )
    return True


def setup(app: Sphinx) -> dict[str, Any]:
    """Set up every part of the extension."""
    from .a11y import setup_a11y
    from .access import setup_access
    from .blog import setup_blog
    from .citations import setup_citations
    from .glossary import setup_glossary
    from .pdf import setup_pdf

    parts = [setup_access, setup_citations, setup_glossary, setup_blog, setup_pdf, setup_a11y]
    if foreign_cite_domain(app):
        parts.remove(setup_citations)
    else:
        app.setup_extension("sphinxcontrib.bibtex")
    for setup_part in parts:
        setup_part(app)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
