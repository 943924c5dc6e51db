"""Comunica, an independent SPARQL client written in JavaScript, against a real `tdkg serve`.

`@comunica/query-sparql` 5.4.1 runs on Node 20 only with undici pinned to 7 (undici 8
needs Node >= 22.19; 4.5.0 drops language tags): see shared/notes/external-components.md,
section 5. It is installed once with npm into a cache folder outside the repository
(tests/npm_tools.py) and driven through its CLI, `comunica-sparql sparql@<endpoint>`,
so the endpoint is exercised by a client that shares no code with ours. Against a real
`tdkg serve` on 127.0.0.1 on purpose (the ``server`` fixture): Comunica needs a socket. Each CLI call
costs 2–3 s of Node start-up; the first install about a minute.
"""
from __future__ import annotations

import json
import subprocess

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from npm_tools import bin_path, npm_install

COMUNICA = {"@comunica/query-sparql": "5.4.1"}
OVERRIDES = {"undici": "^7"}
TDO = Namespace("https://w3id.org/tdkg/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
PREFIXES = """PREFIX tdo: <https://w3id.org/tdkg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
AMR_TALAAT = "عمرو طلعت"
ARTICLES = {f"https://w3id.org/tdkg/resource/article/{i}" for i in (
    "000_a8cc2780f9f0fb92", "001_3d56ff079e329676", "002_55222df13563688a", "003_5e840d295c91c543",
    "004_74f5ac9498ea9be5")}


@pytest.fixture(scope="module")
def comunica():
    folder = npm_install("comunica", COMUNICA, overrides=OVERRIDES, timeout=900)
    return bin_path(folder, "comunica-sparql")


def run(comunica, endpoint: str, query: str, media_type: str, timeout: float = 120) -> str:
    cmd = [str(comunica), f"sparql@{endpoint}", query, "-t", media_type]
    r = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    assert r.returncode == 0, f"comunica-sparql exited {r.returncode}\nstdout:{r.stdout[-2000:]}\n" \
                              f"stderr:{r.stderr[-3000:]}"
    return r.stdout


def test_select_keeps_arabic_language_tags(comunica, server):
    q = PREFIXES + """SELECT ?person ?label WHERE {
      ?person a tdo:Person ; rdfs:label ?label . FILTER(lang(?label) = "ar") }"""
    out = json.loads(run(comunica, server.sparql, q, "application/sparql-results+json"))
    assert set(out["head"]["vars"]) == {"person", "label"}
    rows = out["results"]["bindings"]
    amr = [r for r in rows if r["label"]["value"] == AMR_TALAAT]
    assert amr, f"{AMR_TALAAT} not among {[r['label']['value'] for r in rows]}"
    for r in amr:
        assert r["label"] == {"type": "literal", "value": AMR_TALAAT, "xml:lang": "ar"}
        assert r["person"]["type"] == "uri"
        assert r["person"]["value"].startswith("https://w3id.org/tdkg/resource/person/")
    assert all(r["label"].get("xml:lang") == "ar" for r in rows)
    assert len({r["person"]["value"] for r in rows}) >= 10     # the five articles name a dozen people


@pytest.mark.parametrize("query,expected", [
    (PREFIXES + f'ASK {{ ?p a tdo:Person ; rdfs:label "{AMR_TALAAT}"@ar }}', True),
    (PREFIXES + f'ASK {{ ?p a tdo:Person ; rdfs:label "{AMR_TALAAT}" }}', False),   # no tag: no match
], ids=["tagged", "untagged"])
def test_ask(comunica, server, query, expected):
    out = json.loads(run(comunica, server.sparql, query, "application/sparql-results+json"))
    assert out["boolean"] is expected


def test_construct_as_turtle(comunica, server):
    q = PREFIXES + """CONSTRUCT { ?a a tdo:Article ; dct:identifier ?id ; dct:title ?t }
      WHERE { ?a a tdo:Article ; dct:identifier ?id OPTIONAL { ?a dct:title ?t } }"""
    g = Graph().parse(data=run(comunica, server.sparql, q, "text/turtle"), format="turtle")
    articles = set(g.subjects(RDF.type, TDO.Article))
    assert {str(a) for a in articles} == ARTICLES
    for a in articles:
        assert str(g.value(a, DCT.identifier)) == str(a).rsplit("/", 1)[1]
    titles = [t for t in g.objects(None, DCT.title)]
    assert titles and all(isinstance(t, Literal) and t.language == "ar" for t in titles)
    assert any("روسيا" in t for t in titles)
