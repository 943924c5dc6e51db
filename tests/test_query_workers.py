"""Queries in killable child processes (kg/graph/workers.py): the same answers as in-process
threads, read-your-writes after an update, and a runaway query stopped at its deadline."""
from __future__ import annotations

import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import UPDATE_TOKEN, Server, make_app

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUERIES = [
    ("SELECT ?c ?l WHERE { ?c a <https://w3id.org/tdkg/ontology#Country> ; "
     "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?c ?l LIMIT 20",
     ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
      "text/tab-separated-values"]),
    ("ASK { ?s a <https://w3id.org/tdkg/ontology#Article> }", ["application/sparql-results+json", "text/csv"]),
    ("CONSTRUCT WHERE { <https://w3id.org/tdkg/country/EG> ?p ?o }", ["text/turtle", "application/n-triples"]),
]


@pytest.fixture(scope="module")
def apps(loaded_store):
    from kg.graph.oxigraph import Store
    store = Store(loaded_store, read_only=True)
    threaded = make_app(store, QUERY_TIMEOUT=5.0)
    isolated = make_app(store, QUERY_TIMEOUT=5.0, QUERY_WORKERS=2)
    yield threaded, isolated
    isolated.extensions["tdkg.workers"].close()


@pytest.mark.parametrize("query,types", QUERIES)
def test_workers_answer_as_threads_do(apps, query, types):
    threaded, isolated = (a.test_client() for a in apps)
    assert "tdkg.workers" in apps[1].extensions and "tdkg.workers" not in apps[0].extensions
    for mime in types:
        a = threaded.get("/sparql", query_string={"query": query}, headers={"Accept": mime})
        b = isolated.get("/sparql", query_string={"query": query}, headers={"Accept": mime})
        assert (a.status_code, a.headers["Content-Type"]) == (b.status_code, b.headers["Content-Type"]) == \
            (200, f"{mime}; charset=utf-8")
        assert a.data == b.data and b.data.strip()


def test_workers_report_a_malformed_query_with_its_position(apps):
    r = apps[1].test_client().get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert r.status_code == 400 and "malformed query" in r.get_json()["error"]["message"]
    assert "1:" in r.get_json()["error"]["message"]


CURATED = "https://w3id.org/tdkg/resource/graph/curated/n"


def _comment(text: str) -> str:
    return (f"INSERT DATA {{ GRAPH <{CURATED}> {{ <https://w3id.org/tdkg/country/EG> "
            f'<http://www.w3.org/2000/01/rdf-schema#comment> "{text}" }} }}')


def _asks(client, text: str) -> bool:
    r = client.get("/sparql", query_string={"query": f'ASK {{ ?s <http://www.w3.org/2000/01/rdf-schema#comment> '
                                                     f'"{text}" }}'},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data
    return r.get_json()["boolean"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads child processes from /proc (Linux)")
def test_an_update_enabled_server_runs_queries_in_workers_and_reads_its_writes(tmp_path):
    """An update-enabled app (its store open for writing in this process) runs its queries in
    worker processes too, over checkpoints of the store (kg.graph.workers): a query after an
    update sees it, a runaway query is answered 503 and its worker killed (no CPU after the
    503), and the server answers normal queries and updates afterwards."""
    from conftest import ARTICLES, cli
    from kg.graph.oxigraph import Store
    path = tmp_path / "kg"
    cli("load", "--quiet", "--no-validate", ARTICLES, store=path, check=True)
    app = make_app(Store(path), ALLOW_UPDATE=True, QUERY_WORKERS=2, QUERY_TIMEOUT=3.0)
    workers = app.extensions["tdkg.workers"]
    try:
        assert workers.checkpoints is not None, "an update-enabled server reads checkpoints"
        c = app.test_client()
        auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
        assert _asks(c, "checked") is False
        assert c.post("/sparql", data={"update": _comment("checked")}, headers=auth).status_code == 204
        assert _asks(c, "checked") is True                  # read-your-writes, through a worker

        before = _children(os.getpid())
        r = c.get("/sparql", query_string={"query": RUNAWAY})
        assert r.status_code == 503 and "stopped" in r.get_json()["error"]["message"]
        assert workers.killed == 1
        time.sleep(1.0)
        after = _children(os.getpid())
        gone = set(before) - set(after)
        assert gone, "the worker that ran the runaway query was killed"
        busy = [p for p in after if p in before and after[p] - before[p] > 1.0]
        assert not busy, f"a process still burns CPU after the 503: {busy}"

        assert _asks(c, "checked") is True                  # a normal query still answers
        assert c.post("/sparql", data={"update": _comment("again")}, headers=auth).status_code == 204
        assert _asks(c, "again") is True                    # and sees the next update
        assert len(workers.checkpoints.folders()) == 1, "checkpoints no query reads are deleted"
    finally:
        workers.close()
    assert workers.checkpoints.folders() == []


def test_a_query_sees_a_write_made_outside_the_update_path(tmp_path):
    """A write to the store that did not come through the endpoint's update (no checkpoint was
    taken for it): the next query finds the store's version moved and takes one itself."""
    from conftest import ARTICLES, cli
    from kg.graph.oxigraph import Store
    path = tmp_path / "kg"
    cli("load", "--quiet", "--no-validate", ARTICLES, store=path, check=True)
    store = Store(path)
    app = make_app(store, ALLOW_UPDATE=True, QUERY_WORKERS=1)
    try:
        c = app.test_client()
        assert _asks(c, "direct") is False
        store.replace_graphs([(CURATED, '<https://w3id.org/tdkg/country/EG> '
                                        '<http://www.w3.org/2000/01/rdf-schema#comment> "direct" .')])
        assert _asks(c, "direct") is True
    finally:
        app.extensions["tdkg.workers"].close()


def _children(pid: int) -> dict[int, float]:
    """The live child processes of ``pid`` and the CPU seconds each has used (Linux /proc)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid and stat[0] != "Z":
            out[int(entry)] = (int(stat[11]) + int(stat[12])) / tick
    return out


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads child processes from /proc (Linux)")
def test_a_runaway_query_is_stopped_at_its_deadline(loaded_store):
    srv = Server(loaded_store, "--timeout", "2", "--query-workers", "2")
    try:
        before = _children(srv.proc.pid)
        assert len(before) >= 2, "tdkg serve starts its query workers"
        url = srv.sparql + "?" + urllib.parse.urlencode({"query": RUNAWAY})
        start = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url, timeout=30)
        assert e.value.code == 503 and time.monotonic() - start < 10
        assert "stopped" in e.value.read().decode()
        time.sleep(1.0)
        after = _children(srv.proc.pid)
        busy = [p for p in after if p in before and after[p] - before[p] > 1.0]
        assert not busy, f"a query worker still burns CPU after the 503: {busy}"
        gone = set(before) - set(after)
        assert gone, "the worker that ran the runaway query was killed"
        # the server answers at once, with workers to spare
        t = time.monotonic()
        q = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        body = urllib.request.urlopen(srv.sparql + "?" + q, timeout=10).read()
        assert b"true" in body and time.monotonic() - t < 5
        assert len(_children(srv.proc.pid)) >= 2, "a fresh worker replaced the killed one"
    finally:
        srv.stop()
