"""A fork server for sphinx-build: each build in a fresh process, without paying Python's
start-up and the stack's imports every time.

The server is a plain, single-threaded Python process (so forking it is safe) that imports
the modules it is given once, then listens on a Unix socket for one request per
connection: for each it forks a child that changes to the build's folder and environment,
sends its output to two files (or to the server's terminal), runs ``sphinx-build`` as
``python -m sphinx`` does, and exits; the server replies with the child's exit code.
Every build starts from the same freshly imported state, so builds cannot leak into one
another.

Only modules that define things when imported belong in the list: conf.py, a site's local
extensions and everything a build loads on request are imported by the child, as in a
subprocess. The live preview leaves this package out of the list, so an edit of its code
is picked up by the next build.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

STACK = (
    "docutils.parsers.rst",
    "docutils.writers.html5_polyglot",
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.builders.latex",
    "sphinx.builders.text",
    "sphinx.builders.manpage",
    "sphinx.builders.singlehtml",
    "sphinx.builders.dirhtml",
    "myst_parser.sphinx_ext.main",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "pybtex.database.input.bibtex",
    "furo",
    "furo.navigation",
    "bs4",
)
"""The stack a site of ours is built with (not this package): imported once by the server."""


# -- the server (python forkserver.py SOCKET MODULE...) -------------------------


def _child(request: dict[str, Any]) -> int:
    """In the forked child: become the build's process, run sphinx-build, return its code."""
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops a build
    os.chdir(request["cwd"])
    sys.path[0] = request["cwd"]
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, path in ((1, request.get("stdout")), (2, request.get("stderr"))):
        if path:  # else the server's own stream (the live preview's terminal)
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
    sys.argv = ["sphinx-build", *request["argv"]]
    try:
        from sphinx.cmd.build import main

        return int(main(request["argv"]) or 0)
    except SystemExit as stop:
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException:
        traceback.print_exc()
        return 1


def serve(listener: socket.socket, parent: IO[str]) -> None:
    """Take one JSON request per connection; fork a child for it; reply with its exit code.
    Stop when ``parent`` (a pipe from the process that started the server) closes."""
    while True:
        ready, _, _ = select.select([listener.fileno(), parent.fileno()], [], [])
        if parent.fileno() in ready:
            return  # only ever closed: whoever started us has stopped
        connection, _ = listener.accept()
        with connection, connection.makefile("rw", encoding="utf-8") as stream:
            line = stream.readline()
            if not line:
                continue
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    listener.close()
                    code = _child(request)
                finally:
                    try:
                        # what the interpreter does on exit: wait for the build's threads,
                        # run its atexit handlers (a multiprocessing manager's shutdown)
                        threading._shutdown()  # type: ignore[attr-defined]
                        atexit._run_exitfuncs()
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
            _, status = os.waitpid(pid, 0)
            stream.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
            stream.flush()


def main(address: str, modules: Sequence[str]) -> None:
    sys.path[0] = os.getcwd()  # as for python -m sphinx, not this file's folder
    for name in modules:
        # one not installed here is left to a build that needs it (which then says so)
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen()
    # Ctrl-C in a terminal reaches the whole process group: the server stops when the
    # process that started it does (its pipe closes), not halfway through a reply
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    print("ready", flush=True)  # to the process that started us, on our stdout pipe
    os.dup2(2, 1)  # from now on, what a build prints goes where the server's errors go
    try:
        serve(listener, sys.stdin)
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(address)


# -- the client ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ForkClient:
    """Where a server listens; :meth:`run` builds there. Small enough to pickle, so a
    worker process (sphinx-autobuild's) can be handed one."""

    address: str

    def run(
        self, argv: Sequence[str], env: dict[str, str] | None = None, *, capture: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``python -m sphinx ARGV`` in a forked child. With ``capture``, return its
        output as ``subprocess.run`` would; else it goes to the server's standard error."""
        with tempfile.TemporaryDirectory(prefix="sphinx-build-") as tmp:
            out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
            request = {
                "argv": list(argv),
                "env": dict(os.environ if env is None else env),
                "cwd": os.getcwd(),
                "stdout": str(out) if capture else None,
                "stderr": str(err) if capture else None,
            }
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(self.address)
                with connection.makefile("rw", encoding="utf-8") as stream:
                    stream.write(json.dumps(request) + "\n")
                    stream.flush()
                    reply = stream.readline()
            if not reply:
                raise RuntimeError("the sphinx-build fork server stopped")
            code = json.loads(reply)["returncode"]
            text = {
                path: path.read_text(encoding="utf-8", errors="replace") if capture else ""
                for path in (out, err)
            }
            return subprocess.CompletedProcess(
                [sys.executable, "-m", "sphinx", *argv], code, text[out], text[err]
            )


class ForkServer:
    """A server process of its own, stopped when this process ends (or on :meth:`close`)."""

    def __init__(self, modules: Sequence[str] = STACK) -> None:
        self.folder = tempfile.mkdtemp(prefix="sphinx-forks-")
        if len(self.folder) > 80 and Path("/tmp").is_dir():  # a socket's path: <= 107 bytes
            os.rmdir(self.folder)
            self.folder = tempfile.mkdtemp(prefix="sphinx-forks-", dir="/tmp")
        self.client = ForkClient(os.path.join(self.folder, "socket"))
        # started as a script, so that this package is not imported by the server
        self.process = subprocess.Popen(
            [sys.executable, __file__, self.client.address, *modules],
            stdin=subprocess.PIPE,  # closed when this process ends: the server then stops
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            self.process.wait()
            raise RuntimeError("the sphinx-build fork server did not start")
        atexit.register(self.close)

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self, argv: Sequence[str], env: dict[str, str] | None = None, *, capture: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self.client.run(argv, env, capture=capture)

    def close(self) -> None:
        if self.alive():
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
