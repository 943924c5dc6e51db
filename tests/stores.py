"""Private external SPARQL stores for tests: Virtuoso (Debian package) and Oxigraph server (PyPI).

Each runs on 127.0.0.1 with its own folder and free ports, is polled until it
answers, and is stopped afterwards. Recipes measured in
../shared/notes/external-components.md §1.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from conftest import free_port

VIRTUOSO_USER, VIRTUOSO_PASSWORD = "kgwriter", "kgpass"


def _wait(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} in {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def oxigraph_server(folder: Path):
    """`oxigraph serve` with a union default graph; yields (query URL, update URL, env)."""
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    port = free_port()
    log = folder / "oxigraph.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind",
                                 f"127.0.0.1:{port}", "--union-default-graph"], stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, log)
            yield (f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update", {})
        finally:
            _stop(proc)


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def have_virtuoso() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


@contextmanager
def virtuoso(folder: Path):
    """A private Virtuoso; SPARQL Update for a dedicated user over Basic auth on /sparql-basic.

    Yields (query URL, update URL, env with the credentials for tdkg).
    """
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=folder, sql=sql, http=http))
    log = folder / "stdout.log"
    out = open(log, "w")      # closed with the server, below
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                            cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", proc, log, seconds=90)
        setup = (f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}','{VIRTUOSO_PASSWORD}'); "
                 f"GRANT SPARQL_UPDATE TO \"{VIRTUOSO_USER}\"; "
                 "DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-basic', "
                 "ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', "
                 "realm=>'SPARQL', sec=>'basic', opts=>vector('noinherit', 1)); checkpoint;")
        subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba", f"EXEC={setup}"], check=True,
                       capture_output=True, timeout=60)
        env = {"TDKG_STORE_USER": VIRTUOSO_USER, "TDKG_STORE_PASSWORD": VIRTUOSO_PASSWORD,
               "TDKG_STORE_AUTH": "basic"}
        yield (f"http://127.0.0.1:{http}/sparql", f"http://127.0.0.1:{http}/sparql-basic", env)
    finally:
        _stop(proc)
        out.close()
