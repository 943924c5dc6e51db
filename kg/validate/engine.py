"""The one call to the SHACL engine: :func:`run_shacl` (the CLI, the loader, the endpoint
and the W3C SHACL core tests all go through it).

Two engines, chosen by ``TDKG_SHACL_ENGINE`` (``pyrudof`` or ``pyshacl``; default
pyrudof when a supported version is installed):

- ``pyshacl``: the reference, everything as written in the shapes graph;
- ``pyrudof``: plain pyrudof (rudof, Rust) on the whole shapes graph — it runs the
  ``sh:sparql`` constraints itself — with the three patches of :mod:`kg.validate.patches`
  for what it does not find as pyshacl does, and its results rewritten as pyshacl writes
  them (:func:`_rudof_results`: the shapes' messages, ``sh:sourceConstraint``, the data's
  blank nodes). Many times faster than pyshacl per call (``bench/validate.py``), with the
  same findings on every shape fixture and W3C core test (``tests/test_shapes.py``,
  ``tests/test_shacl_w3c.py``).

The ontology is mixed into the data as a whole for rudof (pyshacl mixes in its RDFS/OWL
axioms and named individuals with ``ont_graph``; the rest is annotations of the ontology
and its terms, which no shape targets). pyshacl answers a pyrudof call instead for a
shapes graph with SHACL-AF/JS features besides SPARQL constraints and targets, for data
rdflib or rudof cannot write or read as N-Triples, when a patch raises
:class:`~kg.validate.patches.NotHandled`, and in a process forked from one that already
ran rudof (``_RUDOF_PID``).
"""
from __future__ import annotations

import itertools
import os
import re
import threading
from functools import lru_cache
from importlib import metadata

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

from .patches import IllTypedLiterals, LiteralFocusNodes, NotHandled, SparqlTargets
from .report import SH, Result, report_graph

ENGINES = ("pyrudof", "pyshacl")
# The pyrudof versions the patches were measured on (pyproject: pyrudof>=0.3.35,<0.4).
PYRUDOF_SUPPORTED = ((0, 3, 35), (0, 4))


def run_shacl(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    """(conforms, sh:ValidationReport graph) of ``data`` against ``shapes``, ``ont`` mixed in.

    ``conforms`` is false on any result, warnings included (pyshacl's
    ``allow_warnings=False``); the engine is :func:`shacl_engine`'s.
    """
    if shacl_engine() == "pyrudof" and (_RUDOF_PID is None or _RUDOF_PID == os.getpid()):
        try:
            return _run_pyrudof(data, _prepared(shapes), ont)
        except NotHandled:
            pass
    return _run_pyshacl(data, shapes, ont)


def shacl_engine() -> str:
    """The engine behind :func:`run_shacl`: ``TDKG_SHACL_ENGINE``, else pyrudof if usable."""
    name = os.environ.get("TDKG_SHACL_ENGINE", "").strip().lower()
    if name:
        if name not in ENGINES:
            raise ValueError(f"TDKG_SHACL_ENGINE={name!r}: choose one of {', '.join(ENGINES)}")
        if name == "pyrudof" and not _has_pyrudof():
            lo, hi = (".".join(map(str, v)) for v in PYRUDOF_SUPPORTED)
            raise ValueError(f"TDKG_SHACL_ENGINE=pyrudof needs pyrudof>={lo},<{hi} "
                             f"(installed: {_pyrudof_version() or 'none'})")
        return name
    return "pyrudof" if _has_pyrudof() else "pyshacl"


def _pyrudof_version() -> str | None:
    try:
        return metadata.version("pyrudof")
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _has_pyrudof() -> bool:
    """pyrudof is importable and of a version the patches were measured on."""
    version = _pyrudof_version()
    if version is None:
        return False
    nums = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
    if not PYRUDOF_SUPPORTED[0] <= nums < PYRUDOF_SUPPORTED[1]:
        return False
    try:
        import pyrudof  # noqa: F401
    except ImportError:
        return False
    return True


def _run_pyshacl(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", allow_warnings=False, advanced=True)
    return conforms, report


# ---------------------------------------------------------------- pyrudof

# SHACL-AF / SHACL-JS beyond sh:sparql constraints and sh:SPARQLTarget: pyshacl answers.
_NOT_IN_RUDOF = {SH[n] for n in ("rule", "js", "jsFunctionName", "jsLibrary", "parameter", "targetType",
                                 "validator", "nodeValidator", "propertyValidator")}
_NOT_IN_RUDOF_TYPES = {SH[n] for n in ("ConstraintComponent", "SPARQLTargetType", "SPARQLRule", "TripleRule",
                                       "JSConstraint", "JSTarget", "SPARQLFunction")}


class _Prepared:
    """A shapes graph as the pyrudof path uses it (prepared once per graph, see :func:`_prepared`)."""
    token = itertools.count(1)

    def __init__(self, shapes: Graph):
        if any(p in _NOT_IN_RUDOF for p in shapes.predicates()) or \
                any(t in _NOT_IN_RUDOF_TYPES for t in shapes.objects(None, RDF.type)):
            raise NotHandled("SHACL-AF/JS features rudof does not run")
        self.graph = shapes
        self.nt = shapes.serialize(format="nt")
        self.key = next(self.token)
        self.targets = SparqlTargets(shapes)
        self.literal_focus = LiteralFocusNodes(shapes)
        self._about: dict = {}

    def about(self, shape) -> tuple:
        """(sh:path, sh:message values, active sh:sparql constraints) of a shape."""
        if shape not in self._about:
            g = self.graph
            sparql = [c for c in g.objects(shape, SH.sparql)
                      if not (isinstance(d := g.value(c, SH.deactivated), Literal) and d.toPython() is True)]
            self._about[shape] = (g.value(shape, SH.path), list(g.objects(shape, SH.message)), sparql)
        return self._about[shape]

    def source_constraint(self, shape, messages: list):
        """Which of the shape's sh:sparql constraints gave a result (rudof does not say):
        the only one, or the one whose sh:message templates the result's messages fill in."""
        constraints = self.about(shape)[2]
        if len(constraints) <= 1:
            return constraints[0] if constraints else None
        texts = [str(m) for m in messages]
        for c in constraints:
            for template in self.graph.objects(c, SH.message):
                pattern = re.sub(r"\\\{\\?[?$]\w+\\\}", ".*", re.escape(str(template)))
                if any(re.fullmatch(pattern, t, re.S) for t in texts):
                    return c
        return None


_CACHE_LOCK = threading.Lock()
_PREPARED: dict[int, _Prepared] = {}
_ONTOLOGY_NT: dict[int, tuple[Graph, str]] = {}
_BASE_TRIPLE = "<urn:tdkg:shacl:base> <urn:tdkg:shacl:base> <urn:tdkg:shacl:base> .\n"


def _prepared(shapes: Graph) -> _Prepared:
    """The preparation of a shapes graph, by identity: a graph must not change once used."""
    with _CACHE_LOCK:
        prep = _PREPARED.get(id(shapes))
        if prep is None or prep.graph is not shapes:
            if len(_PREPARED) >= 8:
                _PREPARED.clear()
            prep = _PREPARED[id(shapes)] = _Prepared(shapes)
        return prep


def _ontology_nt(ont: Graph | None) -> str:
    """What rudof's data holds under each call's data: the ontology as N-Triples (or one
    triple no target reaches: rudof stages data only over loaded data)."""
    if ont is None:
        return _BASE_TRIPLE
    with _CACHE_LOCK:
        hit = _ONTOLOGY_NT.get(id(ont))
        if hit is None or hit[0] is not ont:
            if len(_ONTOLOGY_NT) >= 4:
                _ONTOLOGY_NT.clear()
            hit = _ONTOLOGY_NT[id(ont)] = (ont, ont.serialize(format="nt") or _BASE_TRIPLE)
        return hit[1]


class _Session:
    """A rudof instance with the ontology loaded and a shapes graph read.

    Reading data into a rudof instance costs ~0.15 s whatever its size: each call stages
    its data on top of the loaded ontology instead, and rolls it back (public API:
    ``begin_staging``/``rollback_staging``). One per thread and process (see ``_RUDOF_PID``).
    """
    _local = threading.local()

    def __init__(self, base_nt: str):
        import pyrudof
        self.rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self.rudof.read_data(base_nt, format=pyrudof.RDFFormat.NTriples)
        self.loaded = None

    @classmethod
    def get(cls, base_nt: str) -> _Session:
        local = cls._local
        if getattr(local, "pid", None) != os.getpid():          # a new thread, or a forked child
            local.pid, local.sessions = os.getpid(), {}
        key = hash(base_nt)
        session = local.sessions.get(key)
        if session is None:
            if len(local.sessions) >= 4:
                local.sessions.clear()
            session = local.sessions[key] = cls(base_nt)
        return session

    def read_shapes(self, prep: _Prepared, extra_nt: str = "") -> None:
        import pyrudof
        if self.loaded != (prep.key, extra_nt):
            if self.loaded is not None:
                self.rudof.reset_shacl()
            self.rudof.read_shacl(prep.nt + extra_nt, format=pyrudof.ShaclFormat.NTriples)
            self.loaded = (prep.key, extra_nt)


# The process that first ran rudof's validator. rudof validates on rayon's global thread
# pool, which a fork does not carry over: a forked child (the loader's workers) of a parent
# that has validated with rudof would wait on it forever, so such a child uses pyshacl.
# Children of a parent that never ran it are fine.
_RUDOF_PID: int | None = None


def _run_pyrudof(data: Graph, prep: _Prepared, ont: Graph | None) -> tuple[bool, Graph]:
    import pyrudof
    global _RUDOF_PID
    ill_typed = IllTypedLiterals(data)
    try:
        data_nt = ill_typed.ntriples(data)
    except Exception as e:              # noqa: BLE001 — rdflib writes no N-Triples for some terms
        raise NotHandled("rdflib cannot write the data as N-Triples") from e   # (an IRI with a space)
    session = _Session.get(_ontology_nt(ont))
    session.read_shapes(prep)
    r = session.rudof
    r.begin_staging()
    try:
        try:
            r.read_data(data_nt, format=pyrudof.RDFFormat.NTriples, merge=True,
                        reader_mode=pyrudof.ReaderMode.Strict)
        except pyrudof.DataError as e:
            raise NotHandled("rudof refuses a term of the data") from e
        if prep.targets:
            extra = prep.targets.target_triples(r)
            session.read_shapes(prep, "".join(sorted(extra.serialize(format="nt").splitlines(True))))
        _RUDOF_PID = os.getpid()
        entries = list(r.validate_shacl().violations)
        nt = r.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples) \
            if entries else ""
    finally:
        r.rollback_staging()
    results = _rudof_results(nt, entries, prep, ill_typed) if entries else []
    if prep.literal_focus:
        results += prep.literal_focus.results([data] if ont is None else [data, ont])
    return not results, report_graph(results, prep.graph)


class _InOrder:
    """An N-Triples sink that keeps the triples in the order they were written."""

    def __init__(self):
        self.triples: list = []

    def triple(self, s, p, o) -> None:
        self.triples.append((s, p, o))


def _rudof_results(nt: str, entries: list, prep: _Prepared, ill_typed: IllTypedLiterals) -> list[Result]:
    """rudof's results as pyshacl writes them.

    rudof's RDF report has exact terms but renames blank nodes; its entries keep the data's
    and the shapes graph's blank node labels but write literals loosely. Both list the
    results in one order: terms from the report, blank nodes by their entry (checked
    pairwise). Messages: the shape's sh:message (rudof adds its own default to them, or
    drops them for sh:or, sh:qualified*, sh:uniqueLang), else rudof's; for a SPARQL-based
    constraint rudof's, which fill in its sh:message, and its ``sh:sourceConstraint``.
    """
    sink = _InOrder()
    W3CNTriplesParser(sink).parsestring(nt)
    about: dict = {}
    report = None
    for s, p, o in sink.triples:
        if p == RDF.type and o == SH.ValidationReport:
            report = s
        else:
            about.setdefault(s, {}).setdefault(p, []).append(o)
    order = about.get(report, {}).get(SH.result, [])
    if len(order) != len(entries):
        raise NotHandled("rudof's report and its entries do not match")
    out = []
    for node, e in zip(order, entries):
        r = about.get(node, {})

        def one(p):
            v = r.get(p)
            return v[0] if v else None
        focus = ill_typed.restore(_labelled(one(SH.focusNode), e.focus_node))
        value = one(SH.value)
        value = ill_typed.restore(_labelled(value, e.value)) if value is not None else None
        component, severity = one(SH.sourceConstraintComponent), one(SH.resultSeverity) or SH.Violation
        shape = one(SH.sourceShape)
        if not isinstance(shape, URIRef):
            shape = _labelled(BNode(), e.source_shape)
        if component is None or str(component) != e.constraint_component or \
                (isinstance(shape, URIRef) and str(shape) != e.source_shape) or \
                (isinstance(focus, URIRef) and str(focus) != e.focus_node) or \
                not _same_severity(str(severity), str(e.severity)):
            raise NotHandled("rudof's report and its entries are not in one order")
        path, messages, _ = prep.about(shape)
        if path is None:
            path = one(SH.resultPath)
            path = path if isinstance(path, URIRef) else None
        constraint = None
        if component == SH.SPARQLConstraintComponent:
            messages = r.get(SH.resultMessage) or messages
            constraint = prep.source_constraint(shape, messages)
        out.append(Result(focus, path, value, shape, component, severity,
                          messages or r.get(SH.resultMessage, []), constraint))
    return out


def _labelled(term, label: str | None):
    """A blank node of rudof's report as the blank node of the data (or shapes) its entry names."""
    if not isinstance(term, BNode):
        return term
    if not label or not label.startswith("_:"):
        raise NotHandled("a blank node of rudof's report without its label")
    return BNode(label[2:])


def _same_severity(iri: str, entry: str) -> bool:
    """rudof's entry names sh:Violation 'Violation' and a severity of one's own 'Severity(IRI)'."""
    return iri.endswith("#" + entry) or iri in entry
