"""SHACL validation reports: written as pyshacl writes them, read as findings (in the
language asked for), shown as text or JSON.

Whatever engine found the results (:mod:`kg.validate.engine`), a finding is read
from a top-level result of the report (not from a nested sh:detail one).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass
class Finding:
    severity: str          # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str
    shape: str
    component: str = ""


@dataclass
class Report:
    conforms: bool                      # no Violation (warnings allowed)
    findings: list[Finding] = field(default_factory=list)
    graph: Graph | None = None          # the standard sh:ValidationReport

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]


@dataclass
class Result:
    """One sh:ValidationResult (terms of the data and shapes graphs)."""
    focus: object
    path: object                        # IRI, a complex path's node in the shapes graph, or None
    value: object                       # None: no sh:value
    shape: object
    component: URIRef
    severity: URIRef
    messages: list
    constraint: object = None           # sh:sourceConstraint (SPARQL-based constraints)


def report_graph(results: list[Result], shapes: Graph) -> Graph:
    """The sh:ValidationReport of ``results``; a complex path is copied from ``shapes``.
    It conforms when there is no result at all (pyshacl's ``allow_warnings=False``)."""
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    add = report.add
    add((node, RDF.type, SH.ValidationReport))
    add((node, SH.conforms, Literal(not results)))
    for r in results:
        out = BNode()
        add((node, SH.result, out))
        add((out, RDF.type, SH.ValidationResult))
        add((out, SH.focusNode, r.focus))
        if r.path is not None:
            add((out, SH.resultPath, r.path))
            if isinstance(r.path, BNode):
                _copy_node(shapes, r.path, report)
        if r.value is not None:
            add((out, SH.value, r.value))
        add((out, SH.sourceShape, r.shape))
        add((out, SH.sourceConstraintComponent, r.component))
        add((out, SH.resultSeverity, r.severity))
        if r.constraint is not None:
            add((out, SH.sourceConstraint, r.constraint))
        for m in r.messages:
            add((out, SH.resultMessage, m))
    return report


def _copy_node(src: Graph, node, dst: Graph) -> None:
    """A blank node's description (a complex property path), recursively."""
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in src.predicate_objects(n):
            dst.add((n, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def read_report(report: Graph, lang: str = "en", keep=lambda focus: True) -> Report:
    """The findings of a report graph whose focus node ``keep`` accepts, in a stable order."""
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue                                      # nested detail, not a top-level result
        focus = report.value(r, SH.focusNode)
        if not keep(focus):
            continue
        sev = report.value(r, SH.resultSeverity)
        path = report.value(r, SH.resultPath)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(focus or ""),
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path else ""),
            value=str(report.value(r, SH.value) or ""),
            message=pick_message(list(report.objects(r, SH.resultMessage)), lang),
            shape=str(report.value(r, SH.sourceShape) or ""),
            component=str(report.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]))
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 3,
                                 f.focus, f.path, f.message, f.component, f.shape, f.value))
    return Report(not any(f.severity == "Violation" for f in findings), findings)


def pick_message(messages, lang: str) -> str:
    """The message in the language asked for; by script where the engine dropped the tag
    (pyshacl writes the messages of SPARQL constraints untagged)."""
    tagged = [m for m in messages if getattr(m, "language", None) == lang]
    if tagged:
        return str(tagged[0])
    arabic = [m for m in messages if re.search("[\u0600-\u06FF]", str(m))]
    latin = [m for m in messages if m not in arabic]
    pool = (arabic if lang == "ar" else latin) or messages
    return str(pool[0]) if pool else ""


def label_of(g: Graph, node: str, lang: str) -> str:
    n = URIRef(node) if not node.startswith("_:") else BNode(node[2:])
    labels = list(g.objects(n, RDFS.label)) + list(g.objects(n, SKOS.prefLabel))
    by_lang = {getattr(l, "language", None): str(l) for l in labels}
    return by_lang.get(lang) or by_lang.get("ar") or by_lang.get("en") or (str(labels[0]) if labels else "")


def text_report(report: Report, data: Graph, lang: str = "en", min_severity: str = "Info",
                source: str = "") -> str:
    """Findings grouped by focus node (with its label), stable order, one-line summary."""
    allowed = SEVERITIES[:SEVERITIES.index(min_severity) + 1]
    shown = [f for f in report.findings if f.severity in allowed]
    lines = []
    by_focus: dict[str, list[Finding]] = {}
    for f in shown:
        by_focus.setdefault(f.focus, []).append(f)
    for focus, fs in by_focus.items():
        label = label_of(data, focus, lang)
        lines.append(f"{focus}" + (f"  «{label}»" if label else ""))
        for f in fs:
            path = _short(f.path) if f.path else "(node)"
            value = f"  value: {f.value}" if f.value and f.value != f.focus else ""
            lines.append(f"  {f.severity:<9} {path}{value}")
            lines.append(f"            {f.message}")
    nv, nw = len(report.violations), len(report.warnings)
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{source + ': ' if source else ''}{verdict}: {nv} violation(s), {nw} warning(s), "
                 f"{len(data)} triples")
    return "\n".join(lines)


def json_report(report: Report, data: Graph, lang: str = "en", source: str = "") -> str:
    return json.dumps({"source": source, "conforms": report.conforms,
                       "violations": len(report.violations), "warnings": len(report.warnings),
                       "triples": len(data),
                       "results": [{**asdict(f), "label": label_of(data, f.focus, lang)}
                                   for f in report.findings]}, ensure_ascii=False, indent=1)


_PREFIXES = {"https://w3id.org/tdkg/ontology#": "tdo:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
             "http://purl.org/dc/terms/": "dct:", "http://www.w3.org/2004/02/skos/core#": "skos:",
             "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:", "http://www.w3.org/2002/07/owl#": "owl:"}


def _short(iri: str) -> str:
    for ns, p in _PREFIXES.items():
        if iri.startswith(ns):
            return p + iri[len(ns):]
    return iri
