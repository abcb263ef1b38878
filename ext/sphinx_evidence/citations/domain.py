"""Cross-page citation data (a Domain): reading lists, footnote citations, the parsed .bib."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from sphinx_evidence.bib.load import BibCache

if TYPE_CHECKING:  # the domain stores reading lists; the lists module reads the domain
    from sphinx_evidence.citations import readinglist as rl


class EvidenceBibDomain(Domain):
    """Cross-page citation data: reading lists, footnote citations, cache, results."""

    name = "evbib"
    label = "Evidence citations"
    data_version = 2
    initial_data = {
        "cache": None,
        "lists": {},
        "footcites": {},
        "cited_keys": {},
        "changed_keys": set(),
        "resolved": {},
        "cited_on": {},
        "fingerprints": {},
    }

    @property
    def cache(self) -> BibCache | None:
        """The parsed, checked and formatted .bib files."""
        return cast("BibCache | None", self.data["cache"])

    @property
    def lists(self) -> dict[tuple[str, str], rl.ListSpec]:
        """(docname, list id) -> what the reading list asks for."""
        return cast("dict[tuple[str, str], rl.ListSpec]", self.data["lists"])

    @property
    def footcites(self) -> dict[str, list[tuple[str, int]]]:
        """docname -> (key, line) of each footnote citation."""
        return cast("dict[str, list[tuple[str, int]]]", self.data["footcites"])

    @property
    def resolved(self) -> dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
        """(docname, list id) -> the list's groups of keys, computed at env-updated."""
        return cast(
            "dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]", self.data["resolved"]
        )

    @property
    def cited_on(self) -> dict[str, tuple[str, ...]]:
        """key -> pages that cite or list it, computed at env-updated."""
        return cast("dict[str, tuple[str, ...]]", self.data["cited_on"])

    @property
    def cited_keys(self) -> dict[str, set[str]]:
        """docname -> every key its citations name (lower case), known to the .bib or not:
        when the .bib gains or loses one of them, the page is read again."""
        return cast("dict[str, set[str]]", self.data["cited_keys"])

    def note_cited(self, docname: str, keys: Iterable[str]) -> None:
        """Record that ``docname`` cites ``keys``."""
        self.cited_keys.setdefault(docname, set()).update(k.lower() for k in keys)

    def clear_doc(self, docname: str) -> None:
        for key in [k for k in self.lists if k[0] == docname]:
            del self.lists[key]
        self.footcites.pop(docname, None)
        self.cited_keys.pop(docname, None)

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        for key, spec in otherdata["lists"].items():
            if key[0] in docnames:
                self.lists[key] = spec
        for docname, cites in otherdata["footcites"].items():
            if docname in docnames:
                self.footcites[docname] = cites
        for docname, keys in otherdata["cited_keys"].items():
            if docname in docnames:
                self.cited_keys[docname] = keys

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []


def domain_of(env: BuildEnvironment) -> EvidenceBibDomain:
    """This feature's domain in ``env``."""
    return cast("EvidenceBibDomain", env.get_domain("evbib"))
