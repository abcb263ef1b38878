"""What a parallel read's workers need not send back to the main process.

With ``-j N`` Sphinx reads the pages in chunks, each in a forked worker, and each worker
sends its whole environment back, pickled, for the main process to merge the pages it read.
That environment holds everything the main process had when it forked, the parsed .bib
files included (3 MB on a site of 1,500 entries), and the main process never takes those
back: they are its own. Values of :class:`MainProcessOnly` types are pickled as ``None``
in a worker, so they are not copied there and back for every chunk; in the main process
(when the environment is saved between builds) they are pickled as usual.
"""

from __future__ import annotations

import os
from typing import Any

_MAIN_PID: int | None = None


def remember_main_process(*_args: Any) -> None:
    """At ``env-before-read-docs``, in the process that will merge what workers read."""
    global _MAIN_PID
    _MAIN_PID = os.getpid()


def in_read_worker() -> bool:
    """Whether this process was forked from a build's main process (a ``-j`` worker)."""
    return _MAIN_PID is not None and os.getpid() != _MAIN_PID


def _nothing() -> None:
    return None


class MainProcessOnly:
    """Mix-in (first base, before a NamedTuple or other class): pickled in a worker of a
    parallel read, an instance travels as ``None``."""

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> Any:
        if in_read_worker():
            return (_nothing, ())
        return super().__reduce_ex__(protocol)


_WRITTEN: dict[int, set[str]] = {}
"""Per worker process: the pages a :class:`PerPage` was given a value for there."""


class PerPage(dict[str, Any]):
    """``docname -> value``. In a worker of a parallel read it is pickled with only the pages
    that worker read: the only ones the main process merges from it."""

    def __setitem__(self, docname: str, value: Any) -> None:
        super().__setitem__(docname, value)
        if in_read_worker():
            _WRITTEN.setdefault(os.getpid(), set()).add(docname)

    def __reduce_ex__(self, protocol: Any) -> Any:
        if in_read_worker():
            read = _WRITTEN.get(os.getpid(), set())
            return (dict, ({k: v for k, v in self.items() if k in read},))
        return (PerPage, (dict(self),))
