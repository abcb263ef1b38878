"""The stock ``cite`` and ``footcite`` roles, noting what each page cites (and, with the
house rules, reporting unknown keys as ``evidence.cite_unknown``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinxcontrib.bibtex.citation_target import CitationTarget, parse_citation_targets
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.foot_roles import FootCiteRole
from sphinxcontrib.bibtex.roles import CiteRole

from sphinx_evidence.citations.config import house_rules_on
from sphinx_evidence.citations.domain import domain_of
from sphinx_evidence.core.text import suggestion
from sphinx_evidence.core.warnings import Warn, role_location, warn


def unknown_key(key: str, entries: Any) -> str:
    """The message for a citation of a key that references.bib does not hold."""
    return f'no entry of the bibliography has the key "{key}": check its spelling.' + suggestion(
        key, entries
    )


def _target_text(targets: Iterable[CitationTarget]) -> str:
    return ",".join(
        (f"{{{t.pre}}}" if t.pre else "") + t.key + (f"{{{t.post}}}" if t.post else "")
        for t in targets
    )


def _maybe_prefixed(key: str, entries: Any) -> bool:
    """Whether ``key`` is a key of ``entries`` behind a prefix (``pre-smith2020``), as a
    ``{bibliography}`` with ``:keyprefix:`` names its entries."""
    return any(key[i:] in entries for i in range(1, len(key)) if not key[i - 1].isalnum())


class EvidenceCiteRole(CiteRole):
    """The stock ``cite`` roles, warning ``evidence.cite_unknown`` for an unknown key."""

    def result_nodes(self, document: Any, env: Any, node: Any, is_ref: bool) -> Any:
        entries = cast("BibtexDomain", env.get_domain("cite")).bibdata.data.entries
        try:
            targets = list(parse_citation_targets(self.target))
        except ValueError:
            if not house_rules_on(env.config):
                return super().result_nodes(document, env, node, is_ref)
            warn(
                Warn.cite_unknown,
                f'the citation "{self.target}" is not a key, nor keys separated by commas:'
                " check it against the bibliography",
                location=role_location(self),
            )
            return [nodes.inline(self.target, self.target, classes=["evidence-cite-unknown"])], []
        domain_of(env).note_cited(env.docname, (t.key for t in targets))
        if not house_rules_on(env.config):  # stock behaviour: bibtex.key_not_found
            return super().result_nodes(document, env, node, is_ref)
        prefixed = [t for t in targets if t.key not in entries and _maybe_prefixed(t.key, entries)]
        if prefixed:  # a {bibliography} :keyprefix: key: the stock resolver decides
            return super().result_nodes(document, env, node, is_ref)
        known = [t._replace(key=entries[t.key].key) for t in targets if t.key in entries]
        for target in targets:
            if target.key not in entries:
                warn(
                    Warn.cite_unknown,
                    unknown_key(target.key, entries),
                    location=role_location(self),
                )
        if not known:
            return [nodes.inline(self.target, self.target, classes=["evidence-cite-unknown"])], []
        if known != targets:  # drop unknown keys; spell keys as references.bib does
            self.target = _target_text(known)
            node["reftarget"] = self.target
        return super().result_nodes(document, env, node, is_ref)


class EvidenceFootCiteRole(FootCiteRole):
    """The stock ``footcite`` roles, noting each cited key and warning for unknown ones."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        entries = cast("BibtexDomain", self.env.get_domain("cite")).bibdata.data.entries
        keys = [k.strip() for k in self.text.split(",") if k.strip()]
        domain_of(self.env).note_cited(self.env.docname, keys)
        known = [entries[k].key for k in keys if k in entries]
        if not house_rules_on(self.config):  # stock behaviour: bibtex.key_not_found
            cites = domain_of(self.env).footcites.setdefault(self.env.docname, [])
            cites.extend((k, self.lineno) for k in known)
            return super().run()
        for key in keys:
            if key not in entries:
                warn(Warn.cite_unknown, unknown_key(key, entries), location=role_location(self))
        if not known:
            return [nodes.inline(self.text, self.text, classes=["evidence-cite-unknown"])], []
        cites = domain_of(self.env).footcites.setdefault(self.env.docname, [])
        cites.extend((k, self.lineno) for k in known)
        self.text = ",".join(known)
        return super().run()


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: Any, changed: Any, removed: Any
) -> list[str]:
    """Pages citing a key that the .bib gained or lost: read again, since whether a key is
    known decides their doctree (a citation, or the key as text with a warning)."""
    domain = domain_of(env)
    changed_keys = cast("set[str]", domain.data["changed_keys"])
    if not changed_keys:
        return []
    domain.data["changed_keys"] = set()
    return sorted(
        docname
        for docname, keys in domain.cited_keys.items()
        if keys & changed_keys and docname in env.found_docs
    )
