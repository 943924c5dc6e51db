"""Every saved query runs, with parameters bound as typed RDF terms."""
from __future__ import annotations

import pytest

from conftest import run_tdkg
from kg import queries
from kg.store import Store

SAVED = sorted(queries.saved_queries())


def test_at_least_ten_documented_saved_queries():
    assert len(SAVED) >= 10
    for q in queries.saved_queries().values():
        assert q.title != q.name and q.answers, f"{q.name}.rq lacks a title/answers header"
        for p in q.params:
            assert p.default is not None and p.doc, f"{q.name}: parameter {p.name} undocumented"


@pytest.mark.parametrize("name", SAVED)
def test_every_saved_query_runs_and_answers(loaded_store, name):
    q = queries.get(name)
    res = Store(loaded_store).query(q.text, queries.bind(q, {}))
    rows = list(res)
    assert rows, f"{name} returned nothing on the bundled graph with its defaults"


def test_parameters_are_terms_not_text(loaded_store):
    q = queries.get("partners-of-country")
    store = Store(loaded_store)
    eg = {r["partner"].value for r in store.query(q.text, queries.bind(q, {"country": "eg"}))}
    assert eg == {"https://w3id.org/tdkg/country/PS", "https://w3id.org/tdkg/country/RU"}
    with pytest.raises(queries.QueryError, match="ISO 3166"):
        queries.bind(q, {"country": "EG> } ; DROP ALL ; #"})
    with pytest.raises(queries.QueryError, match="unknown parameter"):
        queries.bind(q, {"nation": "EG"})


def test_cli_runs_saved_queries(loaded_store):
    r = run_tdkg("query", "--saved", "accords-between", "--param", "a=EG", "--param", "b=PS",
                 "--format", "csv", store=loaded_store, check=True)
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and "MemorandumOfUnderstanding" in lines[1]
    r = run_tdkg("query", "--list", check=True)
    assert all(name in r.stdout for name in SAVED)
    r = run_tdkg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a a tdo:Article }", "--format", "json",
                 store=loaded_store, check=True)
    assert '"n": "5"' in r.stdout


def test_cli_reports_bad_query(loaded_store):
    r = run_tdkg("query", "SELEC ?x WHERE {", store=loaded_store)
    assert r.returncode == 2 and "error" in r.stderr and "Traceback" not in r.stderr
    r = run_tdkg("query", "--saved", "nope", store=loaded_store)
    assert r.returncode == 2 and "no saved query" in r.stderr
