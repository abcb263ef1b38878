"""Options of the glossary feature (``evidence_glossary_*``), all off by default."""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinx.config import Config

from sphinx_evidence.core import config as config_mod

PREFIX = "evidence_glossary"


#: Pages that only lead to other pages: left out of "Used on" lists unless a site says so.
DEFAULT_NAVIGATION_PAGES = ("index", "*/index", "genindex", "search", "tags/*", "*/tags/*")


@dataclass(frozen=True)
class GlossaryConfig:
    """Options of the glossary cross-links (``evidence_glossary_<name>`` in conf.py)."""

    autolink: bool = field(
        default=False,
        metadata={"help": "Auto-link the first mention of each glossary term on each page."},
    )
    previews: bool = field(
        default=False,
        metadata={"help": "HTML: show a term's definition and source on hover, focus or tap."},
    )
    backlinks: bool = field(
        default=False,
        metadata={"help": 'End each glossary entry with "Used on:" and the pages using it.'},
    )
    backlinks_label: str = field(
        default="Used on:",
        metadata={"help": "The words before the list of pages using an entry."},
    )
    backlinks_exclude: list[str] | tuple[str, ...] = field(
        default=DEFAULT_NAVIGATION_PAGES,
        metadata={
            "help": 'Glob patterns of docnames left out of "Used on" lists: navigation '
            "pages such as indexes and tag pages."
        },
    )
    backlinks_fold: int = field(
        default=5,
        metadata={
            "help": 'A "Used on" list longer than this folds into a disclosure '
            "(<details>) in HTML; 0: never fold."
        },
    )
    az: bool = field(
        default=False,
        metadata={
            "help": "Start each glossary with an A-Z list of links to the first entry of "
            "each letter."
        },
    )
    warn_unused: bool = field(
        default=False,
        metadata={"help": "Warn (evidence.term_unused) about entries no page uses."},
    )
    house_rules: bool = field(
        default=False,
        metadata={
            "help": "Warn about glossary entries that break the house rules: an empty "
            "definition, no cited source, names that differ only in case or are defined twice."
        },
    )
    single_words: bool = field(
        default=False,
        metadata={
            "help": "Auto-link a name that is one ordinary word (not an abbreviation) without "
            "its entry opting in with `:autolink:`; the common words are still left out."
        },
    )
    common_words: list[str] | tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "With single_words: single words auto-linked only through an entry's "
            "stated `:autolink:` forms (so 'take place' is never linked)."
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.backlinks_label, str):
            raise ValueError("backlinks_label must be a string")
        words = self.common_words
        if isinstance(words, str) or not all(isinstance(w, str) for w in words):
            raise ValueError("common_words must be a list of words")
        object.__setattr__(self, "common_words", tuple(w.lower() for w in words))
        pages = self.backlinks_exclude
        if isinstance(pages, str) or not all(isinstance(p, str) for p in pages):
            raise ValueError("backlinks_exclude must be a list of glob patterns")
        object.__setattr__(self, "backlinks_exclude", tuple(pages))
        if not isinstance(self.backlinks_fold, int) or self.backlinks_fold < 0:
            raise ValueError("backlinks_fold must be 0 or more")

    @property
    def active(self) -> bool:
        """Whether the write-time pass changes anything (else stock Sphinx resolves {term})."""
        return self.autolink or self.previews or self.backlinks or self.az


def glossary_config(config: Config) -> GlossaryConfig:
    """The validated glossary options of a project."""
    return config_mod.read(config, PREFIX, GlossaryConfig)
