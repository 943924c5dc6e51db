"""The same suite on the embedded store, Virtuoso and Oxigraph server: code above the store
does not know which it has. Virtuoso and Oxigraph server run privately on 127.0.0.1; the CLI and
the endpoint in front of them run in process (``kg.cli.main``, Flask's test client)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from kg.extract.identity import person_key
from kg.graph.vocab import person_iri
from conftest import ARTICLES, ROOT, SHARED, cli, make_app, needs_shared
from kg.graph import queries
from stores import have_virtuoso, oxigraph_server, virtuoso

DATA = ROOT / "tests" / "data"
TALAAT = person_iri(person_key("عمرو طلعت", "EG"))       # a person the bundled articles name


class Backend:
    def __init__(self, name: str, spec: str, env: dict):
        self.name, self.spec, self.env = name, spec, env      # env: the store's TDKG_* variables

    def tdkg(self, *args, check: bool = True):
        r = cli(*args, store=self.spec, env=self.env)
        if check and r.returncode != 0:
            raise AssertionError(f"{self.name}: tdkg {args} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
        return r


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def backend(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "embedded":
        b = Backend("embedded", str(folder / "kg"), {})
        b.tdkg("load", "--quiet", ARTICLES)
        yield b
        return
    if request.param == "virtuoso" and not have_virtuoso():
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource; .ci/run installs it)")
    start = virtuoso if request.param == "virtuoso" else oxigraph_server
    with start(folder) as (query_url, update_url, env):
        b = Backend(request.param, "sparql+" + query_url, {**env, "TDKG_UPDATE_ENDPOINT": update_url})
        b.tdkg("load", "--quiet", ARTICLES)
        yield b


def export(b: Backend) -> list[str]:
    return sorted(l for l in b.tdkg("export", "--format", "nq").stdout.splitlines() if l.strip())


def test_load_and_stats(backend):
    stats = backend.tdkg("stats").stdout
    counts = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in stats.splitlines()}
    assert counts["articles"] == 5 and counts["agreements"] == 4 and counts["countries"] == 5
    assert counts["graphs"] == 9     # five articles; the reference, entity, tally and store-layout graphs


def test_reload_is_idempotent_and_unchanged_are_skipped(backend):
    before = export(backend)
    backend.tdkg("load", "--quiet", ARTICLES)
    assert export(backend) == before
    r = backend.tdkg("load", "--quiet", "--skip-unchanged", ARTICLES)
    assert "5 unchanged" in r.stdout


@needs_shared()
def test_dev_score_is_the_same_on_every_store(backend, tmp_path):
    dump = tmp_path / "dump.nq"
    backend.tdkg("export", "--format", "nq", "--out", dump)
    r = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "eval" / "dev"),
                        "--data", str(dump), "--data", str(ROOT / "ontology" / "tdkg.ttl"), "--json"],
                       capture_output=True, text=True, check=True)
    report = json.loads(r.stdout)
    assert report["overall_f1"] >= 0.85 and report["identity"]["passed"] == 3


@pytest.fixture(scope="module")
def embedded_answers(tmp_path_factory):
    """Each saved query's rows with its defaults on an embedded store of the bundled articles."""
    b = Backend("reference", str(tmp_path_factory.mktemp("reference") / "kg"), {})
    b.tdkg("load", "--quiet", ARTICLES)
    return {name: comparable(name, json.loads(b.tdkg("query", "--saved", name, "--format", "json").stdout))
            for name in queries.saved_queries()}


def comparable(name: str, rows: list[dict]) -> set:
    """Rows as a set: SAMPLE columns left out (any member is right), GROUP_CONCAT columns as sets."""
    text = queries.get(name).text
    sampled = set(re.findall(r"SAMPLE\s*\(\s*\?\w+\s*\)\s+AS\s+\?(\w+)", text, re.I))
    concat = set(re.findall(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", text, re.I | re.S))
    return {tuple(sorted((k, frozenset(v.split(" | ")) if k in concat else v)
                         for k, v in r.items() if k not in sampled and not (k in concat and v == "")))
            for r in rows}          # an empty GROUP_CONCAT: "" from Virtuoso, unbound from Oxigraph


@pytest.mark.parametrize("name", sorted(queries.saved_queries()))
def test_saved_queries(backend, embedded_answers, name):
    """Every saved query answers on each store, with the embedded store's rows."""
    rows = json.loads(backend.tdkg("query", "--saved", name, "--format", "json").stdout)
    assert rows, f"{name} on {backend.name} returned nothing"
    assert comparable(name, rows) == embedded_answers[name], f"{name}: {backend.name} answers differently"


def test_parameters_bind_the_same(backend):
    rows = json.loads(backend.tdkg("query", "--saved", "accords-between", "--param", "a=EG", "--param", "b=PS",
                                   "--format", "json").stdout)
    assert sorted(r["agreement"].rsplit("/", 1)[-1] for r in rows) == \
        ["001_3d56ff079e329676-1", "004_74f5ac9498ea9be5-1"]


def test_arabic_literals_round_trip_with_language_tags(backend):
    q = ("SELECT ?l (LANG(?l) AS ?lang) WHERE { ?p a tdo:Person ; rdfs:label ?l "
         "FILTER(STR(?l) = \"عمرو طلعت\") }")
    rows = json.loads(backend.tdkg("query", q, "--format", "json").stdout)
    assert rows and all(r["l"] == "عمرو طلعت" and r["lang"].lower() == "ar" for r in rows)


def test_analysis(backend):
    out = json.loads(backend.tdkg("analyze", "--network", "countries", "--format", "json").stdout)
    assert {r["node"] for r in out["rows"]} == {"EG", "PS", "RU", "IR", "LT"}


def test_validation_uses_the_store_as_context(backend, tmp_path):
    f = tmp_path / "ctx.ttl"
    f.write_text((DATA / "curated-ok.ttl").read_text(encoding="utf-8").replace(
        "tdo:party country:EG, country:JO ;",
        f"tdo:party country:EG, country:JO, <{TALAAT}> ;"),
        encoding="utf-8")
    assert backend.tdkg("validate", f, check=False).returncode == 0
    assert backend.tdkg("validate", f, "--no-store", check=False).returncode == 1


def test_gate_refuses_and_leaves_the_store_as_it_was(backend):
    before = export(backend)
    r = backend.tdkg("load", DATA / "curated-bad.ttl", check=False)
    assert r.returncode == 1 and "REFUSED" in r.stderr
    assert export(backend) == before


def test_endpoint_in_front_of_the_store(backend):
    from kg.graph.store import open_store
    saved = {k: os.environ.get(k) for k in backend.env}
    os.environ.update(backend.env)          # a remote store reads its credentials when opened
    try:
        store = open_store(backend.spec, read_only=True)
    finally:
        for k, v in saved.items():
            if v is None:
                del os.environ[k]
            else:
                os.environ[k] = v
    client = make_app(store, QUERY_TIMEOUT=10.0).test_client()
    q = ('SELECT ?l WHERE { ?c <https://w3id.org/tdkg/ontology#iso2> "EG" ; '
         '<http://www.w3.org/2000/01/rdf-schema#label> ?l }')
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"})
    labels = {(b["l"]["value"], b["l"].get("xml:lang", "").lower()) for b in r.get_json()["results"]["bindings"]}
    assert ("مصر", "ar") in labels and ("Egypt", "en") in labels
    r = client.post("/sparql", data="update=CLEAR%20ALL", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 403                   # read-only by default, whatever the store
    r = client.get("/queries/partners-of-country.json?country=EG")
    assert len(r.get_json()["results"]["bindings"]) == 2


def test_graph_store_protocol_writes_the_same_graphs(tmp_path):
    """With TDKG_GRAPH_STORE each article graph is PUT through the Graph Store Protocol
    (Oxigraph server's /store): the store then holds what SPARQL Update writes."""
    (tmp_path / "ox").mkdir()
    with oxigraph_server(tmp_path / "ox") as (query_url, update_url, env):
        gsp = Backend("gsp", "sparql+" + query_url, {**env, "TDKG_UPDATE_ENDPOINT": update_url,
                                                     "TDKG_GRAPH_STORE": query_url.replace("/query", "/store")})
        gsp.tdkg("load", "--quiet", ARTICLES)
        gsp.tdkg("load", "--quiet", ARTICLES)                     # a reload replaces, not adds
        via_gsp = export(gsp)
    reference = Backend("embedded", str(tmp_path / "kg"), {})
    reference.tdkg("load", "--quiet", ARTICLES)
    plain = export(reference)
    assert len(via_gsp) == len(plain)
    assert [l for l in via_gsp if "_:" not in l] == [l for l in plain if "_:" not in l]
