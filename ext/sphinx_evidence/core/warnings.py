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
    """The kinds of warning; the value is the subtype users suppress.

    Each member's docstring says when it is raised, then, after ``Example:``, a warning as a
    contributor sees it (the contributor guide's table of warnings shows both).
    """

    config = "config"
    """A configuration value is unusable.

    Example: WARNING: evidence_access_help_page 'acess' is not a page
    """
    bib_syntax = "bib_syntax"
    """A references.bib entry could not be read.

    Example: references.bib:49: WARNING: this entry cannot be read (syntax error in line 49:
    '}' expected); check its braces, commas and quotes
    """
    bib_duplicate = "bib_duplicate"
    """Two entries share a key (or, in the lint check, a DOI or title).

    Example: references.bib:80: WARNING: duplicate key "nhs2019longtermplan" (first at
    references.bib:12); the first entry is used
    """
    bib_missing_field = "bib_missing_field"
    """An entry lacks a field its type requires.

    Example: references.bib:13: WARNING: missing field journaltitle or journal in entry
    "smith2020care"
    """
    bib_date = "bib_date"
    """A ``date``, ``year`` or ``month`` that is not a real date; shown as far as it is read.

    Example: references.bib:54: WARNING: date "2019-13" is not a date such as 2019, 2019-11 or
    2019-11-14 in entry "lga2019devolution"
    """
    bib_unknown_type = "bib_unknown_type"
    """An entry type the house style does not know; a generic form is used.

    Example: references.bib:25: WARNING: unknown entry type @gadget; shown in the generic form
    in entry "hee_star"
    """
    bib_unsafe_url = "bib_unsafe_url"
    """A url or doi field that is not http(s), mailto or a DOI (shown as text, not linked),
    or (lint check) a private local path such as a reference manager's ``file``.

    Example: references.bib:29: WARNING: url "javascript:alert(1)" is not http(s) or mailto;
    shown as text, not linked in entry "hee_star"
    """
    bib_markup = "bib_markup"
    """A field holding HTML markup; it is shown as text, never as markup.

    Example: references.bib:39: WARNING: HTML markup in field title; shown as text in entry
    "hee_star"
    """
    bib_unused = "bib_unused"
    """An entry no page cites or lists (lint check).

    Example: references.bib:90: entry "hee_star" is not cited or listed on any page of docs
    """
    access_unknown = "access_unknown"
    """An access level not in the configured vocabulary (or, in the lint check, one still
    to be set: ``access = {TODO}``).

    Example: docs/guidance/place-based-partnerships.md:9: WARNING: "fre" is not an access
    level; use one of: free, openathens, abstract, subscription, staff. Did you mean "free"?
    """
    access_missing = "access_missing"
    """A references.bib entry with no access level (lint check with ``--require-access``).

    Example: references.bib:33: entry "hee_star" has no access level: add access = {...}
    with one of: free, openathens, abstract, subscription, staff
    """
    cite_unknown = "cite_unknown"
    """A reading-list key (or, with ``evidence_citations_house_rules``, a citation key) that
    the .bib files do not hold; otherwise an unknown citation is sphinxcontrib-bibtex's
    ``bibtex.key_not_found``.

    Example: docs/index.md:5: WARNING: no entry of the bibliography has the key
    "kingsfund2019hwbic": check its spelling. Did you mean "kingsfund2019hwbics"?
    """
    reading_list = "reading_list"
    """A reading-list option is unusable.

    Example: docs/briefs/place-based-systems-of-care.md:20: WARNING: reading list: :sort:
    'newest' is not one of date, title, listed; listed order
    """
    term_case_duplicate = "term_case_duplicate"
    """Two glossary names that differ only in case.

    Example: docs/glossary.md:8: WARNING: the glossary term "ics" differs only in case from
    "ICS" (glossary, line 4): links cannot tell them apart, so keep one spelling
    """
    term_empty = "term_empty"
    """A glossary entry with an empty definition.

    Example: docs/glossary.md:24: WARNING: glossary entry 'PCN' has an empty definition
    """
    term_no_source = "term_no_source"
    """A glossary definition that cites no source.

    Example: docs/glossary.md:11: WARNING: glossary entry 'Devolution' cites no source (add a
    {cite:p} reference)
    """
    term_duplicate = "term_duplicate"
    """A glossary name defined twice (instead of Sphinx's own warning, which MyST places at
    the wrong line).

    Example: docs/glossary.md:10: WARNING: the glossary term "STP" is defined twice (first in
    glossary, line 4): links cannot tell them apart, so keep one definition
    """
    term_unknown = "term_unknown"
    """A ``{term}`` of a name the glossary does not define (with the house rules; otherwise
    Sphinx's ``ref.term``).

    Example: docs/index.md:7: WARNING: "STQ" is not a glossary term: check its spelling, or
    add it to the glossary. Did you mean "STP"?
    """
    term_autolink = "term_autolink"
    """An ``:autolink:`` setting that is not at the end of its definition (ignored).

    Example: docs/glossary.md:14: WARNING: glossary entry 'Place': an :autolink: setting is
    read only at the end of the definition; this one is ignored
    """
    term_unused = "term_unused"
    """A glossary entry no page uses (off by default).

    Example: docs/glossary.md:30: WARNING: glossary entry 'Devolution' is used on no page
    """
    post_meta = "post_meta"
    """A blog post's authors, title, summary or original address that cannot be used.

    Example: docs/blog/my-post.md:4: WARNING: the authors must be a list of names, such as
    [Ann Smith, Bo Li]
    """
    post_date = "post_date"
    """A post date that does not exist (2020-02-31) or is not written YYYY-MM-DD, YYYY-MM
    or YYYY; the post is shown undated.

    Example: docs/blog/my-post.md:3: WARNING: the date "2020-02-31" does not exist: February
    2020 has no day 31; check the day, or give only the month ("2020-02") if the day is not
    known
    """
    post_tag = "post_tag"
    """A tag that differs from another post's only in case or spacing (shown in that
    spelling), a tag with no archive page, or a post list of a tag no post has.

    Example: docs/blog/my-post.md:5: WARNING: the tag "stp" is written "STP" on other posts,
    so it is shown as "STP"; write it "STP" here too
    """
    front_matter = "front_matter"
    """Front matter that cannot be read, or a key this site does not use.

    Example: docs/blog/my-post.md:6: WARNING: the front matter key "sumary" is not one this
    site uses, so it does nothing. Did you mean "summary"?
    """
    front_matter_missing = "front_matter_missing"
    """A page without a front matter key its folder requires (a post's summary, say).

    Example: docs/blog/my-post.md:7: WARNING: this page needs a "summary" in its front
    matter; add a line "summary: ..." between the --- lines
    """
    pdf = "pdf"
    """A PDF could not be written or failed its checks.

    Example: docs/briefs/place-based-systems-of-care.md: WARNING:
    place-based-systems-of-care.pdf: heading stranded at the foot of page 3
    """
    pdf_font = "pdf_font"
    """The PDFs' typeface is not installed; they are set in a generic face instead.

    Example: WARNING: the PDF typeface 'Atkinson Hyperlegible' is not installed, so the
    PDFs are set in a generic face: install it with `pip install
    fontpkg-atkinson-hyperlegible` (the pdf extra of sphinx-evidence brings the default
    faces), or set evidence_pdf_font / evidence_pdf_mono_font to a family that is installed
    """


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
