"""pybtex's and sphinxcontrib-bibtex's plugin lookups, made once per process.

Both look their plugins (styles, backends) up with ``importlib.metadata.entry_points``,
which reads the entry points of every installed package on each call: 10 to 15 ms each
in a virtual environment of ordinary size, and a build makes a dozen such calls before it
reads a page (more on a citation-heavy site), which was a fifth of an incremental build.
The installed packages do not change while Sphinx runs, so the entry points are read once
and each lookup selects from them: the same plugins, found the same way.
"""

from __future__ import annotations

import functools
import importlib.metadata
from typing import Any

import pybtex.plugin
import sphinxcontrib.bibtex.plugin


@functools.cache
def _installed() -> Any:
    """Every installed entry point (Python 3.11 gives them by group, 3.12 as one list:
    both select as :func:`entry_points` needs)."""
    return importlib.metadata.entry_points()


def entry_points(**params: Any) -> importlib.metadata.EntryPoints:
    """``importlib.metadata.entry_points(**params)``, from one reading per process."""
    found: importlib.metadata.EntryPoints = _installed().select(**params)
    return found


def look_up_once() -> None:
    """Make pybtex and sphinxcontrib-bibtex find their plugins through :func:`entry_points`."""
    for module in (pybtex.plugin, sphinxcontrib.bibtex.plugin):
        if getattr(module, "entry_points", None) is not entry_points:
            setattr(module, "entry_points", entry_points)  # noqa: B010
