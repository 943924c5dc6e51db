"""Where plain pyrudof 0.3 does not find what pyshacl finds: one small unit per difference.

Measured on every shape fixture (tests/shapes/, with _base.ttl, the countries and the
ontology) and every W3C SHACL core test, pyrudof 0.3.35 with the whole shapes graph
(sh:sparql constraints included: rudof runs them itself) gives pyshacl's results (focus,
path, value, component, severity, shape) on 139 of 146 fixtures and 97 of 98 W3C tests.
The 8 differences are three narrow jobs, one class each:

- :class:`SparqlTargets` — 4 fixtures: SPARQL-based targets are ignored;
- :class:`IllTypedLiterals` — 1 fixture and 1 W3C test: ill-typed literals pass sh:datatype;
- :class:`LiteralFocusNodes` — 2 fixtures: property shapes are not evaluated on literal
  focus nodes.

(Messages differ too, on most fixtures: rudof adds its own default message to a shape's
sh:message, or drops the shape's for some components; the report is rewritten as pyshacl
writes it in :mod:`kg.validate.engine`, it is no engine defect.)

``tests/test_shapes.py`` and ``tests/test_shacl_w3c.py`` assert that the engines agree on
every fixture and test; a pyrudof release that fixes one of these makes its patch a
no-op, one that changes anything else fails those tests (hence the pin below 0.4).
A case a patch cannot answer raises :class:`NotHandled`, and pyshacl answers the call.
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.util import from_n3

from .report import SH, Result


class NotHandled(Exception):
    """The pyrudof path cannot answer this call as pyshacl would: pyshacl answers it."""


def _true(v) -> bool:
    return isinstance(v, Literal) and v.toPython() is True


def _prefixes(g: Graph, node) -> str:
    """PREFIX declarations of a SPARQL-based target or constraint (sh:prefixes / sh:declare)."""
    lines = []
    for ont in g.objects(node, SH.prefixes):
        for d in g.objects(ont, SH.declare):
            prefix, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "".join(line + "\n" for line in lines)


class SparqlTargets:
    """SPARQL-based targets (SHACL-AF: ``sh:target [ a sh:SPARQLTarget ; sh:select ... ]``).

    rudof 0.3 ignores them: a shape targeted only so checks nothing. Their SELECT runs on
    rudof's data (its own SPARQL engine, data and ontology mix as pyshacl queries them),
    and the nodes it selects become ``sh:targetNode`` values of the shape in the shapes
    graph rudof reads for this call; rudof then runs the shape's sh:sparql constraints on
    them. A clean graph selects nothing and costs one query per target.

    Needed by the fixtures DeclaredClassShape.bad, DeclaredPropertyShape.bad,
    DeclaredPropertyShape.case.bad and DeclaredPropertyShape.namespace.bad
    (tds:DeclaredClassShape, tds:DeclaredPropertyShape); no W3C core test has one.
    A selected blank node cannot be named in the shapes graph: NotHandled.
    """

    def __init__(self, shapes: Graph):
        self.targets = []                   # (shape, SELECT with its PREFIXes)
        for shape, target in sorted(shapes.subject_objects(SH.target)):
            query = shapes.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in shapes or query is None:
                raise NotHandled(f"a SPARQL-based target other than sh:SPARQLTarget/sh:select: {target}")
            if not _true(shapes.value(shape, SH.deactivated)):
                self.targets.append((shape, _prefixes(shapes, target) + str(query)))

    def __bool__(self) -> bool:
        return bool(self.targets)

    def target_triples(self, rudof) -> Graph:
        """(shape, sh:targetNode, node) for each node the targets select in rudof's data."""
        out = Graph()
        for shape, query in self.targets:
            rudof.read_query(query)
            for row in rudof.run_query():
                text = row.get("?this") or row.get("this")
                if text is None:
                    continue
                node = from_n3(text)
                if isinstance(node, BNode):
                    raise NotHandled("a SPARQL target selected a blank node")
                out.add((shape, SH.targetNode, node))
        return out


class IllTypedLiterals:
    """Ill-typed literals, such as "12/03/2024"^^xsd:date: no value of the datatype, so
    they fail ``sh:datatype`` (SHACL 4.1.2; pyshacl and rdflib's ``Literal.ill_typed`` agree).

    rudof 0.3 checks the lexical form of some datatypes only (xsd:byte yes, xsd:date no),
    and rdflib writes some ill-typed literals in a valid form ("none"^^xsd:boolean as
    "false"): rudof gets each ill-typed literal with a datatype of its own,
    ``urn:tdkg:ill-typed:<datatype>``, which no sh:datatype names, and the report gets the
    literal back (:meth:`restore`). Picked by triple, not by value: rdflib's ill-typed
    "false" equals a valid "false"^^xsd:boolean elsewhere in the graph.

    Needed by the fixture Reported-date.illtyped.bad and the W3C test
    property/or-datatypes-001.
    """
    MARK = "urn:tdkg:ill-typed:"

    def __init__(self, data: Graph):
        self.back: dict[Literal, Literal] = {}
        self.triples = [t for t in data if isinstance(t[2], Literal) and t[2].ill_typed is True]

    def ntriples(self, data: Graph) -> str:
        """``data`` as N-Triples for rudof, ill-typed literals marked."""
        if not self.triples:
            return data.serialize(format="nt")
        marked = Graph()
        for s, p, o in data:
            if isinstance(o, Literal) and o.ill_typed is True:
                m = Literal(str(o), datatype=URIRef(self.MARK + str(o.datatype)))
                self.back.setdefault(m, o)
                o = m
            marked.add((s, p, o))
        return marked.serialize(format="nt")

    def restore(self, term):
        return self.back.get(term, term) if self.back else term


class LiteralFocusNodes:
    """Property shapes on literal focus nodes.

    A literal has no properties, so a property shape has no value nodes on it and
    ``sh:minCount`` >= 1, ``sh:hasValue`` and ``sh:qualifiedMinCount`` >= 1 fail (pyshacl
    reports them); rudof 0.3 evaluates no property shape on a literal focus node. The
    literal focus nodes are those of ``sh:targetObjectsOf`` and literal ``sh:targetNode``
    values of a shape with property shapes (or of a property shape); their results are
    written here. A path whose first step is not an IRI (an inverse path may have values
    on a literal): NotHandled.

    Needed by the fixtures Article-subject.bad ("5g") and Reported-topic.bad ("ai"): the
    literal topic's tds:Topic-inScheme (sh:hasValue) under tds:TopicShape; no W3C core
    test needs it.
    """

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.targeted = []                  # (literal targets, target predicates, property shapes)
        with_props = set(shapes.subjects(SH.property, None)) | set(shapes.subjects(SH.path, None))
        for shape in sorted(with_props):
            literals = [o for o in shapes.objects(shape, SH.targetNode) if isinstance(o, Literal)]
            preds = list(shapes.objects(shape, SH.targetObjectsOf))
            if (literals or preds) and not _true(shapes.value(shape, SH.deactivated)):
                props = [shape] if (shape, SH.path, None) in shapes else list(shapes.objects(shape, SH.property))
                props = [p for p in props if not _true(shapes.value(p, SH.deactivated))]
                self.targeted.append((literals, preds, props))

    def __bool__(self) -> bool:
        return bool(self.targeted)

    def results(self, graphs: list[Graph]) -> list[Result]:
        g = self.shapes
        out = []
        for literals, preds, props in self.targeted:
            focus = set(literals) | {o for data in graphs for p in preds for o in data.objects(None, p)
                                     if isinstance(o, Literal)}
            if not focus:
                continue
            for prop in props:
                path = g.value(prop, SH.path)
                first = list(Collection(g, path))[:1] if isinstance(path, BNode) else [path]
                if not first or not isinstance(first[0], URIRef):
                    raise NotHandled(f"a literal focus node on a path that may give it values: {prop}")
                failing = []
                n = g.value(prop, SH.minCount)
                if n is not None and int(n) >= 1:
                    failing.append((SH.MinCountConstraintComponent, f"Less than {n} values"))
                for v in g.objects(prop, SH.hasValue):
                    failing.append((SH.HasValueConstraintComponent, f"Missing expected value {v}"))
                n = g.value(prop, SH.qualifiedMinCount)
                if n is not None and int(n) >= 1 and (prop, SH.qualifiedValueShape, None) in g:
                    failing.append((SH.QualifiedMinCountConstraintComponent,
                                    f"Focus node does not conform to shape; fewer than {n} values"))
                messages = list(g.objects(prop, SH.message))
                severity = g.value(prop, SH.severity) or SH.Violation
                for f in sorted(focus):
                    for component, default in failing:
                        out.append(Result(f, path, None, prop, component, severity,
                                          messages or [Literal(default)]))
        return out
