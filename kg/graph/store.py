"""Where the graph lives: one interface, two backends — code above it does not know which.

- :class:`kg.graph.oxigraph.Store`, the default: an embedded, on-disk Oxigraph database.
  Why Oxigraph: a real SPARQL 1.1 engine, transactional and on disk, 10–100× faster than
  rdflib's own engine on the aggregates analysts run (``../shared/notes/stack-baselines.md``).
- :class:`kg.graph.remote.RemoteStore`: any SPARQL 1.1 server reached by the Protocol and
  Update (Virtuoso, Oxigraph server, Fuseki, GraphDB …), for a team's shared, server-grade
  store. Results come back as the same objects the embedded store gives.

This module holds what both share, written once on SPARQL (:class:`BaseStore`), and
:func:`open_store`, which picks the backend.

One named graph per article; queries that name no graph see the union of all graphs,
as CONTRACT.md requires. :meth:`replace_graphs` drops and inserts a batch of article
graphs in one update request (one transaction on the embedded store), so a crash or
a ``kill -9`` leaves every article either wholly stored or absent. Example::

    store = open_store("tdkg-store")
    store = open_store("sparql+http://127.0.0.1:8890/sparql")
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, URIRef

from .rdf import bind_prefixes, country_graph
from .vocab import PREFIXES, REFERENCE_GRAPH, ontology_file

DEFAULT_STORE = "tdkg-store"


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
        from .remote import RemoteStore      # the backends subclass BaseStore: imported here
        url = spec[len("sparql+"):]
        return RemoteStore(url, update_endpoint or os.environ.get("TDKG_UPDATE_ENDPOINT") or url,
                           user=os.environ.get("TDKG_STORE_USER"),
                           password=os.environ.get("TDKG_STORE_PASSWORD"),
                           auth=os.environ.get("TDKG_STORE_AUTH", "basic"),
                           graph_store_url=graph_store or os.environ.get("TDKG_GRAPH_STORE") or None)
    if read_only and not Path(spec).exists():
        raise StoreError(f"no store at {spec}: run 'tdkg load data/articles' first")
    from .oxigraph import Store
    return Store(spec, read_only=read_only)


def memory_store() -> "BaseStore":
    """An empty embedded store in memory (tests, a server with no store folder)."""
    from .oxigraph import Store
    return Store(None)


def reference_graph() -> Graph:
    """Ontology, topic scheme and every country of the gazetteer, as one graph."""
    g = bind_prefixes(Graph(identifier=URIRef(REFERENCE_GRAPH)))
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ontology_file(name), format="turtle")
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

    def _construct(self, sparql: str) -> str:
        """The triples of a CONSTRUCT over the named graphs (no union), as N-Triples text."""
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
        named = set(re.findall(r"<([^<>\s]+)>", sparql))
        graphs = [None] + sorted(named & set(self.named_graphs()))
        before = {g: self._dump(g) for g in graphs}
        self.update(sparql, base_iri=base_iri)
        graphs += sorted((named & set(self.named_graphs())) - set(graphs))
        for g in graphs:
            data = self._dump(g)
            if not data.strip():
                continue
            report = check(Graph().parse(data=data, format="nt"))
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

    def context_of(self, data: Graph) -> Graph:
        """What the store says about the IRIs ``data`` refers to (their own triples, outside
        the reference graph): the context a user's file is validated in."""
        iris = sorted({n for n in set(data.subjects()) | set(data.objects())
                       if isinstance(n, URIRef) and ">" not in str(n)}, key=str)
        ctx = Graph()
        for i in range(0, len(iris), 200):
            values = " ".join(f"<{n}>" for n in iris[i:i + 200])
            q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} " \
                f"FILTER(?g != <{REFERENCE_GRAPH}>) }}"
            ctx.parse(data=self._construct(q), format="nt")
        return ctx

    def graph_ntriples(self, iri: str) -> set[str]:
        """The triples of one named graph as a set of N-Triples lines (for comparisons)."""
        return {line for line in self._dump(iri).splitlines() if line.strip()}

    def export(self, fmt: str, out) -> None:
        """Write the dataset (nq, trig, jsonld keep graphs; ttl, nt the union) to a binary file."""
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
