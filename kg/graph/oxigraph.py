"""Everything that is specific to pyoxigraph lives here; the rest of tdkg calls these.

- :class:`Store`: the embedded, on-disk Oxigraph database (one named graph per article).
- Terms and results: query parameters as RDF terms (:func:`iri`, :func:`literal`,
  :func:`variable`), what kind of result a query gave (:func:`result_form`), a term
  as SPARQL JSON or N-Triples text, results and triples parsed from and written to bytes.
- Formats: pyoxigraph's :class:`RdfFormat` and :class:`QueryResultsFormat` know the media
  types and file extensions; :mod:`kg.graph.formats` builds the one table from them.

Query results stay pyoxigraph objects from the store to the serialiser (both backends
give them), so nothing is converted on the way.
"""
from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox

from .store import BaseStore, StoreError

RdfFormat = ox.RdfFormat
QueryResultsFormat = ox.QueryResultsFormat
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# ---------------------------------------------------------------- terms

def iri(value: str) -> ox.NamedNode:
    """A named node; ValueError for text that is not an IRI."""
    return ox.NamedNode(value)


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def variable(name: str) -> ox.Variable:
    return ox.Variable(name)


def quad(triple, graph) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def is_blank(term) -> bool:
    return isinstance(term, ox.BlankNode)


def is_iri(term) -> bool:
    return isinstance(term, ox.NamedNode)


def is_literal(term) -> bool:
    return isinstance(term, ox.Literal)


def is_triple(term) -> bool:
    return isinstance(term, ox.Triple)


def ntriples_text(term) -> str:
    """A term in N-Triples syntax (``<http://e/x>``, ``"مصر"@ar``, ``<< s p o >>``)."""
    return str(term)


def result_form(result) -> str:
    """ASK, SELECT or GRAPH (a CONSTRUCT or DESCRIBE: triples) for what a query returned."""
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    return "GRAPH"


def variable_names(solutions) -> list[str]:
    return [v.value for v in solutions.variables]


# ---------------------------------------------------------------- parsing and writing

def parse_results(data: bytes, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON):
    return ox.parse_query_results(data, fmt)


def parse_triples(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
    """Triples or quads of an RDF document, blank node labels kept as written."""
    return list(ox.parse(data, fmt, rename_blank_nodes=False))


def serialize(items, fmt: ox.RdfFormat) -> bytes:
    """Triples (or quads) as bytes; triples in a dataset format are put in the default graph."""
    items = list(items)
    if fmt.supports_datasets and items and not isinstance(items[0], ox.Quad):
        items = [quad(t, ox.DefaultGraph()) for t in items]
    buf = io.BytesIO()
    ox.serialize(items, buf, fmt)
    return buf.getvalue()


# ---------------------------------------------------------------- the embedded store

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

    def query(self, sparql: str, substitutions: dict | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None):
        """Run a SPARQL query; without FROM/GRAPH it sees the default graph, which the store
        keeps as the merge of all named graphs (each distinct triple once).

        ``default_graph``/``named_graphs`` (lists of graph IRIs) set the dataset as the
        protocol's default-graph-uri/named-graph-uri do.
        """
        kwargs = {"base_iri": base_iri} if base_iri else {}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._db.query(sparql, substitutions=substitutions or None, **kwargs)

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

    def _construct(self, sparql: str) -> str:
        return serialize(self._db.query(sparql), ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def flush(self) -> None:
        if self.path is not None:
            self._db.flush()

    def export(self, fmt: str, out) -> None:
        """Straight from the engine: the named graphs in a dataset format, else the default graph
        (the merge); JSON-LD as :class:`BaseStore` writes it."""
        from .formats import by_name
        f = by_name(fmt, results=False)
        if f is None or f.key == "jsonld":
            return super().export(fmt, out)
        if f.is_dataset:
            named = (q for g in sorted(self._db.named_graphs(), key=lambda g: g.value) for q in self._db.quads_for_pattern(None, None, None, g))
            ox.serialize(named, out, f.engine)
        else:
            from .rdf import PREFIX_MAP
            self._db.dump(out, f.engine, from_graph=ox.DefaultGraph(),
                          **({"prefixes": PREFIX_MAP} if f.key == "turtle" else {}))
