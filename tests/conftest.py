"""Shared fixtures: the project's own paths, the shared evaluation folder, a loaded store."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "data" / "articles"
SHARED = Path(os.environ.get("TDKG_SHARED", ROOT.parent / "shared"))
TDKG = [sys.executable, "-m", "kg.cli"]


def needs_shared():
    return pytest.mark.skipif(not (SHARED / "eval" / "dev").is_dir(),
                              reason=f"needs the shared evaluation folder at {SHARED} "
                                     "(set TDKG_SHARED); a user's clone does not have it")


def run_tdkg(*args, store: Path | None = None, check: bool = False, timeout: float = 300,
             **kw) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would."""
    cmd = TDKG + (["--store", str(store)] if store else []) + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{cmd} -> {r.returncode}\nstdout:{r.stdout}\nstderr:{r.stderr}")
    return r


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory):
    """An on-disk store holding the five bundled articles, loaded through the CLI."""
    path = tmp_path_factory.mktemp("store") / "kg"
    run_tdkg("load", "--quiet", ARTICLES, store=path, check=True)
    return path
