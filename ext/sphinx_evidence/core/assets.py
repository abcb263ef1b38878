"""Static files of the features: copied into ``_static`` and linked only where used.

:func:`add_page_asset` is called from ``html-page-context``: the file is written into the
HTML output's ``_static`` folder (once; an identical file is left alone) and linked from
that page only, so a site gets no stylesheet or script of a feature its pages do not use.
Nothing is fetched from another host, and non-HTML builders get nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parent.parent / "static"


def write_static(app: Sphinx, name: str, content: str) -> None:
    """Write ``_static/<name>`` in the HTML output unless it already holds ``content``.
    Written to a temporary file and renamed, so parallel writers never see half a file."""
    folder = Path(app.builder.outdir) / "_static"
    target = folder / name
    try:
        if target.read_text(encoding="utf-8") == content:
            return
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(tmp, target)


def add_page_asset(
    app: Sphinx, source: Path | None, name: str, content: str | None = None, **attributes: Any
) -> None:
    """Link ``_static/<name>`` (``.css`` or ``.js``) from the page being written; its text is
    ``content`` or the file ``source``. Call from ``html-page-context`` only."""
    if app.builder.format != "html":
        return
    if content is None:
        assert source is not None
        content = source.read_text(encoding="utf-8")
    write_static(app, name, content)
    if name.endswith(".js"):
        app.add_js_file(name, **attributes)
    else:
        app.add_css_file(name, **attributes)


def has_class(doctree: nodes.Node | None, *prefixes: str) -> bool:
    """Whether an element of ``doctree`` has a class starting with one of ``prefixes``, or
    raw HTML naming one (markers of the features a page uses)."""
    if doctree is None:
        return False
    for node in doctree.findall(nodes.Element):
        classes: list[str] = node.get("classes", [])
        if any(c.startswith(prefixes) for c in classes):
            return True
        if isinstance(node, nodes.raw) and any(f'class="{p}' in node.astext() for p in prefixes):
            return True
    return False
