"""SHACL: the gate in front of the store, and readable reports on users' files.

pyshacl is the reference engine. It has a large fixed cost per call, so the
loader validates a *batch* of article graphs in one call and only re-checks
them one by one when the batch fails, to name the culprits
(``../shared/notes/stack-baselines.md``: ~1,500 triples/s, throughput grows
with batch size). Data graphs are plain in-memory rdflib graphs: pyshacl over
an Oxigraph-backed graph gives wrong results.

:func:`run_shacl` is the one call to the engine — the CLI, the loader, the
endpoint and the W3C SHACL core tests all go through it. Two engines sit behind
it, chosen by ``TDKG_SHACL_ENGINE`` (``pyrudof`` or ``pyshacl``; default pyrudof
when it is installed). The hybrid once gave a nondeterministic result on a W3C case
(property/or-datatypes-001, one run of three): rdflib keeps "none"^^xsd:boolean as
"false"^^xsd:boolean flagged ill-typed, equal to a valid "false" elsewhere in the
graph, and ill-typed literals were picked by value from a set; they are picked by
triple now (:func:`_mark_ill_typed`), and the reports of the fixtures and of the W3C
suite are identical to pyshacl's under every hash seed tried (``bench/validate.py``).

- ``pyshacl``: the reference, everything as written in shapes.ttl;
- ``pyrudof``: a hybrid with the same reports, 14–25× faster than pyshacl per call
  on article graphs of 1 k–10 k triples and 10× on a 10 k-triple user file with its
  store context (``bench/RESULTS.md``, "Validation"; ``python bench/validate.py``).
  rudof (Rust) checks the core constraints; the SHACL-SPARQL parts it lacks or
  reports incompletely (``sh:sparql`` constraints, SPARQL-based targets) run here
  as SPARQL queries on an in-memory Oxigraph store; the report is rebuilt as
  pyshacl writes it (messages from the shapes, ``sh:sourceConstraint``), and what
  rudof 0.3 gets wrong is mended or avoided: ill-typed literals ("2024-13"^^xsd:date)
  fail sh:datatype, property shapes are checked on literal focus nodes (see
  :class:`_Plan`). pyshacl answers instead, whole, for a shapes graph with anything
  else outside core (rules, custom components ...), for data rdflib or rudof cannot
  write or read as N-Triples, for a report that cannot be mapped back to the data's
  blank nodes, and in a process forked from one that already ran rudof (see
  ``_RUDOF_PID``).
"""
from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..graph.rdf import COUNTRY, country_graph
from ..graph.vocab import ontology_file

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = ("Violation", "Warning", "Info")
INPUT_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".nq": "nquads",
                 ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
                 ".owl": "xml", ".n3": "n3"}


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


class RdfInputError(ValueError):
    """A file that cannot be parsed as RDF; str() names the file, line and column."""


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


def run_shacl(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    """The one call to the SHACL engine: (conforms, sh:ValidationReport graph).

    ``conforms`` is false on any result, warnings included (pyshacl's
    ``allow_warnings=False``); the engine is :func:`shacl_engine`'s.
    """
    if shacl_engine() == "pyrudof":
        plan = _hybrid_plan(shapes)
        if plan is not None:
            out = _run_hybrid(data, plan, ont)
            if out is not None:
                return out
    return _run_pyshacl(data, shapes, ont)


# ---------------------------------------------------------------- engines

ENGINES = ("pyrudof", "pyshacl")


def shacl_engine() -> str:
    """The engine behind :func:`run_shacl`: ``TDKG_SHACL_ENGINE``, else pyrudof if installed."""
    name = os.environ.get("TDKG_SHACL_ENGINE", "").strip().lower()
    if name:
        if name not in ENGINES:
            raise ValueError(f"TDKG_SHACL_ENGINE={name!r}: choose one of {', '.join(ENGINES)}")
        if name == "pyrudof" and not _has_pyrudof():
            raise ValueError("TDKG_SHACL_ENGINE=pyrudof but pyrudof is not installed (pip install pyrudof)")
        return name
    return "pyrudof" if _has_pyrudof() else "pyshacl"


@lru_cache(maxsize=1)
def _has_pyrudof() -> bool:
    try:
        import pyrudof  # noqa: F401
    except ImportError:
        return False
    return True


def _run_pyshacl(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", allow_warnings=False, advanced=True)
    return conforms, report


# The hybrid: rudof for core SHACL, SPARQL (Oxigraph) for sh:sparql and SPARQL targets.

# Anything of SHACL-AF / SHACL-SPARQL / SHACL-JS besides sh:sparql constraints on node
# shapes and sh:SPARQLTarget: such a shapes graph goes to pyshacl whole.
_UNSUPPORTED_PREDICATES = {SH[n] for n in (
    "rule", "validator", "nodeValidator", "propertyValidator", "parameter", "expression",
    "condition", "js", "jsFunctionName", "jsLibrary", "entailment", "targetType", "ask")}
_UNSUPPORTED_TYPES = {SH[n] for n in (
    "SPARQLTargetType", "ConstraintComponent", "JSConstraint", "JSTarget", "JSTargetType",
    "SPARQLFunction", "SPARQLRule", "TripleRule", "SPARQLAskValidator", "SPARQLSelectValidator",
    "Function", "SHACLFunction")}
_SHAPE_REFS = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"])
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)
# what a shape with a SPARQL-based target may have besides sh:sparql (rudof cannot see
# those targets, so it must have no core constraint of its own)
_NOT_CONSTRAINTS = {RDF.type, SH.target, SH.targetClass, SH.targetNode, SH.targetObjectsOf,
                    SH.targetSubjectsOf, SH.sparql, SH.severity, SH.message, SH.deactivated, SH.name,
                    SH.description, SH.order, SH.group, RDFS.label, RDFS.comment}
_CORE_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)


@dataclass
class _SparqlCheck:
    shape: object                       # the node shape (IRI or BNode of the shapes graph)
    severity: URIRef
    targets: list                       # (kind, term or SPARQL text)
    constraints: list                   # (constraint node, SPARQL text with PREFIXes, messages)
    shape_messages: list


@dataclass
class _Plan:
    """How the hybrid runs a shapes graph.

    rudof (0.3) evaluates no property shape on a literal focus node, where SHACL
    gives it no value nodes (so sh:minCount 1 and sh:hasValue fail). Property shapes
    of targeted shapes whose targets may be literals (sh:targetNode, sh:targetObjectsOf)
    are evaluated here on their literal focus nodes (``literal_targets``); a shapes
    graph that may pass a literal value node into a shape with property shapes
    (sh:node, sh:or, sh:not ... on one) goes to pyshacl when the data has any literal
    (``literal_risk``).
    """
    shapes: Graph
    core_nt: str                        # shapes graph for rudof: without the SPARQL parts
    checks: list[_SparqlCheck]
    key: int = 0
    literal_targets: list = field(default_factory=list)   # (shape, literal nodes, predicates, property shapes)
    literal_risk: bool = False


_PLAN_CACHE: dict = {}
_plan_key = iter(range(1, 1 << 62))


def _hybrid_plan(shapes: Graph) -> _Plan | None:
    """How the hybrid runs ``shapes``, or None when they need pyshacl (cached for ours)."""
    if shapes is shapes_graph():
        if "ours" not in _PLAN_CACHE:
            _PLAN_CACHE["ours"] = _make_plan(shapes)
        return _PLAN_CACHE["ours"]
    return _make_plan(shapes)


def _make_plan(shapes: Graph) -> _Plan | None:
    if any(p in _UNSUPPORTED_PREDICATES for p in shapes.predicates()) or \
            any(t in _UNSUPPORTED_TYPES for t in shapes.objects(None, RDF.type)):
        return None
    nested = set()
    for p in _SHAPE_REFS:
        nested.update(shapes.objects(None, p))
    for p in _SHAPE_LISTS:
        for lst in shapes.objects(None, p):
            nested.update(_rdf_list(shapes, lst))
    core = Graph()
    core += shapes
    checks = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None)) | set(shapes.subjects(SH.target, None)), key=str):
        sparql_targets = list(shapes.objects(shape, SH.target))
        has_sparql = (shape, SH.sparql, None) in shapes
        if (shape, SH.path, None) in shapes or (has_sparql and shape in nested):
            return None                 # sh:sparql on a property shape or inside another shape
        if sparql_targets and (shape in nested or
                               any(p not in _NOT_CONSTRAINTS for p in shapes.predicates(shape, None))):
            return None                 # core constraints on SPARQL-targeted nodes: rudof can't
        targets = []
        for t in sparql_targets:
            query = shapes.value(t, SH.select)
            if (t, RDF.type, SH.SPARQLTarget) not in shapes or query is None:
                return None
            targets.append(("sparql", _prefixes(shapes, t) + str(query)))
            core.remove((shape, SH.target, t))
        if not has_sparql:
            continue
        targets += [(p, o) for p in _CORE_TARGETS for o in shapes.objects(shape, p)]
        if any(shapes.objects(shape, RDF.type)) and \
                {RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")} & set(shapes.objects(shape, RDF.type)):
            targets.append((SH.targetClass, shape))          # implicit class target
        constraints = []
        for c in shapes.objects(shape, SH.sparql):
            core.remove((shape, SH.sparql, c))
            if _true(shapes.value(c, SH.deactivated)):
                continue
            query = shapes.value(c, SH.select)
            if query is None:
                return None
            constraints.append((c, _prefixes(shapes, c) + str(query), list(shapes.objects(c, SH.message))))
        if _true(shapes.value(shape, SH.deactivated)):
            continue
        checks.append(_SparqlCheck(shape, shapes.value(shape, SH.severity) or SH.Violation, targets,
                                   constraints, list(shapes.objects(shape, SH.message))))
    plan = _Plan(shapes, core.serialize(format="nt"), checks, next(_plan_key))
    # literals as focus nodes of property shapes (see _Plan)
    has_props = set(shapes.subjects(SH.property, None)) | set(shapes.subjects(SH.path, None))
    by_value = (SH.node, SH.qualifiedValueShape, SH["not"])
    todo = [o for p in by_value for o in shapes.objects(None, p)]
    todo += [o for p in _SHAPE_LISTS for lst in shapes.objects(None, p) for o in _rdf_list(shapes, lst)]
    reach: set = set()
    while todo:
        n = todo.pop()
        if n not in reach:
            reach.add(n)
            todo += [o for p in by_value for o in shapes.objects(n, p)]
            todo += [o for p in _SHAPE_LISTS for lst in shapes.objects(n, p) for o in _rdf_list(shapes, lst)]
    plan.literal_risk = bool(reach & has_props)
    for shape in sorted(has_props, key=str):
        literal_nodes = [o for o in shapes.objects(shape, SH.targetNode) if isinstance(o, Literal)]
        preds = list(shapes.objects(shape, SH.targetObjectsOf))
        if not literal_nodes and not preds:
            continue
        props = [shape] if (shape, SH.path, None) in shapes else list(shapes.objects(shape, SH.property))
        plan.literal_targets.append((shape, literal_nodes, preds, props))
    return plan


def _true(v) -> bool:
    return v is not None and isinstance(v, Literal) and v.toPython() is True


def _rdf_list(g: Graph, node) -> list:
    out = []
    while node is not None and node != RDF.nil and len(out) < 10_000:
        first = g.value(node, RDF.first)
        if first is not None:
            out.append(first)
        node = g.value(node, RDF.rest)
    return out


def _prefixes(g: Graph, node) -> str:
    """PREFIX declarations of a SPARQL-based constraint or target (sh:prefixes / sh:declare)."""
    lines = []
    for ont in g.objects(node, SH.prefixes):
        for d in g.objects(ont, SH.declare):
            prefix, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(lines) + ("\n" if lines else "")


@lru_cache(maxsize=1)
def _ontology_mix() -> tuple[Graph, str]:
    return _mix(ontology_graph())


def _mix(ont: Graph) -> tuple[Graph, str]:
    """What pyshacl mixes of an ont_graph into the data (RDFS/OWL axioms, named individuals),
    with pyshacl's own function; as a graph and as N-Triples."""
    from pyshacl.rdfutil.inoculate import inoculate
    g = inoculate(Graph(), ont)
    return g, g.serialize(format="nt")


_SESSIONS = threading.local()
_BASE_TRIPLE = "<urn:tdkg:shacl:base> <urn:tdkg:shacl:base> <urn:tdkg:shacl:base> .\n"


def _rudof_session(plan: _Plan, mix_nt: str | None):
    """A rudof instance of this thread (and process) with the shapes and the ontology loaded.

    Reading data into a fresh instance costs ~0.15 s whatever its size: each call
    stages its data on top of a loaded base instead, and rolls it back. The base is
    the ontology mix, or one triple no core target can reach.
    """
    import pyrudof
    sessions = getattr(_SESSIONS, "by_key", None)
    if sessions is None or getattr(_SESSIONS, "pid", None) != os.getpid():   # a forked child
        sessions = _SESSIONS.by_key = {}
        _SESSIONS.pid = os.getpid()
    key = ("ours" if plan is _PLAN_CACHE.get("ours") else "any", hash(mix_nt))
    session = sessions.get(key)
    if session is None:
        if len(sessions) >= 4:
            sessions.clear()
        r = pyrudof.Rudof()
        r.read_data(mix_nt or _BASE_TRIPLE, format=pyrudof.RDFFormat.NTriples)
        session = sessions[key] = [r, None]
    r, loaded = session
    if loaded != plan.key:
        if loaded is not None:
            r.reset_shacl()
        r.read_shacl(plan.core_nt, format=pyrudof.ShaclFormat.NTriples)
        session[1] = plan.key
    return r


# The process that first ran rudof's validator. rudof validates shapes in parallel on
# rayon's global thread pool, which a fork does not carry over: a forked child (the
# loader's workers) whose parent has validated with rudof would wait forever on it, so
# such a child validates with pyshacl. Children of a parent that never ran it are fine.
_RUDOF_PID: int | None = None


def _run_hybrid(data: Graph, plan: _Plan, ont: Graph | None) -> tuple[bool, Graph] | None:
    import pyrudof
    global _RUDOF_PID
    if _RUDOF_PID is not None and _RUDOF_PID != os.getpid():
        return None
    try:
        data_nt = data.serialize(format="nt")
        rudof_nt, ill_typed = _mark_ill_typed(data, data_nt)
    except Exception:                   # noqa: BLE001 — rdflib writes no N-Triples for some terms
        return None                     # it holds (an IRI with a space); pyshacl takes them
    if ont is None:
        mix, mix_nt = None, None
    elif ont is ontology_graph():
        mix, mix_nt = _ontology_mix()
    else:
        mix, mix_nt = _mix(ont)
    graphs = [data] + ([mix] if mix is not None else [])
    if plan.literal_risk and any(isinstance(o, Literal) for g in graphs for o in g.objects()):
        return None                     # literals may reach a shape with property shapes: see _Plan
    r = _rudof_session(plan, mix_nt)
    r.begin_staging()
    try:
        try:
            r.read_data(rudof_nt, format=pyrudof.RDFFormat.NTriples, merge=True,
                        reader_mode=pyrudof.ReaderMode.Strict)
        except pyrudof.DataError:
            return None                 # a term rudof's N-Triples parser refuses: pyshacl answers
        _RUDOF_PID = os.getpid()
        entries = list(r.validate_shacl().violations)
        nt = r.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples) \
            if entries else ""
    finally:
        r.rollback_staging()
    report, node = _new_report()
    if entries and not _add_rudof_results(report, node, nt, entries, plan.shapes, ill_typed):
        return None                     # could not map the report back: let pyshacl answer
    if plan.literal_targets and not _add_literal_focus_results(report, node, plan, graphs):
        return None
    if plan.checks:
        try:
            _add_sparql_results(report, node, plan, data_nt, mix_nt)
        except _Fallback:
            return None
    conforms = (node, SH.result, None) not in report
    report.add((node, SH.conforms, Literal(conforms)))
    return conforms, report


def _new_report() -> tuple[Graph, BNode]:
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    return report, node


def _mark_ill_typed(data: Graph, data_nt: str) -> tuple[str, dict]:
    """The data for rudof, with ill-typed literals ("2024-13"^^xsd:date) given a datatype of
    their own: rudof's sh:datatype does not check lexical forms (SHACL: an ill-typed
    literal does not match its datatype; pyshacl and rdflib's ``ill_typed`` agree).

    By triple, not by value: rdflib normalises some ill-typed literals into a valid
    lexical form ("none"^^xsd:boolean is kept as "false"^^xsd:boolean, flagged
    ``ill_typed``), equal to a valid literal elsewhere in the graph and written alike."""
    from rdflib.plugins.serializers.nt import _nt_row, _quoteLiteral
    bad = [t for t in data if isinstance(t[2], Literal) and t[2].ill_typed is True]
    if not bad:
        return data_nt, {}
    back = {}

    def mark(o):
        m = Literal(str(o), datatype=URIRef("urn:tdkg:ill-typed:" + str(o.datatype)))
        back[m] = o
        return m
    if len(bad) <= 100:                 # each triple is one N-Triples line
        for t in bad:
            line = _nt_row(t)
            data_nt = data_nt.replace(line, line[:-len(_quoteLiteral(t[2])) - 3] + _quoteLiteral(mark(t[2])) + " .\n")
        return data_nt, back
    bad_set = set(bad)
    g = Graph()
    for t in data:
        g.add((t[0], t[1], mark(t[2])) if t in bad_set and t[2].ill_typed is True else t)
    return g.serialize(format="nt"), back


def _add_rudof_results(report: Graph, node, nt: str, entries, shapes: Graph, ill_typed: dict) -> bool:
    """rudof's results into ``report``, as pyshacl writes them; False if they can't be mapped.

    rudof's RDF report has exact terms but renames blank nodes; its entries keep the
    data's and the shapes' blank node labels. Both list the results in one order.
    """
    import pyoxigraph as ox
    nodes: dict[str, dict[str, list]] = {}          # rudof's blank node label -> predicate -> objects
    wanted = {str(p) for p in (SH.result, SH.focusNode, SH.value, SH.sourceConstraintComponent,
                               SH.resultSeverity, SH.resultPath, SH.resultMessage, SH.sourceShape)}
    report_type = (str(RDF.type), ox.NamedNode(str(SH.ValidationReport)))
    rep_label = None
    for t in ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False):
        p = t.predicate.value
        if p in wanted:                 # sh:detail results and the rest are not needed
            nodes.setdefault(t.subject.value, {}).setdefault(p, []).append(t.object)
        elif p == report_type[0] and t.object == report_type[1]:
            rep_label = t.subject.value
    if rep_label is None:
        return False
    order = [o.value for o in nodes.get(rep_label, {}).get(str(SH.result), []) if isinstance(o, ox.BlankNode)]
    if len(order) != len(entries):
        return False

    def one(r, p: str):
        v = r.get(p)
        return _ox_rdflib(v[0]) if v else None

    P_FOCUS, P_VALUE, P_COMPONENT, P_SEVERITY, P_PATH, P_MESSAGE, P_SHAPE = (str(p) for p in (
        SH.focusNode, SH.value, SH.sourceConstraintComponent, SH.resultSeverity, SH.resultPath,
        SH.resultMessage, SH.sourceShape))
    (T_RESULT, T_TYPE, T_VR, T_FOCUS, T_VALUE, T_SHAPE, T_COMPONENT, T_SEVERITY, T_PATH, T_MESSAGE,
     VIOLATION) = (SH.result, RDF.type, SH.ValidationResult, SH.focusNode, SH.value, SH.sourceShape,
                   SH.sourceConstraintComponent, SH.resultSeverity, SH.resultPath, SH.resultMessage,
                   SH.Violation)
    about_shape: dict = {}                          # shape -> (its sh:path, its sh:message values)
    add = report.add
    for label, e in zip(order, entries):
        r = nodes.get(label, {})
        focus = _rudof_term(one(r, P_FOCUS), e.focus_node)
        value = one(r, P_VALUE)
        value = _rudof_term(value, e.value) if value is not None else None
        value = ill_typed.get(value, value)
        component = one(r, P_COMPONENT)
        shape = one(r, P_SHAPE)
        # the entry must be this result (same order): check what both give exactly
        if focus is None or focus is False or value is False or component is None \
                or str(component) != e.constraint_component \
                or (isinstance(focus, URIRef) and str(focus) != e.focus_node) \
                or (isinstance(shape, URIRef) and str(shape) != e.source_shape) \
                or not _same_severity(str(one(r, P_SEVERITY) or VIOLATION), str(e.severity)):
            return False
        if not isinstance(shape, URIRef):                # the shapes graph's blank node, by its label
            shape = BNode(e.source_shape[2:]) if e.source_shape.startswith("_:") else URIRef(e.source_shape)
        if shape not in about_shape:
            about_shape[shape] = (shapes.value(shape, SH.path), list(shapes.objects(shape, SH.message)))
        path, messages = about_shape[shape]
        out = BNode()
        add((node, T_RESULT, out))
        add((out, T_TYPE, T_VR))
        add((out, T_FOCUS, focus))
        if value is not None:
            add((out, T_VALUE, value))
        add((out, T_SHAPE, shape))
        add((out, T_COMPONENT, component))
        add((out, T_SEVERITY, one(r, P_SEVERITY) or VIOLATION))
        if path is None:
            path = one(r, P_PATH)
            if isinstance(path, BNode):
                path = None
        if path is not None:
            add((out, T_PATH, path))
            if isinstance(path, BNode):
                _copy_node(shapes, path, report)
        for m in messages or [_ox_rdflib(m) for m in r.get(P_MESSAGE, [])]:
            add((out, T_MESSAGE, m))
    return True


def _add_literal_focus_results(report: Graph, node, plan: _Plan, graphs: list[Graph]) -> bool:
    """Property shapes on literal focus nodes: no value nodes, so sh:minCount >= 1,
    sh:hasValue and sh:qualifiedMinCount >= 1 fail (False: a path we don't handle)."""
    shapes = plan.shapes
    for shape, literal_nodes, preds, props in plan.literal_targets:
        if _true(shapes.value(shape, SH.deactivated)):
            continue
        focus = set(literal_nodes)
        for p in preds:
            focus |= {o for g in graphs for o in g.objects(None, p) if isinstance(o, Literal)}
        if not focus:
            continue
        for prop in props:
            if _true(shapes.value(prop, SH.deactivated)):
                continue
            path = shapes.value(prop, SH.path)
            first = _rdf_list(shapes, path)[:1] if isinstance(path, BNode) else [path]
            if not first or not isinstance(first[0], URIRef):
                return False            # an inverse or * path may give a literal values
            failing = []
            n = shapes.value(prop, SH.minCount)
            if n is not None and int(n) >= 1:
                failing.append((SH.MinCountConstraintComponent, None, f"Less than {n} values"))
            for v in shapes.objects(prop, SH.hasValue):
                failing.append((SH.HasValueConstraintComponent, None, f"Missing expected value {v}"))
            n = shapes.value(prop, SH.qualifiedMinCount)
            if n is not None and int(n) >= 1 and (prop, SH.qualifiedValueShape, None) in shapes:
                failing.append((SH.QualifiedMinCountConstraintComponent, None,
                                f"Focus node does not conform to shape; fewer than {n} values"))
            messages = list(shapes.objects(prop, SH.message))
            for f in sorted(focus, key=str):
                for component, value, default in failing:
                    out = BNode()
                    report.add((node, SH.result, out))
                    report.add((out, RDF.type, SH.ValidationResult))
                    report.add((out, SH.focusNode, f))
                    report.add((out, SH.resultPath, path))
                    if isinstance(path, BNode):
                        _copy_node(shapes, path, report)
                    report.add((out, SH.sourceShape, prop))
                    report.add((out, SH.sourceConstraintComponent, component))
                    report.add((out, SH.resultSeverity, shapes.value(prop, SH.severity) or SH.Violation))
                    for m in messages or [Literal(default)]:
                        report.add((out, SH.resultMessage, m))
    return True


def _same_severity(iri: str, entry: str) -> bool:
    """rudof's entry names sh:Violation 'Violation' and a severity of one's own 'Severity(IRI)'."""
    return iri.endswith("#" + entry) or iri in entry


def _rudof_term(term, label: str | None):
    """A term of rudof's RDF report; a blank node by the label its entry gives (False: no match)."""
    if not isinstance(term, BNode):
        return term
    if not label or not label.startswith("_:"):
        return False
    return BNode(label[2:])


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


_OX = threading.local()
_DATA_GRAPH = "urn:tdkg:shacl:data"


class _Fallback(Exception):
    """The hybrid cannot answer this call as pyshacl would: pyshacl answers it."""


def _sparql_store(mix_nt: str | None):
    """An in-memory Oxigraph store of this thread (and process) holding the ontology mix."""
    import pyoxigraph as ox
    if getattr(_OX, "pid", None) != os.getpid():
        _OX.stores, _OX.pid = {}, os.getpid()
    store = _OX.stores.get(hash(mix_nt))
    if store is None:
        if len(_OX.stores) >= 4:
            _OX.stores.clear()
        store = _OX.stores[hash(mix_nt)] = ox.Store()
        if mix_nt:
            store.extend(ox.parse(mix_nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                                  rename_blank_nodes=False))
    return store


def _add_sparql_results(report: Graph, node, plan: _Plan, data_nt: str, mix_nt: str | None) -> None:
    """The SPARQL-based constraints (with SPARQL-based targets) on Oxigraph, as pyshacl reports them.

    The data goes into a named graph of a store that holds the ontology mix; queries see
    both as their default graph."""
    import pyoxigraph as ox
    store = _sparql_store(mix_nt)
    g = ox.NamedNode(_DATA_GRAPH)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(
        data_nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    try:
        _sparql_checks(report, node, plan, store, [ox.DefaultGraph(), g])
    finally:
        store.clear_graph(g)


def _sparql_checks(report: Graph, node, plan: _Plan, store, dataset: list) -> None:
    for check in plan.checks:
        focus: set = set()
        for kind, arg in check.targets:
            focus |= _target_nodes(store, kind, arg, dataset)
        if not focus:
            continue
        if any(isinstance(n, BNode) for n in focus):
            raise _Fallback("a blank focus node cannot be pre-bound in SPARQL (VALUES)")
        values = " ".join(_rdflib_text(n) for n in sorted(focus, key=str))
        for c, query, messages in check.constraints:
            solutions = store.query(_bind_this(query, values), default_graph=dataset)
            names = [v.value for v in solutions.variables]
            seen = set()                # a triple in both the data and the mix: one solution
            for sol in solutions:
                bound = {var: _ox_rdflib(sol[var]) for var in names if sol[var] is not None}
                key = tuple(sorted(bound.items()))
                if key in seen:
                    continue
                seen.add(key)
                this = bound.get("this")
                if this is None or this not in focus:
                    continue
                failure = bound.get("failure")
                if isinstance(failure, Literal) and failure.toPython() is True:
                    raise _Fallback(f"SPARQL constraint {c} reported a failure for {this}")
                out = BNode()
                report.add((node, SH.result, out))
                report.add((out, RDF.type, SH.ValidationResult))
                report.add((out, SH.focusNode, this))
                path = bound.get("path")
                if isinstance(path, URIRef):
                    report.add((out, SH.resultPath, path))
                report.add((out, SH.value, bound.get("value", this)))
                report.add((out, SH.sourceShape, check.shape))
                report.add((out, SH.sourceConstraint, c))
                report.add((out, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
                report.add((out, SH.resultSeverity, check.severity))
                for m in messages or check.shape_messages:
                    text = str(m)
                    for var, val in bound.items():
                        text = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, v=val: str(v), text)
                    report.add((out, SH.resultMessage, Literal(text, lang=m.language)
                                if isinstance(m, Literal) and m.language else Literal(text)))


def _target_nodes(store, kind, arg, dataset: list) -> set:
    if kind == "sparql":
        return {_ox_rdflib(s["this"]) for s in store.query(arg, default_graph=dataset) if s["this"] is not None}
    if kind == SH.targetNode:
        return {arg}
    if kind == SH.targetClass:
        q = (f"SELECT DISTINCT ?this WHERE {{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* "
             f"{_rdflib_text(arg)} }}")
    elif kind == SH.targetSubjectsOf:
        q = f"SELECT DISTINCT ?this WHERE {{ ?this {_rdflib_text(arg)} ?o }}"
    else:
        q = f"SELECT DISTINCT ?this WHERE {{ ?s {_rdflib_text(arg)} ?this }}"
    return {_ox_rdflib(s["this"]) for s in store.query(q, default_graph=dataset)}


def _bind_this(query: str, values: str) -> str:
    """Pre-bind $this: a VALUES block first in the outermost group of the SELECT."""
    m = re.search(r"\bSELECT\b", query, re.I)
    i = query.index("{", m.end() if m else 0)
    return query[:i + 1] + f" VALUES $this {{ {values} }} " + query[i + 1:]


def _rdflib_text(t) -> str:
    return f"_:{t}" if isinstance(t, BNode) else t.n3()


def _ox_rdflib(x):
    import pyoxigraph as ox
    if isinstance(x, ox.NamedNode):
        return URIRef(x.value)
    if isinstance(x, ox.BlankNode):
        return BNode(x.value)
    if x.language:
        return Literal(x.value, lang=x.language)
    if x.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(x.value)
    return Literal(x.value, datatype=URIRef(x.datatype.value))


def validate(data: Graph, lang: str = "en", context: Graph | None = None) -> Report:
    """Validate a data graph against our shapes, with the ontology and topics mixed in.

    The states the data refers to are described from the gazetteer (as the store's
    reference graph describes them); ``context`` adds what the store knows about
    other nodes the data refers to. Findings about context nodes are not reported.
    """
    full = Graph()
    full += data
    for node in {o for o in data.objects() if str(o).startswith(str(COUNTRY))}:
        for t in _countries().triples((node, None, None)):
            full.add(t)
    if context is not None:
        full += context
    _conforms, report = run_shacl(full, shapes_graph(), ontology_graph())
    # report on what the data says: its subjects, and IRIs it refers to that nothing else
    # describes (a topic:blockchain outside the scheme); not on the context's own nodes
    described = set(full.subjects()) - set(data.subjects())
    own = set(data.subjects()) | {o for o in data.objects() if isinstance(o, URIRef) and o not in described}
    result = read_report(report, lang, keep=lambda focus: focus in own)
    result.graph = report
    return result


def read_report(report: Graph, lang: str = "en", keep=lambda focus: True) -> Report:
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue                                      # nested detail, not a top-level result
        focus = report.value(r, SH.focusNode)
        if not keep(focus):
            continue
        messages = list(report.objects(r, SH.resultMessage))
        message = _pick_message(messages, lang)
        sev = report.value(r, SH.resultSeverity)
        path = report.value(r, SH.resultPath)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(focus or ""),
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path else ""),
            value=str(report.value(r, SH.value) or ""),
            message=message,
            shape=str(report.value(r, SH.sourceShape) or ""),
            component=str(report.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]))
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 3,
                                 f.focus, f.path, f.message))
    return Report(not any(f.severity == "Violation" for f in findings), findings)


def _pick_message(messages, lang: str) -> str:
    """The message in the language asked for; by script where the engine dropped the tag."""
    tagged = [m for m in messages if getattr(m, "language", None) == lang]
    if tagged:
        return str(tagged[0])
    arabic = [m for m in messages if re.search("[\u0600-\u06FF]", str(m))]
    latin = [m for m in messages if m not in arabic]
    pool = (arabic if lang == "ar" else latin) or messages
    return str(pool[0]) if pool else ""


def validate_batch(graphs: list[Graph]) -> list[Report]:
    """Validate several article graphs in one engine call; re-check alone only the articles
    that hold a node with a violation.

    A batch's union can break a shape no single article breaks (one person named by two
    articles under two spellings has two Arabic labels), so an article is judged alone
    when the union's report names one of its nodes, and from the union's report otherwise.
    """
    if not graphs:
        return []
    union = Graph()
    for g in graphs:
        union += g
    report = validate(union)
    if len(graphs) == 1:
        return [report]
    bad = {URIRef(f.focus) for f in report.violations}
    out = []
    for g in graphs:
        subjects = set(g.subjects())
        if bad & subjects:
            out.append(validate(g))
        else:                                   # warnings still belong to their article
            out.append(Report(True, [f for f in report.findings if URIRef(f.focus) in subjects]))
    return out


# ---------------------------------------------------------------- users' files

def parse_rdf(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse an RDF file by its extension (or ``fmt``); RdfInputError names file, line, column."""
    path = Path(path)
    fmt = fmt or INPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RdfInputError(f"{path}: unknown RDF format (extension {path.suffix or 'none'}); "
                            f"use --input-format (turtle, nt, nquads, trig, json-ld, xml)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RdfInputError(f"{path}: cannot read file ({e.strerror})") from None
    g = Graph()
    try:
        if fmt in ("nquads", "trig"):
            from rdflib import Dataset
            ds = Dataset()
            ds.parse(data=data, format=fmt)
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        else:
            g.parse(data=data, format=fmt)
    except Exception as e:  # rdflib raises many types; all mean "not parseable"
        raise RdfInputError(f"{path}: {_where(e, data)}not valid {fmt}: {_first_line(e)}") from None
    return g


def _first_line(e: Exception) -> str:
    """The parser's message on one line, without rdflib's 'at line N of <>:' preamble."""
    text = " ".join(l.strip() for l in str(e).strip().splitlines() if l.strip())
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return text[:300] or type(e).__name__


def _where(e: Exception, data: bytes) -> str:
    """'line 3, column 7: ' from the parser's message where it gives one."""
    text = str(e)
    m = re.search(r"line[ :]*(\d+)(?:.{0,20}?(?:column|col|char)[ :]*(\d+))?", text, re.I | re.S)
    if m:
        return f"line {m.group(1)}" + (f", column {m.group(2)}" if m.group(2) else "") + ": "
    m = re.search(r"at line (\d+)", text)
    return f"line {m.group(1)}: " if m else ""


# ---------------------------------------------------------------- reports

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
