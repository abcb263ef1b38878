"""Text helpers every feature uses, written once (plain Python: ``bib/`` uses them too).

* :data:`MONTHS`: month names, for partial dates in the bibliography and in post headers;
* :func:`slug`: a lower-case ASCII name (tag pages, PDF file names);
* :func:`safe_id`: text made safe for an HTML id or a file name, case kept;
* :func:`suggestion`: "did you mean ...?" for a mistyped name (difflib);
* :func:`digest`: a change fingerprint of whatever a page shows (``env-updated`` handlers
  return the pages whose fingerprint changed).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


def slug(text: str, fallback: str = "") -> str:
    """``"Place-based care"`` -> ``"place-based-care"`` (accents dropped, ``fallback``
    when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or fallback


def safe_id(text: str, strip: bool = True) -> str:
    """``"briefs/x y"`` -> ``"briefs-x-y"``: letters, digits, ``_`` and ``-`` only."""
    found = _NOT_ID.sub("-", text)
    return found.strip("-") if strip else found


def digest(parts: Any) -> str:
    """A fingerprint of ``parts`` (anything with a stable ``repr``)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (ignoring case), or None when none is close."""
    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.6)
    return by_fold[found[0]] if found else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``' Did you mean "STP"?'`` for the closest choice to ``word``; ``""`` if none is close."""
    found = closest(word, choices)
    return f' Did you mean "{found}"?' if found is not None and found != word else ""
