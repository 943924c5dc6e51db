"""Every SHACL shape of ontology/shapes.ttl, one at a time, through kg.validate.validate.

tests/shapes/ holds, for each shape ``S`` (its local name in tds:), a conforming
fixture ``S.ok.ttl`` and one or more violating fixtures ``S.bad.ttl`` /
``S.<variant>.bad.ttl`` (variants of .ok are allowed too). Each fixture is merged
with tests/shapes/_base.ttl, a complete conforming article graph, so it only
adds the nodes it is about.

A .bad fixture starts with one or more lines

    # expect: <shape local name> <path CURIE, <IRI> or -> <severity>

and must yield exactly those findings (shape, path and severity each compared),
no more and no fewer, all about the fixture's own nodes. The first line is the
reason the fixture exists; further lines are what the same defect also breaks. A .ok fixture must
yield no finding at all. The shapes are enumerated from shapes.ttl, so a new
shape without fixtures fails test_every_shape_has_fixtures.

Findings of a helper shape (one without targets, used through sh:or or
sh:qualifiedValueShape) are reported by the shape that uses it, and those of a
node shape that only groups property shapes by those property shapes: the
expected shape of a fixture must be the fixture's shape or be linked to it.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from conftest import ROOT
from kg.validate import Finding, engine, read_report, validate

SH = Namespace("http://www.w3.org/ns/shacl#")
TDS = Namespace("https://w3id.org/tdkg/shapes#")
SHAPES_TTL = ROOT / "ontology" / "shapes.ttl"
FIXTURES = Path(__file__).resolve().parent / "shapes"
BASE = FIXTURES / "_base.ttl"
SEVERITIES = ("Violation", "Warning", "Info")
CURIES = {
    "tdo": "https://w3id.org/tdkg/ontology#",
    "dct": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
ARABIC = re.compile("[\u0600-\u06FF]")

# Fixtures that do not behave as the shapes intend because of a known defect outside
# tests/ (fixture id -> reason): their test_bad_fixture is a strict xfail, so fixing
# the defect fails the test until the entry is removed.
KNOWN_DEFECTS: dict[str, str] = {}   # both found defects are fixed (topic outside the scheme, tdo: namespace)

# Parameters of a shape that hold other shapes (how a helper shape is used).
SHAPE_LINKS = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
# Parameters that are not constraints of the shape itself.
NOT_CONSTRAINTS = set(TARGETS) | {
    RDF.type, SH.severity, SH.message, SH.property, SH.sparql, SH.deactivated, SH.name,
    SH.description, SH.order, SH.group, SH.path, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment")}


# ---------------------------------------------------------------- the shapes

@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle")


def linked(g: Graph, shape) -> set:
    """The shapes that ``shape`` uses directly (sh:property, sh:node, sh:or ...)."""
    out = {o for p in SHAPE_LINKS for o in g.objects(shape, p)}
    for p in SHAPE_LISTS:
        for lst in g.objects(shape, p):
            out.update(Collection(g, lst))
    return out


def all_shapes(g: Graph) -> set:
    """Every shape of a shapes graph, as SHACL defines them (typed, targeted, with a
    sh:path, or the value of a shape-expecting parameter)."""
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    shapes |= {s for p in TARGETS for s in g.subjects(p, None)}
    shapes |= set(g.subjects(SH.path, None))
    for s in list(shapes):
        shapes |= linked(g, s)
    return shapes


def local(iri) -> str:
    return str(iri)[len(str(TDS)):]


SHAPES = sorted(local(s) for s in all_shapes(shapes_graph()) if str(s).startswith(str(TDS)))


def reachable(g: Graph, start) -> set:
    seen, todo = set(), [start]
    while todo:
        for n in linked(g, todo.pop()):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


# ---------------------------------------------------------------- the fixtures

def fixture_files(kind: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"*.{kind}.ttl") if not p.name.startswith("_"))


def fixture_shape(path: Path) -> str:
    return path.name.split(".", 1)[0]


def fixture_id(path: Path) -> str:
    return path.name[:-len(".ttl")]


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """The ``# expect:`` lines at the top of a .bad fixture: (shape, path IRI or "", severity)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#\s*expect:\s*(\S+)\s+(\S+)\s+(\S+)\s*$", line)
        if not m:
            break
        shape, curie, severity = m.groups()
        if curie == "-":
            iri = ""
        elif curie.startswith("<") and curie.endswith(">"):
            iri = curie[1:-1]
        else:
            prefix, _, name = curie.partition(":")
            assert prefix in CURIES, f"{path.name}: unknown prefix in {curie!r}"
            iri = CURIES[prefix] + name
        out.append((shape, iri, severity))
    return out


def curie(iri: str) -> str:
    for p, ns in CURIES.items():
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri or "-"


@cache
def fixture_graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def base_graph() -> Graph:
    return Graph().parse(BASE, format="turtle")


@cache
def validated(path: Path):
    """(data graph, kg.validate Report) of base + fixture."""
    data = Graph()
    data += base_graph()
    data += fixture_graph(path)
    return data, validate(data)


def key(f: Finding) -> tuple[str, str, str]:
    return (local(f.shape) if f.shape.startswith(str(TDS)) else f.shape, f.path, f.severity)


def show(findings) -> str:
    return "\n".join(f"  {key(f)[0]} {curie(f.path)} {f.severity}  focus={f.focus}  value={f.value}"
                     for f in findings) or "  (none)"


def params(kind: str):
    out = []
    for p in fixture_files(kind):
        marks = ()
        if fixture_id(p) in KNOWN_DEFECTS:
            marks = pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[fixture_id(p)])
        out.append(pytest.param(p, id=fixture_id(p), marks=marks))
    return out


# ---------------------------------------------------------------- tests

def test_every_shape_has_an_iri_in_tds():
    """Every shape that can be a result's sh:sourceShape has an IRI. The members of a
    sh:or / sh:and / sh:xone list (``[ sh:datatype xsd:date ]``) may be blank nodes: the
    results are the list's owner's (sh:OrConstraintComponent ...), the members' never."""
    g = shapes_graph()
    members = {m for p in SHAPE_LISTS for lst in g.objects(None, p) for m in Collection(g, lst)}
    members = {m for m in members if isinstance(m, BNode) and not linked(g, m)
               and not any((m, p, None) in g for p in TARGETS + (SH.path,))}
    unnamed = [s for s in all_shapes(g) if not str(s).startswith(str(TDS)) and s not in members]
    assert not unnamed, f"shapes without an IRI in tds: (sh:sourceShape would not be stable): {unnamed}"
    assert len(SHAPES) >= 60


def test_every_shape_has_fixtures():
    ok = {fixture_shape(p) for p in fixture_files("ok")}
    bad = {fixture_shape(p) for p in fixture_files("bad")}
    missing = [f"{s}: " + " and ".join(k for k, have in (("ok", ok), ("bad", bad)) if s not in have)
               for s in SHAPES if s not in ok or s not in bad]
    assert not missing, "shapes without fixtures in tests/shapes/:\n" + "\n".join(missing)
    stale = sorted((ok | bad) - set(SHAPES))
    assert not stale, f"fixtures named after no shape of shapes.ttl: {stale}"
    strays = sorted(p.name for p in FIXTURES.glob("*.ttl")
                    if not p.name.startswith("_") and not re.search(r"\.(ok|bad)\.ttl$", p.name))
    assert not strays, f"fixtures must end in .ok.ttl or .bad.ttl: {strays}"


def test_every_bad_fixture_states_its_reason():
    for p in fixture_files("bad"):
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# expect: "), f"{p.name} must start with '# expect: ...'"
        for shape, _path, severity in expectations(p):
            assert shape in SHAPES, f"{p.name}: {shape} is not a shape of shapes.ttl"
            assert severity in SEVERITIES, f"{p.name}: unknown severity {severity}"


def test_base_conforms():
    report = validate(base_graph())
    assert report.findings == [], "tests/shapes/_base.ttl must conform:\n" + show(report.findings)


@pytest.mark.parametrize("path", params("ok"))
def test_ok_fixture(path: Path):
    shape = str(TDS[fixture_shape(path)])
    _data, report = validated(path)
    assert not [f for f in report.findings if f.shape == shape], show(report.findings)
    assert report.findings == [], f"{path.name} must conform with no finding at all:\n" + show(report.findings)
    assert report.conforms


@pytest.mark.parametrize("path", params("bad"))
def test_bad_fixture(path: Path):
    g = shapes_graph()
    expected = expectations(path)
    assert expected, f"{path.name}: no '# expect:' line"
    own = fixture_shape(path)
    shape = expected[0][0]  # the reason: the fixture's shape, or linked to it (more lines: side effects)
    assert shape == own or TDS[own] in reachable(g, TDS[shape]) or TDS[shape] in reachable(g, TDS[own]), \
        f"{path.name}: the first expectation, {shape}, neither is nor uses nor is used by {own}"

    data, report = validated(path)
    got = report.findings
    for shape, p, severity in expected:
        assert any(f.shape == str(TDS[shape]) and f.path == p and f.severity == severity for f in got), \
            f"{path.name}: no finding ({shape}, {curie(p)}, {severity}); got:\n{show(got)}"
    assert {key(f) for f in got} == set(expected), \
        f"{path.name}: findings other than expected:\nexpected: {expected}\ngot:\n{show(got)}"
    mine = set(fixture_graph(path).subjects()) | set(fixture_graph(path).objects())
    assert all(URIRef(f.focus) in mine or BNode(f.focus) in mine for f in got), \
        f"{path.name}: findings about nodes the fixture does not name:\n{show(got)}"
    assert report.conforms == all(s != "Violation" for _sh, _p, s in expected)

    # the same results, read in either language
    own_nodes = set(data.subjects())
    for lang in ("en", "ar"):
        for f in read_report(report.graph, lang, keep=lambda focus: focus in own_nodes).findings:
            assert f.message, f"{path.name}: a finding without a message"
            assert bool(ARABIC.search(f.message)) == (lang == "ar"), \
                f"{path.name}: {lang} message is in the wrong language: {f.message}"


def _messages(g: Graph, node) -> dict[str, list[Literal]]:
    out: dict[str, list[Literal]] = {}
    for m in g.objects(node, SH.message):
        out.setdefault(getattr(m, "language", None), []).append(m)
    return out


def _has_en_ar(g: Graph, node) -> str | None:
    """None when ``node`` carries sh:message @en (Latin) and @ar (Arabic), else what is wrong."""
    msgs = _messages(g, node)
    if not msgs.get("en") or not msgs.get("ar"):
        return f"{local(node) or node}: sh:message in {sorted(k or 'untagged' for k in msgs) or 'no language'}"
    if any(ARABIC.search(m) for m in msgs["en"]) or not all(ARABIC.search(m) for m in msgs["ar"]):
        return f"{local(node)}: sh:message @en/@ar not in English/Arabic"
    return None


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_has_messages_in_english_and_arabic(shape: str):
    """Where the results of a shape take their message from, there are @en and @ar ones.

    - own constraints of a shape with targets or a sh:path: on the shape itself;
    - SPARQL-based constraints: on each sh:SPARQLConstraint;
    - property shapes: on each of them (tested as shapes of their own);
    - a helper shape (no targets, used inside others): on every shape that uses it.
    """
    g = shapes_graph()
    node = TDS[shape]
    own = {p for p in g.predicates(node, None) if p not in NOT_CONSTRAINTS}
    targeted = any((node, p, None) in g for p in TARGETS)
    is_property = (node, SH.path, None) in g
    problems = []
    if own and (targeted or is_property):
        problems.append(_has_en_ar(g, node))
    elif own:
        users = [s for s in all_shapes(g) if node in linked(g, s)]
        assert users, f"{shape} has no targets and no shape uses it: it checks nothing"
        problems += [_has_en_ar(g, u) for u in users]
    for c in g.objects(node, SH.sparql):
        problems.append(_has_en_ar(g, c))
    if not own and not list(g.objects(node, SH.sparql)):
        assert list(g.objects(node, SH.property)), f"{shape} has no constraint of its own and no property shape"
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_every_sparql_constraint_fires_in_a_bad_fixture():
    """The sh:sparql constraints are no shapes of their own: each must still be caught."""
    g = shapes_graph()
    wanted = set(g.subjects(RDF.type, SH.SPARQLConstraint)) | set(g.objects(None, SH.sparql))
    fired = set()
    for p in fixture_files("bad"):
        if fixture_id(p) in KNOWN_DEFECTS:
            continue
        _data, report = validated(p)
        fired |= set(report.graph.objects(None, SH.sourceConstraint))
    assert not wanted - fired, f"never fired: {sorted(local(c) for c in wanted - fired)}"




def _no_fallback(*_args, **_kw):
    raise AssertionError("the pyrudof path fell back to pyshacl")


def _everything(report) -> tuple:
    """A report as the gate gives it: conforms, the findings read in both languages, and
    which sh:sparql constraints fired on which node."""
    g = report.graph
    fired = sorted((str(g.value(r, SH.focusNode)), str(c)) for r, c in g.subject_objects(SH.sourceConstraint))
    return (report.conforms, [tuple(vars(f).values()) for f in report.findings],
            [tuple(vars(f).values()) for f in read_report(g, "ar").findings], fired)


@pytest.mark.parametrize("path", [pytest.param(BASE, id="_base")] + [
    pytest.param(p, id=fixture_id(p)) for p in fixture_files("ok") + fixture_files("bad")])
def test_pyrudof_finds_what_pyshacl_finds(path: Path, monkeypatch):
    """The pyrudof engine (plain pyrudof with kg.validate.patches) gives the findings of
    pyshacl, the reference, on every fixture: severity, focus, path, value, message (en
    and ar), shape, component, and the sh:sourceConstraint of SPARQL-based results;
    without falling back to pyshacl."""
    if not engine._has_pyrudof():
        pytest.skip("no supported pyrudof installed")
    data = Graph()
    data += base_graph()
    if path != BASE:
        data += fixture_graph(path)
    monkeypatch.setenv("TDKG_SHACL_ENGINE", "pyshacl")
    reference = _everything(validate(data))
    monkeypatch.setenv("TDKG_SHACL_ENGINE", "pyrudof")
    monkeypatch.setattr(engine, "_run_pyshacl", _no_fallback)
    got = _everything(validate(data))
    assert got == reference, f"{path.name}: pyrudof's findings are not pyshacl's:\n" \
        f"pyshacl: {reference}\npyrudof: {got}"
