"""``nox -s add-refs``: reference-manager exports merged into references.bib in the house style.

The exports in tests/data/imports/ are written as Zotero (BibTeX), EndNote (RIS) and Mendeley
(CSL-JSON) write them; their records are fictional except the duplicates, which repeat
entries of references.bib (see tests/data/imports/README.md).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from pybtex.database import parse_file

import sphinx_evidence.bib.importer as importer
import sphinx_evidence.bib.lint as bibcheck
from tests.conftest import REPO, copy_site
from tests.helpers import sphinx_build

IMPORTS = Path(__file__).parent / "data" / "imports"
ZOTERO = IMPORTS / "zotero.bib"
ENDNOTE = IMPORTS / "endnote.ris"
MENDELEY = IMPORTS / "mendeley.json"
ALL = [ZOTERO, ENDNOTE, MENDELEY]

#: The records of the exports that repeat an entry of references.bib: (origin, existing key).
DUPLICATES = {
    "zotero.bib, entry 4 (vize_hospitals_2018)": "vize2018hospitalsanchor",  # by DOI
    "zotero.bib, entry 5 (fisher_understanding_2019)": "healthfoundation2019pcn",  # title+year
    "endnote.ris, record 3": "kingsfund2019hwbics",  # by URL
    "mendeley.json, item 2 (ITEM-2)": "healthfoundation2019buildinghealthier",  # by URL
}
#: Fields that must never reach references.bib from an export.
PRIVATE = {"file", "urldate", "abstract", "note", "annote", "mendeley-tags", "language", "id"}
#: The house key scheme: <author-or-org><year><shortword> or <org>_<shortword>.
KEY = re.compile(r"^[a-z]+(?:\d{4}[a-z0-9]+|_[a-z0-9]+)$")


def run(bib: Path, *args: str, capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, str]:
    status = importer.main(["--bib", str(bib), *args])
    out = capsys.readouterr().out if capsys is not None else ""
    return status, out


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    copy = tmp_path / "references.bib"
    copy.write_bytes((REPO / "references.bib").read_bytes())
    return copy


def new_keys(path: Path) -> list[str]:
    before = set(parse_file(str(REPO / "references.bib")).entries)
    return [k for k in parse_file(str(path)).entries if k not in before]


def test_every_format_is_read() -> None:
    options = importer.Options()
    assert [importer.detect(p, p.read_text()) for p in ALL] == ["bibtex", "ris", "csl"]
    counts = [len(importer.read_export(p, options)) for p in ALL]
    assert counts == [5, 4, 3]


def test_duplicates_are_reported_not_added(bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(bib, *map(str, ALL), capsys=capsys)
    assert status == 0
    for origin, key in DUPLICATES.items():
        line = next(line for line in out.splitlines() if line.startswith(origin + ":"))
        assert f'"{key}"' in line and line.endswith("not added"), line
    assert "same DOI (10.1136/bmj.k2101)" in out
    assert "same title and year (2019)" in out
    assert out.count("same URL") == 2
    data = parse_file(str(bib))
    titles = [e.fields["title"] for e in data.entries.values()]
    assert len(titles) == len(set(titles))
    assert len(new_keys(bib)) == 12 - len(DUPLICATES)


def test_a_duplicate_within_the_import_is_reported(
    bib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = tmp_path / "again.bib"
    again.write_text(ZOTERO.read_text(encoding="utf-8"), encoding="utf-8")
    _, out = run(bib, str(ZOTERO), str(again), capsys=capsys)
    assert len(new_keys(bib)) == 3  # the second copy adds nothing
    line = next(x for x in out.splitlines() if x.startswith("again.bib, entry 1 "))
    assert 'same DOI (10.5555/example.2021.0042) as "example2021placebased" (zotero.bib' in line


def test_existing_bytes_are_kept_and_entries_appended(bib: Path) -> None:
    before = bib.read_bytes()
    run(bib, *map(str, ALL))
    after = bib.read_bytes()
    assert after.startswith(before)
    added = after[len(before) :].decode("utf-8")
    today = re.escape(importer._dt.date.today().isoformat())
    headers = re.findall(rf"^% Imported from (\S+) on {today} \(nox -s add-refs\)\.", added, re.M)
    assert headers == ["zotero.bib", "endnote.ris", "mendeley.json"]
    assert "@" not in "".join(line for line in added.splitlines() if line.startswith("%"))
    for block in re.findall(r"^@\w+\{[^\n]*\n(.*?)^\}$", added, re.M | re.S):
        assert all(line.startswith("  ") and line.endswith(",") for line in block.splitlines())


def test_no_private_field_is_kept(bib: Path) -> None:
    before = len(bib.read_bytes())
    run(bib, *map(str, ALL))
    added = bib.read_bytes()[before:].decode("utf-8")
    for key in new_keys(bib):
        entry = parse_file(str(bib)).entries[key]
        assert not PRIVATE & {name.lower() for name in entry.fields}, key
    assert "/Users/" not in added and "C:/" not in added and "Zotero" not in added
    assert "ftp://" not in added  # a URL that is not http(s) is dropped
    assert "Integrated care, Place-based" not in added  # Zotero's automatic tags


def test_keys_follow_the_house_scheme_and_are_unique(bib: Path) -> None:
    run(bib, *map(str, ALL))
    keys = new_keys(bib)
    assert all(KEY.match(key) for key in keys), keys
    all_keys = [k.lower() for k in parse_file(str(bib)).entries]
    assert len(all_keys) == len(set(all_keys))
    assert "example2021placebased" in keys  # first author, year, first words of the title
    assert "eha_neighbourhoodhealth" in keys  # an organisation and no year


def test_fields_are_mapped_to_the_house_style(bib: Path) -> None:
    run(bib, *map(str, ALL))
    entries = parse_file(str(bib)).entries
    article = entries["example2021placebased"]
    assert article.type == "article"
    assert article.fields["doi"] == "10.5555/example.2021.0042"
    assert article.fields["month"] == "March"  # written as the macro mar
    assert [str(p) for p in article.persons["author"]] == [
        "Example, Jane",
        "Ó Sample, Seán",
        "van der Berg, Anna",
    ]
    report = entries["evsn2020integratedcare"]
    assert report.type == "report"  # @techreport
    text = bib.read_text(encoding="utf-8")
    assert "  author = {{Example Voluntary Sector Network}},\n" in text  # corporate, braced
    assert "  month = sep,\n" in text
    web = entries["eha_neighbourhoodhealth"]
    assert web.type == "online" and web.fields["howpublished"] == "Example Health Alliance"
    ris = entries["example2022workforceplanning"]
    assert ris.fields["doi"] == "10.5555/example.2022.0815"  # "doi:" prefix removed
    assert (ris.fields["year"], ris.fields["month"], ris.fields["pages"]) == (
        "2022",
        "June",
        "45--59",
    )
    assert "{{Example Council for Care}}" in text  # EndNote's trailing comma: an organisation
    csl = entries["sample2023anchorinstitutions"]
    assert csl.fields["journal"] == "Example Review of Public Health"
    assert "  title = {Population health \\& place: an example web page},\n" in text


EDGES = r"""@string{kf = {The King's Fund}}
@article{a1,
  title = {{A Wholly Braced Title}},
  author = {{The King's Fund}},
  journaltitle = {Some Journal},
  date = {2020-05-12},
}
@book{b1,
  title = {A book},
  author = {John Smith and Jones, Jr, Bob},
  publisher = kf,
  year = {2021},
  month = {May},
  annote = {private},
}
@phdthesis{c1,
  title = {A thesis},
  author = {Doe, Jane},
  school = {University of Example},
  year = 2019,
  month = 13,
}
@misc{d1,
  title = {A web page of nobody in particular},
  howpublished = {\url{https://example.org/x}},
  url = {file:///Users/jane/x.html},
}
"""


def test_biblatex_forms_names_and_dates(
    bib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "edges.bib"
    export.write_text(EDGES, encoding="utf-8")
    _, out = run(bib, str(export), capsys=capsys)
    entries = parse_file(str(bib)).entries
    # an organisation references.bib already has keeps its key prefix (kingsfund2019hwbics)
    article = entries["kingsfund2020whollybraced"]
    assert article.fields["title"] == "A Wholly Braced Title"  # the enclosing braces removed
    assert (article.fields["journal"], article.fields["year"]) == ("Some Journal", "2020")
    assert article.fields["month"] == "May"  # from date
    book = entries["smith2021book"]
    assert [str(p) for p in book.persons["author"]] == ["Smith, John", "Jones, Jr, Bob"]
    assert book.fields["publisher"] == "The King's Fund"  # @string resolved
    thesis = entries["doe2019thesis"]
    assert thesis.type == "thesis" and thesis.fields["type"] == "phdthesis"
    assert thesis.fields["institution"] == "University of Example"
    assert "month" not in thesis.fields and 'month "13" not understood' in out
    web = entries["anon_webpage"]
    assert web.type == "online" and web.fields["url"] == "https://example.org/x"
    assert "url (a private local path)" in out and "key starts with anon" in out


def test_a_mendeley_bibtex_export(bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = bib.read_bytes()
    status, out = run(bib, "--access", "free", str(IMPORTS / "mendeley.bib"), capsys=capsys)
    assert status == 0 and bib.read_bytes().startswith(before)
    entries = parse_file(str(bib)).entries
    article = entries["specimen2020socialprescribing"]
    assert (
        article.fields["title"]
        == "Social prescribing in primary care networks: a fictional evaluation"
    )
    assert article.fields["url"] == "https://example.org/social_prescribing_2020"  # unescaped
    assert (article.fields["eprint"], article.fields["eprinttype"]) == ("99999999", "pubmed")
    assert not {"file", "abstract", "keywords", "mendeley-groups", "mendeley-tags"} & set(
        article.fields
    )
    assert "Mendeley" not in bib.read_bytes()[len(before) :].decode("utf-8").replace(
        "% Imported from mendeley.bib", ""
    )
    assert entries["eilg2017localpartnerships"].type == "report"
    assert "mendeley-groups (reference-manager groups)" in out


def test_access_marker_until_set(bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(bib, str(ENDNOTE), capsys=capsys)
    entries = parse_file(str(bib)).entries
    assert {entries[k].fields["access"] for k in new_keys(bib)} == {importer.ACCESS_MARKER}
    assert importer.ACCESS_MARKER == bibcheck.ACCESS_TODO
    status = bibcheck.main([str(bib)])
    out = capsys.readouterr().out
    todo = [line for line in out.splitlines() if "access = {TODO}" in line]
    assert len(todo) == 3, out
    line = next(line for line in todo if '"ecc2018carecloser"' in line)
    number = int(line.split(":")[1])
    assert bib.read_text().splitlines()[number - 1] == "@report{ecc2018carecloser,"
    assert line.endswith(
        "set access to one of: free, openathens, abstract, subscription, staff"
        " [evidence.access_unknown]"
    )
    assert "unknown access level" not in out  # one message per mistake
    assert status == 1


def test_access_option_sets_the_level(bib: Path) -> None:
    run(bib, "--access", "openathens", str(ENDNOTE))
    entries = parse_file(str(bib)).entries
    assert {entries[k].fields["access"] for k in new_keys(bib)} == {"openathens"}
    assert "TODO" not in bib.read_text(encoding="utf-8")


def test_an_unknown_access_option_is_refused(bib: Path) -> None:
    with pytest.raises(SystemExit):
        run(bib, "--access", "gold", str(ENDNOTE))


def test_dry_run_changes_nothing(bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = bib.read_bytes()
    status, out = run(bib, "--dry-run", *map(str, ALL), capsys=capsys)
    assert status == 0
    assert bib.read_bytes() == before
    assert "8 new entries would be added, 4 duplicate(s) not added (dry run" in out
    assert "@article{example2021placebased," in out
    assert out.count("not added") >= len(DUPLICATES)


def test_keep_urldate_and_abstract_on_request(bib: Path) -> None:
    run(bib, "--keep-urldate", "--keep-abstract", str(ZOTERO))
    entry = parse_file(str(bib)).entries["example2021placebased"]
    assert entry.fields["urldate"] == "2024-03-14"
    assert entry.fields["abstract"].startswith("Background:")
    assert "file" not in entry.fields


def test_unreadable_input_is_the_only_failure(
    bib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\n", encoding="utf-8")
    before = bib.read_bytes()
    status = importer.main(["--bib", str(bib), str(junk), str(tmp_path / "missing.ris")])
    captured = capsys.readouterr()
    assert status == 1
    assert "notes.txt: not a RIS, BibTeX or CSL-JSON export" in captured.err
    assert "missing.ris: cannot be read" in captured.err
    assert bib.read_bytes() == before
    # a readable file beside an unreadable one is still imported
    status = importer.main(["--bib", str(bib), str(junk), str(ENDNOTE)])
    assert status == 1 and len(new_keys(bib)) == 3


def test_running_twice_adds_nothing_more(bib: Path) -> None:
    run(bib, *map(str, ALL))
    once = bib.read_bytes()
    status, _ = run(bib, *map(str, ALL))
    assert status == 0 and bib.read_bytes() == once


def test_the_module_imports_neither_sphinx_nor_the_rest_of_the_package() -> None:
    """It imports only the standard library and the parsers (the package's own
    ``__init__`` imports Sphinx, which is no concern of the importer's code)."""
    tree = ast.parse(Path(importer.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import of the package"
            names.add((node.module or "").split(".")[0])
    third_party = names - set(sys.stdlib_module_names) - {"__future__"}
    assert third_party == {"bibtexparser", "pybtex", "rispy"}


def test_the_bib_check_flags_a_pasted_zotero_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pasted = tmp_path / "refs.bib"
    pasted.write_text(ZOTERO.read_text(encoding="utf-8"), encoding="utf-8")
    assert bibcheck.main([str(pasted)]) == 1
    out = capsys.readouterr().out
    private = [line for line in out.splitlines() if "private local path" in line]
    assert len(private) == 4, out  # each record with a file field
    assert private[0].startswith(f"{pasted}:1: field file of entry ")


def test_merged_site_passes_the_bib_check_and_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an access level and a reading-list keyword, the merged file passes the lint
    check (as nox -s lint runs it) and the site builds without a warning about it."""
    docs = copy_site(tmp_path)
    bib = docs.parent / "references.bib"
    status, _ = run(bib, "--access", "free", "--keywords", "journal-articles", *map(str, ALL))
    assert status == 0
    parse_file(str(bib))  # pybtex reads it
    capsys.readouterr()
    assert bibcheck.main([str(bib), "--docs", str(docs)]) == 0, capsys.readouterr().out
    result = sphinx_build(docs, tmp_path / "html", "html", "-n", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "html" / "briefs" / "place-based-systems-of-care.html").read_text()
    assert "Anchor institutions and local economies: a fictional review" in page
