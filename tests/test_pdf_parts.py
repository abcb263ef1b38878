"""The whole-site book split into parts (pdf/parts.py): where parts start, that nothing is
lost or repeated, links across parts, and HTML that parses back to the same tree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sphinx_evidence.pdf import parts

pytestmark = pytest.mark.pdf

TRICKY = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>A &amp; B</title>
<style>p > a::after { content: "<&>"; }</style></head>
<body><!-- a comment -->
<p title='say "hi" &amp; go'>Fish &amp; chips &lt;3<br>next<img src="a.png" alt="A"></p>
<pre>
first line kept</pre>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Icon</title>
<path d="M0 0h10"/><use xlink:href="#x" xmlns:xlink="http://www.w3.org/1999/xlink"/></svg>
<math><mi>x</mi></math>
<textarea>
kept</textarea>
</body></html>"""


def same_tree(a: ET.Element, b: ET.Element) -> None:
    assert (a.tag, a.attrib) == (b.tag, b.attrib)
    assert (a.text or "", a.tail or "") == (b.text or "", b.tail or "")
    assert len(a) == len(b), a.tag
    for x, y in zip(a, b, strict=True):
        same_tree(x, y)


def test_html_written_back_parses_to_the_same_tree() -> None:
    tree = parts.parse(TRICKY)
    same_tree(tree, parts.parse(parts.serialise(tree)))
    html = parts.serialise(tree)
    assert '<path d="M0 0h10"/>' in html and "<br>" in html and "</br>" not in html
    assert 'content: "<&>"' in html  # a stylesheet is not escaped


def section(name: str, *children: str, heading: str = "h2", text: bool = True) -> str:
    """A page of the book; without ``text``, its heading is right above its sub-pages."""
    paragraph = f'<p id="{name}-p">Text of {name} {"x" * 200}</p>' if text else ""
    return (
        f'<section class="evidence-doc-start" id="{name}"><{heading}>{name.upper()}</{heading}>'
        f"{paragraph}{''.join(children)}</section>"
    )


def wrapper(*sections: str) -> str:
    return f'<div class="toctree-wrapper compound">{"".join(sections)}</div>'


BOOK = f"""<!DOCTYPE html><html lang="en"><head><title>Book</title></head>
<body class="evidence-print evidence-print-site"><div class="cover"><p>Cover</p></div>
<nav class="print-toc" id="contents"><ol><li><a href="#a">A</a></li><li><a href="#a1">A1</a></li>
<li><a href="#b">B</a></li><li><a href="#nowhere">gone</a></li></ol></nav>
<main><section id="root"><h1>Root</h1><p>Root text</p>
{
    wrapper(
        section(
            "a",
            wrapper(section("a1", heading="h3"), section("a2", heading="h3")),
            "<p>after a's pages</p>",
            text=False,
        ),
        section(
            "b",
            '<p><a href="#a1-p">to A1</a>, <a href="#b-p">here</a>, '
            '<a href="#contents">to the contents</a></p>',
        ),
        section("c"),
    )
}<p>Root's last words</p></section></main></body></html>"""


def texts(root: ET.Element) -> list[str]:
    main = root.find("body/main")
    assert main is not None
    return [t.strip() for t in main.itertext() if t.strip()]


def test_parts_start_on_a_new_sheet_and_hold_everything_once() -> None:
    whole = parts.parse(BOOK)
    book = parts.split(whole, 100)
    assert book is not None
    starts = []
    for part in book.parts[1:]:
        tree = parts.parse(part.html)
        # the first page that starts in the part (the sections around it have no heading)
        first = next(
            e for e in tree.iter("section")
            if "evidence-doc-start" in e.get("class", "") and len(e) and e[0].tag in {"h2", "h3"}
        )  # fmt: skip
        starts.append(first.get("id"))
    # a1 shares the sheet of A's heading: never the start of a part
    assert "a1" not in starts and {"a2", "b", "c"} <= set(starts)
    joined = [t for part in book.parts for t in texts(parts.parse(part.html))]
    assert joined == texts(whole)  # in order, nothing lost, nothing twice
    ids = [i for part in book.parts for i in part.ids]
    main = whole.find("body/main")
    assert main is not None
    assert sorted(ids) == sorted(str(e.get("id")) for e in main.iter() if e.get("id"))
    front = book.front.find("body")
    assert front is not None and front.find("main") is None
    assert [e.get("class") for e in front] == ["cover", "print-toc"]


def test_links_to_other_parts_are_marked_and_contents_get_page_numbers() -> None:
    book = parts.split(parts.parse(BOOK), 100)
    assert book is not None
    holding_b = next(p for p in book.parts if "b" in p.ids)
    assert f'href="{parts.FOREIGN}a1-p"' in holding_b.html  # another part's anchor
    assert 'href="#b-p"' in holding_b.html  # this part's own anchor: as it was
    assert f'href="{parts.FOREIGN}contents"' in holding_b.html  # the front part's
    html = parts.number_contents(book.front, {"a": 3, "a1": 3, "b": 7})
    tree = parts.parse(html)
    numbers = {a.get("href"): a.get(parts.PAGE_ATTRIBUTE) for a in tree.iter("a")}
    assert numbers == {
        f"{parts.FOREIGN}a": "3", f"{parts.FOREIGN}a1": "3", f"{parts.FOREIGN}b": "7",
        "#nowhere": None,  # no such anchor: left for WeasyPrint to report
    }  # fmt: skip


def test_a_small_book_or_a_page_is_one_part() -> None:
    assert parts.split(parts.parse(BOOK), 10**6) is None
    assert parts.split(parts.parse(TRICKY), 10) is None  # no <main>: not a book


def test_no_last_part_of_a_few_characters() -> None:
    book = parts.split(parts.parse(BOOK), 700)
    assert book is not None
    sizes = [len(p.html) for p in book.parts]
    assert len(sizes) >= 2
    assert min(sizes) > 700 // 4
