"""Options of the citations feature (``evidence_citations_*``), all off by default."""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinx.config import Config

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
            "help": "HTML: link BibTeX, RIS and CSL-JSON downloads of each {bibliography} "
            "below it (reading lists always have them)."
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


def citations_config(config: Config) -> CitationsConfig:
    """The validated citation options of a project."""
    return cfg.read(config, PREFIX, CitationsConfig)


def house_rules_on(config: Config) -> bool:
    return bool(getattr(config, f"{PREFIX}_house_rules", False))
