"""Shared fixtures: the project's own paths, the shared evaluation folder, a loaded store, the
endpoint in process (``app`` -> ``client``) and the CLI in process (:func:`cli`).

Most tests run the endpoint through Flask's test client and the CLI through ``kg.cli.main(argv)``:
no process to start, so they are fast and a failure shows our own traceback. A few tests keep a
real ``tdkg serve`` on 127.0.0.1 (:class:`Server`: the real clients and the browser) or a real
``python -m kg.cli`` process (:func:`run_tdkg`: a signal, the exit codes), and say so.
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
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
    """Run the real CLI in a subprocess, as a user would (for the few tests that need a process)."""
    cmd = TDKG + (["--store", str(store)] if store else []) + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{cmd} -> {r.returncode}\nstdout:{r.stdout}\nstderr:{r.stderr}")
    return r


@dataclass
class Run:
    """What a CLI run gave, as :class:`subprocess.CompletedProcess` has it."""
    args: list
    returncode: int
    stdout: str
    stderr: str


def cli(*args, store: Path | str | None = None, check: bool = False, env: dict | None = None) -> Run:
    """Run the CLI in this process: ``kg.cli.main(argv)`` with stdout and stderr captured.

    Captured here rather than with ``capsys`` so that module- and session-scoped fixtures can load
    stores too; stdout has a binary ``buffer`` as the real one has (``tdkg export`` writes bytes).
    ``env`` sets environment variables for the run only (a remote store's credentials).
    """
    from kg.cli import main
    argv = (["--store", str(store)] if store else []) + [str(a) for a in args]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:           # argparse: --help, a bad option
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    r = Run(argv, code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8"))
    if check and r.returncode != 0:
        raise AssertionError(f"tdkg {argv} -> {r.returncode}\nstdout:{r.stdout}\nstderr:{r.stderr}")
    return r


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory):
    """An on-disk store holding the five bundled articles, loaded through the CLI (in process)."""
    path = tmp_path_factory.mktemp("store") / "kg"
    cli("load", "--quiet", ARTICLES, store=path, check=True)
    return path


UPDATE_TOKEN = "test-token-0123456789"


def make_app(store, **config):
    """The endpoint over a store object, in process (``create_app(config, store=...)``)."""
    from server import create_app
    return create_app({"UPDATE_TOKEN": UPDATE_TOKEN if config.get("ALLOW_UPDATE") else None, **config},
                      store=store)


@pytest.fixture(scope="session")
def app(loaded_store):
    """The bundled graph served read-only in process, limits as the ``server`` fixture has them."""
    from kg.graph.oxigraph import Store
    return make_app(Store(loaded_store, read_only=True), QUERY_TIMEOUT=3.0, MAX_ROWS=1000)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def update_app(tmp_path):
    """The endpoint in process on its own store, accepting SPARQL Update with a bearer token."""
    from kg.graph.oxigraph import Store
    path = tmp_path / "kg"
    cli("load", "--quiet", "--no-validate", ARTICLES, store=path, check=True)
    return make_app(Store(path), ALLOW_UPDATE=True)


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a server process (kill it after 10 s) and close its output."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.stdout.close()


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
        stop_process(self.proc)


@pytest.fixture(scope="session")
def server(loaded_store):
    """A real `tdkg serve` of the bundled graph, read-only, with a short query timeout: for the
    tests that need a socket (real clients, a browser, requests served while another runs)."""
    srv = Server(loaded_store, "--timeout", "3", "--max-rows", "1000")
    yield srv
    srv.stop()
