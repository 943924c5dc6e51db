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

from rdflib import Graph

from ..graph.store import DERIVED_GRAPHS
from .gate import validate
from .report import Report


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
    entity graph's descriptions recomputed (:meth:`kg.graph.store.BaseStore.context_of`, the
    walk ``/validate`` and guarded updates use too)."""
    return _context(store, data, skip=graph, replacing=data)


def _context(store, data: Graph, skip: str | None, replacing: Graph | None) -> Graph:
    return store.context_of(data, skip=skip, replacing=replacing)


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
