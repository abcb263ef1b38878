"""PDFs kept between builds: a PDF is rendered again only when one of its inputs changed.

The key of a PDF is a SHA-256 of its HTML, of every image that HTML uses (by content), and
of the settings key the builder gives (print stylesheet, font CSS and font files, PDF
settings, renderer versions and the code that post-processes and checks). The keys, the
warnings each PDF gave when it was written and a copy of each PDF are kept in
``evidencepdf/`` beside Sphinx's doctrees (which ``nox -s docs`` keeps between builds while
it writes each build into a fresh folder): an unchanged PDF is copied from there and
reports the same warnings as when it was made.

When Sphinx read no page again, the builder does not even assemble the HTML: the cache
also keeps the key of the pages there were and of the code that made the HTML
(:meth:`PdfCache.holds`).
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

CACHE_FILE = "keys.json"
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

    def __init__(self, folder: Path, outdir: Path, settings: str | None) -> None:
        self.path = folder / CACHE_FILE
        self.kept = folder / "pdfs"
        self.outdir = outdir
        self.settings = settings
        self.entries: dict[str, dict[str, object]] = {}
        self.sources = ""
        if settings is not None:
            try:
                data = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("version") == VERSION:
                entries = data.get("pdfs", {})
                self.entries = entries if isinstance(entries, dict) else {}
                self.sources = str(data.get("sources", ""))

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
        kept, target = self.kept / name, self.outdir / name
        if not kept.is_file():
            return None
        messages, problems = entry.get("messages", []), entry.get("problems", [])
        if not isinstance(messages, list) or not isinstance(problems, list):
            return None
        if not target.is_file() or not filecmp.cmp(kept, target, shallow=False):
            shutil.copyfile(kept, target)
        return Kept([str(m) for m in messages], [str(p) for p in problems])

    def stored_key(self, name: str) -> str:
        entry = self.entries.get(name)
        return str(entry.get("key", "")) if isinstance(entry, dict) else ""

    def holds(self, sources: str, names: list[str]) -> bool:
        """The last build was made from ``sources`` and left exactly the PDFs ``names``."""
        if self.settings is None or not sources or self.sources != sources:
            return False
        return sorted(names) == sorted(self.entries) and all(
            self.get(name, self.stored_key(name)) is not None for name in names
        )

    def put(self, name: str, key: str, messages: list[str], problems: list[str]) -> None:
        self.kept.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.outdir / name, self.kept / name)
        self.entries[name] = {"key": key, "messages": messages, "problems": problems}

    def keep_only(self, names: set[str]) -> None:
        """Forget PDFs that this build no longer writes."""
        self.entries = {name: e for name, e in self.entries.items() if name in names}
        for path in self.kept.glob("*.pdf") if self.kept.is_dir() else []:
            if path.name not in names:
                path.unlink()

    def save(self, sources: str = "") -> None:
        """Write the keys; ``sources``: the key of the pages and code they were made from."""
        if self.settings is None:
            shutil.rmtree(self.path.parent, ignore_errors=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "sources": sources, "pdfs": dict(sorted(self.entries.items()))}
        self.path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
