"""Sphinx extensions for evidence briefs and knowledge hubs.

One entry in ``extensions`` (``"sphinx_evidence"``) sets up every feature below; each is
also an extension of its own (``"sphinx_evidence.glossary"`` ...). With nothing else set,
stock markup builds exactly as without them: each behaviour is turned on by its own
directive or role, by the house styles, or by a setting (all listed in the contributor
guide, generated from the code).

* :mod:`.glossary`: glossary cross-links (auto-linked first mentions, abbreviations,
  previews and backlinks);
* :mod:`.access`: access-level badges (free, OpenAthens, abstract only, ...);
* :mod:`.citations`: reading lists, "Cited on" links and exports, on top of
  sphinxcontrib-bibtex, with the house bibliography style of :mod:`.bib`;
* :mod:`.blog`: blog post headers and post lists from front matter;
* :mod:`.pdf`: accessible PDFs written with WeasyPrint;
* :mod:`.a11y`: fixes for stock Sphinx, furo and sphinx-design accessibility failures;
* :mod:`.navcache`: furo's navigation tree rendered once per build, not once per page
  (the same pages, faster);
* :mod:`.searchcache`: the search index's word stems remembered for the whole build (the
  same index, faster);
* :mod:`.parallelwrite`: with ``-j N``, pages resolved in the write workers, not one after
  the other in the main process (the same output, faster; a setting).

Shared pieces live in :mod:`.core`; :mod:`.bib` is the BibTeX data layer, plain Python
that does not import Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx_evidence.core import __version__, extension_metadata

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FEATURES = (
    "sphinx_evidence.access",
    "sphinx_evidence.citations",
    "sphinx_evidence.glossary",
    "sphinx_evidence.blog",
    "sphinx_evidence.pdf",
    "sphinx_evidence.a11y",
    "sphinx_evidence.navcache",
    "sphinx_evidence.searchcache",
    "sphinx_evidence.parallelwrite",
)

__all__ = ["FEATURES", "__version__", "setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Set up every feature, and the directives of the contributor guide's tables."""
    from sphinx_evidence.core.docs_tables import setup_docs_tables

    for feature in FEATURES:
        app.setup_extension(feature)
    setup_docs_tables(app)
    return extension_metadata()
