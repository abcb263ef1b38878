"""The posts of a project, kept in a Domain keyed by docname."""

from __future__ import annotations

import json
from collections.abc import Set
from typing import Any, ClassVar

from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from sphinx_evidence.blog.meta import (
    Post,
    tag_slug,
)
from sphinx_evidence.core.text import digest


class BlogDomain(Domain):
    """Posts (by docname) and the pages that hold ``{postlist}``."""

    name = "evidence_blog"
    label = "Blog"
    data_version = 3
    initial_data: ClassVar[dict[str, Any]] = {
        "posts": {},
        "lists": {},
        "taglists": {},  # docnames holding {taglist} (the tag pages' place in the toctree)
        "fingerprint": "",
        "spellings": {},  # tag key -> spelling, read from every post at builder-inited
    }

    @property
    def posts(self) -> dict[str, Post]:
        return self.data.setdefault("posts", {})

    @property
    def lists(self) -> dict[str, int]:
        """Docname -> how many ``{postlist}`` and ``{taglist}`` directives it holds."""
        return self.data.setdefault("lists", {})

    @property
    def taglists(self) -> dict[str, bool]:
        """Docnames holding ``{taglist}``."""
        return self.data.setdefault("taglists", {})

    def clear_doc(self, docname: str) -> None:
        self.posts.pop(docname, None)
        self.lists.pop(docname, None)
        self.taglists.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["posts"]:
                self.posts[docname] = otherdata["posts"][docname]
            if docname in otherdata["lists"]:
                self.lists[docname] = otherdata["lists"][docname]
            if docname in otherdata.get("taglists", {}):
                self.taglists[docname] = True

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []

    def sorted_posts(self, tag: str | None = None) -> list[Post]:
        """Posts newest first (undated last, by title); only those tagged ``tag`` if given."""
        chosen = [p for p in self.posts.values() if tag is None or tag_slug(tag) in p.tag_slugs]
        dated = sorted((p for p in chosen if p.date), key=lambda p: (p.date, p.title))
        undated = sorted((p for p in chosen if not p.date), key=lambda p: p.title.lower())
        return list(reversed(dated)) + undated

    def fingerprint(self) -> str:
        rows = [self.posts[d].as_json() for d in sorted(self.posts)]
        return digest(json.dumps(rows, sort_keys=True))


def domain_of(env: BuildEnvironment) -> BlogDomain:
    domain = env.domains["evidence_blog"]
    assert isinstance(domain, BlogDomain)
    return domain
