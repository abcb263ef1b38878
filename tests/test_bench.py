"""The benchmark's corpus generator and runner work (on a tiny corpus; no timing asserted)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.bench import run as bench
from tests.bench.corpus import CorpusSpec, edit_one_page, generate

TINY = CorpusSpec(pages=6, entries=30, terms=8, pages_per_part=4)
SMALLER = CorpusSpec(pages=3, entries=12, terms=4)


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_corpus_is_deterministic_and_flavours_share_the_prose(tmp_path: Path) -> None:
    first = _files(generate(TINY, tmp_path / "a", "ours"))
    again = _files(generate(TINY, tmp_path / "b", "ours"))
    stock = _files(generate(TINY, tmp_path / "c", "stock"))
    assert first == again
    pages = sorted(name for name in first if re.fullmatch(r"part\d+/page\d+\.md", name))
    assert len(pages) == TINY.pages
    assert set(first) == set(stock)
    for name in pages:  # same prose; only the access badge line differs
        assert first[name].splitlines()[:-1] == stock[name].splitlines()[:-1]
        assert "{access}`" in first[name]
        assert "{bdg-" in stock[name]
    prose = "\n".join(first[name] for name in pages)
    assert "{term}`" in prose
    assert "{cite:p}`" in prose
    assert "@report{" in first["references.bib"]
    assert "@online{" in first["references.bib"]
    assert "@report{" not in stock["references.bib"]
    assert "@online{" not in stock["references.bib"]
    assert first["references.bib"].count("access = {") == TINY.entries
    assert "{reading-list}" in first["lists/alpha.md"]
    assert "{bibliography}" in stock["lists/alpha.md"]


def test_corpus_rejects_bad_sizes() -> None:
    assert CorpusSpec.parse("20x100x10") == CorpusSpec(pages=20, entries=100, terms=10)
    with pytest.raises(ValueError):
        CorpusSpec.parse("0x10x10")


def test_edit_one_page_appends_a_citation(tmp_path: Path) -> None:
    src = generate(TINY, tmp_path / "src", "stock")
    before = (src / "part01" / "page0001.md").read_text(encoding="utf-8")
    page = edit_one_page(src, TINY)
    after = page.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert f"{{cite:p}}`ref{TINY.entries - 1:05d}`" in after[len(before) :]


def test_runner_writes_a_report_with_the_expected_keys(tmp_path: Path) -> None:
    report = bench.run(
        [TINY, SMALLER], tmp_path, pdf=False, live=False, record=tmp_path / "record.md.inc"
    )
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(data) == {"started", "machine", "features", "notes", "builds", "ratios"}
    assert {"python", "cpu", "cores", "commit", "versions"} <= set(data["machine"])
    kinds = [(b["corpus"], b["stack"], b["kind"]) for b in data["builds"]]
    full = [("stock", "full"), ("ours", "full"), ("ours, autolink off", "full")]
    incremental = [("stock", "incremental"), ("ours", "incremental"), ("ours", "clean after edit")]
    # the one-page edit is measured on the first corpus only, -j 2 on the largest
    assert kinds == [
        *[(TINY.label, *k) for k in [*full, ("ours, -j 2", "full"), *incremental]],
        *[(SMALLER.label, *k) for k in full],
    ]
    inc = next(b for b in report.builds if b.kind == "incremental" and b.stack == "ours")
    assert inc.note == "pages equal a clean build's"
    for build in data["builds"]:
        assert set(build) == {
            "corpus",
            "stack",
            "kind",
            "seconds",
            "cpu_seconds",
            "peak_mb",
            "returncode",
            "warnings",
            "pages",
            "term_links",
            "note",
        }
        assert build["seconds"] > 0
        assert build["cpu_seconds"] > 0
        assert build["peak_mb"] > 10  # a Python process holding Sphinx
    stock_full = data["builds"][0]
    # The stock corpus is built by the stock stack without a single warning: the
    # comparison is fair only if the stock side does all its work.
    assert stock_full["returncode"] == 0, stock_full["note"]
    assert stock_full["warnings"] == 0
    assert stock_full["pages"] >= TINY.pages
    assert stock_full["term_links"] > 0
    ours, noauto = data["builds"][1], data["builds"][2]
    assert ours["returncode"] == 0, ours["note"]
    assert noauto["returncode"] == 0, noauto["note"]
    # BENCH_AUTOLINK reaches the corpus's conf.py: auto-linking adds links when on
    assert ours["term_links"] > noauto["term_links"] > 0
    full_ratios = [
        "full build, ours / stock",
        "full build, ours without auto-linking / stock",
        "full build, auto-linking on / off",
    ]
    memory = "peak memory, ours / stock"
    tiny = [*full_ratios, "full build, ours -j 2 / ours", memory, "one-page edit, ours / stock"]
    assert [(r["corpus"], r["what"]) for r in data["ratios"]] == [
        *[(TINY.label, what) for what in tiny],
        *[(SMALLER.label, what) for what in [*full_ratios, memory]],
        # TINY has twice SMALLER's pages: the growth from N to 2N, by the larger corpus
        (TINY.label, "growth 3 -> 6 pages, stock"),
        (TINY.label, "growth 3 -> 6 pages, ours"),
    ]
    for ratio in data["ratios"]:
        assert set(ratio) == {"corpus", "what", "ratio", "cpu_ratio"}
        assert ratio["ratio"] > 0
        assert ratio["cpu_ratio"] is None if ratio["what"] == memory else ratio["cpu_ratio"] > 0
    assert any("not run" in note for note in data["notes"])
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert text == (tmp_path / "record.md.inc").read_text(encoding="utf-8")
    assert "| corpus | stack | build | time (s) |" in text
    assert text.count(f"| {TINY.label} |") == 7 + 8
    assert text.count(f"| {SMALLER.label} |") == 3 + 4
    assert report.builds[0].ok
    # the Markdown can be written again from the JSON alone
    assert bench.markdown(bench.Report.from_json(data)) == text
    assert "| target (from the issues) | measured | met |" in text
    assert f"auto-linking adds under 10% to the full build ({TINY.label})" in text


def test_runner_parallel_and_repeat_options(tmp_path: Path) -> None:
    report = bench.run([SMALLER], tmp_path, pdf=False, live=False, parallel=True, repeat=2)
    assert any("run 2 times from scratch" in note for note in report.notes)
    # a repeated full build starts from scratch each time: it still holds every page
    assert report.builds[0].pages == len(list((tmp_path / "work").glob("3x12x4/stock/**/*.html")))
    stacks = [b.stack for b in report.builds]
    assert stacks[:5] == ["stock", "ours", "ours, autolink off", "stock, -j 2", "ours, -j 2"]
    parallel = {b.stack: b for b in report.builds if b.stack.endswith("-j 2")}
    assert all(b.ok and b.cpu_seconds for b in parallel.values())
    # -j 2 gives the same pages as -j 1
    assert parallel["ours, -j 2"].term_links == report.builds[1].term_links
    assert parallel["stock, -j 2"].term_links == report.builds[0].term_links
    whats = [r["what"] for r in report.ratios]
    assert "full build, stock -j 2 / stock" in whats
    assert "full build, ours -j 2 / ours" in whats


def _build(corpus: str, stack: str, kind: str, cpu: float, **fields: object) -> bench.Build:
    return bench.Build(corpus, stack, kind, cpu, cpu, 100.0, 0, **fields)  # type: ignore[arg-type]


def test_growth_and_the_speed_targets() -> None:
    small, large = "150 pages / 750 entries / 75 terms", "300 pages / 1500 entries / 150 terms"
    report = bench.Report("now", {}, {}, [])
    report.builds = [
        _build(small, "stock", "full", 50.0),
        _build(small, "ours", "full", 25.0),
        _build(large, "stock", "full", 150.0),
        _build(large, "ours", "full", 60.0),
        _build(large, "ours, -j 2", "full", 40.0),
        _build(small, "ours", "incremental", 4.0, note="pages equal a clean build's"),
        _build("the real site", "ours", "full", 3.0),
        _build("the real site", "ours", "live edit", 2.5),
    ]
    bench.growth(report)
    growth = {r["what"]: r["cpu_ratio"] for r in report.ratios}
    assert growth == {"growth 150 -> 300 pages, stock": 3.0, "growth 150 -> 300 pages, ours": 2.4}
    report.ratios += [
        bench._ratio("full build, ours / stock", small, report.builds[1], report.builds[0]),
        bench._ratio("full build, ours / stock", large, report.builds[3], report.builds[2]),
        bench._ratio("full build, ours -j 2 / ours", large, report.builds[4], report.builds[3]),
        bench._ratio("one-page edit, ours / stock", small, report.builds[5], report.builds[0]),
        bench._memory_ratio("peak memory, ours / stock", small, report.builds[1], report.builds[0]),
    ]
    verdicts = {target: met for target, _measured, met in bench.speed_targets(report)}
    assert verdicts == {
        "full build, ours / stock <= 0.6 (N = 150)": "yes",  # 0.5
        "full build, ours / stock <= 0.45 (N = 300)": "yes",  # 0.4
        "growth time(2N) / time(N), ours <= 2.2": "**no**",  # 2.4
        "-j 2 / -j 1, ours <= 0.8 (N = 300; wall time)": "yes",  # 0.67
        f"one-page edit, ours / stock <= 0.5, pages equal a clean build's ({small})": "yes",
        f"peak memory, ours / stock <= 1.1 ({small})": "yes",
        "real site, docs-live save -> rebuilt page <= 2 s": "**no**",
    }
    report.machine = {"commit": "c", "cpu": "cpu", "cores": 2, "python": "3", "versions": {}}
    assert "real site, docs-live save -> rebuilt page <= 2 s" in bench.markdown(report)
    report.builds[5].note = "1 pages differ from a clean build's: index.html"
    verdicts = {target: met for target, _measured, met in bench.speed_targets(report)}
    edit = f"one-page edit, ours / stock <= 0.5, pages equal a clean build's ({small})"
    assert verdicts[edit] == "**no**"


def test_the_real_site_as_docs_live_rebuilds_it(tmp_path: Path) -> None:
    """The live edit is timed on the preview itself (nox -s docs-live's command): each
    save is rebuilt, and the page shows the saved sentence."""
    report = bench.Report("now", {}, {}, [])
    bench.bench_live(report, tmp_path, saves=2)
    assert [(b.corpus, b.kind) for b in report.builds] == [
        ("the real site", "full"),
        ("the real site", "live edit"),
    ]
    full, edit = report.builds
    assert full.ok and edit.ok, (full.note, edit.note)
    assert re.fullmatch(r"blog/[\w-]+\.md saved 2 times \(.*\)", edit.note)
    assert edit.seconds and edit.cpu_seconds and edit.warnings == 0
    assert edit.pages == full.pages  # the rebuild keeps every page
    page = (tmp_path / "live" / "html" / edit.note.split(" ")[0]).with_suffix(".html")
    assert "A sentence saved while previewing (2)." in page.read_text("utf-8")


def test_the_pdf_targets() -> None:
    corpus = "200 pages / 1000 entries / 100 terms"
    report = bench.Report("now", {}, {}, [])
    pdf = bench.Build(corpus, "ours", "pdf", 90.0, 88.0, 650.0, 0)
    report.builds = [
        pdf,
        _build("the real site", "ours", "pdf-unchanged", 1.0),
        _build(corpus, "ours", "pdf-unchanged", 1.5),
    ]
    target = f"whole-site PDF of the 200-page corpus <= 120 s and <= 700 MB peak ({corpus})"
    unchanged = "PDFs when no source changed: not rendered again, < 5 s in all"
    verdicts = {target: met for target, _measured, met in bench.speed_targets(report)}
    assert verdicts == {target: "yes", unchanged: "yes"}
    pdf.peak_mb = 1100.0  # fast enough, too much memory
    assert dict((t, m) for t, _x, m in bench.speed_targets(report))[target] == "**no**"
    pdf.peak_mb, pdf.cpu_seconds = 650.0, 130.0  # small enough, too slow
    assert dict((t, m) for t, _x, m in bench.speed_targets(report))[target] == "**no**"
    report.builds[2].seconds = 4.5  # 5.5 s in all
    assert dict((t, m) for t, _x, m in bench.speed_targets(report))[unchanged] == "**no**"
    other = bench.Build("150 pages / 750 entries / 75 terms", "ours", "pdf", 50.0, 50.0, 990.0, 0)
    report.builds = [other]
    assert [m for _t, _x, m in bench.speed_targets(report)] == ["n/a"]
