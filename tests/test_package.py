"""The package builds as a wheel and an sdist, and the wheel, installed on its own, is a
Sphinx extension another site can enable (no network: built with the installed backend,
installed with ``--no-deps`` into a fresh venv that borrows this venv's dependencies)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` of a clean copy of the sources (the checkout is left alone)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "ext", src / "ext", ignore=shutil.ignore_patterns("__pycache__"))
    out = src / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_wheel_and_sdist_hold_every_feature(dist: Path) -> None:
    (wheel,) = dist.glob("sphinx_evidence-*.whl")
    (sdist,) = dist.glob("sphinx_evidence-*.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    for feature in ("glossary", "citations", "access", "blog", "pdf", "a11y", "core", "bib"):
        assert f"sphinx_evidence/{feature}/__init__.py" in names
    assert "sphinx_evidence/static/glossary.js" in names
    assert "sphinx_evidence/templates/pdf/document.html" in names
    info = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(info).decode()
    assert "Provides-Extra: pdf" in metadata
    assert "weasyprint" in metadata.lower()
    points = zipfile.ZipFile(wheel).read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "sphinx_evidence.bib.style:EvidenceStyle" in points
    assert "sphinx_evidence.citations.citestyle:EvidenceReferenceStyle" in points
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
    assert any(m.endswith("CHANGELOG.md") for m in members)
    assert any(m.endswith("sphinx_evidence/glossary/links.py") for m in members)


def test_installed_wheel_is_enabled_on_a_minimal_site(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("sphinx_evidence-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # this venv's dependencies (Sphinx, pybtex ...), but not its editable checkout
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
    )
    where = subprocess.run(
        [python, "-c", "import sphinx_evidence; print(sphinx_evidence.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
    src = tmp_path / "site"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_evidence.glossary"]\n'
        "evidence_glossary_autolink = True\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Home\n\nThe NHS and the ICS.\n\n```{glossary}\nICS\n  Integrated Care System\n```\n"
        "\n```{toctree}\npage\n```\n",
        encoding="utf-8",
    )
    (src / "page.md").write_text("# Page\n\nAn ICS plans care.\n", encoding="utf-8")
    result = subprocess.run(
        [python, "-m", "sphinx", "-q", "-b", "html", str(src), str(tmp_path / "html")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    page = (tmp_path / "html" / "page.html").read_text(encoding="utf-8")
    assert "evidence-autolink" in page
