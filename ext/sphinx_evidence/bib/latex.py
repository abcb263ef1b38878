"""LaTeX in .bib fields to rich text (pybtex ``Text``) or plain text: accents, quotes,
switches such as ``\\em``, ``\\href``, logos and special characters."""

from __future__ import annotations

import re
from typing import Any

from pybtex.richtext import Protected, String, Tag, Text

_INLINE_COMMANDS = {
    "emph": "em",
    "textit": "em",
    "mkbibemph": "em",
    "textsl": "em",
    "textbf": "strong",
    "mkbibbold": "strong",
}


#: Quoting commands (``\\enquote*`` is the inner, single quotation).
_QUOTES = {"mkbibquote": ("\u201c", "\u201d"), "enquote": ("\u201c", "\u201d")}


#: Old-style switches inside a group: ``{\\em text}``.
_SWITCHES = re.compile(r"^\\(em|it|sl|bf)\b\s*")


def _join_commands(text: Text) -> Text:
    """Turn ``\\emph {x}`` left by ``Text.from_latex`` into emphasis, ``\\enquote {x}``
    into quotation marks; drop other commands."""
    parts = list(text.parts)
    out: list[Any] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, String):
            value = part.value
            match = re.search(r"\\([A-Za-z]+)\s*(\*?)\s*$", value)
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if match and isinstance(nxt, Protected):
                value = value[: match.start()]
                if value:
                    out.append(String(_strip_commands(value)))
                command = match.group(1)
                inner = _join_commands(Text(*nxt.parts))
                tag = _INLINE_COMMANDS.get(command)
                if command in {"url", "href", "nolinkurl"}:
                    out.append(String(str(inner)))
                elif command in _QUOTES:
                    left, right = ("\u2018", "\u2019") if match.group(2) else _QUOTES[command]
                    out.extend([String(left), *inner.parts, String(right)])
                elif tag:
                    out.append(Tag(tag, inner))
                else:
                    out.append(inner)
                i += 2
                continue
            out.append(String(_strip_commands(value)))
        elif isinstance(part, Protected):
            inner_parts = list(part.parts)
            first = inner_parts[0] if inner_parts else None
            switch = _SWITCHES.match(first.value) if isinstance(first, String) else None
            if switch:
                inner_parts[0] = String(first.value[switch.end() :])  # type: ignore[union-attr]
                tag = "strong" if switch.group(1) == "bf" else "em"
                out.append(Tag(tag, _join_commands(Text(*inner_parts))))
            else:
                out.append(Protected(*_join_commands(Text(*inner_parts)).parts))
        else:
            out.append(part)
        i += 1
    return Text(*out)


_LOGOS = {"\\LaTeXe": "LaTeX2e", "\\LaTeX": "LaTeX", "\\BibTeX": "BibTeX", "\\TeX": "TeX"}


#: Commands that stand for a character.
_CHARACTERS = {
    "slash": "/",
    "hyphen": "-",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "ldots": "\u2026",
    "dots": "\u2026",
    "textellipsis": "\u2026",
}


def _strip_commands(value: str) -> str:
    for command, word in _LOGOS.items():
        value = re.sub(re.escape(command) + r"(?![A-Za-z]) ?", word, value)
    value = re.sub(r"\\([A-Za-z]+)\s?", lambda m: _CHARACTERS.get(m.group(1), ""), value)
    return value.replace("~", "\u00a0").replace("\\", "")


_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


_LATEX_SPECIAL = re.compile(r"[\\~$]|--|``|''")


"""What needs the LaTeX decoder; braces alone only protect case, which the style never changes."""


def latex_text(value: str) -> Text:
    """Rich text from a LaTeX field value: Unicode, dashes, quotes and emphasis."""
    if not _LATEX_SPECIAL.search(value):  # plain text: nothing to decode (the usual case)
        value = value.replace("{", "").replace("}", "")
        return Text(" ".join(value.split())) if value.strip() else Text()
    value = _HREF.sub(r"\2", value)  # the parser would run the address into the text
    try:
        text = Text.from_latex(value)
    except Exception:  # a field pybtex's LaTeX parser cannot read: keep it as plain text
        return Text(value)
    text = _join_commands(text)
    if value == value.rstrip():
        text = _rstrip(text)
    return text


def _rstrip(text: Text) -> Text:
    """``text`` without trailing white space (left behind by a closing command)."""
    parts = list(text.parts)
    while parts and isinstance(parts[-1], String) and not parts[-1].value.strip():
        parts.pop()
    if parts and isinstance(parts[-1], String):
        parts[-1] = String(parts[-1].value.rstrip())
    return Text(*parts)


def plain(value: str) -> str:
    """Plain Unicode text of a LaTeX field value."""
    if not _LATEX_SPECIAL.search(value):
        return " ".join(value.replace("{", "").replace("}", "").split())
    return str(latex_text(value))
