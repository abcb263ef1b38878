"""Warnings: one type for the project, one subtype per kind of problem.

Every warning is logged with ``type="evidence"`` and a subtype from :class:`Warn`, so a
project can silence one kind with ``suppress_warnings = ["evidence.<subtype>"]``. The
module imports Sphinx only when a warning is logged: ``bib/`` uses :class:`Warn` as plain data.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

WARNING_TYPE = "evidence"


class Warn(Enum):
    """The kinds of warning; the value is the subtype users suppress."""

    config = "config"
    """A configuration value is unusable."""
    bib_syntax = "bib_syntax"
    """A references.bib entry could not be parsed."""
    bib_duplicate = "bib_duplicate"
    """Two entries share a key (or, in the lint check, a DOI or title)."""
    bib_missing_field = "bib_missing_field"
    """An entry lacks a field its type requires."""
    bib_date = "bib_date"
    """A ``date``, ``year`` or ``month`` that is not a real date; shown as far as it is read."""
    bib_unknown_type = "bib_unknown_type"
    """An entry type the house style does not know; a generic form is used."""
    bib_unsafe_url = "bib_unsafe_url"
    """A url or doi field that is not http(s), mailto or a DOI; shown as text, not linked."""
    bib_markup = "bib_markup"
    """A field holding HTML markup; it is shown as text, never as markup."""
    bib_unused = "bib_unused"
    """An entry no page cites or lists (lint check)."""
    access_unknown = "access_unknown"
    """An access level not in the configured vocabulary."""
    access_missing = "access_missing"
    """A references.bib entry with no access level (lint check)."""
    cite_unknown = "cite_unknown"
    """A reading-list key (or, with ``evidence_citations_house_rules``, a citation key) that
    the .bib files do not hold; otherwise an unknown citation is sphinxcontrib-bibtex's
    ``bibtex.key_not_found``."""
    reading_list = "reading_list"
    """A reading-list option is unusable."""
    term_case_duplicate = "term_case_duplicate"
    """Two glossary names that differ only in case."""
    term_empty = "term_empty"
    """A glossary entry with an empty definition."""
    term_no_source = "term_no_source"
    """A glossary definition that cites no source."""
    term_duplicate = "term_duplicate"
    """A glossary name defined twice (Sphinx's own warning gives a wrong line in MyST)."""
    term_unknown = "term_unknown"
    """A ``{term}`` of a name the glossary does not define (with the house rules; otherwise
    Sphinx's ``ref.term``)."""
    term_autolink = "term_autolink"
    """An ``:autolink:`` setting that is not at the end of its definition (ignored)."""
    term_unused = "term_unused"
    """A glossary entry no page uses (off by default)."""
    post_meta = "post_meta"
    """A blog post's authors, title, summary or original address that cannot be used."""
    post_date = "post_date"
    """A post date that does not exist (2020-02-31) or is not written YYYY-MM-DD, YYYY-MM
    or YYYY; the post is shown undated."""
    post_tag = "post_tag"
    """A tag that differs from another post's only in case or spacing (shown in that
    spelling), a tag with no archive page, or a post list of a tag no post has."""
    front_matter = "front_matter"
    """Front matter that cannot be read, or a key this site does not use."""
    front_matter_missing = "front_matter_missing"
    """A page without a front matter key its folder requires (a post's summary, say)."""
    pdf = "pdf"
    """A PDF could not be written or failed its checks."""


def exact_line(path: Any, line: int, text: str) -> int:
    """The line, at or after ``line`` of file ``path``, where ``text`` (a role, such as
    ``:cite:p:`key```) starts: MyST gives an inline role the line of its paragraph's start.
    The role's `` `content` `` is looked for (reST and MyST write the name differently);
    ``line`` itself when it is not found in the paragraph."""
    text = text[text.find("`") :] if "`" in text else text
    first = text.splitlines()[0] if text.strip() else ""
    if not first or not line:
        return line
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, TypeError):
        return line
    for number in range(line, min(len(lines), line + 200) + 1):
        if first in lines[number - 1]:
            return number
        if number > line and not lines[number - 1].strip():
            break  # the paragraph ended
    return line


def role_location(role: Any) -> tuple[str, int]:
    """(docname, exact line) of a role (a ``SphinxRole`` or a ``XRefRole``)."""
    env = role.env
    docname = env.current_document.docname
    return docname, exact_line(env.doc2path(docname), role.lineno, role.rawtext)


def warn(kind: Warn, message: str, location: Any = None, **kwargs: Any) -> None:
    """Log a warning of ``kind`` at ``location`` (a node, a docname, or (docname, line))."""
    from sphinx.util import logging  # here, so the data layer (bib/) can use Warn without Sphinx

    logger = logging.getLogger("sphinx_evidence")
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location, **kwargs)
