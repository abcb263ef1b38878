"""references.bib against the verified facts (references_facts.tsv) and the seed texts.

Every TSV row has an entry with the same key, type, title, url, doi, year, month, access and
keywords; no author is named that the TSV does not name; every annotation is the brief's (or a
blog post's) own words. Deliberate differences from the TSV are listed here, with reasons.

An entry that is not a row of the TSV (a contributor's new reference, under any key) is held
only to the house rules any valid entry meets (:func:`new_entry_problems`: a biblatex type, a
title, a known access level, http(s) links and DOI syntax), so adding a valid reference never
fails this suite; ``test_a_new_valid_entry_passes_every_check`` proves it on a copy.
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

#: Keys in references.bib that are not rows of the TSV but are facts of this hub (checked
#: against the seeds), with the reason. Other keys not in the TSV are new entries.
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

#: Entry types biblatex defines (with its aliases): any of them is valid for a new entry.
BIBLATEX_TYPES = {
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
    "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
    "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis",
    "techreport", "www", "artwork", "audio", "bibnote", "commentary", "image", "jurisdiction",
    "legislation", "legal", "letter", "movie", "music", "performance", "review", "standard",
    "video",
}  # fmt: skip

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
def bib(path: Path = BIB) -> BibliographyData:
    return parse_file(str(path), bib_format="bibtex")


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


#: Titles the site spells differently from the facts file, and why.
TITLE_SPELLING = {
    # the captured title lacks a space; the site names the STEM Club one way everywhere
    "The Sustainability and Evidence Mobilisation (STEM)Club": (
        "The Sustainability and Evidence Mobilisation (STEM) Club"
    ),
}


def tsv_title(row: dict[str, str]) -> str:
    """The TSV title without its editorial note in square brackets ("[sic; ...]")."""
    title = re.sub(r"\s*\[[^\]]*\]$", "", row["title"]).strip()
    return TITLE_SPELLING.get(title, title)


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


def new_keys(data: BibliographyData) -> list[str]:
    """Keys of entries that are neither TSV rows nor this hub's listed extras: new entries."""
    return sorted(set(data.entries) - set(facts()) - set(EXTRA_KEYS))


def links_problems(item: Entry) -> list[str]:
    """url must be http(s), doi a bare DOI (10.xxxx/...)."""
    problems = []
    fields = item.fields
    if "url" in fields and not re.fullmatch(r"https?://[^\s{}\"<>]+", fields["url"]):
        problems.append(f"{item.key}: url is not an http(s) address")
    if "doi" in fields and not re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"]):
        problems.append(f"{item.key}: doi is not a bare DOI (10.xxxx/...)")
    return problems


def unverified_problems(item: Entry) -> list[str]:
    """``unverified`` lists field names; a normally required field is absent only if listed."""
    fields = item.fields
    listed = [f.strip() for f in fields.get("unverified", "").split(",") if f.strip()]
    allowed = {"author", "title", "year", "month", "url", "doi", "volume", "pages"}
    problems = [f"{item.key}: unverified names {name!r}" for name in listed if name not in allowed]
    # an entry missing a field that its type normally requires must say it is unverified
    required = {"article": ("author", "year"), "online": ("url",)}.get(item.type, ())
    for name in required:
        present = name in fields or (name == "author" and "author" in item.persons)
        if not present and name not in listed:
            problems.append(f"{item.key}: {name} is missing and not marked unverified")
    return problems


def new_entry_problems(item: Entry) -> list[str]:
    """What a new entry (not a TSV row) must meet: the house rules, not this hub's facts."""
    problems = []
    if item.type.lower() not in BIBLATEX_TYPES:
        problems.append(f"{item.key}: @{item.type} is not a biblatex entry type")
    if not item.fields.get("title", "").strip():
        problems.append(f"{item.key}: no title")
    access = item.fields.get("access", "").strip()
    if access not in set(ACCESS_MAP.values()):
        problems.append(
            f"{item.key}: access {access!r} is not one of {sorted(ACCESS_MAP.values())}"
        )
    return problems + links_problems(item)


def bib_problems(data: BibliographyData) -> list[str]:
    """The whole-file checks: every TSV row present, keys unique, every new entry valid."""
    problems = [f"{key}: TSV row with no entry" for key in sorted(set(facts()) - set(data.entries))]
    lower = [key.lower() for key in data.entries]
    problems += [
        f"{key}: key repeated (ignoring case)" for key in sorted(set(lower)) if lower.count(key) > 1
    ]
    for key in new_keys(data):
        problems += new_entry_problems(data.entries[key])
    return problems


def test_keys_match_tsv() -> None:
    keys = set(bib().entries)
    assert sorted(set(facts()) - keys) == [], "TSV rows with no entry in references.bib"


def test_the_whole_file_passes_its_checks() -> None:
    assert bib_problems(bib()) == []


def test_new_entries_are_valid() -> None:
    """Entries that are not TSV rows meet the house rules (none at present, or a contributor's)."""
    for key in new_keys(bib()):
        assert new_entry_problems(entry(key)) == []


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


#: A valid new reference as a contributor would add it (a Zotero-style journal article with a
#: DOI and an access level). The DOI and details are placeholders, not a bibliographic fact:
#: the entry only ever exists in a temporary copy of references.bib.
NEW_ENTRY = """
@article{example2024newreference,
  title = {An example article added by a contributor},
  author = {Example, Ann and Sample, Sam},
  journal = {Journal of Examples},
  year = {2024},
  month = may,
  volume = {1},
  pages = {1--10},
  doi = {10.5555/example.2024.001},
  access = {free},
  keywords = {journal-articles},
}
"""


def test_a_new_valid_entry_passes_every_check(tmp_path: Path) -> None:
    """A copy of references.bib with a new valid entry appended passes the same checks."""
    copy = tmp_path / "references.bib"
    copy.write_text(BIB.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    data = bib(copy)
    assert new_keys(data) == ["example2024newreference"]
    assert bib_problems(data) == []
    for key in sorted(facts()):  # this hub's facts still hold for the entries it has
        assert data.entries[key].fields == entry(key).fields


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  access = {free},\n", ""),
        ("access = {free}", "access = {gold}"),
        ("@article{", "@journalarticle{"),
        ("doi = {10.5555/example.2024.001}", "doi = {doi:10.5555/example.2024.001}"),
        ("  journal", "  url = {ftp://example.org/file},\n  journal"),
    ],
)
def test_an_invalid_new_entry_is_caught(tmp_path: Path, old: str, new: str) -> None:
    """The checks are not vacuous: a new entry with no known access level, an unknown type,
    a DOI not in bare form or a url that is not http(s) fails them, with one problem."""
    copy = tmp_path / "references.bib"
    bad = NEW_ENTRY.replace(old, new)
    assert bad != NEW_ENTRY
    copy.write_text(BIB.read_text(encoding="utf-8") + bad, encoding="utf-8")
    problems = bib_problems(bib(copy))
    assert len(problems) == 1 and problems[0].startswith("example2024newreference: "), problems


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
    assert unverified_problems(entry(key)) == []


@pytest.mark.parametrize("key", KEYS)
def test_links_are_http_and_doi_syntax(key: str) -> None:
    assert links_problems(entry(key)) == []


def test_every_listed_resource_has_an_annotation() -> None:
    """Each resource the brief lists with a description carries it (reading lists show it).
    A fact of the brief, so checked for the TSV rows only: a new entry may have none."""
    listed = {"key-publications", "case-studies", "journal-articles", "hee-star", "statistics"}
    missing = [
        key
        for key in KEYS
        if listed & {k.strip() for k in entry(key).fields.get("keywords", "").split(",")}
        and "annotation" not in entry(key).fields
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
