"""Curated RDF judged as the store will be after it is loaded (``tdkg load FILE.ttl``).

A curated file goes into its own named graph, replacing the graph's previous version. So
it is validated with the context the store will give its nodes after that write:

- **its previous version left out**: nothing the file's graph held before counts (a date
  corrected from 2024-03-12 to 2024-03-13 is one date, not two);
- **every hop the shapes may need**: what the store says of the IRIs the file names, of the
  IRIs that says something of, and so on until nothing new is reached (the store's links
  run one way — accord → article → actor → country — so this ends after a few hops and a
  few hundred triples), outside tdkg's own derived graphs (reference data comes from the
  ontology and the gazetteer, tallies are counts);
- **the entity graph as the write will leave it**: each entity's label and spellings
  recomputed with the file in place of its previous version (:mod:`kg.graph.entities`: a
  curated ``rdfs:label`` replaces the label the articles' spellings give, so a corrected
  name is one label, not two).

:func:`validate_curated` is :func:`kg.validate.gate.validate` with that context.
"""
from __future__ import annotations

from rdflib import Graph, URIRef

from ..graph import entities, vocab
from ..graph import oxigraph as ox
from .gate import validate
from .report import Report

#: The store's graphs a curated file's context leaves out: derived from the others, or
#: given to the gate by the package (ontology, topics, countries).
DERIVED_GRAPHS = tuple(g for g in (vocab.REFERENCE_GRAPH, vocab.STORE_GRAPH,
                                   getattr(vocab, "TALLY_GRAPH", None), vocab.ENTITY_GRAPH) if g)
MAX_HOPS = 50            # a bound on the walk, never reached by the store's one-way links
CHUNK = 200              # IRIs per query


def validate_curated(store, data: Graph, graph: str, lang: str = "en") -> Report:
    """Validate ``data``, to be stored as named graph ``graph`` (replacing it), in the context
    the store will give it after the write (see the module docstring).

    A finding the store's other graphs take part in (too many values: the file's and those
    the articles state) says so in its message: which values, from which graphs — a curated
    graph adds to what articles say, it cannot take their statements back."""
    report = validate(data, lang=lang, context=context_after(store, data, graph))
    if report.violations:
        report = _not_the_files(store, report, data, graph, lang)
    for f in report.violations:
        if f.component == "MaxCountConstraintComponent" and f.path:
            f.message = f.message.rstrip() + _others(store, f, graph, data)
    return report


def _not_the_files(store, report: Report, data: Graph, graph: str, lang: str) -> Report:
    """The report with the violations the store's other graphs have without the file (nor its
    previous version), on the file's nodes, turned into warnings ('already in the store'): an
    article stored without the gate (``--no-validate``) that breaks a shape on a node does not
    make every file that adds to that node fail. A violation the file causes (a finding of a
    node, property, shape and value the store without it does not have) stays a violation."""
    import dataclasses
    ctx = _context(store, data, skip=graph, replacing=None)
    mine = set(data.subjects())
    stored = Graph()
    for t in ctx.triples((None, None, None)):
        if t[0] in mine:
            stored.add(t)
    if not len(stored):
        return report
    key = lambda f: (f.focus, f.path, f.shape, f.component, f.value)      # noqa: E731
    had = {key(f) for f in validate(stored, lang=lang, context=ctx).violations}
    if not had & {key(f) for f in report.violations}:
        return report
    findings = [dataclasses.replace(f, severity="Warning", message="already in the store without this file: "
                                    + f.message) if f.severity == "Violation" and key(f) in had else f
                for f in report.findings]
    return Report(not any(f.severity == "Violation" for f in findings), findings, report.graph)


def _others(store, finding, graph: str, data: Graph) -> str:
    """' (the store already has …/country/EG from graph …/article/004_…)' for a value of the
    finding's property that another graph gives its node, or ''."""
    skip = ", ".join(f"<{g}>" for g in (graph, *DERIVED_GRAPHS))
    rows = store.select(f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ <{finding.focus}> <{finding.path}> ?o }} "
                        f"FILTER(?g NOT IN ({skip})) }} ORDER BY ?o ?g LIMIT 10")
    if not rows:
        return ""
    by_value: dict[str, list[str]] = {}
    for r in rows:
        by_value.setdefault(r["o"], []).append(r["g"].rsplit("/", 1)[-1])
    said = "; ".join(f"<{o}> in {', '.join(gs)}" for o, gs in by_value.items())
    return (f" The store already has {said}: a curated file adds to what the articles say, it "
            f"cannot take their statements back (correct or remove the article instead).")


def context_after(store, data: Graph, graph: str) -> Graph:
    """What the store will say about the nodes ``data`` reaches, once ``data`` has replaced
    named graph ``graph``: without that graph's previous version, every hop out, and the
    entity graph's descriptions recomputed (see the module docstring)."""
    return _context(store, data, skip=graph, replacing=data)


def _context(store, data: Graph, skip: str | None, replacing: Graph | None) -> Graph:
    """The store's triples about the IRIs ``data`` names and every hop out, outside the derived
    graphs and ``skip``; the entity graph's lines for the entities reached, as they will be
    when ``replacing`` is stored in place of ``skip`` (``None``: as they are)."""
    graphs = ", ".join(f"<{g}>" for g in ((skip,) if skip else ()) + DERIVED_GRAPHS)
    ctx = Graph()
    seen: set[URIRef] = set()
    frontier = _iris(set(data.subjects()) | set(data.objects()))
    for _ in range(MAX_HOPS):
        todo = sorted(frontier - seen, key=str)
        if not todo:
            break
        seen |= set(todo)
        step = Graph()
        for i in range(0, len(todo), CHUNK):
            values = " ".join(f"<{n}>" for n in todo[i:i + CHUNK])
            step.parse(data=_construct(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
                                              f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({graphs})) }}"),
                       format="nt")
        ctx += step
        frontier = _iris(set(step.objects()))
    described = sorted({str(n) for n in seen if str(n).startswith(entities.ENTITY_PREFIXES)})
    for line in _entity_descriptions(store, described, replacing, skip):
        ctx.parse(data=line, format="nt")
    return ctx


def _iris(nodes) -> set[URIRef]:
    return {n for n in nodes if isinstance(n, URIRef) and ">" not in str(n) and " " not in str(n)}


def _construct(store, sparql: str) -> str:
    """A CONSTRUCT's triples as N-Triples text (any backend: their results are pyoxigraph's)."""
    return ox.serialize(store.query(sparql), ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _entity_descriptions(store, iris: list[str], data: Graph | None, graph: str | None) -> list[str]:
    """The entity graph's lines for these entities once ``data`` replaced ``graph``: the
    spellings and curated labels of the other graphs, and the file's own (no data: as the
    stored graphs give them)."""
    from collections import Counter
    if not iris:
        return []
    leaving = [graph] if graph else []
    spellings: dict[str, Counter] = {x: Counter() for x in iris}
    labelled: set[str] = set()
    for i in range(0, len(iris), 500):
        chunk = iris[i:i + 500]
        for r in store.select(entities.spellings_query(chunk, leaving)):
            spellings[r["x"]][r["s"]] += int(r["n"])
        labelled |= {r["x"] for r in store.select(entities.curated_labels_query(chunk, leaving))}
    if data is not None:
        nt = data.serialize(format="nt")
        for x, spelling in entities.spellings_in(nt):
            if x in spellings:
                spellings[x][spelling] += 1
        labelled |= entities.labelled_in(nt)
    return [line for x in iris for line in entities.description(x, spellings[x], x in labelled)]


def describe_finding(finding, source=None) -> str:
    """One line for a finding that names what to fix: where in the file (``line L`` when one
    line of ``source`` states the property with that value), the property, the value, the node
    and the shape's message. ``line 7: tdo:date "12/03/2024" of <…/agreement/x>: An agreement …``"""
    from .report import _short
    prop = _short(finding.path) if finding.path else "(the node)"
    value = f" {finding.value!r}" if finding.value else ""
    where = _line_of(source, finding) if source is not None else None
    return (f"{f'line {where}: ' if where else ''}{prop}{value} of <{finding.focus}>: "
            f"{finding.message.rstrip('.')}")


def _line_of(source, finding) -> int | None:
    """The first line of the file that states the finding's property with its value (by the
    property's local name and the value's text or local name), if there is one."""
    import re
    try:
        with open(source, encoding="utf-8-sig", errors="replace") as f:
            lines = f.read(5_000_000).splitlines()
    except OSError:
        return None
    name = re.split(r"[#/]", finding.path or "")[-1]
    value = re.split(r"[#/]", finding.value)[-1] if finding.value.startswith(("http://", "https://")) \
        else finding.value
    focus = re.split(r"[#/]", finding.focus)[-1]

    def first(*needles) -> int | None:
        if not all(needles):
            return None
        return next((i for i, line in enumerate(lines, 1) if all(n in line for n in needles)
                     and not line.lstrip().lower().startswith(("@prefix", "prefix", "@base", "base"))), None)
    return first(name, value) or first(focus, name) or first(value)
