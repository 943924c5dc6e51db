"""Answers kept until the store changes (server/answers.py), and expensive GETs bounded."""
from __future__ import annotations

import threading
import time

import pytest

from conftest import ARTICLES, ROOT, cli, make_app
from server.answers import Answers, Busy, StillComputing


def test_an_answer_is_kept_per_version_and_computed_once():
    a, calls = Answers(), []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return len(calls)

    results = []
    threads = [threading.Thread(target=lambda: results.append(a.get("k", 1, compute, timeout=5)[0]))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1, 1, 1, 1] and len(calls) == 1          # four clients, one computation
    assert a.get("k", 1, compute) == (1, True)
    assert a.get("k", 2, compute) == (2, False)                   # the store changed: computed again
    assert a.get("k", None, compute) == (3, False) and a.get("k", None, compute)[1] is False


def test_past_the_deadline_the_computation_goes_on_and_the_retry_is_answered():
    a = Answers(busy=1)
    with pytest.raises(StillComputing):
        a.get("slow", 1, lambda: (time.sleep(0.5), "done")[1], timeout=0.05)
    with pytest.raises(Busy):                                     # the one slot is taken
        a.get("other", 1, lambda: "x", timeout=0.05)
    time.sleep(0.7)
    assert a.get("slow", 1, lambda: "again", timeout=0.05) == ("done", True)


def test_a_kept_size_bound_evicts_the_oldest():
    a = Answers(max_entries=2)
    for k in "abc":
        a.get(k, 1, lambda k=k: k)
    assert a.get("a", 1, lambda: "new")[0] == "new" and a.get("c", 1, lambda: "no")[0] == "c"


@pytest.fixture()
def writable(tmp_path):
    from kg.graph.oxigraph import Store
    path = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES, store=path, check=True)
    return Store(path)


def test_saved_query_answers_are_kept_until_a_load_changes_the_store(writable, tmp_path):
    from kg.loader import load
    c = make_app(writable).test_client()
    first = c.get("/queries/country-pairs.json")
    again = c.get("/queries/country-pairs.json")
    assert first.status_code == again.status_code == 200
    assert "X-TDKG-Cache" not in first.headers and again.headers["X-TDKG-Cache"] == "hit"
    assert again.data == first.data
    folder = tmp_path / "more"
    folder.mkdir()
    for f in sorted((ROOT / "tests" / "challenge").glob("10*.txt"))[:3]:
        (folder / f.name).write_bytes(f.read_bytes())
    assert load(writable, [folder], progress=False).ok
    after = c.get("/queries/country-pairs.json")
    assert "X-TDKG-Cache" not in after.headers
    pairs = lambda r: {(b["a"]["value"], b["b"]["value"]) for b in r.get_json()["results"]["bindings"]}
    assert pairs(after) > pairs(first), "the new articles' pairs are in the answer"


def test_a_network_past_the_time_limit_is_503_then_served(writable, monkeypatch):
    from server import analysis
    real = analysis._analysed
    monkeypatch.setattr(analysis, "_analysed", lambda store, name: (time.sleep(1.5), real(store, name))[1])
    c = make_app(writable, QUERY_TIMEOUT=0.3).test_client()
    r = c.get("/analysis/countries.json")
    assert r.status_code == 503 and r.headers["Retry-After"] and "still computing" in r.get_json()["error"]["message"]
    time.sleep(2.0)
    r = c.get("/analysis/countries.json")
    assert r.status_code == 200 and r.get_json()["nodes"] >= 4
    t = time.monotonic()
    assert c.get("/export/countries.gexf").status_code == 200 and time.monotonic() - t < 1.0
