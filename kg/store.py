"""The embedded store: an on-disk Oxigraph database, one named graph per article.

Why Oxigraph: it is a real SPARQL 1.1 engine, transactional and on disk, and
10–100× faster than rdflib's own engine on the aggregates analysts run (see
``../shared/notes/stack-baselines.md``). Queries that name no graph see the
union of all graphs, as CONTRACT.md requires.

Writes are atomic per call: :meth:`Store.replace_graphs` drops and inserts a
batch of article graphs in one SPARQL Update transaction, so a crash or a
``kill -9`` leaves every article either wholly stored or absent.
"""
from __future__ import annotations

import io
import os
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


class Store:
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

    # ------------------------------------------------------------ writing

    def replace_graphs(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Replace named graphs atomically: ``(graph IRI, N-Triples text)`` pairs, one transaction."""
        parts = []
        for iri, nt in graphs:
            parts.append(f"DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{nt}\n}} }}")
        if parts:
            self._db.update(" ;\n".join(parts))

    def replace_graph(self, g: Graph) -> None:
        self.replace_graphs([(str(g.identifier), ntriples(g))])

    def ensure_reference(self) -> None:
        """(Re)write the reference graph when the ontology, topics or gazetteer changed."""
        g = reference_graph()
        if len(g) != self.count(REFERENCE_GRAPH):
            self.replace_graph(g)

    def drop_graph(self, iri: str) -> None:
        self._db.update(f"DROP SILENT GRAPH <{iri}>")

    def flush(self) -> None:
        if self.path is not None:
            self._db.flush()

    # ------------------------------------------------------------ reading

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

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update in one transaction."""
        self._db.update(sparql)

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
        self._db.update(sparql, base_iri=base_iri)
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
                self._db.update(" ;\n".join(undo))
                return report
        return None

    def _dump(self, graph: str | None) -> str:
        buf = io.BytesIO()
        self._db.dump(buf, ox.RdfFormat.N_TRIPLES,
                      from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
        return buf.getvalue().decode("utf-8")

    def select(self, sparql: str, substitutions: dict | None = None) -> list[dict]:
        """SELECT rows as dicts of Python strings (for the CLI and tests)."""
        res = self.query(PREFIXES + sparql, substitutions)
        names = [v.value for v in res.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in res]

    def count(self, graph: str | None = None) -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph \
            else "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        return int(next(iter(self._db.query(q)))["n"].value)

    def article_hashes(self) -> dict[str, str]:
        """Article graph IRI -> sha256 of the text stored for it."""
        rows = self.select("SELECT ?g ?h WHERE { GRAPH ?g { ?a a tdo:Article ; tdo:sha256 ?h } }")
        return {r["g"]: r["h"] for r in rows}

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._db.named_graphs())

    def graph_ntriples(self, iri: str) -> set[str]:
        """The triples of one named graph as a set of N-Triples lines (for comparisons)."""
        buf = io.BytesIO()
        self._db.dump(buf, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
        return {line for line in buf.getvalue().decode("utf-8").splitlines() if line.strip()}

    def export(self, fmt: str, out) -> None:
        """Write the dataset (nq, trig, jsonld keep graphs; ttl, nt the union) to a binary file."""
        if fmt in ("nq", "trig"):
            self._db.dump(out, EXPORT_FORMATS[fmt])
            return
        from rdflib import Dataset
        from .rdf import bind_prefixes
        buf = io.BytesIO()
        self._db.dump(buf, ox.RdfFormat.N_QUADS)
        ds = bind_prefixes(Dataset())
        ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
        if fmt == "jsonld":                      # JSON-LD keeps the named graphs
            out.write(ds.serialize(format="json-ld", encoding="utf-8"))
            return
        union = bind_prefixes(Graph())
        for s, p, o, _g in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        out.write(union.serialize(format="turtle" if fmt == "ttl" else "nt", encoding="utf-8"))

    def stats(self) -> dict[str, int]:
        q = """SELECT ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {
          VALUES (?k ?c) { ("articles" tdo:Article) ("countries" tdo:Country) ("persons" tdo:Person)
                           ("organizations" tdo:Organization) ("agreements" tdo:Agreement)
                           ("engagements" tdo:Engagement) ("places" tdo:Place) }
          GRAPH ?g { ?x a ?t } FILTER(?g != <%s>)
          GRAPH <%s> { ?t rdfs:subClassOf* ?c }
        } GROUP BY ?k""" % (REFERENCE_GRAPH, REFERENCE_GRAPH)
        out = {k: 0 for k in ("articles", "countries", "persons", "organizations", "agreements",
                              "engagements", "places")}
        for r in self.select(q):
            out[r["k"]] = int(r["n"])
        out["triples"] = self.count()
        out["graphs"] = len(list(self._db.named_graphs()))
        return out
