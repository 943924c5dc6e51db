"""The gate in front of the store: our shapes on a data graph, with what it refers to.

:func:`validate` checks a data graph with the states it names (from the gazetteer,
as the store's reference graph describes them), the store's ``context`` if given,
and the ontology and topics (the ontology graph, mixed in by the engine), and reports
on the data's own nodes. :func:`validate_batch` checks many article graphs in one
engine call: the engine has a fixed cost per call (``bench/validate.py``).
"""
from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef

from ..graph.rdf import COUNTRY, country_graph, standalone
from ..graph.vocab import ontology_file
from . import engine
from .report import Report, read_report


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ontology_file(name), format="turtle")
    return g


@lru_cache(maxsize=1)
def _countries() -> Graph:
    return country_graph()


def validate(data: Graph, lang: str = "en", context: Graph | None = None) -> Report:
    """Validate a data graph against our shapes, with the ontology and topics mixed in.

    ``context`` adds what the store knows about other nodes the data refers to.
    Findings about the context's own nodes are not reported: the data's subjects are,
    and IRIs it refers to that nothing else describes (a topic:blockchain outside the
    scheme).
    """
    return _validate(data, lang, context, owned=False)


def _validate(data: Graph, lang: str, context: Graph | None, owned: bool) -> Report:
    """:func:`validate`; ``owned``: ``data`` is the caller's own copy and may be extended."""
    subjects = set(data.subjects())
    objects = {o for o in data.objects() if isinstance(o, URIRef)}
    if owned:
        full = data
    else:
        full = Graph()
        full += data
    referred = objects | ({o for o in context.objects() if isinstance(o, URIRef)} if context is not None else set())
    for node in {o for o in referred if str(o).startswith(str(COUNTRY))}:
        for t in _countries().triples((node, None, None)):
            full.add(t)
    if context is not None:
        full += context
    _conforms, report = engine.run_shacl(full, shapes_graph(), ontology_graph())
    described = set(full.subjects()) - subjects
    own = subjects | {o for o in objects if o not in described}
    result = read_report(report, lang, keep=lambda focus: focus in own)
    result.graph = report
    return result


def validate_batch(graphs: list[Graph]) -> list[Report]:
    """Validate several article graphs in one engine call; re-check alone only the articles
    that hold a node with a violation.

    Article graphs are checked as a store holding them shows them, with the label the
    entity graph gives each entity they spell (:func:`kg.graph.rdf.standalone`, over the
    whole batch, so one entity has one label). An article is judged alone when the
    union's report names one of its nodes, and from the union's report otherwise.
    """
    if not graphs:
        return []
    if len(graphs) == 1:
        return [validate(standalone(graphs[0]))]
    union = Graph()
    for g in graphs:
        union += g
    report = _validate(standalone(union), "en", None, owned=True)
    bad = {URIRef(f.focus) for f in report.violations}
    out = []
    for g in graphs:
        subjects = set(g.subjects())
        if bad & subjects:
            out.append(validate(standalone(g)))
        else:                                   # warnings still belong to their article
            out.append(Report(True, [f for f in report.findings if URIRef(f.focus) in subjects]))
    return out
