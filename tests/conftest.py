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


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real `tdkg serve` process on 127.0.0.1, stopped at the end of the fixture."""

    def __init__(self, store: Path, *args: str, env: dict | None = None):
        import time
        import urllib.request
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(TDKG + ["--store", str(store), "serve", "--port", str(self.port),
                                             *args], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, **(env or {})})
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    out = self.proc.stdout.read() if self.proc.poll() is not None else ""
                    self.stop()
                    raise RuntimeError(f"tdkg serve did not start: {out}")
                time.sleep(0.1)

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def server(loaded_store):
    """The bundled graph served read-only, with a short query timeout for the refusal tests."""
    srv = Server(loaded_store, "--timeout", "3", "--max-rows", "1000")
    yield srv
    srv.stop()


UPDATE_TOKEN = "test-token-0123456789"


@pytest.fixture()
def update_server(tmp_path):
    """A server on its own store that accepts SPARQL Update with a bearer token."""
    store = tmp_path / "kg"
    run_tdkg("load", "--quiet", "--no-validate", ARTICLES, store=store, check=True)
    srv = Server(store, "--allow-update", env={"TDKG_UPDATE_TOKEN": UPDATE_TOKEN})
    yield srv
    srv.stop()
