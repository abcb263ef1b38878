"""sphinx-autobuild (``python -m sphinx_evidence.live SOURCEDIR OUTDIR [options]``), with
each rebuild forked from a :mod:`.forkserver` that has the stack imported already.

It takes sphinx-autobuild's arguments and behaves as sphinx-autobuild does (the same
messages, pre- and post-build commands, server and reloading); only the ``python -m
sphinx`` it runs on each save starts from a process that has Sphinx, docutils, MyST,
furo, sphinxcontrib-bibtex and pybtex imported. conf.py and the site's extensions,
this package's included, are imported afresh by every build, so an edit of them is
picked up by the next one.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import sphinx_autobuild.__main__ as autobuild
from sphinx_autobuild.build import Builder
from sphinx_autobuild.utils import show_command, show_message

from sphinx_evidence.live.forkserver import ForkClient, ForkServer


class ForkBuilder(Builder):
    """sphinx-autobuild's builder with the build forked. sphinx-autobuild hands it to a
    worker process for each rebuild, so it carries only the server's address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = _CLIENT

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        if self.client is None:  # no fork server: as sphinx-autobuild does it
            super().__call__(changed_paths=changed_paths)
            return
        if changed_paths:
            cwd = Path.cwd()
            shown = []
            for path in changed_paths[:5]:
                if path.exists():
                    shown.append(path.relative_to(cwd) if path.is_relative_to(cwd) else path)
            if shown:
                show_message(f"Detected changes ({', '.join(p.as_posix() for p in shown)})")
            show_message("Rebuilding...")
        if self._run_commands(self.pre_build_commands, "pre-build") != 0:
            return
        show_command(["python", "-m", "sphinx", "build", *self.sphinx_args])
        result = self.client.run(["build", *self.sphinx_args], capture=False)
        if result.returncode != 0:
            print(f"Sphinx exited with exit code: {result.returncode}")
            print(
                "The server will continue serving the build folder, but the contents "
                "being served are no longer in sync with the documentation sources. "
                "Please fix the cause of the error above or press Ctrl+C to stop the "
                "server."
            )
        else:
            self._run_commands(self.post_build_commands, "post-build")
        show_message(f"Serving on {self.uri}")


_CLIENT: ForkClient | None = None


def _exit(signum: int, _frame: FrameType | None) -> None:
    sys.exit(128 + signum)


def main(argv: Sequence[str]) -> None:
    """Run sphinx-autobuild with ``argv``, its builds forked from a server of ours."""
    global _CLIENT
    # SIGTERM and SIGHUP end the preview as Ctrl-C does, through the ``finally`` below (the
    # web server hands a signal back to the handler it found once it has shut down), so
    # the fork server is always stopped and waited for, never left behind
    previous = {signum: signal.signal(signum, _exit) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        server: ForkServer | None = ForkServer()
    except (OSError, RuntimeError) as err:  # no Unix sockets or no fork: builds as stock
        show_message(f"Each rebuild starts a new Python ({err})")
        server = None
    _CLIENT = server.client if server is not None else None
    autobuild.Builder = ForkBuilder  # the name its main() builds with
    try:
        autobuild.main(list(argv))
    finally:
        if server is not None:
            server.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
