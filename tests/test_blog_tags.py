"""Tags: generated archive pages, ``{taglist}``, one spelling per tag, incremental builds
(test root ``tests/roots/test-blog``, which sets the hub's ``evidence_blog_tag_pages``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from sphinx_evidence.blog.tags import GENERATED, tag_page, write_tag_pages
from tests.helpers import page_bodies, sphinx_build
from tests.house import HOUSE_SETTINGS

ROOT = Path(__file__).parent / "roots" / "test-blog"


def _copy_root(dest: Path) -> Path:
    shutil.copytree(ROOT, dest)
    return dest


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _listed(path: Path) -> list[str]:
    items = _soup(path).select("ul.evidence-postlist > li a")
    return [" ".join(a.get_text().split()) for a in items]


def _tag_list(path: Path) -> list[str]:
    return [" ".join(li.get_text().split()) for li in _soup(path).select("ul.evidence-taglist li")]


def _plain(stderr: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", stderr)


def test_tag_pages_are_generated_and_the_index_lists_the_tags(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    result = sphinx_build(src, tmp_path / "html", "html", "-W", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (src / "blog" / "tags").glob("*.md")) == [
        "evidence.md",
        "stp.md",
    ]
    about = HOUSE_SETTINGS["evidence_blog_tag_descriptions"]["STP"]  # the root builds as the hub
    assert (src / "blog" / "tags" / "stp.md").read_text(encoding="utf-8") == tag_page("STP", about)
    html = tmp_path / "html" / "blog"
    assert _listed(html / "tags" / "stp.html") == ["Second post", "First post"]
    assert _tag_list(html / "index.html") == ["evidence (1 post)", "STP (2 posts)"]
    links = [a["href"] for a in _soup(html / "index.html").select("ul.evidence-taglist a")]
    assert links == ["tags/evidence.html", "tags/stp.html"]


def test_a_tag_added_and_one_removed_incrementally_match_a_clean_build(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    out = tmp_path / "incremental"
    assert sphinx_build(src, out, "html", "-W").returncode == 0
    first = src / "blog" / "first.md"
    first.write_text(first.read_text().replace("tags: [STP]", "tags: [STP, Integrated care]"))
    second = src / "blog" / "second.md"
    second.write_text(second.read_text().replace("[STP, evidence]", "[STP]"))
    again = sphinx_build(src, out, "html", "-W")
    assert again.returncode == 0, again.stderr
    assert not (src / "blog" / "tags" / "evidence.md").exists()  # no post has it now
    clean = sphinx_build(src, tmp_path / "clean", "html", "-E", "-W")
    assert clean.returncode == 0, clean.stderr
    bodies = page_bodies(out)
    bodies.pop("blog/tags/evidence.html")  # Sphinx leaves a removed page's old output
    assert bodies == page_bodies(tmp_path / "clean")
    assert _listed(out / "blog" / "tags" / "integrated-care.html") == ["First post"]
    assert _tag_list(out / "blog" / "index.html") == ["Integrated care (1 post)", "STP (2 posts)"]
    tags = [a["href"] for a in _soup(out / "blog" / "first.html").select(".evidence-post-tags a")]
    assert tags == ["tags/stp.html", "tags/integrated-care.html"]
    nav = [a["href"] for a in _soup(out / "blog" / "index.html").select(".sidebar-tree a")]
    assert "tags/integrated-care.html" in nav and "tags/evidence.html" not in nav
    unchanged = sphinx_build(src, out, "html", "-W")
    assert "no targets are out of date" in unchanged.stdout  # generated pages left alone


def test_a_tag_in_another_case_is_shown_in_the_common_spelling_and_warned(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    third = src / "blog" / "third.md"
    third.write_text(third.read_text().replace("summary:", "tags: [stp, Evi dence]\nsummary:"))
    result = sphinx_build(src, tmp_path / "html", "html", "--keep-going")
    warnings = [line for line in _plain(result.stderr).splitlines() if "WARNING" in line]
    assert warnings == [
        f'{third}:4: WARNING: the tag "stp" is written "STP" on other posts, so it is shown as'
        ' "STP"; write it "STP" here too [evidence.post_tag]',
        f'{third}:4: WARNING: the tag "Evi dence" is written "evidence" on other posts, so it is'
        ' shown as "evidence"; write it "evidence" here too [evidence.post_tag]',
    ]
    html = tmp_path / "html" / "blog"
    assert _listed(html / "tags" / "stp.html") == ["Second post", "First post", "Third post"]
    assert sorted(p.name for p in (src / "blog" / "tags").glob("*.md")) == [
        "evidence.md",
        "stp.md",
    ]
    tags = _soup(html / "third.html").select_one(".evidence-post-tags")
    assert tags is not None and " ".join(tags.get_text().split()) == "Tags: STP, evidence"


def test_a_page_written_by_hand_is_never_replaced_or_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "tags"
    folder.mkdir()
    (folder / "stp.md").write_text("# My own STP page\n", encoding="utf-8")
    (folder / "old.md").write_text("# Old, by hand\n", encoding="utf-8")
    (folder / "gone.md").write_text(tag_page("gone"), encoding="utf-8")
    write_tag_pages(folder, ["STP", "Place-based care"])
    assert (folder / "stp.md").read_text(encoding="utf-8") == "# My own STP page\n"
    assert (folder / "old.md").exists()
    assert not (folder / "gone.md").exists()
    made = (folder / "place-based-care.md").read_text(encoding="utf-8")
    assert GENERATED in made and "# Posts tagged Place\\-based care" in made
    write_tag_pages(folder, ["Place-based care"], {"place-based CARE": "About *places*."})
    made = (folder / "place-based-care.md").read_text(encoding="utf-8")
    assert "\n\nAbout \\*places\\*\\.\n\n```{postlist}" in made  # shown as written


def test_markup_in_a_tag_is_shown_as_text(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    third = src / "blog" / "third.md"
    third.write_text(third.read_text().replace("summary:", "tags: ['*A* <b>b</b>']\nsummary:"))
    result = sphinx_build(src, tmp_path / "html", "html", "-W")
    assert result.returncode == 0, result.stderr
    page = _soup(tmp_path / "html" / "blog" / "tags" / "a-b-b-b.html").select_one("article")
    assert page is not None and page.find("b") is None and page.find("em") is None
    heading = page.find("h1")
    assert heading is not None and heading.get_text().startswith("Posts tagged *A* <b>b</b>")


def test_without_generated_pages_a_tag_with_no_page_is_warned(tmp_path: Path) -> None:
    src = _copy_root(tmp_path / "src")
    result = sphinx_build(
        src, tmp_path / "html", "html", "-D", "evidence_blog_tag_pages=0", "--keep-going"
    )
    first = src / "blog" / "first.md"
    assert (
        f'{first}:5: WARNING: the tag "STP" has no archive page blog/tags/stp.md; create it with'
        " a {postlist} of the tag, or set evidence_blog_tag_pages = True [evidence.post_tag]"
        in _plain(result.stderr)
    )
    assert not (src / "blog" / "tags").exists()
