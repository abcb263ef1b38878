"""A synthetic MyST site for the benchmark: pages, a glossary and a references.bib.

The same seed gives the same corpus, byte for byte. Two flavours share every page's prose:

* ``stock``: what the stock stack can build. ``@report`` becomes ``@techreport`` and
  ``@online`` becomes ``@misc`` (stock pybtex styles crash on the biblatex types), the
  subject lists are ``{bibliography}`` directives with a ``:filter:``, and an access level
  in prose is a sphinx-design badge.
* ``ours``: the same content written for ``sphinx_evidence``: biblatex entry types, the
  house style, ``{reading-list}`` directives and ``{access}`` badges. Auto-linking is on
  unless the environment variable ``BENCH_AUTOLINK`` is ``0``.

Each content page has five sections of prose in which about 1% of words are ``{term}``
references, about 0.5% are ``{cite:p}`` citations and about 1% are plain mentions of
glossary names (what the auto-linker links).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Flavour = Literal["stock", "ours"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FLAVOURS: tuple[Flavour, ...] = ("stock", "ours")

#: Words of ordinary prose; none of them is part of a glossary name.
FILLER = _words(
    "the of and to in a is that for it as with was on be by this are or from at which "
    "an have not were but had has been their more they its can also other these all "
    "services people local care health support between would there about should when "
    "work report patients staff teams where through over many after within each most "
    "plans shared evidence practice across community council public budget outcomes "
    "needs years access region review funding delivery model priority partners group "
    "approach working national level change time data quality board members shows "
    "provides describes includes suggests brings"
)

#: Words glossary names are made of (capitalised in the expansion).
TERM_WORDS = _words(
    "integrated joint primary acute strategic regional clinical social digital mental "
    "population wellbeing commissioning provider alliance network partnership trust "
    "assembly forum committee programme framework collaborative hub pathway unit "
    "council board office panel service centre agency authority fund scheme plan "
    "compact accord charter group team body"
)

#: Section tags; no tag is a prefix of another, so a substring filter is exact.
TAGS = _words("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima")

ACCESS = ("free", "openathens", "abstract", "subscription", "staff")
#: sphinx-design badge standing in for each access level in the stock flavour.
STOCK_BADGE = {
    "free": "bdg-success",
    "openathens": "bdg-info",
    "abstract": "bdg-secondary",
    "subscription": "bdg-warning",
    "staff": "bdg-dark",
}
SURNAMES = _words(
    "Adams Baker Clarke Davies Evans Foster Green Hughes Iqbal Jones Khan Lewis Morgan "
    "Nicholls Owen Patel Quinn Roberts Shah Taylor Usman Vaughan Walker Young"
)
ORGS = (
    "The Health Research Unit",
    "Regional Care Observatory",
    "Institute for Community Health",
    "Local Government Health Network",
    "Centre for Integrated Practice",
)
MONTHS = _words("jan feb mar apr may jun jul aug sep oct nov dec")


@dataclass(frozen=True)
class CorpusSpec:
    """How big a corpus to generate."""

    pages: int = 200
    entries: int = 1000
    terms: int = 100
    seed: int = 20261125
    sections: int = 5
    paragraphs: int = 3
    words: int = 70
    """Words per paragraph (before roles are inserted)."""
    pages_per_part: int = 50

    @property
    def label(self) -> str:
        return f"{self.pages} pages / {self.entries} entries / {self.terms} terms"

    @classmethod
    def parse(cls, text: str) -> CorpusSpec:
        """``"200x1000x100"`` -> pages, entries, terms."""
        pages, entries, terms = (int(part) for part in text.lower().split("x"))
        if min(pages, entries, terms) < 1:
            raise ValueError(f"corpus sizes must be positive: {text!r}")
        return cls(pages=pages, entries=entries, terms=terms)


@dataclass(frozen=True)
class Term:
    abbr: str
    expansion: str


@dataclass(frozen=True)
class Entry:
    key: str
    kind: Literal["article", "report", "online"]
    tags: tuple[str, ...]
    access: str
    year: int
    month: str
    authors: tuple[str, ...]
    org: str
    title: str


def _terms(rng: random.Random, count: int) -> list[Term]:
    pairs = [(a, b) for a in TERM_WORDS for b in TERM_WORDS if a != b]
    rng.shuffle(pairs)
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} glossary terms")
    terms, abbrs = [], set()
    for index, (first, second) in enumerate(pairs[:count]):
        third = rng.choice(TERM_WORDS)
        expansion = f"{first.title()} {second.title()} {third.title()}"
        abbr = f"{first[0]}{second[0]}{third[0]}".upper()
        if abbr in abbrs:
            abbr = f"{abbr}{index}"
        abbrs.add(abbr)
        terms.append(Term(abbr, expansion))
    return terms


def _entries(rng: random.Random, count: int) -> list[Entry]:
    entries = []
    for index in range(count):
        kind = rng.choices(("article", "report", "online"), weights=(4, 3, 3))[0]
        words = rng.sample(FILLER[30:], 5)
        entries.append(
            Entry(
                key=f"ref{index:05d}",
                kind=kind,  # type: ignore[arg-type]
                tags=tuple(sorted(rng.sample(TAGS, rng.randint(1, 3)))),
                access=rng.choice(ACCESS),
                year=rng.randint(2005, 2025),
                month=rng.choice(MONTHS),
                authors=tuple(
                    f"{rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}."
                    for _ in range(rng.randint(1, 3))
                ),
                org=rng.choice(ORGS),
                title=" ".join(words).capitalize() + f" (study {index})",
            )
        )
    return entries


def _bib(entries: list[Entry], flavour: Flavour) -> str:
    out = []
    for e in entries:
        fields = {
            "title": e.title,
            "year": str(e.year),
            "keywords": ", ".join(e.tags),
            "annotation": f"What {e.title.lower()} found, in one sentence for the reader.",
            "access": e.access,
        }
        if e.kind == "article":
            kind = "article"
            fields |= {
                "author": " and ".join(e.authors),
                "journal": "Journal of Place",
                "volume": str(e.year - 2000),
                "number": "2",
                "pages": "10--19",
            }
        elif e.kind == "report":
            kind = "report" if flavour == "ours" else "techreport"
            fields |= {"author": f"{{{e.org}}}", "institution": e.org}
            if flavour == "ours":
                fields["type"] = "Research report"
        else:
            kind = "online" if flavour == "ours" else "misc"
            fields |= {"author": f"{{{e.org}}}", "url": f"https://example.org/{e.key}"}
            if flavour == "ours":
                fields["urldate"] = f"{e.year}-01-01"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        out.append(f"@{kind}{{{e.key},\n  month = {e.month},\n{body}\n}}\n")
    return "\n".join(out)


def _glossary(terms: list[Term], entries: list[Entry], rng: random.Random) -> str:
    lines = ["# Glossary", "", ":::{glossary}"]
    for term in terms:
        source = rng.choice(entries).key
        lines += [
            term.abbr,
            term.expansion,
            f"  A {rng.choice(FILLER[40:])} arrangement in which {rng.choice(FILLER[40:])} "
            f"and {rng.choice(FILLER[40:])} are planned together {{cite:p}}`{source}`.",
            "",
        ]
    lines += [":::", ""]
    return "\n".join(lines)


def _paragraph(
    rng: random.Random, spec: CorpusSpec, terms: list[Term], entries: list[Entry]
) -> str:
    words: list[str] = []
    for _ in range(spec.words):
        roll = rng.random()
        if roll < 0.01:
            term = rng.choice(terms)
            words.append(f"{{term}}`{rng.choice((term.abbr, term.expansion))}`")
        elif roll < 0.015:
            words.append(f"{{cite:p}}`{rng.choice(entries).key}`")
        elif roll < 0.025:
            term = rng.choice(terms)
            name = rng.choice((term.abbr, term.expansion.lower(), term.expansion))
            words.append(name + rng.choice(("", "", "s")))
        else:
            words.append(rng.choice(FILLER))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _page(
    number: int, rng: random.Random, spec: CorpusSpec, terms: list[Term], entries: list[Entry]
) -> tuple[str, str]:
    """(prose, access level of the page's badge): the same for both flavours."""
    lines = [f"# Page {number}: {' '.join(rng.sample(FILLER[40:], 3))}", ""]
    for section in range(1, spec.sections + 1):
        lines += [f"## Section {section}: {' '.join(rng.sample(FILLER[40:], 2))}", ""]
        for _ in range(spec.paragraphs):
            lines += [_paragraph(rng, spec, terms, entries), ""]
    return "\n".join(lines), rng.choice(ACCESS)


def _badge(level: str, flavour: Flavour) -> str:
    if flavour == "ours":
        return f"{{access}}`{level}`"
    return f"{{{STOCK_BADGE[level]}}}`{level}`"


def _subject_list(tag: str, flavour: Flavour) -> str:
    head = f"# Reading list: {tag}\n\n"
    if flavour == "ours":
        return head + f":::{{reading-list}}\n:keywords: {tag}\n:sort: date\n:::\n"
    options = f':filter: keywords % "{tag}"\n:keyprefix: {tag}-\n:labelprefix: {tag}-\n'
    return head + f"```{{bibliography}}\n{options}```\n"


CONF = '''"""Benchmark corpus ({flavour} flavour), generated by tests/bench/corpus.py."""

import os

project = "Benchmark corpus"
extensions = {extensions!r}
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
bibtex_bibfiles = ["references.bib"]
bibtex_encoding = "utf-8"
html_theme = "furo"
language = "en_GB"
{extra}'''

STOCK_CONF = """bibtex_default_style = "unsrt"
bibtex_reference_style = "author_year"
"""
OURS_CONF = """bibtex_default_style = "evidence"
bibtex_reference_style = "evidence"
evidence_access_help_page = "access"
evidence_glossary_autolink = os.environ.get("BENCH_AUTOLINK", "1") != "0"
evidence_parallel_resolve = True
"""


def generate(spec: CorpusSpec, dest: Path, flavour: Flavour) -> Path:
    """Write the corpus into ``dest`` (created, must not hold an older corpus); return it."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}")
    rng = random.Random(spec.seed)
    terms = _terms(rng, spec.terms)
    entries = _entries(rng, spec.entries)
    dest.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    extensions = (
        ["myst_parser", "sphinx_evidence"]
        if flavour == "ours"
        else ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex"]
    )
    files["conf.py"] = CONF.format(
        flavour=flavour, extensions=extensions, extra=OURS_CONF if flavour == "ours" else STOCK_CONF
    )
    files["references.bib"] = _bib(entries, flavour)
    files["glossary.md"] = _glossary(terms, entries, rng)
    files["access.md"] = (
        "# Access levels\n\n"
        + "\n".join(
            f"- {_badge(level, flavour)}: how to open a {level} resource." for level in ACCESS
        )
        + "\n"
    )
    files["references.md"] = "# References\n\n```{bibliography}\n```\n"
    parts: list[str] = []
    for start in range(0, spec.pages, spec.pages_per_part):
        part = f"part{start // spec.pages_per_part + 1:02d}"
        parts.append(f"{part}/index")
        names = []
        for number in range(start + 1, min(start + spec.pages_per_part, spec.pages) + 1):
            prose, level = _page(number, rng, spec, terms, entries)
            files[f"{part}/page{number:04d}.md"] = (
                f"{prose}\nAccess to the sources: {_badge(level, flavour)}.\n"
            )
            names.append(f"page{number:04d}")
        files[f"{part}/index.md"] = (
            f"# Part {part[4:]}\n\n```{{toctree}}\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```\n"
        )
    for tag in TAGS:
        files[f"lists/{tag}.md"] = _subject_list(tag, flavour)
    files["index.md"] = (
        "# Benchmark corpus\n\n```{toctree}\n:caption: Parts\n:maxdepth: 1\n\n"
        + "\n".join(parts)
        + "\n```\n\n```{toctree}\n:caption: Reading lists\n:maxdepth: 1\n\n"
        + "\n".join(f"lists/{tag}" for tag in TAGS)
        + "\n```\n\n```{toctree}\n:caption: Reference\n\nglossary\nreferences\naccess\n```\n"
    )
    for name, text in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def edit_one_page(src: Path, spec: CorpusSpec) -> Path:
    """The one-page edit of the incremental benchmark: append a paragraph that cites the
    last entry and mentions glossary terms; return the page edited."""
    rng = random.Random(spec.seed)
    terms = _terms(rng, spec.terms)
    page = src / "part01" / "page0001.md"
    with page.open("a", encoding="utf-8") as handle:
        handle.write(
            f"\nAn added paragraph on the {terms[0].expansion.lower()} "
            f"{{cite:p}}`ref{spec.entries - 1:05d}` and {{term}}`{terms[-1].abbr}`.\n"
        )
    return page
