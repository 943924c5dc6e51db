"""The formats table, content negotiation, and our result serialisers against pyoxigraph's own.

The differential tests run each query twice on one small store: once through
``kg.graph.sparql.execute`` + ``serialize`` (what the endpoint sends), once straight
through pyoxigraph (``QuerySolutions.serialize`` / ``QueryBoolean.serialize``), and
compare: CSV and TSV byte for byte, JSON as parsed JSON (key order and spacing are
not meaningful), XML as the solutions pyoxigraph's parser reads back.
pyoxigraph is used directly here only, to be the reference.
"""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest
import rdflib.plugin
from rdflib.parser import Parser

from conftest import make_app
from kg.graph import formats, sparql
from kg.graph.oxigraph import Store

E = "http://example.org/"
DATA = f"""PREFIX e: <{E}>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT DATA {{
  e:eg e:label "مصر"@ar, "Egypt"@en, "Egypt" ; e:iso2 "EG"^^xsd:string ;
       e:population 105000000 ; e:area 1.01e6 ; e:gdp 398.4 ; e:member true ; e:since "1945-10-24"^^xsd:date ;
       e:code "818"^^e:numeric ; e:partner _:b1 ; e:note "say \\"hi\\"\\tthen, a newline\\nand a \\\\ backslash" .
  _:b1 e:label "فلسطين"@ar ; e:partner e:eg .
  GRAPH e:g1 {{ e:ps e:label "Palestine"@en-GB ; e:member false ; e:count "-7"^^xsd:integer ;
                e:weird "1e5"^^xsd:decimal ; e:frac ".5"^^xsd:decimal ; e:big "+1.5E-3"^^xsd:double }}
}}"""

QUERIES = {
    "everything": "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } "
                  "ORDER BY ?g ?s ?p ?o",
    "unbound": f"SELECT ?s ?en ?ar WHERE {{ ?s <{E}label> [] OPTIONAL {{ ?s <{E}label> ?en FILTER(lang(?en) = 'en') }} "
               f"OPTIONAL {{ ?s <{E}label> ?ar FILTER(lang(?ar) = 'ar') }} }} ORDER BY ?s ?en ?ar",
    "triple term": f"SELECT ?t ?nested ?n WHERE {{ <{E}eg> <{E}label> ?l FILTER(lang(?l) = 'ar') "
                   f"BIND(<<( <{E}eg> <{E}label> ?l )>> AS ?t) "
                   f"BIND(<<( <{E}x> <{E}says> <<( <{E}eg> <{E}population> 105000000 )>> )>> AS ?nested) "
                   f"BIND(42 AS ?n) }}",
    "triple with a blank node": f"SELECT ?t WHERE {{ <{E}eg> <{E}partner> ?b BIND(<<( ?b <{E}partner> <{E}eg> )>> AS ?t) }}",
    "no rows": f"SELECT ?s WHERE {{ ?s <{E}nothing> ?o }}",
    "no variables": "SELECT * WHERE {}",
    "one empty column": f"SELECT ?x WHERE {{ <{E}eg> <{E}iso2> ?y OPTIONAL {{ ?y <{E}no> ?x }} }}",
    "ask true": f"ASK {{ <{E}eg> <{E}label> 'مصر'@ar }}",
    "ask false": f"ASK {{ <{E}eg> <{E}label> 'مصر' }}",
}
RESULTS = [f for f in formats.FORMATS if f.is_results]
OX_FORMAT = {"json": pyoxigraph.QueryResultsFormat.JSON, "xml": pyoxigraph.QueryResultsFormat.XML,
             "csv": pyoxigraph.QueryResultsFormat.CSV, "tsv": pyoxigraph.QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def store():
    s = Store()
    s.update(DATA)
    return s


def reference(store, query: str, key: str) -> bytes:
    """pyoxigraph's own serialisation of the query's result."""
    return store.query(query).serialize(format=OX_FORMAT[key])      # as execute() runs it: the union default graph


def ours(store, query: str, fmt) -> bytes:
    return sparql.serialize(sparql.execute(store, query), fmt)


def solutions(data: bytes, key: str):
    """What pyoxigraph's parser reads from a results document: a bool, or (variables, rows)."""
    res = pyoxigraph.parse_query_results(data, OX_FORMAT[key])
    if isinstance(res, pyoxigraph.QueryBoolean):
        return bool(res)
    names = [v.value for v in res.variables]
    return names, [tuple(row[n] for n in names) for row in res]


@pytest.mark.parametrize("fmt", RESULTS, ids=lambda f: f.key)
@pytest.mark.parametrize("name", QUERIES)
def test_serialisation_matches_pyoxigraph(store, name, fmt):
    query = QUERIES[name]
    got, want = ours(store, query, fmt), reference(store, query, fmt.key)
    if fmt.key in ("csv", "tsv"):
        assert got.decode("utf-8") == want.decode("utf-8")
    elif fmt.key == "json":
        assert json.loads(got) == json.loads(want)
    else:
        assert solutions(got, "xml") == solutions(want, "xml")
    if fmt.key != "csv":                       # pyoxigraph reads JSON, XML and TSV back
        assert solutions(got, fmt.key) == solutions(want, fmt.key)


def test_the_differential_data_has_what_it_claims(store):
    """The queries above do meet blank nodes, unbound values, triple terms, Arabic and typed literals."""
    rows = solutions(ours(store, QUERIES["everything"], formats.by_name("tsv")), "tsv")[1]
    terms = [t for row in rows for t in row if t is not None]
    assert any(isinstance(t, pyoxigraph.BlankNode) for t in terms)
    assert {t.language for t in terms if isinstance(t, pyoxigraph.Literal)} >= {"ar", "en", "en-gb", None}
    assert {t.datatype.value.rsplit("#")[-1] for t in terms if isinstance(t, pyoxigraph.Literal)} >= \
        {"integer", "decimal", "double", "boolean", "date", "string", "langString"}
    assert any(row[0] is None for row in rows) and any(row[0] is not None for row in rows)
    names, rows = solutions(ours(store, QUERIES["triple term"], formats.by_name("json")), "json")
    assert isinstance(rows[0][0], pyoxigraph.Triple) and isinstance(rows[0][1].object, pyoxigraph.Triple)
    assert solutions(ours(store, QUERIES["unbound"], formats.by_name("json")), "json")[1][0].count(None) >= 1


def test_csv_quotes_a_triple_term_as_one_field(store):
    """Where pyoxigraph would quote only the literal inside a triple term (not valid RFC 4180), we
    quote the whole field: a CSV reader gets one cell holding subject, predicate and object."""
    q = f"SELECT ?t ?n WHERE {{ BIND(<<( <{E}eg> <{E}note> 'a, \"b\"' )>> AS ?t) BIND(1 AS ?n) }}"
    text = ours(store, q, formats.by_name("csv")).decode("utf-8")
    assert text == f't,n\r\n"{E}eg {E}note a, ""b""",1\r\n'
    assert list(csv.reader(io.StringIO(text))) == [["t", "n"], [f'{E}eg {E}note a, "b"', "1"]]


def test_serialize_refuses_the_wrong_family(store):
    with pytest.raises(ValueError):
        ours(store, "ASK {}", formats.by_name("turtle"))
    with pytest.raises(ValueError):
        sparql.serialize(sparql.execute(store, "CONSTRUCT WHERE { ?s ?p ?o }"), formats.by_name("json"))


# ---------------------------------------------------------------- the table

def test_table_takes_media_types_and_extensions_from_pyoxigraph():
    for f in formats.FORMATS:
        enum = type(f.engine)
        assert enum.from_media_type(f.media_type) == f.engine, f.key
        assert enum.from_extension(f.extension) == f.engine, f.key
        for alias in f.aliases:            # pyoxigraph, where it knows an alias, agrees on its meaning
            assert enum.from_media_type(alias) in (None, f.engine), (f.key, alias)
        if f.rdflib:
            assert rdflib.plugin.get(f.rdflib, Parser), f.key
        assert f.is_dataset == bool(getattr(f.engine, "supports_datasets", False)), f.key
    keys = [f.key for f in formats.FORMATS]
    assert len(keys) == len(set(keys))
    for family in (True, False):             # a name or a media type means one format in a family
        names = formats.names(results=family)
        assert len(names) == len(set(names)), names
        mimes = [m for f in formats.FORMATS if f.is_results == family for m in f.media_types]
        assert len(mimes) == len(set(mimes)), mimes


@pytest.mark.parametrize("ext, parser", [      # what tdkg validate and load parse each extension as
    (".ttl", "turtle"), (".turtle", "turtle"), (".nt", "nt"), (".ntriples", "nt"), (".nq", "nquads"),
    (".trig", "trig"), (".jsonld", "json-ld"), (".json", "json-ld"), (".rdf", "xml"), (".xml", "xml"),
    (".owl", "xml"), (".n3", "n3"), ("data.TTL", "turtle"), ("/tmp/x/graph.nq", "nquads"),
    (".csv", None), ("README", None), ("", None),
])
def test_rdflib_parser_by_extension(ext, parser):
    assert formats.rdflib_parser(ext) == parser


def test_names_the_cli_and_format_parameter_use():
    assert [formats.by_name(n, results=False).extension for n in ("nq", "trig", "ttl", "nt", "jsonld")] == \
        ["nq", "trig", "ttl", "nt", "jsonld"]             # tdkg export --format
    assert formats.by_name("json").key == "json" and formats.by_name("json", results=False).key == "jsonld"
    assert formats.by_name("n3", results=False).key == "turtle"   # ?format=n3 is answered in Turtle
    assert formats.by_name("csv", results=False) is None and formats.by_name("nope") is None
    assert formats.by_media_type("TEXT/PLAIN").key == "ntriples"
    assert formats.by_media_type("text/xml").key == "xml"
    assert formats.default_for("ASK").key == "json" and formats.default_for("DESCRIBE").key == "turtle"
    assert "text/n3" not in formats.offered("CONSTRUCT")


# ---------------------------------------------------------------- negotiation

SELECT_CASES = [
    (None, "application/sparql-results+json"),                      # no Accept: the default
    ("", "application/sparql-results+json"),                        # an empty one too
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
    ("application/sparql-results+xml, text/csv;q=0.1", "application/sparql-results+xml"),
    ("text/*;q=0.5, application/sparql-results+json;q=0.4", "text/csv"),    # ties: our order
    ("text/csv;q=0, text/*", "text/tab-separated-values"),            # the most specific range's q
    ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/json"),
    ("text/xml;q=0.5, application/xml", "application/xml"),
    ("text/csv; charset=utf-8", "text/csv"),                          # parameters ignored
    ("application/*", "application/sparql-results+json"),
    ("image/png", None),                                              # 406
    ("text/turtle", None),
    ("nonsense", None),
]
GRAPH_CASES = [
    (None, "text/turtle"), ("", "text/turtle"), ("*/*", "text/turtle"),
    ("application/rdf+xml, text/turtle;q=0.9", "application/rdf+xml"),
    ("text/plain", "text/plain"), ("application/x-turtle", "application/x-turtle"),
    ("application/ld+json;q=0.8, application/n-triples", "application/n-triples"),
    ("text/*", "text/turtle"), ("application/sparql-results+json", None), ("text/n3", None),
]


@pytest.fixture(scope="module")
def app():
    return make_app(Store())


@pytest.mark.parametrize("offer, accept, expected",
                         [("select", a, e) for a, e in SELECT_CASES] + [("graph", a, e) for a, e in GRAPH_CASES])
def test_best_offered_type(app, offer, accept, expected):
    from server.protocol import GRAPH_OFFER, RESULT_OFFER, best
    headers = {} if accept is None else {"Accept": accept}
    with app.test_request_context("/sparql", headers=headers):
        assert best(RESULT_OFFER if offer == "select" else GRAPH_OFFER) == expected


@pytest.mark.parametrize("accept, html", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),    # a browser
    ("text/html;q=0.5, text/turtle", False), ("*/*", False), (None, False), ("", False),
    ("text/html, application/sparql-results+json", True),       # equal: the page
    ("application/sparql-results+json, text/html;q=0.9", False),
])
def test_prefers_html(app, accept, html):
    from server.protocol import prefers_html
    with app.test_request_context("/sparql", headers={} if accept is None else {"Accept": accept}):
        assert prefers_html() is html


def test_format_parameter_wins_over_accept_and_falls_back_to_it(app):
    c = app.test_client()
    for fmt, form, expected in (("csv", "ASK {}", "text/csv"), ("xml", "ASK {}", "application/sparql-results+xml"),
                                ("xml", "CONSTRUCT WHERE {}", "application/rdf+xml"),
                                ("json", "CONSTRUCT WHERE {}", "application/ld+json"),
                                ("n3", "CONSTRUCT WHERE {}", "text/turtle"),
                                ("text/tab-separated-values", "ASK {}", "text/tab-separated-values"),
                                ("turtle", "ASK {}", "application/sparql-results+xml")):   # not for ASK: Accept
        r = c.get("/sparql", query_string={"query": form, "format": fmt},
                  headers={"Accept": "application/sparql-results+xml, text/turtle"})
        assert r.status_code == 200 and r.headers["Content-Type"] == f"{expected}; charset=utf-8", (fmt, form)
    r = c.get("/sparql", query_string={"query": "ASK {}", "format": "nope"})      # unknown: said, not ignored
    assert r.status_code == 400 and b"nope" in r.data
