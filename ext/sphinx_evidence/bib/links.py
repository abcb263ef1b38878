"""URL safety: only http(s) and mailto links and real DOIs are linked; the link of an entry."""

from __future__ import annotations

import re
from urllib.parse import quote

from pybtex.database import Entry

_SAFE_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"]+$", re.IGNORECASE)


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)


_LOCAL_PATH = re.compile(
    r"(?:^|[\s{:;])(?:file://|/Users/|/home/|/Volumes/|/mnt/|~/|[A-Za-z]:[\\/])", re.IGNORECASE
)


def is_local_path(value: str) -> bool:
    """Whether ``value`` holds a path on someone's computer (never published)."""
    return bool(_LOCAL_PATH.search(value))


def safe_url(value: str) -> str | None:
    """``value`` if it may be emitted as a link (http(s) or mailto), else ``None``."""
    value = value.strip()
    return value if _SAFE_URL.match(value) else None


def doi_url(value: str) -> str | None:
    """The https://doi.org/ address of a DOI (bare, ``doi:`` or a doi.org URL), else ``None``."""
    bare = _DOI_PREFIX.sub("", value.strip())
    if not _DOI.match(bare):
        return None
    return "https://doi.org/" + quote(bare, safe="/:;()-._,")


def entry_link(entry: Entry) -> tuple[str, str] | None:
    """(href, text) of the entry's link: its DOI if valid, else a safe ``url``."""
    doi = entry.fields.get("doi", "")
    if doi and (href := doi_url(doi)):
        return href, href
    url = entry.fields.get("url", "")
    if url and (href := safe_url(url)):
        return href, href
    return None
