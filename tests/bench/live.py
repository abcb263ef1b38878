"""The live preview measured as a writer meets it: ``nox -s docs-live``'s own command is
started on a copy of the site, a page is saved, and the time runs until the preview has
finished rebuilding (when it tells the browser to reload).

CPU time is read from ``/proc`` for the preview's whole process tree (the web server, the
worker it hands each rebuild to, the fork server and the build it forks): Linux only, as
the rest of the benchmark. No peak memory: the build's process lives only for the rebuild.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
SERVING = "Serving on http"
"""What sphinx-autobuild prints once a build is done (then it reloads the browser)."""


@dataclass
class LiveRun:
    seconds: list[float]
    """From each save to the end of its rebuild."""
    cpu_seconds: list[float]
    returncode: int
    warnings: int


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _cpu(root: int) -> float:
    """CPU seconds of the tree so far, with the children each process has waited for."""
    total = 0
    for pid in _tree(root):
        fields = _stat(pid)
        if fields:  # utime, stime, cutime, cstime (fields 14 to 17 of stat)
            total += sum(int(value) for value in fields[11:15])
    return total / TICKS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(check: object, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and process.poll() is None:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def run_live(
    src: Path, out: Path, page: Path, html: Path, log: Path, args: tuple[str, ...], saves: int = 3
) -> LiveRun:
    """Start the preview on ``src``; save ``page`` ``saves`` times; time each save until the
    preview has rebuilt (and check that ``html`` shows the new sentence)."""
    command = [
        sys.executable, "-m", "sphinx_evidence.live", *args, "-d", str(out / ".doctrees"),
        str(src), str(out), "--host", "127.0.0.1", "--port", str(_free_port()),
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    text = lambda: log.read_text(encoding="utf-8", errors="replace")  # noqa: E731
    seconds: list[float] = []
    cpu: list[float] = []
    code = 0
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT)
        try:
            if not _wait(lambda: "Waiting to detect changes" in text(), process, 600):
                return LiveRun([], [], process.poll() or 1, 0)
            original = page.read_text(encoding="utf-8")
            for n in range(saves):
                time.sleep(1)  # let the watcher settle
                done = text().count(SERVING)
                sentence = f"A sentence saved while previewing ({n + 1})."
                before = _cpu(process.pid)
                start = time.perf_counter()
                page.write_text(f"{original}\n{sentence}\n", encoding="utf-8")
                rebuilt = _wait(lambda: text().count(SERVING) > done, process, 120)  # noqa: B023
                seconds.append(time.perf_counter() - start)
                time.sleep(0.3)  # the worker that ran the rebuild is waited for just after
                cpu.append(_cpu(process.pid) - before)
                if not rebuilt or sentence not in html.read_text(encoding="utf-8"):
                    code = 1
                    break
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if "Sphinx exited with exit code" in text():
        code = 1
    warnings = sum(1 for line in text().splitlines() if "WARNING:" in line or "ERROR:" in line)
    return LiveRun(seconds, cpu, code, warnings)


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None
