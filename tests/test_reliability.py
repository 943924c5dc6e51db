"""The attacks of issue 13 that this layer answers, run against a real server on 127.0.0.1 (each
bounded in count and time), with a normal query asserted to be answered after each.

- slow and idle clients (slowloris): 150 half-open connections do not lock others out, and are
  closed — idle ones after the idle timeout, trickling ones at the request deadline;
- SSRF through /validate: a JSON-LD context given as a URL is refused and nothing is fetched;
- the parser-depth guard: requests at its limits are safe for the engine (run in a child process,
  on the 8 MB main-thread stack the CLI has), requests beyond are refused (tests/test_endpoint.py).

The server is ``python -m server.wsgi`` — the app under waitress with :data:`server.wsgi.SETTINGS`,
what ``tdkg serve`` runs — started with short timeouts so the test is quick.
"""
from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, free_port, stop_process

ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
IDLE_TIMEOUT, REQUEST_TIMEOUT = 2, 4       # the server's, for this test (defaults: 10 s, 30 s)


class WsgiServer:
    def __init__(self, store):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.wsgi", "--store", str(store), "--port", str(self.port),
             "--threads", "4", "--timeout", "5", "--channel-timeout", str(IDLE_TIMEOUT),
             "--request-timeout", str(REQUEST_TIMEOUT)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not start: {self.proc.stdout.read()}")
            time.sleep(0.1)

    def answers(self, timeout: float = 2) -> bool:
        try:
            with urllib.request.urlopen(self.url + ASK, timeout=timeout) as r:
                return r.status == 200 and json.loads(r.read())["boolean"] is True
        except OSError:
            return False

    def stop(self):
        stop_process(self.proc)


@pytest.fixture(scope="module")
def wsgi(loaded_store):
    srv = WsgiServer(loaded_store)
    yield srv
    srv.stop()


def half_open(port: int, n: int) -> list[socket.socket]:
    """n connections that each send a request line and a header, and never finish the request."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    return socks


def closed_by_server(s: socket.socket) -> bool:
    """True once the server has closed the connection (EOF or reset), False while it is open."""
    s.setblocking(False)
    try:
        return s.recv(1024) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        s.setblocking(True)


def test_half_open_connections_do_not_lock_others_out(wsgi):
    """150 half-open connections (waitress's default limit is 100, and it closed them only after
    120 s): a normal query is still answered while they are held, and the server drops them."""
    socks = half_open(wsgi.port, 150)
    try:
        served = sum(wsgi.answers(timeout=10) for _ in range(5))
        assert served == 5
        deadline = time.monotonic() + IDLE_TIMEOUT + 15          # a bound, not a measurement
        while not all(closed_by_server(s) for s in socks) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert all(closed_by_server(s) for s in socks), "idle half-open connections left open"
        assert wsgi.answers(timeout=10)
    finally:
        for s in socks:
            s.close()


def test_trickling_clients_are_cut_at_the_request_deadline(wsgi):
    """A client sending a header byte every half second is never idle; the request deadline
    closes it anyway, and others are served meanwhile."""
    socks = half_open(wsgi.port, 20)
    try:
        deadline = time.monotonic() + REQUEST_TIMEOUT + 15
        open_ = list(socks)
        while open_ and time.monotonic() < deadline:
            for s in list(open_):
                try:
                    s.sendall(b"X")
                except OSError:
                    open_.remove(s)
                    continue
                if closed_by_server(s):
                    open_.remove(s)
            time.sleep(0.5)
        assert not open_, f"{len(open_)} trickling connections still open"
        assert wsgi.answers(timeout=10)
    finally:
        for s in socks:
            s.close()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Recorder.hits.append(self.path)
        body = b'{"@context": {"x": "http://x/"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_validate_fetches_no_json_ld_context(wsgi, recorder, tmp_path):
    """The SSRF of issue 13: /validate with "@context": URL made the server fetch it, and its error
    told an open port from a closed one or an existing file from a missing one."""
    secret = tmp_path / "secret.jsonld"
    secret.write_text('{"@context": {"x": "http://x/"}}')
    contexts = [recorder + "/ctx.jsonld", f"http://127.0.0.1:{free_port()}/closed",
                secret.as_uri(), (tmp_path / "missing.jsonld").as_uri(),
                [{"y": "http://y/"}, recorder + "/in-a-list"]]
    messages = []
    for ctx in contexts:
        body = json.dumps({"@context": ctx, "@id": "http://x/a", "http://x/p": "v"}).encode()
        req = urllib.request.Request(wsgi.url + "/validate", data=body, method="POST",
                                     headers={"Content-Type": "application/ld+json"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 400
        err = json.loads(e.value.read())["error"]
        named = ctx if isinstance(ctx, str) else ctx[1]
        assert named in err["message"] and "fetches no URL" in err["message"]
        messages.append(err["message"].replace(named, "CTX"))
    assert _Recorder.hits == []                           # nothing was fetched
    assert len(set(messages)) == 1                        # and the answers tell nothing apart
    assert wsgi.answers(timeout=10)


GUARD_AT_LIMITS = r"""
import sys
from kg.graph import sparql
from kg.graph.oxigraph import Store
D, P, O, T = sparql.MAX_DEPTH, sparql.MAX_PATTERNS, sparql.MAX_OPERATORS, sparql.MAX_TRIPLE_PATTERNS
cases = {
    "depth": "SELECT * WHERE " + "{" * D + " ?s ?p ?o " + "}" * D,
    "nested OPTIONAL": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * (D - 1) + "}" * (D - 1) + "}",
    "OPTIONALs in depth": "SELECT * WHERE " + "{" * (D - 1) + " ?s ?p ?o" + " OPTIONAL { ?s ?p ?o }" * (P - 1)
                          + "}" * (D - 1),
    "UNIONs": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * P) + " }",
    "all at once": "SELECT * WHERE " + "{" * (D - 3) + " ?s ?p ?o " + " OPTIONAL { ?s ?p ?o }" * (P - 3)
                   + " FILTER((?o" + " + ?o" * (O // 2 - 10) + "&& !?o" * (O // 4 - 10) + ")) " + "}" * (D - 3),
    "operators": "SELECT * WHERE { ?s ?p ?o FILTER(?o" + " + ?o" * (O - 1) + ") }",
    "parentheses": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (D - 2) + "?o" + ")" * (D - 2) + ") }",
}
store = Store()
for name, q in cases.items():
    sparql.check_complexity(q)                      # within the limits: accepted
    list(store.query(q))                            # and the engine survives it
    print("ok", name, flush=True)
"""


def test_requests_at_the_guards_limits_do_not_crash_the_engine():
    """Every shape at (or near) the guard's limits, and all of them together, run on the engine in
    a child process on the 8 MB main-thread stack (the CLI's; server threads have as much): none
    crashes it (a crash is a signal exit, -11)."""
    r = subprocess.run([sys.executable, "-c", GUARD_AT_LIMITS], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr[-2000:])
    assert r.stdout.count("ok ") == 7


def test_a_running_server_sees_a_later_load(tmp_path):
    """A real `tdkg serve` (read-only) keeps answering while another process loads, and sees
    what that load stored within seconds, without a restart: the read-only store opens a new
    snapshot when the folder changed (kg.graph.oxigraph.Store, checked at most once a second)."""
    from conftest import ARTICLES, Server, cli, run_tdkg
    from kg.graph.vocab import article_iri
    articles = sorted(ARTICLES.glob("*.txt"))
    store = tmp_path / "kg"
    cli("load", "--quiet", *articles[:4], store=store, check=True)
    srv = Server(store)
    try:
        def has(aid: str) -> bool:
            q = urllib.parse.quote(f"ASK {{ GRAPH <{article_iri(aid)}> {{ ?s ?p ?o }} }}")
            with urllib.request.urlopen(f"{srv.sparql}?query={q}", timeout=10) as r:
                return json.loads(r.read())["boolean"]
        assert has(articles[0].stem) and not has(articles[4].stem)
        run_tdkg("load", "--quiet", articles[4], store=store, check=True)      # another process
        deadline = time.monotonic() + 10
        while not has(articles[4].stem):
            assert time.monotonic() < deadline, "the server did not see the load within 10 s"
            time.sleep(0.2)
        seen_after = time.monotonic() - (deadline - 10)
        run_tdkg("remove", articles[0].stem, store=store, check=True)          # and a removal
        while has(articles[0].stem):
            assert time.monotonic() < deadline + 10, "the server did not see the removal"
            time.sleep(0.2)
        assert seen_after < 5
    finally:
        srv.stop()
