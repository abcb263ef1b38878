"""The package's shape: every module imports, the BibTeX data layer (``bib/``) does not
import Sphinx, no two modules import each other (directly or round a loop), and each
feature is an extension of its own."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sphinx_evidence

PACKAGE = Path(sphinx_evidence.__file__).parent


def _modules() -> list[str]:
    found = pkgutil.walk_packages([str(PACKAGE)], prefix="sphinx_evidence.")
    return [*sorted(info.name for info in found), "sphinx_evidence"]


def _path(module: str) -> Path:
    parts = module.split(".")[1:]
    folder = PACKAGE.joinpath(*parts)
    return folder / "__init__.py" if folder.is_dir() else folder.with_suffix(".py")


def _imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports anywhere (lazy imports included, but
    not those only for type checking)."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    is_pkg = _path(module).name == "__init__.py"
    base = module if is_pkg else module.rpartition(".")[0]
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    known = set(_modules())
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                source = f"{anchor}.{node.module}" if node.module else anchor
            else:
                source = node.module or ""
            subs = [f"{source}.{alias.name}" for alias in node.names]
            # ``from package import module`` imports the module, not the package's own code
            names = subs if all(s in known for s in subs) else [source, *subs]
        found.update(n for n in names if n in known and n != module)
    return found


@pytest.mark.parametrize("module", _modules())
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_bib_data_layer_does_not_import_sphinx() -> None:
    bib = [m for m in _modules() if m.startswith("sphinx_evidence.bib.")]
    assert bib
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in bib)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils'))\n"
        + "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_import_cycles() -> None:
    graph = {m: _imports(m) for m in _modules()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("feature", sphinx_evidence.FEATURES)
def test_each_feature_is_an_extension(feature: str) -> None:
    module = importlib.import_module(feature)
    assert callable(module.setup)
