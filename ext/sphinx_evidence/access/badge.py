"""Access levels: a validated vocabulary, badges, and the ``{access}`` role.

The vocabulary is configuration (``evidence_access_levels`` in ``conf.py``); each level has
a label, a one-line explanation and colours for light and dark mode, checked at
``config-inited`` for WCAG AA contrast. A badge is built as a stock ``inline`` node with
class ``evidence-badge`` (so every builder shows its label in words); for HTML a
post-transform turns it into a link to the help page with a tooltip that shows on hover
and on keyboard focus and is tied to the link with ``aria-describedby``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxRole

from . import config as cfg
from .core.assets import STATIC, add_page_asset, has_class
from .messages import Warn, warn

PREFIX = "evidence_access"
BADGE_CLASS = "evidence-badge"
COLOURS_CSS = "evidence-access-colours.css"

DEFAULT_LEVELS: dict[str, dict[str, str]] = {
    "free": {
        "label": "Free",
        "explanation": "Free to read for everyone, no login needed.",
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


def badge(
    level: str, config: Config, bracket: bool = False, levels: dict[str, Level] | None = None
) -> nodes.inline:
    """A badge node for ``level``: its label in words (in brackets after a reference, when
    ``bracket``); in HTML it becomes a link with a tooltip. Pass ``levels`` (the parsed
    vocabulary) when making many badges, to validate the configuration only once."""
    if levels is None:
        levels = access_config(config).parsed
    label = levels[level].label if level in levels else level
    if bracket:
        label = f"[{label}]"
    node = nodes.inline(label, label, classes=[BADGE_CLASS, f"evidence-access-{level}"])
    node["evidence_access"] = level
    return node


class AccessRole(SphinxRole):
    """``{access}`openathens``` puts the badge of an access level in prose."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        level = self.text.strip()
        levels = access_config(self.config).parsed
        if level not in levels:
            warn(
                Warn.access_unknown,
                f"unknown access level {level!r} (known: {', '.join(levels)})",
                location=self.get_location(),
            )
            return [nodes.inline(self.text, self.text)], []
        node = badge(level, self.config, levels=levels)
        self.set_source_info(node)
        return [node], []


def badges_to_html(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In HTML, make each badge a link to the help page with an accessible tooltip."""
    if app.builder.format != "html":
        return
    settings = access_config(app.config)
    levels = settings.parsed
    help_uri = ""
    if settings.help_page and settings.help_page in app.env.found_docs:
        help_uri = app.builder.get_relative_uri(docname, settings.help_page)
    count = 0
    for node in list(doctree.findall(nodes.inline)):
        level = node.get("evidence_access")
        if not level or level not in levels:
            continue
        count += 1
        info = levels[level]
        tip_id = f"evidence-badge-tip-{count}"
        classes = f"{BADGE_CLASS} evidence-access-{escape(level)}"
        label, tip = escape(info.label), escape(info.explanation)
        if help_uri:
            inner = (
                f'<a class="{classes}" href="{escape(help_uri)}" '
                f'aria-describedby="{tip_id}">{label}</a>'
            )
        else:
            inner = (
                f'<span class="{classes}" tabindex="0" aria-describedby="{tip_id}">{label}</span>'
            )
        markup = (
            f'<span class="evidence-badge-wrap">{inner}'
            f'<span class="evidence-badge-tip" role="tooltip" id="{tip_id}">{tip}</span></span>'
        )
        node.parent.replace(node, nodes.raw("", markup, format="html"))


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


def _config_inited(app: Sphinx, config: Config) -> None:
    access_config(config)  # raises ConfigError when unusable


def _builder_inited(app: Sphinx) -> None:
    settings = access_config(app.config)
    if settings.help_page and settings.help_page not in app.env.found_docs and app.env.found_docs:
        warn(Warn.config, f"evidence_access_help_page {settings.help_page!r} is not a page")


#: Classes that show a page uses badges, tooltips or reading lists (and so their assets).
MARKERS = ("evidence-badge", "evidence-reading-list", "evidence-level-", "evidence-cite-wrap")


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the badges' stylesheets and the reading-list script from pages using them."""
    if not has_class(doctree, *MARKERS):
        return
    add_page_asset(app, STATIC / "access.css", "evidence-access.css", priority=500)
    colours = colours_css(access_config(app.config).parsed)
    add_page_asset(app, None, COLOURS_CSS, content=colours, priority=501)
    add_page_asset(
        app, STATIC / "readinglist.js", "evidence-readinglist.js", loading_method="defer"
    )


def setup_access(app: Sphinx) -> None:
    """Register the access feature with app."""
    cfg.register(app, PREFIX, AccessConfig)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.add_role("access", AccessRole())
    app.connect("doctree-resolved", badges_to_html, priority=600)
