"""Where the graph lives: one interface, two backends — code above it does not know which.

- :class:`Store`, the default: an embedded, on-disk Oxigraph database. Why Oxigraph:
  a real SPARQL 1.1 engine, transactional and on disk, 10–100× faster than rdflib's
  own engine on the aggregates analysts run (``../shared/notes/stack-baselines.md``).
- :class:`RemoteStore`: any SPARQL 1.1 server reached by the Protocol and Update
  (Virtuoso, Oxigraph server, Fuseki, GraphDB …), for a team's shared, server-grade
  store. Results come back as the same pyoxigraph objects the embedded store gives.

One named graph per article; queries that name no graph see the union of all graphs,
as CONTRACT.md requires. :meth:`replace_graphs` drops and inserts a batch of article
graphs in one update request (one transaction on the embedded store), so a crash or
a ``kill -9`` leaves every article either wholly stored or absent. Example::

    store = open_store("tdkg-store")
    store = open_store("sparql+http://127.0.0.1:8890/sparql")
"""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .identity import BASE

REFERENCE_GRAPH = BASE + "graph/reference"     # ontology, topic scheme, countries
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
DEFAULT_STORE = "tdkg-store"
PREFIXES = """PREFIX tdo: <https://w3id.org/tdkg/ontology#>
PREFIX tdr: <https://w3id.org/tdkg/resource/>
PREFIX country: <https://w3id.org/tdkg/country/>
PREFIX topic: <https://w3id.org/tdkg/topic/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
EXPORT_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                  "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


class StoreError(RuntimeError):
    pass


def store_path(cli_value: str | None = None) -> str:
    return cli_value or os.environ.get("TDKG_STORE") or DEFAULT_STORE


def is_remote(spec: str) -> bool:
    return spec.startswith(("sparql+http://", "sparql+https://"))


def open_store(spec: str | None = None, *, read_only: bool = False, update_endpoint: str | None = None,
               graph_store: str | None = None):
    """The store a ``--store``/``TDKG_STORE`` value names: a folder, or ``sparql+http(s)://…``.

    For a remote store the update endpoint comes from ``update_endpoint`` or
    ``TDKG_UPDATE_ENDPOINT`` (default: the query endpoint), graphs are written through the
    Graph Store Protocol where ``graph_store`` or ``TDKG_GRAPH_STORE`` names its endpoint,
    credentials only from the environment: ``TDKG_STORE_USER``, ``TDKG_STORE_PASSWORD``,
    ``TDKG_STORE_AUTH=basic|digest``.
    """
    spec = store_path(spec)
    if is_remote(spec):
        url = spec[len("sparql+"):]
        return RemoteStore(url, update_endpoint or os.environ.get("TDKG_UPDATE_ENDPOINT") or url,
                           user=os.environ.get("TDKG_STORE_USER"),
                           password=os.environ.get("TDKG_STORE_PASSWORD"),
                           auth=os.environ.get("TDKG_STORE_AUTH", "basic"),
                           graph_store_url=graph_store or os.environ.get("TDKG_GRAPH_STORE") or None)
    if read_only and not Path(spec).exists():
        raise StoreError(f"no store at {spec}: run 'tdkg load data/articles' first")
    return Store(spec, read_only=read_only)


def reference_graph() -> Graph:
    """Ontology, topic scheme and every country of the gazetteer, as one graph."""
    from .rdf import bind_prefixes, country_graph
    g = bind_prefixes(Graph(identifier=URIRef(REFERENCE_GRAPH)))
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    g += country_graph()
    return g


def ntriples(g: Graph) -> str:
    return g.serialize(format="nt")


class BaseStore:
    """What every backend offers; the generic parts are written once, on SPARQL."""

    # ------------------------------------------------------------ backend primitives
    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True,
              default_graph: list | None = None, named_graphs: list | None = None,
              base_iri: str | None = None):
        raise NotImplementedError

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        raise NotImplementedError

    def named_graphs(self) -> list[str]:
        raise NotImplementedError

    def _dump(self, graph: str | None) -> str:
        """One graph (None: the default graph) as N-Triples text."""
        raise NotImplementedError

    def flush(self) -> None:
        pass

    # ------------------------------------------------------------ writing
    def replace_graphs(self, graphs: Iterable[tuple[str, str]], new: frozenset = frozenset()) -> None:
        """Replace named graphs as a unit: ``(graph IRI, N-Triples text)`` pairs, one update request.
        Graphs in ``new`` are known not to be stored yet: no drop is sent for them (a server
        like Virtuoso pays for every ``DROP SILENT GRAPH``)."""
        parts = []
        for iri, nt in graphs:
            if iri not in new:
                parts.append(f"DROP SILENT GRAPH <{iri}>")
            lines = nt.splitlines()
            plain = [l for l in lines if l.strip() and "_:" not in l]
            blank = [l for l in lines if "_:" in l]
            for i in range(0, len(plain), 1000):      # servers limit the size of one operation
                body = "\n".join(plain[i:i + 1000])
                parts.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{body}\n}} }}")
            if blank:
                # blank nodes (the ontology's owl:unionOf lists) may not stand in INSERT DATA on
                # every server (Virtuoso): a template with an empty WHERE makes them
                body = "\n".join(blank)
                parts.append(f"INSERT {{ GRAPH <{iri}> {{\n{body}\n}} }} WHERE {{}}")
        if parts:
            self.update(" ;\n".join(parts))

    def replace_graph(self, g: Graph) -> None:
        self.replace_graphs([(str(g.identifier), ntriples(g))])

    def ensure_reference(self) -> None:
        """(Re)write the reference graph (ontology, topics, countries) when it changed,
        so SPARQL over the store alone answers subclass questions."""
        g = reference_graph()
        if len(g) != self.count(REFERENCE_GRAPH):
            self.replace_graph(g)

    def drop_graph(self, iri: str) -> None:
        self.update(f"DROP SILENT GRAPH <{iri}>")

    def guarded_update(self, sparql: str, check, base_iri: str | None = None) -> object | None:
        """Run an update, then ``check(rdflib_graph)`` each graph it may have changed (the
        graphs its IRIs name, and the default graph). If a check fails, those graphs are
        put back as they were and the failing report is returned; else None.
        Callers run guarded updates one at a time."""
        import re
        from rdflib import Graph as RGraph
        named = set(re.findall(r"<([^<>\s]+)>", sparql))
        graphs = [None] + sorted(named & set(self.named_graphs()))
        before = {g: self._dump(g) for g in graphs}
        self.update(sparql, base_iri=base_iri)
        graphs += sorted((named & set(self.named_graphs())) - set(graphs))
        for g in graphs:
            data = self._dump(g)
            if not data.strip():
                continue
            report = check(RGraph().parse(data=data, format="nt"))
            if not report.conforms:
                undo = []
                for x in graphs:
                    target = f"GRAPH <{x}>" if x else "DEFAULT"
                    undo.append(f"CLEAR SILENT {target}")
                    if before.get(x, "").strip():
                        inner = f"GRAPH <{x}> {{ {before[x]} }}" if x else before[x]
                        undo.append(f"INSERT DATA {{ {inner} }}")
                self.update(" ;\n".join(undo))
                return report
        return None

    # ------------------------------------------------------------ reading
    def select(self, sparql: str, substitutions: dict | None = None) -> list[dict]:
        """SELECT rows as dicts of Python strings (for the CLI and tests)."""
        res = self.query(PREFIXES + sparql, substitutions)
        names = [v.value for v in res.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in res]

    def count(self, graph: str | None = None) -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph \
            else "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        return int(next(iter(self.query(q, union=False)))["n"].value)

    def article_hashes(self) -> dict[str, str]:
        """Article graph IRI -> sha256 of the text stored for it."""
        rows = self.select("SELECT ?g ?h WHERE { GRAPH ?g { ?a a tdo:Article ; tdo:sha256 ?h } }")
        return {r["g"]: r["h"] for r in rows}

    def graph_ntriples(self, iri: str) -> set[str]:
        """The triples of one named graph as a set of N-Triples lines (for comparisons)."""
        return {line for line in self._dump(iri).splitlines() if line.strip()}

    def export(self, fmt: str, out) -> None:
        """Write the dataset (nq, trig, jsonld keep graphs; ttl, nt the union) to a binary file."""
        from rdflib import Dataset
        from .rdf import bind_prefixes
        nq = "".join(line[:-1].rstrip() + f" <{g}> .\n" for g in self.named_graphs()
                     for line in self._dump(g).splitlines() if line.strip())
        if fmt == "nq":
            out.write(nq.encode("utf-8"))
            return
        ds = bind_prefixes(Dataset())
        ds.parse(data=nq, format="nquads")
        if fmt in ("trig", "jsonld"):
            out.write(ds.serialize(format="trig" if fmt == "trig" else "json-ld", encoding="utf-8"))
            return
        union = bind_prefixes(Graph())
        for s, p, o, _g in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        out.write(union.serialize(format="turtle" if fmt == "ttl" else "nt", encoding="utf-8"))

    def stats(self) -> dict[str, int]:
        """Counts by class (subclasses included), triples and graphs."""
        out = {}
        for key, cls in (("articles", "Article"), ("persons", "Person"), ("organizations", "Organization"),
                         ("agreements", "Agreement"), ("engagements", "Engagement"), ("places", "Place")):
            q = (f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?t . "
                 f"?t rdfs:subClassOf* tdo:{cls} }}")
            out[key] = int(self.select(q)[0]["n"])
        out["countries"] = int(self.select(
            "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a tdo:mentions ?c . ?c a tdo:Country }")[0]["n"])
        out["triples"] = self.count()
        out["graphs"] = len(self.named_graphs())
        return out


class Store(BaseStore):
    """An Oxigraph store on disk (or in memory with ``path=None``)."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = str(path) if path is not None else None
        try:
            if path is None:
                self._db = ox.Store()
            elif read_only:
                self._db = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._db = ox.Store(str(path))
        except OSError as e:
            raise StoreError(f"cannot open store {path}: {e}") from None

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True,
              default_graph: list | None = None, named_graphs: list | None = None,
              base_iri: str | None = None):
        """Run a SPARQL query; without FROM/GRAPH it sees the union of all graphs.

        ``default_graph``/``named_graphs`` (lists of pyoxigraph NamedNodes) set the
        dataset as the protocol's default-graph-uri/named-graph-uri do.
        """
        kwargs = {"base_iri": base_iri} if base_iri else {}
        if default_graph:
            kwargs["default_graph"] = default_graph
        if named_graphs:
            kwargs["named_graphs"] = named_graphs
        return self._db.query(sparql, use_default_graph_as_union=union and not default_graph,
                              substitutions=substitutions or None, **kwargs)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction."""
        self._db.update(sparql, base_iri=base_iri)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._db.named_graphs())

    def _dump(self, graph: str | None) -> str:
        buf = io.BytesIO()
        self._db.dump(buf, ox.RdfFormat.N_TRIPLES,
                      from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
        return buf.getvalue().decode("utf-8")

    def flush(self) -> None:
        if self.path is not None:
            self._db.flush()

    def export(self, fmt: str, out) -> None:
        if fmt in ("nq", "trig"):
            self._db.dump(out, EXPORT_FORMATS[fmt])
            return
        super().export(fmt, out)


class RemoteStore(BaseStore):
    """A SPARQL 1.1 server reached over HTTP (Protocol for queries, Update for writes).

    Queries go as form POSTs (Virtuoso hangs on ``application/sparql-query`` bodies)
    asking for JSON results or N-Triples; typed parameters are bound by escaped
    ``BIND`` clauses; graphs are written by SPARQL Update, or by the Graph Store
    Protocol where its endpoint is given; transient errors (connection, 5xx) are
    retried with backoff. The server's default graph must be the union of its graphs
    (Virtuoso's default; ``oxigraph serve --union-default-graph``).
    """

    RETRIES = (0.5, 1.0, 2.0, 4.0)

    def __init__(self, query_url: str, update_url: str | None = None, *, user: str | None = None,
                 password: str | None = None, auth: str = "basic", timeout: float = 120.0,
                 graph_store_url: str | None = None):
        import requests
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth
        self.query_url, self.update_url, self.timeout = query_url, update_url or query_url, timeout
        self.graph_store_url = graph_store_url
        self.path = None
        self._http = requests.Session()
        if user:
            if auth not in ("basic", "digest"):
                raise StoreError(f"TDKG_STORE_AUTH={auth}: use basic or digest")
            self._http.auth = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(user, password or "")

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _post(self, url: str, data: dict | bytes, accept: str | None = None, method: str = "POST",
              content_type: str | None = None):
        import requests
        headers = {"Accept": accept} if accept else {}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt, pause in enumerate((0.0, *self.RETRIES)):
            if pause:
                time.sleep(pause)
            try:
                r = self._http.request(method, url, data=data, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt == len(self.RETRIES):
                    raise StoreError(f"{url}: {e}") from None
                continue
            if r.status_code >= 500 and attempt < len(self.RETRIES) and not _is_syntax_error(r):
                continue
            if r.status_code >= 400:
                msg = r.content.decode("utf-8", "replace").strip()[:500]
                if r.status_code in (400, 500) and _is_syntax_error(r):
                    raise SyntaxError(msg)
                raise StoreError(f"{url}: HTTP {r.status_code}: {msg}")
            return r
        raise StoreError(f"{url}: no answer after {len(self.RETRIES) + 1} attempts")

    def query(self, sparql: str, substitutions: dict | None = None, union: bool = True,
              default_graph: list | None = None, named_graphs: list | None = None,
              base_iri: str | None = None):
        from .sparql import query_form
        text = bind_values(sparql, substitutions) if substitutions else sparql
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        data: dict = {"query": ascii_escaped(text)}
        if default_graph:
            data["default-graph-uri"] = [g.value for g in default_graph]
        if named_graphs:
            data["named-graph-uri"] = [g.value for g in named_graphs]
        form = query_form(sparql)
        if form in ("CONSTRUCT", "DESCRIBE"):
            r = self._post(self.query_url, data, "application/n-triples, text/plain;q=0.5")
            return list(ox.parse(r.content, ox.RdfFormat.N_TRIPLES))
        r = self._post(self.query_url, data, "application/sparql-results+json")
        return ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql
        self._post(self.update_url, {"update": text})

    def replace_graphs(self, graphs: Iterable[tuple[str, str]], new: frozenset = frozenset()) -> None:
        """With a Graph Store Protocol endpoint (``TDKG_GRAPH_STORE``), one ``PUT`` per graph:
        the server replaces it as a unit, from N-Triples it parses natively; else SPARQL Update."""
        if not self.graph_store_url:
            return super().replace_graphs(graphs, new)
        from urllib.parse import quote
        for iri, nt in graphs:
            self._post(f"{self.graph_store_url}?graph={quote(iri, safe='')}", nt.encode("utf-8"),
                       method="PUT", content_type="application/n-triples")

    # graphs a server keeps for itself (Virtuoso's schemas, DAV, LDP): not part of our dataset
    SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://localhost:8890/", "http://localuriqaserver/",
                     "http://www.w3.org/ns/ldp", "urn:activitystreams-owl", "http://www.w3.org/2002/07/owl",
                     "virtrdf")

    def _ours(self, g: str) -> bool:
        return not any(g.startswith(p) or p in g for p in self.SYSTEM_GRAPHS)

    def named_graphs(self) -> list[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(g for g in (row["g"].value for row in res) if self._ours(g))

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return super().count(graph)
        res = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(r["n"].value) for r in res if self._ours(r["g"].value))

    def _dump(self, graph: str | None) -> str:
        if graph is None:
            return ""                    # the default graph of a union-default server is not ours
        triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        buf = io.BytesIO()
        ox.serialize(triples, buf, ox.RdfFormat.N_TRIPLES)
        return buf.getvalue().decode("utf-8")


def ascii_escaped(sparql: str) -> str:
    r"""A query with every non-ASCII character as a SPARQL codepoint escape (\uXXXX), which
    servers decode before parsing: Virtuoso 7.2 garbles non-ASCII literals in query text
    ("؛" of a GROUP_CONCAT separator came back as "?").

    >>> ascii_escaped('SELECT * WHERE { ?s ?p "مصر" }')
    'SELECT * WHERE { ?s ?p "\\u0645\\u0635\\u0631" }'
    """
    return "".join(c if ord(c) < 128 else (f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}")
                   for c in sparql)


def bind_values(sparql: str, substitutions: dict) -> str:
    """Bind variables to RDF terms by BIND clauses opening the WHERE clause.

    The terms are pyoxigraph terms (checked by :mod:`kg.queries`), written in
    N-Triples syntax — never user text pasted into the query. (BIND rather than
    VALUES, and \\u escapes: Virtuoso 7.2 garbles non-ASCII literals in VALUES and BIND.)

    >>> bind_values("SELECT ?x WHERE { ?x ?p ?c }", {ox.Variable("c"): ox.NamedNode("http://e/c")})
    'SELECT ?x WHERE { BIND(<http://e/c> AS ?c) ?x ?p ?c }'
    """
    from .sparql import blank
    # non-ASCII as \\u escapes: Virtuoso 7.2 garbles bound non-ASCII literals otherwise
    block = ascii_escaped(" ".join(f"BIND({term} AS ?{var.value})" for var, term in substitutions.items()))
    skeleton = blank(sparql)
    m = re.search(r"\bWHERE\s*\{", skeleton, re.I) or re.search(r"\{", skeleton)
    if not m:
        raise SyntaxError("no WHERE clause to bind parameters in")
    return sparql[:m.end()] + " " + block + sparql[m.end():]


def _is_syntax_error(r) -> bool:
    text = r.content[:2000].decode("utf-8", "replace").lower()
    return any(w in text for w in ("syntax error", "parse error", "sp030", "sq074", "error at "))
