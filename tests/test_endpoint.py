"""The SPARQL endpoint: in process through Flask's test client (``client``, most tests), and as
real clients see it, a `tdkg serve` process on 127.0.0.1 (``server``: SPARQLWrapper, rdflib's
SPARQLStore, and requests served while a runaway query runs)."""
from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, TSV, TURTLE, XML, JSONLD, RDFXML, SPARQLWrapper

from conftest import UPDATE_TOKEN

SPARQL = "/sparql"          # the endpoint's path in process

TDO = "https://w3id.org/tdkg/ontology#"
PAIRS = """PREFIX tdo: <https://w3id.org/tdkg/ontology#>
SELECT ?a ?label WHERE { ?a a tdo:MemorandumOfUnderstanding ; <http://www.w3.org/2000/01/rdf-schema#label> ?label
  FILTER(lang(?label) = "ar") } ORDER BY ?a"""
CONSTRUCT = """PREFIX tdo: <https://w3id.org/tdkg/ontology#>
CONSTRUCT { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?p a tdo:Person ;
  <http://www.w3.org/2000/01/rdf-schema#label> ?l }"""


def http(method, url, data=None, headers=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def call(client, method, url, data=None, headers=None):
    """The in-process twin of :func:`http`: (status, headers, body) from the test client,
    redirects followed as urllib follows them."""
    r = client.open(url, method=method, data=data, headers=headers or {}, follow_redirects=True)
    return r.status_code, r.headers, r.get_data()


def error_of(body: bytes) -> dict:
    err = json.loads(body)["error"]
    assert set(err) == {"status", "title", "message"}
    return err


# ---------------------------------------------------------------- real clients

@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_every_format(server, fmt):
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(PAIRS)
    sw.setReturnFormat(fmt)
    res = sw.query()
    ctype = res.info()["content-type"]
    out = res.convert()
    if fmt == JSON:
        rows = out["results"]["bindings"]
        assert len(rows) == 2 and rows[0]["label"]["xml:lang"] == "ar"
        assert "مذكرة تفاهم" in rows[0]["label"]["value"]
    elif fmt == XML:
        assert "application/sparql-results+xml" in ctype
        assert len(out.getElementsByTagName("result")) == 2
    else:
        text = out.decode("utf-8") if isinstance(out, bytes) else out
        lines = [l for l in text.splitlines() if l]
        assert len(lines) == 3 and "مذكرة تفاهم" in text
        assert ("text/csv" if fmt == CSV else "text/tab-separated-values") in ctype


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3])
def test_sparqlwrapper_construct_formats(server, fmt):
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(fmt)
    g = sw.queryAndConvert()
    if not isinstance(g, Graph):
        g = Graph().parse(data=g, format="turtle")
    assert len(g) >= 8
    assert any(isinstance(o, Literal) and o.language == "ar" and o.value == "عمرو طلعت" for o in g.objects())


def test_ask_and_post_forms(client):
    for method, data, headers in [
        ("POST", b"ASK { ?s a <https://w3id.org/tdkg/ontology#Article> }",
         {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}),
        ("POST", urllib.parse.urlencode({"query": "ASK { ?s a <https://w3id.org/tdkg/ontology#Article> }"}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}),
    ]:
        status, _, body = call(client, method, SPARQL, data, headers)
        assert status == 200 and json.loads(body)["boolean"] is True


def test_rdflib_sparqlstore(server):
    store = SPARQLStore(server.sparql, returnFormat="json", method="POST_FORM")
    g = Graph(store=store)
    rows = list(g.query("SELECT ?c WHERE { ?c <https://w3id.org/tdkg/ontology#iso2> \"EG\" }"))
    assert rows == [(URIRef("https://w3id.org/tdkg/country/EG"),)]
    assert (URIRef("https://w3id.org/tdkg/country/EG"), None, None) in g


def test_default_and_named_graph_uri(client):
    art = "https://w3id.org/tdkg/resource/article/003_5e840d295c91c543"
    q = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <https://w3id.org/tdkg/ontology#Article> }"
    url = SPARQL + "?" + urllib.parse.urlencode({"query": q, "default-graph-uri": art})
    status, _, body = call(client, "GET", url, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"
    q = "SELECT ?g WHERE { GRAPH ?g { ?a a <https://w3id.org/tdkg/ontology#Article> } }"
    url = SPARQL + "?" + urllib.parse.urlencode({"query": q, "named-graph-uri": art})
    status, _, body = call(client, "GET", url, headers={"Accept": "application/sparql-results+json"})
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [art]


# ---------------------------------------------------------------- negotiation and errors

@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
    ("application/sparql-results+xml, text/csv;q=0.1", "application/sparql-results+xml"),
    ("text/*;q=0.5, application/sparql-results+json;q=0.4", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_accept_with_q_values(client, accept, expected):
    url = SPARQL + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    status, headers, _ = call(client, "GET", url, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(expected)


def test_format_parameter_fallback(client):
    url = SPARQL + "?" + urllib.parse.urlencode({"query": CONSTRUCT, "format": "ntriples"})
    status, headers, body = call(client, "GET", url, headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=body.decode(), format="nt")) >= 8


@pytest.mark.parametrize("accept", [None, "", " "])
def test_no_or_empty_accept_gets_the_default(client, accept):
    headers = {} if accept is None else {"Accept": accept}
    for q, expected in (("ASK {}", "application/sparql-results+json"), (CONSTRUCT, "text/turtle")):
        status, h, _ = call(client, "GET", SPARQL + "?" + urllib.parse.urlencode({"query": q}), headers=headers)
        assert status == 200 and h["Content-Type"] == f"{expected}; charset=utf-8"


@pytest.mark.parametrize("accept, expected", [
    ("application/json", "application/json"),                       # an alias is answered as asked
    ("text/csv; charset=utf-8", "text/csv"),                         # parameters do not stop a match
    ("text/csv;q=0, text/*", "text/tab-separated-values"),           # q=0 refuses, the range allows
])
def test_accept_aliases_and_parameters(client, accept, expected):
    status, h, body = call(client, "GET", SPARQL + "?query=ASK%7B%7D", headers={"Accept": accept})
    assert status == 200 and h["Content-Type"] == f"{expected}; charset=utf-8"


def test_nothing_acceptable_is_406_for_every_form(client):
    for q in ("ASK {}", CONSTRUCT):
        status, _, body = call(client, "GET", SPARQL + "?" + urllib.parse.urlencode({"query": q}),
                               headers={"Accept": "image/png, text/html;q=0.5"})
        assert status == 406
        err = error_of(body)
        assert err["status"] == 406 and "offered:" in err["message"]


@pytest.mark.parametrize("fmt, ctype", [("json", "application/sparql-results+json"),
                                        ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values")])
def test_triple_terms_in_every_results_format(client, fmt, ctype):
    """An RDF-star triple term in a SELECT: 200 in each format, written as a triple (not a literal)."""
    q = ('SELECT ?t WHERE { BIND(<<( <http://e/s> <http://e/p> "مصر"@ar )>> AS ?t) }')
    status, h, body = call(client, "GET", SPARQL + "?" + urllib.parse.urlencode({"query": q, "format": fmt}))
    assert status == 200 and h["Content-Type"].startswith(ctype), body[:300]
    text = body.decode("utf-8")
    if fmt == "json":
        assert json.loads(text)["results"]["bindings"][0]["t"] == {"type": "triple", "value": {
            "subject": {"type": "uri", "value": "http://e/s"}, "predicate": {"type": "uri", "value": "http://e/p"},
            "object": {"type": "literal", "value": "مصر", "xml:lang": "ar"}}}
    elif fmt == "xml":
        assert "<binding name=\"t\"><triple><subject><uri>http://e/s</uri></subject>" in text
        assert "<object><literal xml:lang=\"ar\">مصر</literal></object></triple>" in text
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(text))) == [["t"], ["http://e/s http://e/p مصر"]]
    else:
        assert text == '?t\n<<( <http://e/s> <http://e/p> "مصر"@ar )>>\n'


@pytest.mark.parametrize("query, param", [("top=abc", "top"), ("top=-2", "top"), ("top=1.5", "top"),
                                          ("sort=nope", "sort")])
def test_analysis_parameters_are_checked(client, query, param):
    status, _, body = call(client, "GET", "/analysis/countries.json?" + query)
    assert status == 400
    err = error_of(body)
    assert err["status"] == 400 and f"'{param}'" in err["message"]
    status, _, body = call(client, "GET", "/analysis/countries.json?top=2&sort=degree")
    rows = json.loads(body)["rows"]
    assert status == 200 and len(rows) == 2 and rows[0]["degree"] >= rows[1]["degree"]


@pytest.mark.parametrize("method, url_suffix, data, headers, status", [
    ("GET", "?query=SELEC%20*", None, {}, 400),
    ("GET", "?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406),
    ("POST", "", b"<q/>", {"Content-Type": "application/xml"}, 415),
    ("PUT", "", b"", {}, 405),
    ("GET", "?update=CLEAR%20ALL", None, {}, 405),
])
def test_errors_have_one_json_shape(client, method, url_suffix, data, headers, status):
    got, _, body = call(client, method, SPARQL + url_suffix, data, headers)
    assert got == status
    err = error_of(body)
    assert err["status"] == status and err["message"]


def test_malformed_query_message_comes_from_the_parser(client):
    _, _, body = call(client, "GET", SPARQL + "?query=" + urllib.parse.quote("SELECT ?x WHERE { ?x ?y }"))
    assert "malformed query" in error_of(body)["message"] and "1:" in error_of(body)["message"]


def test_service_description_and_page(client):
    status, headers, body = call(client, "GET", SPARQL, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body.decode(), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef("http://localhost" + SPARQL)) in g   # the test client's host
    status, headers, body = call(client, "GET", SPARQL, headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and b"<textarea" in body


# ---------------------------------------------------------------- safety

def test_update_refused_when_read_only(client):
    data = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    status, _, body = call(client, "POST", SPARQL, data, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and "read-only" in error_of(body)["message"]
    status, _, _ = call(client, "POST", SPARQL, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403


def test_service_is_refused(client):
    for q in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
              "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"):
        status, _, body = call(client, "GET", SPARQL + "?query=" + urllib.parse.quote(q))
        assert status == 403 and "SERVICE" in error_of(body)["message"]


def test_timeout_while_other_requests_are_served(server):
    # a cross product that yields nothing for a long time (and holds no rows in memory: the
    # engine cannot be cancelled, so an ORDER BY here would grow until the server is killed)
    runaway = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
               "FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) > 1000000) }")
    out = {}

    def slow():
        t0 = time.time()
        out["status"], _, out["body"] = http("GET", server.sparql + "?query=" + urllib.parse.quote(runaway),
                                             timeout=60)
        out["seconds"] = time.time() - t0
    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)
    quick = []
    while t.is_alive() and len(quick) < 50:
        t0 = time.time()
        status, _, _ = http("GET", server.sparql + "?query=ASK%7B%7D")
        quick.append((status, time.time() - t0))
    t.join()
    assert out["status"] == 503 and "time limit" in error_of(out["body"])["message"]
    assert quick and all(s == 200 for s, _ in quick)


def test_body_size_is_capped(client, app):
    """A body one byte over MAX_CONTENT_LENGTH is refused with 413 in the one error shape; one at
    the limit is read and run. (In process: over a socket the server may close the connection
    before answering a body that large, and the test could not tell.)"""
    limit = app.config["MAX_CONTENT_LENGTH"]
    head = b"ASK { ?s ?p ?o } #"
    ok = head + b"x" * (limit - len(head))
    status, _, body = call(client, "POST", SPARQL, ok, {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = call(client, "POST", SPARQL, ok + b"x", {"Content-Type": "application/sparql-query"})
    assert status == 413
    err = error_of(body)
    assert err["status"] == 413 and f"larger than {limit:,} bytes" in err["message"]


def test_result_rows_are_capped(client):
    q = "SELECT * WHERE { ?s ?p ?o }"
    status, headers, body = call(client, "GET", SPARQL + "?query=" + urllib.parse.quote(q),
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers.get("X-TDKG-Truncated", "").startswith("true")
    assert len(json.loads(body)["results"]["bindings"]) == 1000


def test_cors_headers(client):
    status, headers, _ = call(client, "OPTIONS", SPARQL, headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"


@pytest.fixture()
def update_client(update_app):
    return update_app.test_client()


def test_updates_need_the_token(update_client):
    upd = 'INSERT DATA { GRAPH <urn:g> { <urn:x> <http://www.w3.org/2000/01/rdf-schema#label> "تجربة"@ar } }'
    for auth in ({}, {"Authorization": "Bearer wrong"}):
        status, _, body = call(update_client, "POST", SPARQL, upd.encode(),
                               {"Content-Type": "application/sparql-update", **auth})
        assert status == 401
    status, _, _ = call(update_client, "POST", SPARQL, upd.encode(),
                        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert status == 204
    status, _, body = call(update_client, "GET", SPARQL + "?query=" +
                           urllib.parse.quote("SELECT ?l WHERE { <urn:x> ?p ?l }"),
                           headers={"Accept": "application/sparql-results+json"})
    assert json.loads(body)["results"]["bindings"][0]["l"] == {"type": "literal", "value": "تجربة", "xml:lang": "ar"}
    status, _, body = call(update_client, "POST", SPARQL, b"LOAD <http://127.0.0.1:9/x.ttl>",
                           {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert status == 403


# ---------------------------------------------------------------- saved queries over HTTP

def test_saved_queries_listing_and_runs(client):
    status, _, body = call(client, "GET", "/queries", headers={"Accept": "application/json"})
    names = {q["name"] for q in json.loads(body)["queries"]}
    assert {"partners-of-country", "accords-between"} <= names
    status, _, body = call(client, "GET", "/queries")
    assert status == 200 and b"<dl" in body
    status, headers, body = call(client, "GET", "/queries/accords-between.csv?a=EG&b=PS")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 2 and {r["status"].rsplit("#")[-1] for r in rows} == {"Signed", "Planned"}
    status, _, body = call(client, "GET", "/queries/partners-of-country.json?country=RU")
    rows = json.loads(body)["results"]["bindings"]     # ORDER BY DESC(?total) ?partner
    assert [b["partner"]["value"] for b in rows] == \
        ["https://w3id.org/tdkg/country/EG", "https://w3id.org/tdkg/country/IR"]
    totals = [int(b["total"]["value"]) for b in rows]
    assert totals == sorted(totals, reverse=True)
    status, _, body = call(client, "GET", "/queries/partners-of-country.json?country=EGYPT")
    assert status == 400 and "ISO" in error_of(body)["message"]
    status, _, body = call(client, "GET", "/queries/nope.json")
    assert status == 404


def test_updates_pass_the_shacl_gate(update_client):
    """An update that would leave a bad agreement in a graph is undone and reported."""
    auth = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"}
    art = "https://w3id.org/tdkg/resource/article/004_74f5ac9498ea9be5"
    ask = "ASK { GRAPH <%s> { ?a <https://w3id.org/tdkg/ontology#status> <https://w3id.org/tdkg/ontology#Signed> } }" % art
    bad = ("PREFIX tdo: <https://w3id.org/tdkg/ontology#> DELETE { GRAPH <%s> { ?a tdo:status ?s } } "
           "INSERT { GRAPH <%s> { ?a tdo:status tdo:Finished } } WHERE { GRAPH <%s> { ?a tdo:status ?s } }"
           % (art, art, art))
    status, _, body = call(update_client, "POST", SPARQL, bad.encode(), auth)
    assert status == 422 and "undone" in error_of(body)["message"]
    status, _, body = call(update_client, "GET", SPARQL + "?query=" + urllib.parse.quote(ask),
                           headers={"Accept": "application/sparql-results+json"})
    assert json.loads(body)["boolean"] is True


# ---------------------------------------------------------------- limits and small protocol points

@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,                          # nested groups
    "SELECT * WHERE { ?s ?p ?o " + " FILTER(?o)" * 47000 + " }",                          # chained FILTERs
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "?o" + ")" * 10000 + ") }",       # parentheses
    "SELECT * WHERE { ?s ?p ?o " + " OPTIONAL { ?s ?p ?o }" * 1000 + " }",                # OPTIONAL chain
    "SELECT * WHERE { ?s ?p ?o FILTER(?o" + " + ?o" * 10000 + ") }",                       # operators
    "SELECT * WHERE { " + " ".join(f"?s{i} ?p ?o ." for i in range(10000)) + " }",       # triple patterns
    "SELECT * WHERE \\u007B" * 3000 + " ?s ?p ?o " + "}" * 3000,                          # escaped braces
])
def test_engine_crashing_queries_are_refused_with_400(client, query):
    """Each of these overflows the engine's stack and kills the process when run (measured); the
    guard refuses them first, in the one error shape, and the endpoint answers the next query."""
    status, _, body = call(client, "POST", SPARQL, query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400
    err = error_of(body)
    assert "at most" in err["message"] and "not run" in err["message"]
    status, _, body = call(client, "POST", SPARQL, b"ASK { ?s ?p ?o }", {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_guard_lets_big_ordinary_requests_through(client):
    """Long VALUES lists, many strings or IRIs holding brackets, and every saved query pass."""
    from kg.graph import queries
    values = " ".join(f"<https://w3id.org/tdkg/country/X{i}>" for i in range(5000))
    strings = " ".join('"{{{((( [[[ && || + - * /"' for _ in range(2000))
    # one request with both (the guard scans the whole text), their product kept small so the
    # engine's own time stays far under the test app's 3 s limit
    q = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ VALUES ?c {{ {values} }} }} UNION "
         f"{{ VALUES ?s {{ {strings} }} }} }}")
    status, _, body = call(client, "POST", SPARQL, q.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200, body
    assert b'"7000"' in body
    for name in queries.saved_queries():
        status, _, body = call(client, "GET", f"/queries/{name}.json")
        assert status == 200, (name, body)


def test_too_complex_update_is_refused_before_the_store(update_client):
    upd = "INSERT { ?s ?p ?o } WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    status, _, body = call(update_client, "POST", SPARQL, upd.encode(),
                           {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert status == 400 and "update nested 3000 levels deep" in error_of(body)["message"]
    data = "INSERT DATA { GRAPH <urn:big> { " + " ".join(
        f'<urn:s{i}> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .' for i in range(50)) + " } }"
    from kg.graph import sparql
    sparql.check_complexity(data.replace(" . ", " . " * 400))    # plain data: any number of triples
    status, _, body = call(update_client, "POST", SPARQL, data.encode(),
                           {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert status == 204, body


def test_head_is_get_without_a_body(client):
    url = SPARQL + "?query=" + urllib.parse.quote(PAIRS)
    got = call(client, "GET", url, headers={"Accept": "text/csv"})
    head = call(client, "HEAD", url, headers={"Accept": "text/csv"})
    assert head[0] == got[0] == 200 and head[2] == b""
    assert head[1]["Content-Type"] == got[1]["Content-Type"]
    assert head[1]["Content-Length"] == got[1]["Content-Length"] == str(len(got[2]))
    status, headers, body = call(client, "HEAD", SPARQL)          # the service description
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and body == b""


@pytest.mark.parametrize("url", [SPARQL + "?format=yaml&query=" + urllib.parse.quote(PAIRS),
                                 SPARQL + "?format=text/yaml&query=" + urllib.parse.quote(CONSTRUCT),
                                 "/queries/country-pairs?format=yaml"])
def test_unknown_format_is_400_naming_the_choices(client, url):
    status, _, body = call(client, "GET", url, headers={"Accept": "application/sparql-results+json"})
    assert status == 400
    msg = error_of(body)["message"]
    assert "unknown format" in msg and "use one of" in msg
    assert ("csv" in msg and "tsv" in msg) or ("turtle" in msg and "ntriples" in msg)


def test_a_format_of_the_other_form_falls_back_to_accept(client):
    """format=turtle on a SELECT (or csv on a CONSTRUCT) names a real format, of the other kind of
    result: Accept decides, as tests/test_formats.py has it."""
    url = SPARQL + "?format=turtle&query=" + urllib.parse.quote(PAIRS)
    status, headers, _ = call(client, "GET", url, headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")


def test_reads_are_cross_origin_writes_are_not(client):
    origin = {"Origin": "https://elsewhere.example"}
    status, headers, _ = call(client, "GET", SPARQL + "?query=" + urllib.parse.quote("ASK {}"), headers=origin)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" not in headers["Access-Control-Allow-Headers"]
    status, headers, _ = call(client, "OPTIONS", SPARQL, headers={        # preflight of an update
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert status == 204 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call(client, "POST", SPARQL, b"CLEAR ALL", {
        **origin, "Content-Type": "application/sparql-update", "Authorization": "Bearer x"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call(client, "POST", "/validate", b"<urn:a> <urn:b> <urn:c> .",
                              {**origin, "Content-Type": "text/turtle"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"    # writes nothing


def test_cors_origins_are_configurable(loaded_store):
    from kg.graph.oxigraph import Store
    from conftest import make_app
    app = make_app(Store(loaded_store, read_only=True), ALLOW_UPDATE=True,
                   CORS_ORIGINS="https://a.example, https://b.example", CORS_WRITE_ORIGINS="https://a.example")
    c = app.test_client()
    url = SPARQL + "?query=" + urllib.parse.quote("ASK {}")
    _, headers, _ = call(c, "GET", url, headers={"Origin": "https://b.example"})
    assert headers["Access-Control-Allow-Origin"] == "https://b.example" and "Origin" in headers["Vary"]
    _, headers, _ = call(c, "GET", url, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers and "Origin" in headers["Vary"]
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Authorization"}
    _, headers, _ = call(c, "OPTIONS", SPARQL, headers={"Origin": "https://a.example", **preflight})
    assert headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    _, headers, _ = call(c, "OPTIONS", SPARQL, headers={"Origin": "https://b.example", **preflight})
    assert "Access-Control-Allow-Origin" not in headers
    off = make_app(Store(loaded_store, read_only=True), CORS_ORIGINS="").test_client()
    _, headers, _ = call(off, "GET", url, headers={"Origin": "https://b.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_syntax_error_positions_count_the_users_lines(loaded_store):
    """`tdkg query` puts the usual PREFIX lines in front; the position is the user's line 1."""
    from kg.graph import sparql
    from kg.graph.oxigraph import Store
    from kg.graph.vocab import PREFIXES
    with pytest.raises(SyntaxError, match=r"error at 1:25\b"):
        sparql.query_with_prefixes(Store(loaded_store, read_only=True), "SELECT * WHERE { ?s ?p }", PREFIXES)
    with pytest.raises(SyntaxError, match=r"error at 2:"):
        sparql.query_with_prefixes(Store(loaded_store, read_only=True), "SELECT *\nWHERE { ?s ?p }", PREFIXES)
    with pytest.raises(sparql.QueryTooComplex):
        sparql.query_with_prefixes(Store(loaded_store, read_only=True), "ASK " + "{" * 3000 + "}" * 3000, PREFIXES)
