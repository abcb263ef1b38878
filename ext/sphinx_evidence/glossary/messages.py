"""With ``evidence_glossary_house_rules``: one plain warning per glossary mistake.

* ``{term}`` of a name no entry (nor another resolver) has: ``evidence.term_unknown`` at the
  role's own line, with "did you mean" (instead of Sphinx's ``ref.term``); the text is
  shown unlinked;
* a name defined twice: only our ``evidence.term_duplicate`` (at the second definition's
  line, from :mod:`.resolve`), not also Sphinx's "duplicate term description" (which MyST
  places at the wrong line).

Without the house rules, Sphinx's own warnings are left exactly as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.core.text import suggestion
from sphinx_evidence.core.warnings import Warn, exact_line, warn
from sphinx_evidence.glossary.config import glossary_config


class _SameDuplicate(logging.Filter):
    """Drops Sphinx's duplicate-term warning while a build with the house rules runs."""

    enabled = False

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.enabled or not str(record.msg).startswith("duplicate %s description"):
            return True
        return not (record.args and record.args[0] == "term")  # type: ignore[index]


_FILTER = _SameDuplicate()


def _config_inited(app: Sphinx, config: Config) -> None:
    # one Sphinx build per process at a time; forked parallel readers inherit the flag
    _FILTER.enabled = glossary_config(config).house_rules


def _missing_term(app: Sphinx, domain: Any, node: Any) -> bool | None:
    """``warn-missing-reference`` (no resolver found the term): our warning, not Sphinx's."""
    env = app.env
    if node.get("refdomain") != "std" or node.get("reftype") != "term":
        return None
    if not glossary_config(env.config).house_rules:
        return None
    names = [name for entry in env.domains["evidence_glossary"].all_entries()  # type: ignore[attr-defined]
             for name in entry.names]  # fmt: skip
    target = node.get("reftarget", "")
    docname = node.get("refdoc") or env.current_document.docname
    line = exact_line(env.doc2path(docname), node.line or 0, node.rawsource or "")
    warn(
        Warn.term_unknown,
        f'"{target}" is not a glossary term: check its spelling, or add it to the glossary.'
        + suggestion(target, names),
        location=(docname, line or None),
    )
    return True


def setup_messages(app: Sphinx) -> None:
    """Register the glossary's own warnings (house rules only)."""
    logger = logging.getLogger("sphinx.sphinx.domains.std")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    app.connect("config-inited", _config_inited)
    app.connect("warn-missing-reference", _missing_term)
