"""The fork server behind the live preview and the test suite's builds, and the plugin
lookups made once per process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pybtex.plugin
import pytest

from sphinx_evidence.citations import plugins
from sphinx_evidence.live.forkserver import STACK, ForkServer
from tests.helpers import page_bodies

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    forks = ForkServer(STACK)
    yield forks
    forks.close()


def test_a_forked_build_writes_what_a_new_interpreter_writes(
    server: ForkServer, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-citations", src)
    env = {**os.environ, "NO_COLOR": "1"}
    forked = server.run(["-b", "html", str(src), str(tmp_path / "forked")], env)
    fresh = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", str(src), str(tmp_path / "fresh")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert forked.returncode == fresh.returncode == 0, forked.stderr
    assert "build succeeded" in forked.stdout
    assert page_bodies(tmp_path / "forked") == page_bodies(tmp_path / "fresh")


def _tiny_site(tmp_path: Path, conf: str, index: str = "Title\n=====\n") -> list[str]:
    """A one-page site with ``conf``; the arguments of its text build."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.rst").write_text(index, encoding="utf-8")
    (src / "conf.py").write_text(conf, encoding="utf-8")
    return ["-q", "-E", "-b", "text", str(src), str(tmp_path / "out")]


def test_builds_do_not_leak_into_one_another(server: ForkServer, tmp_path: Path) -> None:
    """Each build gets the environment and folder it asks for, and a failing build's exit
    code and message come back while the next build starts clean."""
    argv = _tiny_site(
        tmp_path,
        "import os\n"
        "rst_epilog = '.. |where| replace:: ' + os.environ.get('WHERE', 'nowhere')\n"
        "if os.environ.get('BREAK'):\n    raise RuntimeError('broken on purpose')\n",
        index="Title\n=====\n\n|where|\n",
    )
    broken = server.run(argv, {**os.environ, "BREAK": "1"})
    assert broken.returncode != 0
    assert "broken on purpose" in broken.stderr
    first = server.run(argv, {**os.environ, "WHERE": "here"})
    assert first.returncode == 0, first.stderr
    assert "here" in (tmp_path / "out" / "index.txt").read_text(encoding="utf-8")
    second = server.run(argv, {k: v for k, v in os.environ.items() if k != "WHERE"})
    assert second.returncode == 0, second.stderr
    assert "nowhere" in (tmp_path / "out" / "index.txt").read_text(encoding="utf-8")


def test_a_build_leaves_no_process_behind(server: ForkServer, tmp_path: Path) -> None:
    """A build exits as an interpreter does: its atexit handlers run. sphinx-sitemap, for
    one, starts a multiprocessing manager that only they stop."""
    pid_file = tmp_path / "manager.pid"
    argv = _tiny_site(
        tmp_path,
        "import multiprocessing, pathlib\n"
        "def setup(app):\n"
        "    def start(app):\n"
        "        app.manager = multiprocessing.Manager()\n"
        f"        pathlib.Path({str(pid_file)!r}).write_text(str(app.manager._process.pid))\n"
        "    app.connect('builder-inited', start)\n",
    )
    result = server.run(argv, dict(os.environ))
    assert result.returncode == 0, result.stderr
    manager = Path("/proc") / pid_file.read_text(encoding="utf-8")
    for _ in range(50):
        if not manager.exists():
            break
        time.sleep(0.1)
    assert not manager.exists(), "the build's multiprocessing manager is still running"


def test_a_build_waits_for_its_threads_as_an_interpreter_does(
    server: ForkServer, tmp_path: Path
) -> None:
    done = tmp_path / "done"
    argv = _tiny_site(
        tmp_path,
        "import pathlib, threading, time\n"
        "def late():\n"
        "    time.sleep(0.5)\n"
        f"    pathlib.Path({str(done)!r}).write_text('written')\n"
        "threading.Thread(target=late).start()\n",
    )
    result = server.run(argv, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert done.read_text(encoding="utf-8") == "written"


def test_the_server_stops_when_its_owner_closes_it() -> None:
    forks = ForkServer(())
    assert forks.alive()
    forks.close()
    assert not forks.alive() and forks.process.returncode == 0
    assert not Path(forks.folder).exists()


def test_plugin_lookups_find_the_same_plugins() -> None:
    plugins.look_up_once()
    assert pybtex.plugin.entry_points is plugins.entry_points
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")
    assert style.__module__ == "pybtex.style.formatting.plain"
    assert pybtex.plugin.find_plugin("pybtex.database.input", filename="x.bib").__name__ == (
        "Parser"
    )
    with pytest.raises(pybtex.plugin.PluginNotFound):
        pybtex.plugin.find_plugin("pybtex.style.formatting", "no-such-style")


def test_without_a_fork_server_the_preview_builds_as_stock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the server cannot start (no Unix sockets, no fork), sphinx-autobuild runs its
    own builds, and says why once."""
    from sphinx_evidence.live import autobuild

    def no_server() -> None:
        raise OSError("no Unix sockets here")

    seen = {}

    def fake_main(argv: list[str]) -> None:
        builder = autobuild.autobuild.Builder(
            ["docs", "out"], url_host="127.0.0.1:0", pre_build_commands=[], post_build_commands=[]
        )
        seen["client"] = builder.client

    monkeypatch.setattr(autobuild, "ForkServer", no_server)
    monkeypatch.setattr(autobuild.autobuild, "main", fake_main)
    monkeypatch.setattr(autobuild.autobuild, "Builder", autobuild.Builder)
    autobuild.main(["docs", "out"])
    assert seen == {"client": None}
    assert "Each rebuild starts a new Python (no Unix sockets here)" in capsys.readouterr().out


def test_without_sphinx_autobuild_the_preview_says_what_to_install() -> None:
    code = (
        "import runpy, sys\n"
        "sys.modules['sphinx_autobuild'] = None  # as if it were not installed\n"
        "runpy.run_module('sphinx_evidence.live', run_name='__main__')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "pip install 'sphinx-evidence[live]'" in result.stderr
    assert "Traceback" not in result.stderr
