"""What every feature shares: configuration, warnings, nodes, assets and text helpers.

Nothing here knows about a feature; features import from here, never the other way.
This module itself imports nothing (``bib/`` may use :mod:`.warnings` and :mod:`.text`
without Sphinx).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def extension_metadata(env_version: int = 1) -> dict[str, Any]:
    """What each ``setup()`` returns: every feature keeps its data in domains keyed by
    docname, merged after parallel reads, and writes nothing shared from write workers."""
    return {
        "version": __version__,
        "env_version": env_version,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
