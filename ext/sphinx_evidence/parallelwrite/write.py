"""The write of :mod:`sphinx_evidence.parallelwrite`: pages resolved, indexed and written in
the workers; the search index's words and the images to copy sent back and merged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MethodType
from typing import Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks, make_chunks

try:  # Sphinx 9: the one-page write of the serial and parallel writes
    from sphinx.builders import _write_docname
except ImportError:  # pragma: no cover - another Sphinx: the stock write is kept
    _write_docname = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

BUILDERS = frozenset({"html", "dirhtml"})

_PER_PAGE = ("_titles", "_filenames", "_all_titles", "_index_entries")
"""The search index's ``docname -> value`` tables (Sphinx's ``IndexBuilder``)."""
_WORDS = ("_mapping", "_title_mapping")
"""Its ``word -> {docname}`` tables."""


def supports(builder: Builder) -> bool:
    """Whether the builder writes with Sphinx's own parallel write, which this replaces."""
    return (
        _write_docname is not None
        and isinstance(builder, StandaloneHTMLBuilder)
        and builder.name in BUILDERS
        and type(builder)._write_parallel is Builder._write_parallel
        and type(builder).write_doc_serialized is StandaloneHTMLBuilder.write_doc_serialized
    )


def write_in_workers(builder: Builder) -> None:
    """Give ``builder`` the parallel write of this extension (for this build)."""
    builder._write_parallel = MethodType(_write_parallel, builder)  # type: ignore[method-assign]


@dataclass
class ChunkResult:
    """What the main process keeps of the pages a worker wrote."""

    images: dict[str, str] = field(default_factory=dict)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per table of :data:`_PER_PAGE`: docname -> value."""
    words: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """Per table of :data:`_WORDS`: word -> the chunk's docnames."""


def _write_chunk(builder: Any, chunk: list[str]) -> ChunkResult:
    """In a worker: write each page as the serial write does; return what is kept."""
    images = dict(builder.images)
    for docname in chunk:
        _write_docname(docname, env=builder.env, builder=builder, tags=builder.tags)
    result = ChunkResult(images={k: v for k, v in builder.images.items() if images.get(k) != v})
    indexer = getattr(builder, "indexer", None)
    if indexer is not None:
        docs = set(chunk)
        for name in _PER_PAGE:
            table = getattr(indexer, name)
            result.pages[name] = {d: table[d] for d in chunk if d in table}
        for name in _WORDS:
            result.words[name] = {
                word: names & docs
                for word, names in getattr(indexer, name).items()
                if not names.isdisjoint(docs)
            }
    return result


def _merge(builder: Any, result: ChunkResult) -> None:
    """In the main process: what feeding those pages to the index there would have done."""
    builder.images.update(result.images)
    indexer = getattr(builder, "indexer", None)
    if indexer is None:
        return
    for name, values in result.pages.items():
        getattr(indexer, name).update(values)
    for name, words in result.words.items():
        table = getattr(indexer, name)
        for word, names in words.items():
            table.setdefault(word, set()).update(names)


def _write_parallel(self: Any, docnames: Sequence[str], nproc: int) -> None:
    """Sphinx's ``Builder._write_parallel`` with the resolving moved into the workers.

    Sphinx passes ``nproc = N - 1`` because its main process is busy resolving; here the
    main process only merges, so ``N`` workers write."""
    nproc += 1
    first, rest = docnames[0], list(docnames[1:])
    # the first page in the main process, as Sphinx does: caches and templates warm up
    # there before the workers fork
    _write_docname(first, env=self.env, builder=self, tags=self.tags)
    if not rest:
        return
    chunks = make_chunks(rest, nproc)
    progress = status_iterator(
        chunks, __("writing output... "), "darkgreen", len(chunks), self.config.verbosity
    )

    results: dict[int, ChunkResult] = {}

    def done(chunk: list[str], result: ChunkResult) -> None:
        results[id(chunk)] = result
        next(progress)

    tasks = ParallelTasks(nproc)
    for chunk in chunks:
        tasks.add_task(lambda names: _write_chunk(self, names), chunk, done)
    tasks.join()
    # in the order of the pages, as the serial write feeds them: the search index lists a
    # term's pages, and a title's, in the order they were fed
    for chunk in chunks:
        _merge(self, results[id(chunk)])
    logger.info("")
