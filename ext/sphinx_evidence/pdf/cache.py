"""PDFs kept between builds: a PDF is rendered again only when one of its inputs changed.

The key of a PDF is a SHA-256 of its HTML, of every image that HTML uses (by content), and
of the settings key the builder gives (print stylesheet, font CSS and font files, PDF
settings, renderer versions and the code that post-processes and checks). The keys, and
the warnings each PDF gave when it was written, are kept in ``.evidencepdf-cache.json`` in
the output folder, so an unchanged PDF reports the same warnings as when it was made.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

CACHE_FILE = ".evidencepdf-cache.json"
VERSION = 1
IMAGE_SRC = re.compile(r'\bsrc="(?!data:)([^"#?]+)"')
"""Image sources in the HTML the builder writes (always ``src="..."``, relative)."""


@dataclass(frozen=True)
class Kept:
    """What a PDF reported when it was written."""

    messages: list[str]
    problems: list[str]


class PdfCache:
    """The keys of the PDFs in ``outdir``; ``settings`` ``None`` turns caching off."""

    def __init__(self, outdir: Path, settings: str | None) -> None:
        self.path = outdir / CACHE_FILE
        self.settings = settings
        self.entries: dict[str, dict[str, object]] = {}
        if settings is not None:
            try:
                data = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("version") == VERSION:
                entries = data.get("pdfs", {})
                self.entries = entries if isinstance(entries, dict) else {}

    @staticmethod
    def digest(texts: Iterable[str], files: Iterable[Path] = ()) -> str:
        """A SHA-256 of ``texts`` and of the content of ``files``."""
        sha = hashlib.sha256()
        for text in texts:
            sha.update(text.encode("utf-8") + b"\0")
        for path in files:
            sha.update(str(path.name).encode("utf-8") + b"\0")
            try:
                sha.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                sha.update(b"missing")
        return sha.hexdigest()

    def key(self, html: str, outdir: Path) -> str:
        """The key of a PDF rendered from ``html`` with images under ``outdir``."""
        images = sorted({outdir / unquote(src) for src in IMAGE_SRC.findall(html)})
        return self.digest([self.settings or "", html], images)

    def get(self, name: str, key: str) -> Kept | None:
        """What the PDF ``name`` reported, when it exists and was made from ``key``."""
        if self.settings is None:
            return None
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        if not (self.path.parent / name).is_file():
            return None
        messages, problems = entry.get("messages", []), entry.get("problems", [])
        if not isinstance(messages, list) or not isinstance(problems, list):
            return None
        return Kept([str(m) for m in messages], [str(p) for p in problems])

    def put(self, name: str, key: str, messages: list[str], problems: list[str]) -> None:
        self.entries[name] = {"key": key, "messages": messages, "problems": problems}

    def save(self) -> None:
        if self.settings is None:
            self.path.unlink(missing_ok=True)
            return
        data = {"version": VERSION, "pdfs": dict(sorted(self.entries.items()))}
        self.path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
