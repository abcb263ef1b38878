"""What a ``-j`` read worker sends back: not the main process's own data (core.parallel)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from sphinx_evidence.core import parallel


class Shared(parallel.MainProcessOnly, NamedTuple("_Fields", [("entries", dict)])):
    __slots__ = ()


def _in_a_fork(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a forked child (as Sphinx's read workers are); return its result."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with os.fdopen(write, "wb") as out:
            out.write(pickle.dumps(work()))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as data:
        result = pickle.loads(data.read())
    os.waitpid(pid, 0)
    return result


@pytest.fixture
def main_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_MAIN_PID", None)
    parallel.remember_main_process()


def test_main_process_data_stays_in_the_main_process(main_process: None) -> None:
    shared = Shared({"a": 1})
    # in the main process (the environment saved between builds): pickled whole
    again = pickle.loads(pickle.dumps(shared))
    assert again == shared and type(again) is Shared
    # in a worker, it travels as None (the main process keeps its own)
    assert _in_a_fork(lambda: pickle.loads(pickle.dumps({"bib": shared}))) == {"bib": None}


def test_a_worker_sends_back_only_the_pages_it_read(main_process: None) -> None:
    texts = parallel.PerPage()
    texts["read-before"] = "merged from an earlier chunk"

    def read_two() -> Any:
        texts["one"] = "text one"
        texts["two"] = "text two"
        return pickle.loads(pickle.dumps(texts))

    assert _in_a_fork(read_two) == {"one": "text one", "two": "text two"}
    kept = pickle.loads(pickle.dumps(texts))
    assert type(kept) is parallel.PerPage
    assert kept == {"read-before": "merged from an earlier chunk"}


def test_outside_a_build_nothing_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_MAIN_PID", None)
    assert not parallel.in_read_worker()
    assert _in_a_fork(lambda: pickle.loads(pickle.dumps(Shared({"a": 1})))) == Shared({"a": 1})
