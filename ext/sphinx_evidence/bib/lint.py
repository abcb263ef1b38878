"""Check .bib files on their own: ``python -m sphinx_evidence.bib.lint references.bib --docs docs``.

Reports, one line each as ``file:line: message [evidence.<subtype>]``: entries that cannot
be read, duplicate keys, unknown entry types, missing required fields (``--strict``: every
field biblatex expects), unknown ``access`` values (with "did you mean"), url and DOI
syntax, HTML in fields, duplicate DOIs or titles, an access level still to be set
(``access = {TODO}``, as the importer ``nox -s add-refs`` writes it), no access level at all
(``--require-access``), private fields (``file``, local paths) and (with ``--docs``)
entries no page cites or lists. Exits 1 when it found a problem, 0 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from sphinx_evidence.bib.importer import ACCESS_MARKER as ACCESS_TODO
from sphinx_evidence.bib.latex import plain
from sphinx_evidence.bib.levels import DEFAULT_LEVELS
from sphinx_evidence.bib.links import doi_url
from sphinx_evidence.bib.load import BibCache, Problem, has_field, keywords, load
from sphinx_evidence.bib.types import COMPLETE, family
from sphinx_evidence.core.warnings import Warn

_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`|:(?:foot)?cite(?::[a-z]+)?:`([^`]*)`")
_FENCE = re.compile(
    r"^(?P<fence>:{3,}|`{3,})\{reading-list\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$",
    re.MULTILINE | re.DOTALL,
)
#: A field value naming a file on someone's computer (a reference manager's attachment).
_LOCAL_PATH = re.compile(
    r"(?:^|[\s{:;])(?:file://|/Users/|/home/|/Volumes/|/mnt/|~/|[A-Za-z]:[\\/])", re.IGNORECASE
)
_RST_LIST = re.compile(
    r"^\.\. reading-list::[^\n]*\n(?P<body>(?:[ \t]+[^\n]*\n|[ \t]*\n)*)", re.MULTILINE
)


def _targets(text: str) -> Iterable[str]:
    for match in _ROLE.finditer(text):
        raw = match.group(1) or match.group(2) or ""
        for part in raw.split(","):
            key = re.sub(r"\{[^{}]*\}", "", part).strip()
            if key:
                yield key


def used_keys(docs: Path, cache: BibCache) -> set[str]:
    """Keys cited (``cite``, ``footcite``) or listed (``reading-list``) in the pages of ``docs``."""
    from sphinxcontrib.bibtex.domain import _FilterVisitor

    used: set[str] = set()
    for page in sorted(docs.rglob("*")):
        if page.suffix not in {".md", ".rst"} or "_build" in page.parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        used.update(_targets(text))
        bodies = [m.group("body") for m in _FENCE.finditer(text)]
        bodies += [m.group("body") for m in _RST_LIST.finditer(text)]
        for body in bodies:
            options = dict(re.findall(r"^\s*:([a-z-]+):\s*(.*?)\s*$", body, re.MULTILINE))
            for line in body.splitlines():
                if line.strip() and not line.strip().startswith(":"):
                    used.update(line.replace(",", " ").split())
            wanted = {
                k.strip().lower() for k in options.get("keywords", "").split(",") if k.strip()
            }
            tree = None
            if options.get("filter"):
                try:
                    tree = ast.parse(options["filter"])
                except SyntaxError:
                    tree = None
            for key, entry in cache.data.entries.items():
                if wanted and not wanted & set(keywords(entry)):
                    continue
                if tree is not None:
                    try:
                        if not _FilterVisitor(entry, "", set()).visit(tree):
                            continue
                    except ValueError:
                        continue
                if wanted or tree is not None:
                    used.add(key)
    return used


def check(
    paths: Sequence[Path],
    docs: Path | None,
    levels: Iterable[str],
    strict: bool = False,
    require_access: bool = False,
) -> list[Problem]:
    """Every problem of the .bib files ``paths`` (unused entries, given ``docs``; entries
    with no access level, given ``require_access``)."""
    levels = list(levels)
    cache = load(paths, "utf-8", levels)
    todo = f"access = {{{ACCESS_TODO}}}, which"  # replaced by the message below
    problems = [p for p in cache.problems if todo not in p.message]
    seen_doi: dict[str, str] = {}
    seen_title: dict[str, str] = {}
    for key, entry in cache.data.entries.items():
        at = cache.where.get(key)
        path, line = (at.path, at.line) if at else (str(paths[0]), 1)
        if strict:
            for need in COMPLETE[family(entry.type) or "generic"]:
                options = need.split("|")
                if not any(has_field(entry, o) for o in options):
                    problems.append(
                        Problem(
                            Warn.bib_missing_field,
                            f'missing field {" or ".join(options)} in entry "{key}" (--strict)',
                            path,
                            line,
                        )
                    )
        if require_access and not entry.fields.get("access", "").strip():
            problems.append(
                Problem(
                    Warn.access_missing,
                    f'entry "{key}" has no access level: add access = {{...}} with one of:'
                    f" {', '.join(levels)}",
                    path,
                    line,
                )
            )
        elif entry.fields.get("access", "").strip() == ACCESS_TODO:
            problems.append(
                Problem(
                    Warn.access_unknown,
                    f'entry "{key}" has access = {{{ACCESS_TODO}}}: set access to one of: '
                    f"{', '.join(levels)}",
                    path,
                    line,
                )
            )
        for name, value in entry.fields.items():
            if name.lower() == "file" or _LOCAL_PATH.search(value):
                problems.append(
                    Problem(
                        Warn.bib_unsafe_url,
                        f'field {name} of entry "{key}" is a private local path; delete it '
                        "(it would be published in the site's .bib download)",
                        path,
                        line,
                    )
                )
        doi = entry.fields.get("doi", "").strip()
        if doi and doi_url(doi):
            norm = str(doi_url(doi)).lower()
            if norm in seen_doi:
                problems.append(
                    Problem(
                        Warn.bib_duplicate, f'DOI of "{key}" repeats "{seen_doi[norm]}"', path, line
                    )
                )
            seen_doi.setdefault(norm, key)
        title = re.sub(r"\W+", " ", plain(entry.fields.get("title", ""))).strip().casefold()
        if title:
            if title in seen_title:
                problems.append(
                    Problem(
                        Warn.bib_duplicate,
                        f'title of "{key}" repeats "{seen_title[title]}"',
                        path,
                        line,
                    )
                )
            seen_title.setdefault(title, key)
    if docs is not None:
        used = used_keys(docs, cache)
        for key in cache.data.entries:
            if key not in used:
                at = cache.where.get(key)
                problems.append(
                    Problem(
                        Warn.bib_unused,
                        f'entry "{key}" is not cited or listed on any page of {docs}',
                        at.path if at else str(paths[0]),
                        at.line if at else 1,
                    )
                )
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return problems


def _levels(docs: Path | None) -> list[str]:
    """The access levels set in ``docs/conf.py`` (a literal dict), else the defaults."""
    conf = docs / "conf.py" if docs is not None else None
    if conf is not None and conf.is_file():
        tree = ast.parse(conf.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "evidence_access_levels" for t in node.targets
            ):
                try:
                    levels = ast.literal_eval(node.value)
                except ValueError:
                    print(f"note: {conf}: evidence_access_levels is not a literal; defaults used")
                    break
                if isinstance(levels, dict) and levels:
                    return [str(name) for name in levels]
    return list(DEFAULT_LEVELS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks; print one line per problem; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_evidence.bib.lint", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("bibfiles", nargs="+", type=Path, help=".bib files to check")
    parser.add_argument("--docs", type=Path, help="the Sphinx source folder (finds unused entries)")
    parser.add_argument(
        "--strict", action="store_true", help="require every field biblatex expects"
    )
    parser.add_argument(
        "--require-access",
        action="store_true",
        help="report entries with no access field (an access level to be set is always reported)",
    )
    args = parser.parse_args(argv)
    problems = check(
        args.bibfiles,
        args.docs,
        _levels(args.docs),
        strict=args.strict,
        require_access=args.require_access,
    )
    for problem in problems:
        print(f"{problem.location}: {problem.message} [evidence.{problem.kind.value}]")
    names = ", ".join(str(p) for p in args.bibfiles)
    if problems:
        print(f"{names}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{names}: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
