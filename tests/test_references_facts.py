"""references.bib against the verified facts (references_facts.tsv) and the seed texts.

Every TSV row has an entry with the same key, type, title, url, doi, year, month, access and
keywords; no author is named that the TSV does not name; every annotation is the brief's (or a
blog post's) own words. Deliberate differences from the TSV are listed here, with reasons.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, Entry, parse_file
from pybtex.richtext import Text

REPO = Path(__file__).resolve().parent.parent
BIB = REPO / "references.bib"
GLOSSARY = REPO / "docs" / "glossary.md"
#: Verbatim copies of the project's verified facts file and source documents (the seeds).
DATA = Path(__file__).resolve().parent / "data"
TSV = DATA / "references_facts.tsv"
SEEDS = DATA / "seeds"

#: Keys in references.bib that are not rows of the TSV, with the reason.
EXTRA_KEYS: dict[str, str] = {
    "hee2019placebasedsystemsofcare": "the evidence brief itself (seed 002): the glossary cites it",
}

#: TSV entry_type -> bib entry type, where the bib deliberately differs (none at present).
TYPE_EQUIVALENTS: dict[str, str] = {}

#: TSV ``access`` value (its first word) -> our access vocabulary.
ACCESS_MAP = {
    "free": "free",
    "openathens": "openathens",
    "abstract-only": "abstract",
    "paywalled": "subscription",
    "hee-staff-only": "staff",
}

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

KEYWORDS = {
    "place-definitions",
    "jargon",
    "key-publications",
    "case-studies",
    "hee-star",
    "statistics",
    "data-programme",
    "journal-articles",
    "access-help",
    "blog",
    "guidance",
}

#: The evidence brief's seed file.
SEED_BRIEF = "002_1b8326543d6575cc.txt"

#: Curly quotes -> straight quotes (the seeds mix both).
QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")

#: Page furniture of the brief's PDF that interrupts paragraphs in the seed text.
SEED_FURNITURE = ("HEE Knowledge Management Team, December 2019",)


@cache
def facts() -> dict[str, dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {row["key"]: row for row in rows}


@cache
def bib() -> BibliographyData:
    return parse_file(str(BIB), bib_format="bibtex")


def entry(key: str) -> Entry:
    return bib().entries[key]


def plain(latex: str) -> str:
    """A field's text as a reader sees it: braces, commands and escapes resolved."""
    latex = re.sub(r"\\(?:emph|textit|textbf)\{([^{}]*)\}", r"\1", latex)
    return str(Text.from_latex(latex).render_as("text"))


def norm(text: str) -> str:
    """Whitespace and quotes normalised, for comparing with seed text."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(QUOTES)
    return " ".join(text.split())


def tsv_title(row: dict[str, str]) -> str:
    """The TSV title without its editorial note in square brackets ("[sic; ...]")."""
    return re.sub(r"\s*\[[^\]]*\]$", "", row["title"]).strip()


def tsv_keywords(section: str) -> set[str]:
    """Where the brief (or the site) lists a resource, from the TSV ``section`` column."""
    found = set()
    for part in (p.strip() for p in section.split(";")):
        footnote = re.match(r"Footnote (\d+)", part)
        lower = part.lower()
        if footnote:
            found.add("place-definitions" if int(footnote.group(1)) <= 2 else "jargon")
        if "key publications" in lower:
            found.add("key-publications")
        if lower == "case studies":
            found.add("case-studies")
        if lower == "hee star":
            found.add("hee-star")
        if lower == "statistics":
            found.add("statistics")
        if lower == "hee national data programme":
            found.add("data-programme")
        if lower == "journal articles":
            found.add("journal-articles")
        if lower.startswith("help accessing"):
            found.add("access-help")
        if "blog" in lower and not lower.startswith("related"):
            found.add("blog")
        if "report summary" in lower:
            found.add("guidance")
    return found


@cache
def seed_text() -> str:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text = re.sub(r"(?m)^[¹²³⁴⁵⁶⁷⁸⁹].*$", " ", text)  # the brief's footnotes, between pages
    for furniture in SEED_FURNITURE:
        text = text.replace(furniture, " ")
    text = text.replace("**", "").replace("*", "").replace("\\(", "(").replace("\\)", ")")
    return norm(re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text))  # markdown links of the capture


def test_tsv_has_60_rows() -> None:
    assert len(facts()) == 60


def test_keys_match_tsv() -> None:
    keys = set(bib().entries)
    assert sorted(set(facts()) - keys) == [], "TSV rows with no entry in references.bib"
    assert sorted(keys - set(facts()) - set(EXTRA_KEYS)) == [], "entries not in the TSV"


def test_extra_entries_are_supported_by_the_seeds() -> None:
    """An entry not in the TSV has its title, author and date printed in the seeds."""
    brief = entry("hee2019placebasedsystemsofcare")
    assert norm(plain(brief.fields["title"])) in seed_text()
    assert "HEE Knowledge Management team" in seed_text()
    assert "HEE Knowledge Management Team, December 2019" in (SEEDS / SEED_BRIEF).read_text()
    assert (brief.fields["year"], brief.fields["month"]) == ("2019", "December")
    for key in EXTRA_KEYS:
        assert "url" not in entry(key).fields and "doi" not in entry(key).fields


def test_no_duplicate_keys_case_insensitively() -> None:
    lower = [key.lower() for key in bib().entries]
    assert len(lower) == len(set(lower))


KEYS = sorted(facts())


@pytest.mark.parametrize("key", KEYS)
def test_entry_type(key: str) -> None:
    expected = facts()[key]["entry_type"]
    assert entry(key).type == TYPE_EQUIVALENTS.get(expected, expected)


@pytest.mark.parametrize("key", KEYS)
def test_title(key: str) -> None:
    assert plain(entry(key).fields["title"]) == tsv_title(facts()[key])


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("field", ["url", "doi", "year"])
def test_field_as_tsv(key: str, field: str) -> None:
    expected = facts()[key][field].strip()
    actual = entry(key).fields.get(field)
    if expected:
        assert actual == expected
    else:
        assert actual is None, f"{field} given but the facts file does not verify one"


@pytest.mark.parametrize("key", KEYS)
def test_month(key: str) -> None:
    expected = facts()[key]["month"].strip()
    actual = entry(key).fields.get("month")
    assert actual == (MONTHS[expected] if expected else None)


@pytest.mark.parametrize("key", KEYS)
def test_access(key: str) -> None:
    value = facts()[key]["access"].strip()
    expected = ACCESS_MAP[value.split()[0]] if value else None
    assert entry(key).fields.get("access") == expected


@pytest.mark.parametrize("key", KEYS)
def test_keywords(key: str) -> None:
    raw = entry(key).fields.get("keywords", "")
    given = {word.strip() for word in raw.split(",") if word.strip()}
    assert given <= KEYWORDS
    assert given == tsv_keywords(facts()[key]["section"])


@pytest.mark.parametrize("key", KEYS)
def test_journal_of_articles(key: str) -> None:
    row = facts()[key]
    if row["entry_type"] == "article":
        assert entry(key).fields.get("journal") == row["journal"]


@pytest.mark.parametrize("key", KEYS)
def test_authors_are_named_in_tsv(key: str) -> None:
    """No person or organisation is named as author unless the TSV names it."""
    source = norm(facts()[key]["author_org"])
    for person in entry(key).persons.get("author", []):
        if person.first_names:
            name = " ".join([*person.first_names, *person.middle_names, *person.last_names])
        else:
            name = plain(" ".join(person.last_names))
        assert norm(name) in source, f"{name!r} is not in the TSV's author_org"


@pytest.mark.parametrize("key", KEYS)
def test_annotation_is_seed_text(key: str) -> None:
    annotation = entry(key).fields.get("annotation")
    if annotation is None:
        return
    for paragraph in re.split(r"\\par\b", annotation):
        text = norm(plain(paragraph))
        assert text, "empty annotation paragraph"
        assert text in seed_text(), f"annotation paragraph not found in the seeds: {text[:80]}"


@pytest.mark.parametrize("key", KEYS)
def test_unverified_names_fields(key: str) -> None:
    """``unverified`` lists field names; a normally required field is absent only if listed."""
    fields = entry(key).fields
    listed = [f.strip() for f in fields.get("unverified", "").split(",") if f.strip()]
    assert set(listed) <= {"author", "title", "year", "month", "url", "doi", "volume", "pages"}
    # an entry missing a field that its type normally requires must say it is unverified
    required = {"article": ("author", "year"), "online": ("url",)}.get(entry(key).type, ())
    for name in required:
        present = name in fields or (name == "author" and "author" in entry(key).persons)
        if not present:
            assert name in listed, f"{name} is missing and not marked unverified"


@pytest.mark.parametrize("key", KEYS)
def test_links_are_http_and_doi_syntax(key: str) -> None:
    fields = entry(key).fields
    if "url" in fields:
        assert re.fullmatch(r"https?://[^\s{}\"<>]+", fields["url"])
    if "doi" in fields:
        assert re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"])


def test_every_listed_resource_has_an_annotation() -> None:
    """Each resource the brief lists with a description carries it (reading lists show it)."""
    listed = {"key-publications", "case-studies", "journal-articles", "hee-star", "statistics"}
    missing = [
        key
        for key, item in bib().entries.items()
        if listed & {k.strip() for k in item.fields.get("keywords", "").split(",")}
        and "annotation" not in item.fields
    ]
    assert missing == []


# -- docs/glossary.md: sources and quotations ---------------------------------------------------

#: Names the glossary must define: every term the brief defines, and the other abbreviations
#: and terms of art the pages use.
REQUIRED_TERMS = {
    "anchor institution",
    "STP",
    "Sustainability and Transformation Partnership",
    "ICS",
    "Integrated Care System",
    "ICP",
    "Integrated Care Partnership",
    "ACO",
    "Accountable Care Organisation",
    "PCN",
    "Primary Care Network",
    "HWB",
    "health and wellbeing board",
    "devolution",
    "system",
    "place",
    "neighbourhood",
    "ICB",
    "CCG",
    "HEE",
    "LKS",
    "AHSN",
    "VCSE",
    "STEM Club",
    "OpenAthens",
    "subsidiarity",
    "asset-based approach",
    "population health",
    "place-based partnership",
    "NHSE/I",
    "PHE",
    "LGA",
    "JSNA",
    "primary care",
    "provider collaborative",
    "Long Term Plan",
    "Five Year Forward View",
}

#: Single common words: auto-linked only through stated forms (or never).
COMMON_WORDS = {"place", "system", "neighbourhood", "footprint"}


def glossary_entries() -> list[tuple[list[str], str]]:
    """(names, definition) for each entry of the ``{glossary}`` directive in glossary.md."""
    body = GLOSSARY.read_text(encoding="utf-8").split(":::{glossary}", 1)[1].split("\n:::", 1)[0]
    entries: list[tuple[list[str], str]] = []
    names: list[str] = []
    lines: list[str] = []
    for line in body.splitlines()[1:]:
        if line.startswith(":") or not line.strip():
            lines.append("")
        elif line.startswith(" "):
            lines.append(line.strip())
        else:
            if lines and names and any(lines):
                entries.append((names, " ".join(lines)))
                names, lines = [], []
            names.append(line.strip())
    entries.append((names, " ".join(lines)))
    return entries


def test_glossary_has_every_required_term() -> None:
    names = {name for entry_names, _ in glossary_entries() for name in entry_names}
    assert sorted(REQUIRED_TERMS - names) == []


def test_glossary_names_are_unique_case_insensitively() -> None:
    names = [name.lower() for entry_names, _ in glossary_entries() for name in entry_names]
    assert len(names) == len(set(names))


def test_every_glossary_definition_cites_a_known_source() -> None:
    for names, definition in glossary_entries():
        keys = re.findall(r"\{cite:p\}`([^`]+)`", definition)
        assert keys, f"{names[0]}: no {{cite:p}} source"
        for key in (k.strip() for group in keys for k in group.split(",")):
            assert key in bib().entries, f"{names[0]}: unknown key {key}"


def test_glossary_quotations_are_the_sources_words() -> None:
    for names, definition in glossary_entries():
        for quote in re.findall(r"“(.*?)”", definition):
            text = re.sub(r"\{term\}`([^<`]*?)\s*<[^>]*>`", r"\1", quote)
            assert norm(text) in seed_text(), f"{names[0]}: quotation not in the seeds"


def test_common_words_are_autolinked_only_by_stated_forms() -> None:
    for names, definition in glossary_entries():
        if COMMON_WORDS & set(names):
            field = re.search(r":autolink: ([^:]+?)\s*$", definition)
            assert field, f"{names[0]}: a common word needs an :autolink: field"
            forms = [form.strip() for form in field.group(1).split(";")]
            assert all(" " in form or "-" in form for form in forms) or forms == ["no"]
