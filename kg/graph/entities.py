"""One description per entity, whatever articles name it: the entity graph.

An article graph says how *it* spelled a person, organisation or place
(``skos:hiddenLabel``, the SKOS label for spellings kept for search), never the
entity's name. The entity graph (:data:`kg.graph.vocab.ENTITY_GRAPH`) gives each
entity its one ``rdfs:label @ar`` — the spelling most articles use, ties to the
first in Unicode order, so the choice does not depend on load order — and its
other spellings as ``skos:altLabel``. The store rewrites the descriptions of the
entities a load, reload or removal touches, in the same transaction.

A curated graph that names an entity (``rdfs:label``) overrides the choice: the
entity graph then gives that entity no label of its own, only the spellings.

>>> from collections import Counter
>>> label_and_variants(Counter({"احمد زكي": 1, "أحمد زكي": 3}))
('أحمد زكي', ['احمد زكي'])
>>> label_and_variants(Counter({"ب": 2, "أ": 2}))
('أ', ['ب'])
"""
from __future__ import annotations

from collections import Counter

from .vocab import BASE, ENTITY_GRAPH, REFERENCE_GRAPH

HIDDEN = "http://www.w3.org/2004/02/skos/core#hiddenLabel"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ENTITY_PREFIXES = tuple(f"{BASE}{kind}/" for kind in ("person", "org", "place"))


def label_and_variants(spellings: Counter) -> tuple[str, list[str]]:
    """The entity's label (most used, then first in Unicode order) and its other spellings."""
    ranked = sorted(spellings, key=lambda s: (-spellings[s], s))
    return ranked[0], sorted(ranked[1:])


def _lines(nt: str, predicate: str) -> list[str]:
    heads = tuple(f"<{p}" for p in ENTITY_PREFIXES)
    return [l for l in nt.splitlines() if l.startswith(heads) and l.split(" ", 2)[1] == f"<{predicate}>"]


def spellings_in(nt: str) -> list[tuple[str, str]]:
    """(entity IRI, spelling) for each ``skos:hiddenLabel`` of a graph's N-Triples text."""
    from rdflib import Graph
    lines = _lines(nt, HIDDEN)
    if not lines:
        return []
    return [(str(s), str(o)) for s, _, o in Graph().parse(data="\n".join(lines), format="nt")]


def labelled_in(nt: str) -> set[str]:
    """The entities a graph's N-Triples text gives an ``rdfs:label``."""
    return {l.split(" ", 1)[0][1:-1] for l in _lines(nt, LABEL)}


def named_in(nt: str) -> set[str]:
    """The entities a graph spells or labels: those whose description a write of it may change."""
    return {x for x, _ in spellings_in(nt)} | labelled_in(nt)


def _literal(text: str) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{esc}"@ar'


def description(entity: str, spellings: Counter, curated_label: bool) -> list[str]:
    """The N-Triples lines the entity graph holds for one entity."""
    if not spellings:
        return []
    label, variants = label_and_variants(spellings)
    lines = [] if curated_label else [f"<{entity}> <{LABEL}> {_literal(label)} ."]
    lines += [f"<{entity}> <{ALT}> {_literal(v)} ." for v in ([label] if curated_label else []) + variants]
    return lines


def spellings_query(entities: list[str], leaving: list[str]) -> str:
    """SELECT ?x ?s ?n: how many graphs (other than those ``leaving``) spell each entity each way."""
    values = " ".join(f"<{e}>" for e in entities)
    skip = f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in leaving)}))" if leaving else ""
    return (f"SELECT ?x ?s (COUNT(DISTINCT ?g) AS ?n) WHERE {{ VALUES ?x {{ {values} }} "
            f"GRAPH ?g {{ ?x <{HIDDEN}> ?s }} {skip} }} GROUP BY ?x ?s")


def curated_labels_query(entities: list[str], leaving: list[str]) -> str:
    """SELECT ?x: the entities some graph other than the entity graph gives an rdfs:label."""
    values = " ".join(f"<{e}>" for e in entities)
    skip = ", ".join(f"<{g}>" for g in [ENTITY_GRAPH, REFERENCE_GRAPH, *leaving])
    return (f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x <{LABEL}> ?l }} "
            f"FILTER(?g NOT IN ({skip})) }}")
