"""The default vocabulary of the ``access`` field of an entry (``evidence_access_levels``
overrides it): plain data, so the lint check reads it without Sphinx."""

from __future__ import annotations

DEFAULT_LEVELS: dict[str, dict[str, str]] = {
    "free": {
        "label": "Free",
        "explanation": "Free to read: no login or payment needed.",
        "light": "#14532d on #dcfce7",
        "dark": "#dcfce7 on #14532d",
    },
    "openathens": {
        "label": "OpenAthens",
        "explanation": "Free with an NHS OpenAthens login.",
        "light": "#1e3a8a on #dbeafe",
        "dark": "#dbeafe on #1e3a8a",
    },
    "abstract": {
        "label": "Abstract only",
        "explanation": "Only the abstract is free; ask the library for the full text.",
        "light": "#78350f on #fef3c7",
        "dark": "#fef3c7 on #78350f",
    },
    "subscription": {
        "label": "Subscription (£)",
        "explanation": "Paid content: ask the library for a copy.",
        "light": "#7f1d1d on #fee2e2",
        "dark": "#fee2e2 on #7f1d1d",
    },
    "staff": {
        "label": "Staff only",
        "explanation": "On the staff intranet: needs a staff login.",
        "light": "#4c1d95 on #ede9fe",
        "dark": "#ede9fe on #4c1d95",
    },
}
