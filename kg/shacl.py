"""SHACL gate: an article's graph (or a user's file) checked against ``ontology/shapes.ttl``.

pyshacl is the reference engine. It has a large fixed cost per call, so the
loader validates a *batch* of article graphs in one call and only re-checks
them one by one when the batch fails, to name the culprits
(``../shared/notes/stack-baselines.md``: ~1,500 triples/s, throughput grows
with batch size). Data graphs are plain in-memory rdflib graphs: pyshacl over
an Oxigraph-backed graph gives wrong results.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyshacl
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from .store import ONTOLOGY_DIR

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Finding:
    severity: str          # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str
    shape: str


@dataclass
class Report:
    conforms: bool                      # no Violation (warnings allowed)
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@lru_cache(maxsize=1)
def _countries() -> Graph:
    from .rdf import country_graph
    return country_graph()


def validate(data: Graph, lang: str = "en") -> Report:
    """Validate one data graph; the ontology and topic scheme are mixed in as context,
    and the states it refers to are described from the gazetteer (as the store's
    reference graph describes them)."""
    from .rdf import COUNTRY
    context = Graph()
    context += data
    for iso_node in {o for o in data.objects() if str(o).startswith(str(COUNTRY))}:
        for t in _countries().triples((iso_node, None, None)):
            context.add(t)
    _conforms, report, _text = pyshacl.validate(
        context, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        allow_warnings=True, advanced=True)
    return _read_report(report, lang)


def _read_report(report: Graph, lang: str) -> Report:
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue                                      # nested detail, not a top-level result
        messages = list(report.objects(r, SH.resultMessage))
        message = next((str(m) for m in messages if getattr(m, "language", None) == lang),
                       str(messages[0]) if messages else "")
        sev = report.value(r, SH.resultSeverity)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(report.value(r, SH.focusNode) or ""),
            path=str(report.value(r, SH.resultPath) or ""),
            value=str(report.value(r, SH.value) or ""),
            message=message,
            shape=str(report.value(r, SH.sourceShape) or "")))
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.path, f.message))
    return Report(not any(f.severity == "Violation" for f in findings), findings)


def validate_batch(graphs: list[Graph]) -> list[Report]:
    """Validate several article graphs: one pyshacl call when all conform, else one each."""
    if not graphs:
        return []
    union = Graph()
    for g in graphs:
        union += g
    report = validate(union)
    if report.conforms and len(graphs) > 1:
        # warnings still belong to their article
        return [Report(True, [f for f in report.findings if _in(f, g)]) for g in graphs]
    if len(graphs) == 1:
        return [report]
    return [validate(g) for g in graphs]


def _in(f: Finding, g: Graph) -> bool:
    from rdflib import URIRef
    return (URIRef(f.focus), None, None) in g
