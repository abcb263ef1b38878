"""Tables for the contributor guide, generated from the code so they cannot drift.

* ``{evidence-warnings}``: every warning subtype of :class:`~.warnings.Warn` with its meaning
  and an example (the member docstrings) and the ``suppress_warnings`` value that silences it;
* ``{evidence-config} package.module.Class`` with ``:prefix: evidence_<feature>``: every
  ``conf.py`` value of a feature's config dataclass with its default and help.

Both emit stock docutils tables, so every builder renders them.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core.warnings import WARNING_TYPE, Warn, warn


def table(header: Sequence[str], rows: Sequence[Sequence[nodes.Node | str]]) -> nodes.table:
    """A docutils table; string cells become paragraphs, code-like cells stay as given."""
    tab = nodes.table(classes=["evidence-docs-table"])
    group = nodes.tgroup(cols=len(header))
    tab += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return tab


def _row(cells: Sequence[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, str):
            entry += nodes.paragraph(cell, cell)
        else:
            entry += nodes.paragraph("", "", cell)
        row += entry
    return row


def warning_rows() -> list[tuple[str, str, str]]:
    """(subtype, meaning, example) for every member of :class:`Warn`, in declaration order:
    the member's docstring, split at its ``Example:``."""
    docs = ModuleAnalyzer.for_module(Warn.__module__).find_attr_docs()
    rows = []
    for member in Warn:
        text = " ".join(" ".join(docs.get((Warn.__name__, member.name), [])).split())
        meaning, _, example = text.partition(" Example: ")
        rows.append((member.value, meaning.strip(), example.strip()))
    return rows


class WarningsTable(SphinxDirective):
    """``{evidence-warnings}``: the table of warning subtypes."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        rows = [
            (
                nodes.literal(value, value),
                nodes.literal(f"{WARNING_TYPE}.{value}", f"{WARNING_TYPE}.{value}"),
                meaning,
                nodes.literal(example, example) if example else "",
            )
            for value, meaning, example in warning_rows()
        ]
        return [table(("Subtype", "Silence with", "Raised when", "Example"), rows)]


def _default(field: dataclasses.Field[Any]) -> nodes.Node:
    """A field's default as code; a long mapping is summarised by its keys."""
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:  # pragma: no cover - every config field has a default
        return nodes.Text("")
    text = repr(value)
    if isinstance(value, dict) and len(text) > 60:
        keys = ", ".join(map(str, value))
        return nodes.inline(
            "", "", nodes.Text(f"{len(value)} entries: "), nodes.literal(keys, keys)
        )
    return nodes.literal(text, text)


class ConfigTable(SphinxDirective):
    """``{evidence-config} module.Class``: the ``conf.py`` values of a config dataclass."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"prefix": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        target = self.arguments[0]
        module_name, _, class_name = target.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as err:
            warn(Warn.config, f"cannot document {target!r}: {err}", location=self.get_location())
            return []
        if not dataclasses.is_dataclass(cls):
            warn(Warn.config, f"{target!r} is not a dataclass", location=self.get_location())
            return []
        prefix = self.options.get("prefix", "").strip()
        if not prefix:
            warn(Warn.config, "evidence-config needs a :prefix:", location=self.get_location())
            return []
        defaults = {f.name: _default(f) for f in dataclasses.fields(cls)}
        rows = [
            (nodes.literal(name, name), defaults[name[len(prefix) + 1 :]], help_text)
            for name, _, help_text in cfg.options_table(prefix, cls)  # type: ignore[arg-type]
        ]
        return [table(("Setting", "Default", "What it does"), rows)]


def setup_docs_tables(app: Sphinx) -> None:
    """Register the documentation table directives."""
    app.add_directive("evidence-warnings", WarningsTable)
    app.add_directive("evidence-config", ConfigTable)
