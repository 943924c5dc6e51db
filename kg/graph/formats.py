"""The one table of RDF and SPARQL results formats, and small lookups over it.

Each :class:`Format` has the short names that ``?format=`` and the CLI take, the
canonical media type and file extension (from pyoxigraph's ``RdfFormat`` and
``QueryResultsFormat``, through :mod:`kg.graph.oxigraph`), the other media types
and extensions that mean the same format, what it holds (SPARQL results, triples,
or quads), and the name rdflib gives its parser.

>>> by_name("ttl").media_type
'text/turtle'
>>> by_name("xml").media_type, by_name("xml", results=False).media_type
('application/sparql-results+xml', 'application/rdf+xml')
>>> by_media_type("application/json; charset=utf-8").key
'json'
>>> rdflib_parser("graph.jsonld"), rdflib_parser(".NT"), rdflib_parser("x.owl")
('json-ld', 'nt', 'xml')
>>> offered("CONSTRUCT")[:2]
['text/turtle', 'application/n-triples']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from . import oxigraph as ox

RESULTS, GRAPH, DATASET = "results", "graph", "dataset"
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    key: str                          # our name for it: json, xml, csv, tsv, turtle, …
    names: tuple[str, ...]            # what ?format= and the CLI accept
    kind: str                         # RESULTS (SELECT/ASK), GRAPH (triples) or DATASET (quads)
    engine: object                    # pyoxigraph's RdfFormat / QueryResultsFormat (only oxigraph.py reads it)
    rdflib: str | None = None         # rdflib's parser/serialiser name (None: results formats)
    aliases: tuple[str, ...] = ()     # other media types that mean this format
    extensions: tuple[str, ...] = ()  # other file extensions, no dot
    served: bool = True               # offered by the endpoint's negotiation
    media_type: str = field(init=False)   # canonical, from pyoxigraph, without parameters
    extension: str = field(init=False)    # canonical, from pyoxigraph, no dot
    iri: str = field(init=False)          # the W3C formats IRI (service descriptions)

    def __post_init__(self):
        mime = self.engine.media_type.split(";")[0].strip()
        object.__setattr__(self, "media_type", mime)
        object.__setattr__(self, "extension", self.engine.file_extension)
        iri = self.engine.iri
        if self.key == "jsonld":        # pyoxigraph 0.5 says https://www.w3.org/ns/formats/data/JSON-LD
            iri = W3C_FORMATS + "JSON-LD"
        object.__setattr__(self, "iri", iri)

    @property
    def is_results(self) -> bool:
        return self.kind == RESULTS

    @property
    def is_rdf(self) -> bool:
        """Triples or quads: an answer to CONSTRUCT/DESCRIBE, a file to load or validate."""
        return self.kind in (GRAPH, DATASET)

    @property
    def is_dataset(self) -> bool:
        """Keeps named graphs (N-Quads, TriG, JSON-LD)."""
        return self.kind == DATASET

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def all_extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.extensions)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


_R, _Q = ox.RdfFormat, ox.QueryResultsFormat
FORMATS: tuple[Format, ...] = (
    # SPARQL results (SELECT, ASK)
    Format("json", ("json", "srj"), RESULTS, _Q.JSON, aliases=("application/json",)),
    Format("xml", ("xml", "srx"), RESULTS, _Q.XML, aliases=("application/xml", "text/xml")),
    Format("csv", ("csv",), RESULTS, _Q.CSV),
    Format("tsv", ("tsv",), RESULTS, _Q.TSV),
    # RDF (CONSTRUCT, DESCRIBE; export, load and validate)
    Format("turtle", ("turtle", "ttl", "n3"), GRAPH, _R.TURTLE, "turtle", aliases=("application/x-turtle",),
           extensions=("turtle",)),
    Format("ntriples", ("ntriples", "nt", "n-triples"), GRAPH, _R.N_TRIPLES, "nt", aliases=("text/plain",),
           extensions=("ntriples",)),
    Format("rdfxml", ("rdfxml", "rdf", "rdf+xml", "xml"), GRAPH, _R.RDF_XML, "xml",
           extensions=("xml", "owl")),
    Format("jsonld", ("jsonld", "json-ld", "json"), DATASET, _R.JSON_LD, "json-ld", extensions=("json",)),
    Format("nquads", ("nquads", "nq"), DATASET, _R.N_QUADS, "nquads"),
    Format("trig", ("trig",), DATASET, _R.TRIG, "trig"),
    # N3 files are read (validate); ?format=n3 is answered in Turtle, the N3 we write
    Format("n3", (), GRAPH, _R.N3, "n3", served=False),
)


def _family(results: bool | None):
    return [f for f in FORMATS if results is None or f.is_results == results]


def by_name(name: str, *, results: bool | None = None) -> Format | None:
    """A short name (``?format=``, ``--format``); ``results=False`` reads "xml"/"json" as RDF/XML
    and JSON-LD; with ``results=None`` the results formats come first."""
    n = (name or "").strip().lower()
    return next((f for f in _family(results) if n in f.names), None)


def by_media_type(mime: str, *, results: bool | None = None) -> Format | None:
    """The format of a media type, canonical or alias; parameters (charset, q) are ignored."""
    m = (mime or "").split(";")[0].strip().lower()
    return next((f for f in _family(results) if m in f.media_types), None)


def by_extension(ext_or_path: str | PurePath, *, results: bool = False) -> Format | None:
    """The format of a file extension (``"ttl"``, ``".ttl"`` or a path); RDF unless ``results``."""
    s = str(ext_or_path)
    ext = (PurePath(s).suffix if "." in s.lstrip(".") or "/" in s else s).lstrip(".").lower()
    return next((f for f in _family(results) if ext in f.all_extensions), None)


def rdflib_parser(ext_or_path: str | PurePath) -> str | None:
    """rdflib's format name for an RDF file's extension (``.ttl`` -> ``turtle``), None if unknown."""
    f = by_extension(ext_or_path)
    return f.rdflib if f else None


def offered(form: str) -> list[str]:
    """The media types the endpoint answers a query form with, the default first, aliases last."""
    fams = [f for f in FORMATS if f.served and
            (f.is_rdf if form in ("CONSTRUCT", "DESCRIBE") else f.is_results)]
    return [f.media_type for f in fams] + [a for f in fams for a in f.aliases]


def default_for(form: str) -> Format:
    """JSON for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE."""
    return by_media_type(offered(form)[0])


def names(*, results: bool | None = None, dataset: bool | None = None) -> list[str]:
    """Every short name of a family (for CLI choices and error messages)."""
    return [n for f in _family(results) if dataset is None or f.is_dataset == dataset for n in f.names]
