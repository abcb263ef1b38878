"""The hub's own opt-ins, read from ``docs/conf.py`` so that test roots which build as the
hub does never drift from it: each such root's ``conf.py`` does
``globals().update(HOUSE_SETTINGS)``."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

_HUB = runpy.run_path(str(Path(__file__).parent.parent / "docs" / "conf.py"))

HOUSE_SETTINGS: dict[str, Any] = {
    name: value
    for name, value in _HUB.items()
    if name.startswith("evidence_")
    and name not in ("evidence_access_help_page", "evidence_citations_supply_label")
}
"""Every ``evidence_*`` setting of the hub but its help pages (each root names its own)."""
