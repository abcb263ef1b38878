"""A parallel write that pays: with ``-j N``, each HTML page is resolved in a write worker.

In a parallel build Sphinx writes pages in forked workers, but its main process first loads
and resolves every page (the post-transforms: cross-references, reading lists, citations,
glossary links) and feeds it to the search index, one page after the other, while a single
worker (``-j 2`` gives ``N - 1``) renders the HTML. On a 300-page site the main process has
more than twice the worker's work, so ``-j 2`` is barely faster than ``-j 1``.

With ``evidence_parallel_resolve = True``, :func:`write_in_workers` takes over the write of
the ``html`` and ``dirhtml`` builders: ``N`` workers each load, resolve, index and write a
share of the pages, and send back only what the main process keeps of them (the words of
the search index and the images to copy), which it merges as stock Sphinx would have made
them. The pages, the search index and the images are byte for byte those of ``-j 1``
(``tests/test_parallelwrite.py``).

What changes for other extensions: their ``doctree-resolved`` handlers, and the
post-transforms, run in a worker. A handler that writes files works as before; one that
collects data in memory for later (for ``build-finished``) sees only the first page. That
is why this is a setting, off unless a site turns it on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from sphinx_evidence.core import config as cfg
from sphinx_evidence.core import extension_metadata
from sphinx_evidence.parallelwrite.write import supports, write_in_workers

PREFIX = "evidence_parallel"


@dataclass(frozen=True)
class ParallelConfig:
    """Options of the parallel write (``evidence_parallel_<name>`` in conf.py)."""

    resolve: bool = field(
        default=False,
        metadata={
            "help": "HTML builds with -j N: resolve, index and write each page in one of N "
            "worker processes, instead of resolving every page in the main process. The "
            "output is byte for byte the same; other extensions' doctree-resolved handlers "
            "then run in the workers."
        },
    )


def _builder_inited(app: Sphinx) -> None:
    if app.config.evidence_parallel_resolve and supports(app.builder):
        write_in_workers(app.builder)


def _config_inited(app: Sphinx, config: Config) -> None:
    cfg.read(config, PREFIX, ParallelConfig)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting and, when it is on, the parallel write."""
    cfg.register(app, PREFIX, ParallelConfig, rebuild="")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    return extension_metadata()
