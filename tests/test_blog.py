"""The blog feature: post headers, ``{postlist}``, tag archives, bad front matter,
other builders, incremental and parallel builds (test root ``tests/roots/test-blog``)."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from sphinx_evidence.blog.meta import format_date, parse_date, parse_post, tag_slug
from sphinx_evidence.core.docs_tables import warning_rows
from sphinx_evidence.core.warnings import Warn
from tests.helpers import page_bodies, sphinx_build

ROOT = Path(__file__).parent / "roots" / "test-blog"


def _article(app: SphinxTestApp, page: str) -> BeautifulSoup:
    html = (Path(app.outdir) / page).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one('[role="main"]')
    assert main is not None
    return BeautifulSoup(main.decode(), "html.parser")


def _text(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def _listed_titles(soup: BeautifulSoup) -> list[str]:
    return [_text(li.find("a")) for li in soup.select("ul.evidence-postlist > li")]


def _copy_root(dest: Path) -> Path:
    shutil.copytree(ROOT, dest)
    return dest


# -- front matter, unit level ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "shown"),
    [
        (2019, (2019,), "2019"),
        ("2019-11", (2019, 11), "November 2019"),
        ("2019-11-05", (2019, 11, 5), "5 November 2019"),
    ],
)
def test_dates_are_kept_and_shown_as_precise_as_known(
    value: object, expected: tuple[int, ...], shown: str
) -> None:
    assert parse_date(value) == expected
    assert format_date(expected) == shown


@pytest.mark.parametrize("value", ["2019-13", "Nov 2019", "2019-02-30", "19", True, 3.5, None])
def test_bad_dates_are_refused(value: object) -> None:
    assert parse_date(value) is None


def test_a_page_without_post_keys_is_not_a_post() -> None:
    post, problems = parse_post("blog/tags/x", "---\nautolink: false\n---\n# X\n", "X")
    assert post is None
    assert problems == []


def test_bad_values_are_reported_with_their_line_and_dropped() -> None:
    text = "---\ntitle: T\nauthors: 5\ntags: [ok, 3]\noriginal: javascript:alert(1)\n---\n"
    post, problems = parse_post("blog/t", text, "")
    assert post is not None
    assert (post.authors, post.tags, post.original) == ((), (), "")
    assert problems == [
        (3, "the authors must be a list of names, such as [Ann Smith, Bo Li]", Warn.post_meta),
        (4, "the tags must be a list of words, such as [STP, evidence]", Warn.post_meta),
        (
            5,
            '"original" must be a web address starting https:// or http://, not'
            ' "javascript:alert(1)"',
            Warn.post_meta,
        ),
    ]


def test_front_matter_after_a_byte_order_mark_and_with_crlf() -> None:
    text = "\ufeff---\r\ntitle: T\r\nauthors: [A]\r\ndate: 2020-02\r\n---\r\nBody\r\n"
    post, problems = parse_post("blog/t", text, "")
    assert problems == []
    assert post is not None and (post.title, post.authors, post.date) == ("T", ("A",), (2020, 2))


def test_tag_slugs() -> None:
    assert tag_slug("STP") == "stp"
    assert tag_slug("Place-based care") == "place-based-care"


def test_every_warning_subtype_is_documented() -> None:
    rows = {value: (meaning, example) for value, meaning, example in warning_rows()}
    assert set(rows) == {member.value for member in Warn}
    assert all(m and e for m, e in rows.values()), [k for k, v in rows.items() if not all(v)]
    assert all("WARNING: " in e or e.startswith("references.bib:") for _, e in rows.values())


# -- HTML ------------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="blog", freshenv=True)
def test_post_header(app: SphinxTestApp) -> None:
    app.build()
    assert not app.warning.getvalue()
    header = _article(app, "blog/first.html").select_one(".evidence-post-header")
    assert header is not None
    lines = [_text(p) for p in header.find_all("p")]
    assert lines == [
        "By Ann Author and Bob Writer , November 2019",
        "Tags: STP",
        "First published on the Example blog <https://example.org/first> .",
    ]
    time = header.select_one("time.evidence-post-date")
    assert time is not None and time["datetime"] == "2019-11"
    tag = header.select_one(".evidence-post-tags a")
    assert tag is not None and tag["href"] == "tags/stp.html"
    original = header.select_one(".evidence-post-original a")
    assert original is not None and original["href"] == "https://example.org/first"
    assert original.get_text() == "Example blog"  # the name is the link, not the address
    printed = header.select_one(".evidence-post-original span")
    assert printed is not None and "evidence-print-url" in printed["class"]
    undated = _article(app, "blog/third.html").select_one(".evidence-post-byline")
    assert _text(undated) == "By Dan Scribe (date of first publication not known)"


@pytest.mark.sphinx("html", testroot="blog", freshenv=True)
def test_postlist_newest_first_tags_and_limit(app: SphinxTestApp) -> None:
    app.build()
    index = _article(app, "blog/index.html")
    assert _listed_titles(index) == ["Second post", "First post", "Third post"]
    first_item = index.select_one("ul.evidence-postlist > li")
    assert first_item is not None
    assert _text(first_item) == "Second post · 4 March 2021 · Cat Poet The second post."
    assert [t["datetime"] for t in index.select("time")] == ["2021-03-04", "2019-11"]
    assert _listed_titles(_article(app, "blog/tags/stp.html")) == ["Second post", "First post"]
    assert _listed_titles(_article(app, "blog/tags/evidence.html")) == ["Second post"]
    assert _listed_titles(_article(app, "blog/latest.html")) == ["Second post"]
    link = _article(app, "blog/tags/stp.html").select_one("ul.evidence-postlist a")
    assert link is not None and link["href"] == "../second.html"


@pytest.mark.sphinx("html", testroot="blog", freshenv=True)
def test_css_only_in_html(app: SphinxTestApp) -> None:
    app.build()
    assert (Path(app.outdir) / "_static" / "blog.css").is_file()
    # linked only from pages with a post header or a post list
    assert "_static/blog.css" in (Path(app.outdir) / "blog" / "first.html").read_text("utf-8")
    assert "_static/blog.css" not in (Path(app.outdir) / "index.html").read_text("utf-8")


@pytest.mark.sphinx("html", testroot="blog", srcdir="blog-bad-meta", freshenv=True)
def test_bad_front_matter_warns_with_file_and_line_and_the_build_goes_on(
    app: SphinxTestApp,
) -> None:
    bad = Path(app.srcdir) / "blog" / "bad.md"
    bad.write_text(
        "---\norphan: true\ntitle: Bad <b>post</b>\ndate: 2019-13\nauthors: 5\n"
        "tags: [STP]\nsummary: Fine.\n---\n\nText.\n",
        encoding="utf-8",
    )
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert (
        f'{bad}:4: WARNING: the date "2019-13" has no month 13: months are 01 to 12; write it as'
        " YYYY-MM-DD (2019-11-05), or YYYY-MM or YYYY when the day or month is not known"
        " [evidence.post_date]" in warnings
    )
    assert (
        f"{bad}:5: WARNING: the authors must be a list of names, such as [Ann Smith, Bo Li]"
        " [evidence.post_meta]" in warnings
    )
    assert warnings.count("WARNING") == 2
    page = _article(app, "blog/bad.html")
    assert _text(page.find("h1")) == "Bad <b>post</b> ¶"  # escaped, not markup
    assert page.find("b") is None
    assert "Bad <b>post</b>" in _listed_titles(_article(app, "blog/index.html"))


# -- other builders --------------------------------------------------------------------------


@pytest.mark.parametrize("builder", ["text", "latex", "man", "texinfo", "singlehtml"])
def test_other_builders(tmp_path: Path, builder: str) -> None:
    src = _copy_root(tmp_path / "src")
    result = sphinx_build(src, tmp_path / builder, builder, "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    if builder == "text":
        first = (tmp_path / "text" / "blog" / "first.txt").read_text(encoding="utf-8")
        assert "By **Ann Author and Bob Writer**, November 2019" in first
        assert "First published on the *Example blog* <https://example.org/first>." in first
        index = (tmp_path / "text" / "blog" / "index.txt").read_text(encoding="utf-8")
        assert index.index("Second post") < index.index("First post") < index.index("Third post")
    if builder == "latex":
        tex = next((tmp_path / "latex").glob("*.tex")).read_text(encoding="utf-8")
        assert (
            "By \\sphinxstylestrong{Ann Author and Bob Writer}, "
            "\\DUrole{evidence-post-date}{November 2019}" in tex
        )
        assert "blog.css" not in tex


# -- incremental and parallel ----------------------------------------------------------------

NEW_POST = """---
title: Fourth post
date: 2022-01
authors: [Eve Essayist]
tags: [evidence]
summary: A newer post.
---

Body.
"""


def test_incremental_new_post_updates_every_list(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    out = tmp_path / "incremental"
    assert sphinx_build(src, out, "html").returncode == 0
    (src / "blog" / "fourth.md").write_text(NEW_POST, encoding="utf-8")
    index = (src / "blog" / "index.md").read_text(encoding="utf-8")
    (src / "blog" / "index.md").write_text(index.replace("third\n", "third\nfourth\n"))
    second = (src / "blog" / "second.md").read_text(encoding="utf-8")
    (src / "blog" / "second.md").write_text(second.replace("[STP, evidence]", "[STP]"))
    result = sphinx_build(src, out, "html")
    assert result.returncode == 0, result.stderr
    clean = sphinx_build(src, tmp_path / "clean", "html", "-E")
    assert clean.returncode == 0, clean.stderr
    assert page_bodies(out) == page_bodies(tmp_path / "clean")
    latest = BeautifulSoup((out / "blog" / "latest.html").read_text(), "html.parser")
    assert _listed_titles(latest) == ["Fourth post"]
    evidence = BeautifulSoup((out / "blog" / "tags" / "evidence.html").read_text(), "html.parser")
    assert _listed_titles(evidence) == ["Fourth post"]


def test_parallel_build_gives_the_same_pages(tmp_path: Path) -> None:
    serial = _copy_root(tmp_path / "serial-src")
    parallel = _copy_root(tmp_path / "parallel-src")
    one = sphinx_build(serial, tmp_path / "serial", "html", "-E", "-W")
    two = sphinx_build(parallel, tmp_path / "parallel", "html", "-E", "-W", "-j", "2")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert "not safe" not in two.stderr
    assert page_bodies(tmp_path / "serial") == page_bodies(tmp_path / "parallel")


@pytest.mark.sphinx("html", testroot="blog", srcdir="blog-tag-typo", freshenv=True)
def test_postlist_of_a_tag_no_post_has_warns(app: SphinxTestApp) -> None:
    page = Path(app.srcdir) / "blog" / "tags" / "typo.md"
    page.write_text("---\norphan: true\n---\n# Typo\n\n```{postlist}\n:tag: SPT\n```\n")
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert (
        f'{page}:6: WARNING: the post list is of the tag "SPT", which no post has. Did you mean'
        ' "STP"? [evidence.post_tag]' in warnings
    )
    assert _text(_article(app, "blog/tags/typo.html").select_one("p")) == "No posts yet."


# -- Atom feed -------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.sphinx(
    "html",
    testroot="blog",
    srcdir="blog-feed",
    freshenv=True,
    confoverrides={"html_baseurl": "https://example.org/hub/"},
)
def test_atom_feed(app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch) -> None:
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    app.build()
    feed = ET.parse(Path(app.outdir) / "blog" / "atom.xml").getroot()
    assert feed.findtext(f"{ATOM}id") == "https://example.org/hub/blog/atom.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Second post",
        "First post",
        "Third post",
    ]
    second, first, third = entries
    assert second.findtext(f"{ATOM}id") == "https://example.org/hub/blog/second.html"
    assert second.findtext(f"{ATOM}published") == "2021-03-04T00:00:00+00:00"
    # known only to the month or not at all: no invented day
    assert first.find(f"{ATOM}published") is None
    assert third.find(f"{ATOM}published") is None
    assert first.findtext(f"{ATOM}summary") == "The first post. (First published November 2019.)"
    assert first.findtext(f"{ATOM}updated") == "2023-11-14T22:13:20+00:00"
    assert [a.findtext(f"{ATOM}name") for a in first.iter(f"{ATOM}author")] == [
        "Ann Author",
        "Bob Writer",
    ]
    assert [c.get("term") for c in second.iter(f"{ATOM}category")] == ["STP", "evidence"]
    head = (Path(app.outdir) / "blog" / "first.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in head
    assert 'href="https://example.org/hub/blog/atom.xml"' in head


@pytest.mark.sphinx(
    "html",
    testroot="blog",
    srcdir="blog-feed-local",
    freshenv=True,
    confoverrides={"project": "Test blog"},
)
def test_feed_without_a_base_url_links_relative_to_itself(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local build (no public address) still has a valid feed: links relative to the
    feed, ids stable tag: URIs, and feedparser reads it without complaint."""
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    app.build()
    path = Path(app.outdir) / "blog" / "atom.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.id == "tag:test-blog,2019:blog/atom.xml"
    ids = [entry.id for entry in parsed.entries]
    assert ids == ["tag:test-blog,2021:blog/second", "tag:test-blog,2019:blog/first", ids[2]]
    assert ids[2].startswith("tag:test-blog,2019:blog/")  # undated: the feed's first year
    feed = ET.parse(path).getroot()
    links = [str(link.get("href")) for link in feed.iter(f"{ATOM}link")]
    assert links[:2] == ["atom.xml", "index.html"]
    assert "second.html" in links
    assert not [link for link in links if "://" in link or link.startswith("/")]
    # the page announces the feed, relative to itself
    head = (Path(app.outdir) / "blog" / "first.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in head
    assert 'href="atom.xml"' in head
    # ids do not depend on where the site is built
    first_build = path.read_text(encoding="utf-8")
    app.build(force_all=True)
    assert path.read_text(encoding="utf-8") == first_build


@pytest.mark.sphinx("html", testroot="blog", freshenv=True)
def test_post_header_doctree_snapshot(app: SphinxTestApp, file_regression: Any) -> None:
    app.build()
    doctree = app.env.get_doctree("blog/first")
    header = next(
        n for n in doctree.findall(nodes.container) if "evidence-post-header" in n["classes"]
    )
    file_regression.check(header.pformat(), extension=".xml")
