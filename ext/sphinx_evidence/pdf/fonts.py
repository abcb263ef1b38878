"""The PDFs' typefaces, found where the build installed them and embedded by WeasyPrint.

A family is looked up first among installed ``fontpkg`` font packages (``pip install
fontpkg-atkinson-hyperlegible``, which the ``pdf`` extra of this package pulls in, so any
``pip install`` builds with it, root or not, Debian or not), then among the system's fonts
(``fc-list``). :func:`font_css` writes ``@font-face`` rules for the files found (local
``file:`` URLs: nothing is fetched from another host) and the rules that use the families.
A family found nowhere is reported once; the PDFs then use the generic ``sans-serif`` or
``monospace`` face.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Face:
    """One font file of a family."""

    path: Path
    weight: int
    style: str


@dataclass(frozen=True)
class PrintFonts:
    """The typefaces of the PDFs: the CSS that uses them and what the checks expect."""

    css: str
    files: tuple[Path, ...]
    """Every font file used (part of each PDF's cache key)."""
    embedded: tuple[str, ...]
    """PostScript name prefixes of the families found (``AtkinsonHyperlegible``)."""
    missing: tuple[str, ...]
    """Families found neither as a font package nor among the system's fonts."""


def _from_fontpkg(family: str) -> list[Face]:
    try:
        import fontpkg
    except ImportError:
        return []
    try:
        found = fontpkg.family(family)
    except fontpkg.FontpkgError:
        return []
    faces = []
    for file in found.files:
        if file.variable or file.weight is None or not Path(file.path).is_file():
            continue  # static files only: WeasyPrint embeds them as they are
        faces.append(Face(Path(file.path), int(file.weight), file.style))
    return faces


def _from_fontconfig(family: str) -> list[Path]:
    """Files of ``family`` that fontconfig knows (empty without fontconfig)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    result = subprocess.run(
        [exe, f":family={family}", "file"], capture_output=True, text=True, check=False
    )
    return sorted(Path(line.rstrip(":").strip()) for line in result.stdout.splitlines() if line)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def postscript_prefix(family: str) -> str:
    """``"Atkinson Hyperlegible"`` -> ``"AtkinsonHyperlegible"`` (how fonts name themselves)."""
    return "".join(family.split())


def font_css(text: str, mono: str) -> PrintFonts:
    """The CSS that sets the PDFs in ``text`` (and code in ``mono``)."""
    rules: list[str] = []
    files: list[Path] = []
    embedded: list[str] = []
    missing: list[str] = []
    stacks: dict[str, str] = {}
    for family, generic in ((text, "sans-serif"), (mono, "monospace")):
        faces = _from_fontpkg(family)
        system = [] if faces else _from_fontconfig(family)
        for face in faces:
            rules.append(
                f"@font-face {{ font-family: {_css_string(family)}; "
                f"src: url({_css_string(face.path.resolve().as_uri())}); "
                f"font-weight: {face.weight}; font-style: {face.style}; }}"
            )
            files.append(face.path)
        files.extend(system)
        if faces or system:
            embedded.append(postscript_prefix(family))
            stacks[generic] = f"{_css_string(family)}, {generic}"
        else:
            missing.append(family)
            stacks[generic] = generic
    rules.append(
        f"html {{ font-family: {stacks['sans-serif']}; }}\n"
        f"@page {{ font-family: {stacks['sans-serif']}; }}\n"
        f"pre, code, kbd, samp, tt, .highlight, .literal {{ font-family: {stacks['monospace']}; }}"
    )
    return PrintFonts("\n".join(rules), tuple(files), tuple(embedded), tuple(missing))


def install_hint(family: str) -> str:
    """How to install ``family`` as a font package."""
    return f"pip install fontpkg-{'-'.join(family.lower().split())}"
