"""Finding glossary names in prose: one compiled pattern over all names, one pass per text.

:class:`Matcher` builds a single regular expression from a trie of every auto-linkable
form (names, their regular plurals, stated ``:autolink:`` forms), so matching a text costs
one scan of that text whatever the number of terms. Rules:

* an abbreviation-like form (``STP``, ``STEM Club``, ``NHS England``: a word with a capital
  after its first letter) matches case-sensitively, any other form case-insensitively;
* regular plurals match (``STPs``, ``integrated care systems``, ``bodies``);
* straight and typographic (U+2019) apostrophes match each other;
* a match is a whole word: not inside a longer word nor joined by a hyphen
  (``system-wide`` does not mention ``system``);
* at one position the longest form wins; scanning is left to right.

:func:`prose_items` walks a doctree in document order and yields the text nodes that
may be auto-linked (body prose) and the explicit ``{term}`` references, skipping headings,
titles, captions, rubrics, links and references, literals and code, footnotes and
citations, field names, index and toctree nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx import addnodes

#: Node types whose whole subtree is never auto-linked.
SKIP_NODES: tuple[type[nodes.Node], ...] = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.field_list,  # metadata, not prose
    nodes.docinfo,
    nodes.caption,
    nodes.reference,
    nodes.target,
    addnodes.pending_xref,
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.math,
    nodes.math_block,
    nodes.raw,
    nodes.comment,
    nodes.abbreviation,
    nodes.acronym,
    nodes.footnote,
    nodes.citation,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.substitution_definition,
    nodes.field_name,
    nodes.option_list,
    nodes.term,
    nodes.image,
    nodes.system_message,
    nodes.docinfo,
    nodes.meta,
    addnodes.glossary,
    addnodes.toctree,
    addnodes.index,
    addnodes.desc_signature,
    addnodes.productionlist,
)

#: Node class names (from other extensions) whose subtree is never auto-linked.
SKIP_NODE_NAMES = frozenset({"sd_tab_label", "bibliography", "footbibliography"})

#: Classes that mark an element (and its subtree) as not to be auto-linked.
SKIP_CLASSES = frozenset(
    {
        "evidence-no-autolink",
        "no-autolink",
        "sd-badge",
        "sd-btn",
        "sd-card-title",
        "sd-card-hover",  # a card that is one big link (``:link:``): no links inside it
        "sd-tab-label",
        "bibtex-citation",
        "citation",
    }
)


def is_explicit_term(node: nodes.Node) -> bool:
    """Whether ``node`` is a ``{term}`` reference still waiting to be resolved."""
    return (
        isinstance(node, addnodes.pending_xref)
        and node.get("refdomain") == "std"
        and node.get("reftype") == "term"
    )


def _skipped(node: nodes.Element) -> bool:
    if isinstance(node, SKIP_NODES) or type(node).__name__ in SKIP_NODE_NAMES:
        return True
    return not SKIP_CLASSES.isdisjoint(node.get("classes", ()))


def only_filter(tags: Any) -> Callable[[str], bool]:
    """Whether an ``{only}`` expression holds for ``tags`` (true when it cannot be read)."""

    def keep(expr: str) -> bool:
        try:
            return bool(tags.eval_condition(expr))
        except Exception:  # Sphinx reports a bad expression itself
            return True

    return keep


def prose_items(
    node: nodes.Node, docname: str | None = None, keep: Callable[[str], bool] | None = None
) -> Iterator[tuple[str | None, nodes.Node]]:
    """Yield ``(docname, node)`` in document order for auto-linkable text and ``{term}`` refs.

    ``docname`` changes at each ``start_of_file`` node (assembled singlehtml, latex or
    texinfo trees), so a caller can restart "first mention" for each original page.
    ``keep`` says whether an ``{only}`` block's expression holds for the builder: text
    the builder drops is no first mention.
    """
    stack: list[tuple[nodes.Node, str | None, bool]] = [(node, docname, False)]
    while stack:
        current, doc, in_prose = stack.pop()
        if isinstance(current, nodes.Text):
            if in_prose:
                yield doc, current
            continue
        assert isinstance(current, nodes.Element)
        if is_explicit_term(current):
            yield doc, current
            continue
        if _skipped(current):
            continue
        if isinstance(current, addnodes.only) and keep is not None and not keep(current["expr"]):
            continue
        if isinstance(current, addnodes.start_of_file):
            doc = current.get("docname", doc)
        if isinstance(current, nodes.TextElement):
            in_prose = True
        stack.extend((child, doc, in_prose) for child in reversed(current.children))


#: Between two text nodes in :func:`prose_text`: no form matches across it (the write-time
#: pass links within one text node, so the read-time scan must not find more).
TEXT_SEPARATOR = "\n\x00\n"


def prose_text(doctree: nodes.Node, keep: Callable[[str], bool] | None = None) -> str:
    """All auto-linkable text of a doctree, one text node per line (for mention scans)."""
    return TEXT_SEPARATOR.join(
        node.astext()
        for _doc, node in prose_items(doctree, None, keep)
        if isinstance(node, nodes.Text)
    )


def explicit_targets(doctree: nodes.Node) -> list[str]:
    """The targets of every ``{term}`` reference in a doctree, in document order."""
    return [node["reftarget"] for node in doctree.findall(is_explicit_term)]  # type: ignore[index]


_ABBREV_WORD = re.compile(r"\w[^\W\d_]*?[A-Z]")


def _exact_word(word: str) -> bool:
    """An abbreviation-like word (a capital after its first letter, or ``A&E``) that
    matches only as written."""
    return bool(_ABBREV_WORD.match(word)) or is_abbreviation(word)


def is_case_sensitive(form: str) -> bool:
    """Whether any word of ``form`` is abbreviation-like (that word matches exactly)."""
    return any(_exact_word(word) for word in form.split())


def same_form(form: str, text: str) -> bool:
    """``text`` is ``form``: abbreviation-like words as written, other words in any case,
    any white space between words."""
    words, found = form.split(), text.split()
    if len(words) != len(found):
        return False
    return all(
        w == f if _exact_word(w) else w.casefold() == f.casefold()
        for w, f in zip(words, found, strict=True)
    )


def is_abbreviation(name: str) -> bool:
    """``STP``, ``ICS``, ``VCSE``, ``A&E``: short, upper-case, no spaces."""
    letters = [c for c in name if c.isalpha()]
    return (
        " " not in name
        and len(letters) >= 2
        and all(c.isupper() for c in letters)
        and len(name) <= 10
    )


def plurals(form: str) -> list[str]:
    """Regular plurals of ``form`` (of its last word): ``STPs``, ``systems``, ``bodies``."""
    if not form or not form[-1].isalpha():
        return []
    if is_abbreviation(form):
        return [form + "s"]
    lower = form.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return [form + "es"]
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return [form[:-1] + "ies"]
    return [form + "s"]


@dataclass(frozen=True)
class Candidate:
    """One auto-linkable form of one entry."""

    key: str
    """The entry's key (``docname#anchor``)."""
    form: str
    """The form as written (or its plural)."""
    exact: bool
    """Whether the form matches case-sensitively."""
    abbreviation: bool
    """Whether the form is the entry's abbreviation (or its plural)."""


@dataclass(frozen=True)
class Match:
    """A form found in a text."""

    start: int
    end: int
    key: str
    abbreviation: bool


def _trie_pattern(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        if len(branches) == 1 and not ends:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body

    return pattern(trie)


#: Typographic apostrophes (from smart quotes) match a straight one, and back.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})


#: After a form's end: the word goes on (a match cut short by ``endpos`` is no match).
_WORD_GOES_ON = re.compile(r"-?\w|[./\\]\w")
#: Web and e-mail addresses written as plain text: never auto-linked inside.
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _may_hold_address(text: str) -> bool:
    return "://" in text or "www." in text or "@" in text


class Matcher:
    """All auto-linkable forms compiled into one pattern."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.lookup: dict[str, list[Candidate]] = {}
        for cand in candidates:
            form = cand.form.translate(_APOSTROPHES)
            cand = Candidate(cand.key, form, cand.exact, cand.abbreviation)
            bucket = self.lookup.setdefault(form.lower(), [])
            if cand not in bucket:
                bucket.append(cand)
        self.pattern: re.Pattern[str] | None = None
        if self.lookup:
            body = _trie_pattern(sorted(self.lookup))
            # not inside a word, a dotted name (``sphinx.domains``) or a file name or
            # path (``conf.py``, ``docs/domain``)
            self.pattern = re.compile(
                rf"(?<![\w-])(?<!\w[./\\])(?:{body})(?!-?\w)(?![./\\]\w)", re.IGNORECASE
            )

    def _accept(self, text: str) -> Candidate | None:
        for cand in self.lookup.get(" ".join(text.split()).lower(), ()):
            if not cand.exact or same_form(cand.form, text):
                return cand
        return None

    def _at(self, text: str, start: int, end: int) -> tuple[int, Candidate] | None:
        """The longest acceptable form that starts at ``start`` and ends by ``end``
        (``NHS`` in "NHS england" when only "NHS England" is a form)."""
        assert self.pattern is not None
        while end > start:
            cand = self._accept(text[start:end])
            if cand is not None and not _WORD_GOES_ON.match(text, end):
                return end, cand
            shorter = self.pattern.match(text, start, end - 1)
            if shorter is None:
                return None
            end = shorter.end()
        return None

    def finditer(self, text: str) -> Iterator[Match]:
        """Every form found in ``text``, left to right, longest at each position; none
        inside a web or e-mail address."""
        if self.pattern is None:
            return
        text = text.translate(_APOSTROPHES)
        addresses = [m.span() for m in _ADDRESS.finditer(text)] if _may_hold_address(text) else []
        pos = 0
        while (found := self.pattern.search(text, pos)) is not None:
            start = found.start()
            if any(a <= start < b for a, b in addresses):
                pos = next(b for a, b in addresses if a <= start < b)
                continue
            hit = self._at(text, start, found.end())
            if hit is None:
                pos = start + 1
                continue
            end, cand = hit
            yield Match(start, end, cand.key, cand.abbreviation)
            pos = end
