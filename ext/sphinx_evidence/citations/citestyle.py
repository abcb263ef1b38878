"""In-text citations in the house style: ``evidence`` for ``bibtex_reference_style``.

The stock ``author_year`` style names an entry by its authors or editors, else by its
title (and fails on an entry with none of them), and dates it by the ``year`` field alone
("n.d." for a biblatex ``date``). This style says what the reference list says: the
same who (people, else the organisation, else the title's first words, else the key) and
the same year with the same letter as the entry's label (``NHS Digital, 2018b``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pybtex.richtext import Text
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, node, post_text, pre_text, reference

from sphinx_evidence.bib.dates import entry_date
from sphinx_evidence.bib.names import short_who

_LABEL_YEAR = re.compile(r"(?:\d{4}|n\.d\.)[a-z]?$")


@node
def who(children: Any, data: dict[str, Any], **_kwargs: Any) -> Text:
    """Who the entry is by, as its label names it (never fails on a missing field)."""
    assert not children
    entry = data["entry"]
    return Text(short_who(entry) or entry.key)


@node
def when(children: Any, data: dict[str, Any]) -> Text:
    """The entry's year with its label's letter (``2018b``), or ``n.d.``."""
    assert not children
    formatted = data.get("formatted_entry")
    label = str(getattr(formatted, "label", "") or "")
    found = _LABEL_YEAR.search(label)
    if found:
        return Text(found.group())
    year = entry_date(data["entry"])[0]
    return Text(str(year) if year else "n.d.")


class EvidencePersonStyle(PersonStyle):
    """Names as the house style's labels give them."""

    def author_or_editor_or_title(self, full: bool) -> Any:
        """The entry's who (``full`` is the same: labels already shorten long lists)."""
        return who


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[join(sep=self.author_year_sep)[who, when]],
            post_text,
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            who,
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    pre_text, reference[when], post_text
                ],
                self.bracket.right,
            ],
        ]


@dataclass
class _Year(ExtraYearReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return reference[when]


_REPLACEMENTS = {
    BasicAuthorYearParentheticalReferenceStyle: _Parenthetical,
    BasicAuthorYearTextualReferenceStyle: _Textual,
    ExtraYearReferenceStyle: _Year,
}


@dataclass
class EvidenceReferenceStyle(AuthorYearReferenceStyle):
    """Author-year citations whose who and year match the house style's labels."""

    def __post_init__(self) -> None:
        self.person = EvidencePersonStyle()
        super().__post_init__()
        for index, style in enumerate(self.styles):
            replacement = _REPLACEMENTS.get(type(style))
            if replacement is not None:
                self.styles[index] = replacement(**vars(style))
        self.role_style.update(
            (role, style) for style in self.styles for role in style.role_names()
        )
