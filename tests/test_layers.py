"""The layers of README "What it is" hold: each package imports only the layers below it,
and only kg.graph.oxigraph imports pyoxigraph (import-linter contracts in pyproject.toml).

The contract is also run on a copy of the code with one upward import planted, so a
contract that has stopped looking (a renamed package, a layer dropped) fails here.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(LINT + ["--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_layers_and_the_one_pyoxigraph_module():
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 2 kept, 0 broken" in r.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    for name in ("kg", "server"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    text = tmp_path / "kg" / "extract" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nfrom kg.graph import vocab  # noqa\n",
                    encoding="utf-8")
    network = tmp_path / "kg" / "analysis" / "network.py"
    network.write_text(network.read_text(encoding="utf-8") + "\nimport pyoxigraph  # noqa\n",
                        encoding="utf-8")
    r = _lint(tmp_path)
    assert r.returncode != 0
    assert "kg.extract.text -> kg.graph.vocab" in r.stdout
    assert "kg.analysis.network -> pyoxigraph" in r.stdout
