"""Options of the citations feature (``evidence_citations_*``), all off by default."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sphinx.config import Config

from sphinx_evidence.bib.links import safe_url
from sphinx_evidence.core import config as cfg

PREFIX = "evidence_citations"


@dataclass(frozen=True)
class CitationsConfig:
    """Options of the citations (``evidence_citations_<name>`` in conf.py). Reading lists
    and the ``evidence`` styles are asked for by name; everything else here is off until
    a site turns it on."""

    cited_on: bool = field(
        default=False,
        metadata={"help": 'End each entry of a {bibliography} with "Cited on:" and its pages.'},
    )
    exports: bool = field(
        default=False,
        metadata={
            "help": "HTML: the entries of each {bibliography} join the page's downloads menu "
            "(BibTeX, RIS and CSL-JSON, near the top of the page); reading lists always do."
        },
    )
    tooltips: bool = field(
        default=False,
        metadata={
            "help": "HTML: a citation's title tooltip also shows on keyboard focus and is "
            "the link's accessible description."
        },
    )
    house_rules: bool = field(
        default=False,
        metadata={
            "help": "Check every .bib entry against the house style (required fields, dates, "
            "safe links, markup, access levels) and report unknown citation keys as "
            "evidence.cite_unknown (shown as text) instead of bibtex.key_not_found."
        },
    )

    way_in: bool = field(
        default=False,
        metadata={
            "help": 'An entry with no link says "No online copy known" and how to get it: '
            '"Ask your library and knowledge service" (linking to supply_label) and, with '
            'search_url, "Search for this title".'
        },
    )
    supply_label: str = field(
        default="",
        metadata={
            "help": "The label (a ``(name)=`` target) of the section that explains how to get "
            "a copy of a document (document supply); with way_in, entries with no link "
            "link to it."
        },
    )
    search_url: str = field(
        default="",
        metadata={
            "help": "With way_in: a discovery-search address with ``{title}`` where the "
            "entry's title goes (quoted), e.g. ``https://library.example.org/search?q={title}``; "
            'entries with no link get "Search for this title". Only http(s). Off when empty.'
        },
    )
    filter_min: int = field(
        default=8,
        metadata={
            "help": "HTML: a reading list with at least this many entries gets a filter "
            "(access levels, words, a clear button); 0: no list gets one."
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.filter_min, int) or self.filter_min < 0:
            raise ValueError("filter_min must be 0 or more")
        if self.supply_label and not re.match(r"^[\w.:-]+$", self.supply_label):
            raise ValueError(f"supply_label {self.supply_label!r} is not a label name")
        if self.search_url:
            if "{title}" not in self.search_url:
                raise ValueError("search_url must contain {title}, where the title goes")
            if not self.search_url.lower().startswith(("https://", "http://")) or not safe_url(
                self.search_url.replace("{title}", "x")
            ):
                raise ValueError(f"search_url {self.search_url!r} is not an http(s) address")


def citations_config(config: Config) -> CitationsConfig:
    """The validated citation options of a project."""
    return cfg.read(config, PREFIX, CitationsConfig)


def house_rules_on(config: Config) -> bool:
    return bool(getattr(config, f"{PREFIX}_house_rules", False))
