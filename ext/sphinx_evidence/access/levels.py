"""Access levels: the vocabulary (``evidence_access_levels``), its colours and their contrast."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sphinx.config import Config

from sphinx_evidence.bib.levels import DEFAULT_LEVELS
from sphinx_evidence.core import config as cfg

PREFIX = "evidence_access"


COLOURS_CSS = "evidence-access-colours.css"


_COLOURS = re.compile(r"^\s*(#[0-9a-fA-F]{6})\s+on\s+(#[0-9a-fA-F]{6})\s*$")


_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Level:
    """One access level."""

    name: str
    label: str
    explanation: str
    light: tuple[str, str]  # (text, background)
    dark: tuple[str, str]


def _parse_level(name: str, spec: Any) -> Level:
    if not _NAME.match(str(name)):
        raise ValueError(f"access level name {name!r} must be lower-case letters, digits, '-'")
    if not isinstance(spec, dict):
        raise ValueError(f"access level {name!r} must be a dict of label, explanation, light, dark")
    missing = [k for k in ("label", "explanation", "light", "dark") if not spec.get(k)]
    if missing:
        raise ValueError(f"access level {name!r} lacks {', '.join(missing)}")
    if "\n" in str(spec["explanation"]).strip() or "\n" in str(spec["label"]).strip():
        raise ValueError(f"access level {name!r}: label and explanation must be one line each")
    pairs = []
    for mode in ("light", "dark"):
        match = _COLOURS.match(str(spec[mode]))
        if not match:
            raise ValueError(f"access level {name!r}: {mode} must read '#rrggbb on #rrggbb'")
        text, background = match.group(1).lower(), match.group(2).lower()
        ratio = contrast(text, background)
        if ratio < 4.5:
            raise ValueError(
                f"access level {name!r}: {mode} colours have contrast {ratio:.2f}:1, "
                "below WCAG AA (4.5:1)"
            )
        pairs.append((text, background))
    return Level(name, str(spec["label"]), str(spec["explanation"]), pairs[0], pairs[1])


@dataclass(frozen=True)
class AccessConfig:
    """Access-level settings (``evidence_access_<field>`` in ``conf.py``)."""

    levels: dict[str, dict[str, str]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_LEVELS.items()},
        metadata={
            "help": "Access levels: name -> {label, explanation, light, dark}; colours read "
            "'#text on #background' and must meet WCAG AA contrast."
        },
    )
    help_page: str = field(
        default="",
        metadata={"help": "Docname of the page that explains access levels (badges link to it)."},
    )

    def __post_init__(self) -> None:
        if not isinstance(self.levels, dict) or not self.levels:
            raise ValueError("levels must be a non-empty dict")
        for name, spec in self.levels.items():
            _parse_level(name, spec)

    @property
    def parsed(self) -> dict[str, Level]:
        """The levels, validated."""
        return {name: _parse_level(name, spec) for name, spec in self.levels.items()}


def access_config(config: Config) -> AccessConfig:
    """The validated access settings of a project."""
    return cfg.read(config, PREFIX, AccessConfig)


def colours_css(levels: dict[str, Level]) -> str:
    """The colour rules of every level for light, dark and automatic furo modes."""
    light: list[str] = []
    dark: list[str] = []
    for name, level in levels.items():
        sel = f".evidence-access-{name}"
        for rules, (fg, bg) in ((light, level.light), (dark, level.dark)):
            rules.append(f"{sel} {{ --evidence-badge-fg: {fg}; --evidence-badge-bg: {bg}; }}")
    lines = ["/* Generated from evidence_access_levels. */", *light]
    lines += [f'body[data-theme="dark"] {rule}' for rule in dark]
    lines.append("@media (prefers-color-scheme: dark) {")
    lines += [f"  body:not([data-theme]) {rule}" for rule in dark]
    lines += [f'  body[data-theme="auto"] {rule}' for rule in dark]
    lines.append("}")
    return "\n".join(lines) + "\n"
