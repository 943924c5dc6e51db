"""Every saved query runs, with parameters bound as typed RDF terms (the CLI in process)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, cli
from kg.graph import queries
from kg.graph.oxigraph import Store

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
    r = cli("query", "--saved", "accords-between", "--param", "a=EG", "--param", "b=PS",
                 "--format", "csv", store=loaded_store, check=True)
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and "MemorandumOfUnderstanding" in lines[1]
    r = cli("query", "--list", check=True)
    assert all(name in r.stdout for name in SAVED)
    r = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a a tdo:Article }", "--format", "json",
                 store=loaded_store, check=True)
    assert '"n": "5"' in r.stdout


def test_cli_reports_bad_query(loaded_store):
    r = cli("query", "SELEC ?x WHERE {", store=loaded_store)
    assert r.returncode == 2 and "error" in r.stderr and "Traceback" not in r.stderr
    r = cli("query", "--saved", "nope", store=loaded_store)
    assert r.returncode == 2 and "no saved query" in r.stderr


# ---------------------------------------------------------------- tuned texts answer as the plain ones

REFERENCE = Path(__file__).parent / "data" / "reference-queries"
_SAMPLED = re.compile(r"\(\s*SAMPLE\s*\(\s*\?\w+\s*\)\s+AS\s+\?(\w+)\s*\)", re.I)
_CONCAT = re.compile(r"\(\s*GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)\s*\)", re.I | re.S)


@pytest.fixture(scope="module")
def rich_store(tmp_path_factory):
    """The bundled articles and the challenge sets: about fifty articles, many pairs."""
    path = tmp_path_factory.mktemp("rich") / "kg"
    cli("load", "--quiet", str(ROOT / "data" / "articles"), str(ROOT / "tests" / "challenge"),
             store=path, check=True)
    return path


def _answer(store, text, q, values):
    """Rows as comparable tuples: SAMPLE columns left out (any member is right), GROUP_CONCAT
    columns as sets (their order is the engine's)."""
    sampled, concat = set(_SAMPLED.findall(text)), set(_CONCAT.findall(text))
    res = store.query(text, queries.bind(q, values))
    names = [v.value for v in res.variables if v.value not in sampled]
    rows = set()
    for r in res:
        cells = []
        for k in names:
            x = r[k]
            value = None if x is None else x.value
            cells.append(frozenset(value.split(" | ")) if k in concat and value is not None else value)
        rows.add(tuple(cells))
    return rows


@pytest.mark.parametrize("name", sorted(p.stem for p in REFERENCE.glob("*.rq")))
def test_tuned_saved_query_answers_as_its_plain_form(rich_store, name):
    """Saved queries written for speed (DISTINCT subqueries) give the rows of the obvious
    formulation kept in tests/data/reference-queries, for every parameter value tried."""
    q = queries.get(name)
    plain = (REFERENCE / f"{name}.rq").read_text(encoding="utf-8")
    store = Store(rich_store)
    kinds = {p.name: p.type for p in q.params}
    if set(kinds) == {"a", "b"}:
        tries = [{"a": a, "b": b} for a, b in (("EG", "PS"), ("EG", "RU"), ("JO", "AZ"), ("SA", "KR"), ("EG", "CN"))]
    elif "country" in kinds:
        tries = [{"country": c} for c in ("EG", "JO", "SA", "BH", "MA", "XK")]
    elif "name" in kinds:
        tries = [{"name": n} for n in ("طلعت", "محمد", "ال")]
    else:
        tries = [{}]
    answered = 0
    for values in tries:
        ours, ref = _answer(store, q.text, q, values), _answer(store, plain, q, values)
        assert ours == ref, f"{name} {values}: {len(ours)} rows vs {len(ref)} in the plain form"
        answered += bool(ref)
    assert answered >= min(2, len(tries)), f"{name}: too few of the tried parameters have answers to compare"
