"""Figures kept current at load: the tallies behind the pair, partner and topic queries.

Counted per request, "which pairs of states share most accords" scans every accord and
engagement of the store (0.4–0.7 s at 3,000 articles, growing with the store). The store
keeps the counts instead, as small nodes in their own graph (:data:`~.vocab.TALLY_GRAPH`),
and every write moves them in the same transaction: the facts of the items the write
touches are read before it and worked out as they will be after it, and each tally moves
by the difference (:func:`delta`). ``tests/test_tallies.py`` checks after loads, reloads,
removals, updates and curated files that they equal a count from scratch.

An *item* is anything with a ``tdo:party`` or ``tdo:participant``: an accord when some
graph gives it a ``tdo:status``, else an engagement. The *states* it involves are its
members that are states and the states (``tdo:country``) of its other members — the
definition the saved queries used when they counted from scratch. Kinds of tally:

- ``tdr:tally/pair/EG-PS``: a pair of states — its accords, engagements, items, reports
  (one per ``tdo:reportedIn`` of each item) and articles;
- ``tdr:tally/pair/EG-PS/article/…``: the items of a pair one article reports, a count and
  nothing else (how many there are is the pair's ``tdo:articleCount``);
- ``tdr:tally/pair/EG-PS/topic/ai``: the items of a pair on a topic (``tdo:tallyPair``);
- ``tdr:tally/topic/ai/EG``: the items of a state on a topic.

Beside them, each item's ``tdo:involves`` its states, so that the accords and events of
one pair are found by two lookups rather than through every actor of either state.

>>> facts = ItemFacts(frozenset({COUNTRY + "EG", COUNTRY + "PS"}), frozenset({TOPIC + "ai"}),
...                   accord=True, reports=frozenset({BASE + "article/a1"}))
>>> sorted(k[:2] for k in contributions(facts))[:2]
[('pair', 'EG-PS'), ('pair', 'EG-PS')]
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .vocab import BASE, COUNTRY, TALLY_GRAPH, TDO, TOPIC

PARTY, PARTICIPANT, STATUS = TDO + "party", TDO + "participant", TDO + "status"
TOPIC_P, REPORTED_IN, STATE_OF = TDO + "topic", TDO + "reportedIn", TDO + "country"
INVOLVES = TDO + "involves"
ITEM_PREDICATES = (PARTY, PARTICIPANT, STATUS, TOPIC_P, REPORTED_IN)
MEMBER_PREDICATES = (PARTY, PARTICIPANT)
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TALLY = BASE + "tally/"
PAIR_MEASURES = ("accordCount", "engagementCount", "reportCount", "articleCount")


@dataclass(frozen=True)
class ItemFacts:
    """What the tallies read of one accord or engagement, as the merge of the graphs says it."""
    states: frozenset
    topics: frozenset
    accord: bool
    reports: frozenset


def _code(iri: str, namespace: str) -> str:
    """``EG`` for a country IRI, ``ai`` for a topic; a digest for anything else."""
    tail = iri[len(namespace):] if iri.startswith(namespace) else ""
    if tail and tail.replace("-", "").replace("_", "").isalnum() and tail.isascii():
        return tail
    return "x" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def contributions(facts: ItemFacts) -> Counter:
    """The counts one item adds, keyed by tally: ``("pair", "EG-PS", measure)``,
    ``("pair-article", "EG-PS", article)``, ``("pair-topic", "EG-PS", topic)``,
    ``("topic", topic, state)``."""
    out: Counter = Counter()
    states = sorted(facts.states)
    for i, a in enumerate(states):
        for b in states[i + 1:]:
            pair = f"{_code(a, COUNTRY)}-{_code(b, COUNTRY)}"
            out[("pair", pair, "accordCount" if facts.accord else "engagementCount")] += 1
            out[("pair", pair, "reportCount")] += len(facts.reports)
            for art in facts.reports:
                out[("pair-article", pair, art)] += 1
            for t in facts.topics:
                out[("pair-topic", pair, t)] += 1
    for c in states:
        for t in facts.topics:
            out[("topic", t, c)] += 1
    return out


def delta(before: dict[str, ItemFacts], after: dict[str, ItemFacts]) -> Counter:
    """What the tallies move by when the items ``before`` become ``after`` (an item absent
    from one side is absent from the store then)."""
    out: Counter = Counter()
    for facts in after.values():
        out.update(contributions(facts))
    for facts in before.values():
        out.subtract(contributions(facts))
    return Counter({k: v for k, v in out.items() if v})


def tally_iri(key: tuple) -> str:
    """The node a key's count lives on (a pair's measures all on the pair's node)."""
    kind, first, second = key
    if kind == "pair":
        return f"{TALLY}pair/{first}"
    if kind == "pair-article":
        return f"{TALLY}pair/{first}/article/{hashlib.sha1(second.encode('utf-8')).hexdigest()[:16]}"
    if kind == "pair-topic":
        return f"{TALLY}pair/{first}/topic/{_code(second, TOPIC)}"
    return f"{TALLY}topic/{_code(first, TOPIC)}/{_code(second, COUNTRY)}"


# ------------------------------------------------------------------ facts from the store
def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(f'<{i}>' for i in iris)} }}"


def _triples(nt: str, predicates: tuple) -> Iterable[tuple[str, str, str]]:
    """(subject, predicate, object) IRIs of the N-Triples lines with one of ``predicates``."""
    wanted = {f"<{p}>" for p in predicates}
    for line in nt.splitlines():
        if not line.startswith("<"):
            continue
        s, p, rest = line.split(" ", 2)
        if p in wanted and rest.startswith("<"):
            yield s[1:-1], p[1:-1], rest[1:rest.index(">")]


def touched(select: Callable[[str], list[dict]], graphs: list[tuple[str, str]],
            leaving: list[str]) -> tuple[set[str], set[str]]:
    """The items the written graphs state something of and those the leaving graphs did;
    and the members they give or gave a state (``tdo:country``), whose items may move."""
    items = {s for _, nt in graphs for s, _, _ in _triples(nt, ITEM_PREDICATES)}
    stated = {s for _, nt in graphs for s, _, _ in _triples(nt, (STATE_OF,))}
    for i in range(0, len(leaving), 200):
        rows = select(f"SELECT DISTINCT ?x ?p WHERE {{ {_values('g', leaving[i:i + 200])} "
                      f"{_values('p', ITEM_PREDICATES + (STATE_OF,))} GRAPH ?g {{ ?x ?p ?o }} }}")
        items |= {r["x"] for r in rows if r["p"] != STATE_OF}
        stated |= {r["x"] for r in rows if r["p"] == STATE_OF}
    return items, stated


def item_facts(select: Callable[[str], list[dict]], items: Iterable[str], stated: Iterable[str],
               graphs: list[tuple[str, str]], leaving: list[str]
               ) -> tuple[dict[str, ItemFacts], dict[str, ItemFacts], set[str]]:
    """The facts of ``items`` before the write and after it (the leaving graphs gone, the
    written ones in), and the members (of these items, or ``stated``) whose states the
    write changes: their other items move too."""
    items = sorted(items)
    said: dict[str, list] = {x: [] for x in items}        # (predicate, object, stays after)
    for x, p, o, stays in _stored_facts(select, "x", items, ITEM_PREDICATES, leaving):
        said[x].append((p, o, stays))
    wanted = set(items)
    for _, nt in graphs:
        for s, p, o in _triples(nt, ITEM_PREDICATES):
            if s in wanted:
                said[s].append((p, o, None))               # None: only after
    members = sorted({o for x in items for p, o, _ in said[x]
                      if p in MEMBER_PREDICATES and not o.startswith(COUNTRY)} | set(stated))
    states_of: dict[str, list] = {m: [] for m in members}
    for m, _, state, stays in _stored_facts(select, "x", members, (STATE_OF,), leaving):
        states_of[m].append((state, stays))
    for _, nt in graphs:
        for s, _, o in _triples(nt, (STATE_OF,)):
            if s in states_of:
                states_of[s].append((o, None))

    def view(when: str):
        keep = (lambda stays: stays is not None) if when == "before" else (lambda stays: stays is not False)
        state_sets = {m: frozenset(s for s, stays in v if keep(stays)) for m, v in states_of.items()}
        out = {}
        for x in items:
            facts = [(p, o) for p, o, stays in said[x] if keep(stays)]
            if not any(p in MEMBER_PREDICATES for p, _ in facts):
                continue
            states = set()
            for p, o in facts:
                if p in MEMBER_PREDICATES:
                    states |= {o} if o.startswith(COUNTRY) else state_sets.get(o, frozenset())
            out[x] = ItemFacts(frozenset(states), frozenset(o for p, o in facts if p == TOPIC_P),
                               any(p == STATUS for p, _ in facts),
                               frozenset(o for p, o in facts if p == REPORTED_IN))
        return out, state_sets

    before, states_before = view("before")
    after, states_after = view("after")
    return before, after, {m for m in members if states_before[m] != states_after[m]}


def _stored_facts(select, var: str, subjects: list[str], predicates: tuple, leaving: list[str]):
    """(subject, predicate, object, stays after the write) of what the store says of
    ``subjects``: read from the default graph (the merge: each fact once, however many
    articles state it), then, when graphs leave, which of those only they state."""
    for i in range(0, len(subjects), 300):
        chunk = _values(var, subjects[i:i + 300])
        rows = select(f"SELECT DISTINCT ?{var} ?p ?o WHERE {{ {chunk} {_values('p', predicates)} "
                      f"?{var} ?p ?o FILTER(isIRI(?o)) }}")
        only = set()
        for j in range(0, len(leaving), 200) if rows else ():
            gone = leaving[j:j + 200]
            others = ", ".join(f"<{g}>" for g in leaving)
            only |= {(r[var], r["p"], r["o"]) for r in select(
                f"SELECT DISTINCT ?{var} ?p ?o WHERE {{ {chunk} {_values('p', predicates)} {_values('g', gone)} "
                f"GRAPH ?g {{ ?{var} ?p ?o }} FILTER(isIRI(?o)) "
                f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?{var} ?p ?o }} FILTER(?h NOT IN ({others})) }} }}")}
        for r in rows:
            yield r[var], r["p"], r["o"], (r[var], r["p"], r["o"]) not in only


def items_of(select: Callable[[str], list[dict]], members: Iterable[str]) -> set[str]:
    """The items stored with one of ``members`` as party or participant."""
    members = sorted(members)
    out = set()
    for i in range(0, len(members), 300):
        rows = select(f"SELECT DISTINCT ?x WHERE {{ {_values('m', members[i:i + 300])} "
                      f"GRAPH ?g {{ ?x <{PARTY}>|<{PARTICIPANT}> ?m }} }}")
        out |= {r["x"] for r in rows}
    return out


# ------------------------------------------------------------------ tally nodes
def stored(select: Callable[[str], list[dict]], keys: Iterable[tuple]) -> Counter:
    """The stored counts of ``keys`` (0 where there is no node yet), with every measure of
    each pair whose node they move (its article count moves with its pair-article tallies)."""
    keys = set(keys)
    keys |= {("pair", k[1], m) for k in list(keys) if k[0] in ("pair", "pair-article") for m in PAIR_MEASURES}
    nodes = sorted({tally_iri(k) for k in keys})
    found: dict[tuple[str, str], int] = {}
    for i in range(0, len(nodes), 500):
        rows = select(f"SELECT ?t ?p ?n WHERE {{ {_values('t', nodes[i:i + 500])} "
                      f"GRAPH <{TALLY_GRAPH}> {{ ?t ?p ?n FILTER(isLiteral(?n)) }} }}")
        found.update({(r["t"], r["p"]): int(r["n"]) for r in rows})
    return Counter({k: found.get((tally_iri(k), TDO + (k[2] if k[0] == "pair" else "itemCount")), 0)
                    for k in keys})


def description(key_counts: dict[tuple, int]) -> dict[str, list[str]]:
    """N-Triples of each tally node from its counts (a node whose items are gone: no lines).

    ``key_counts`` holds every count of each node it describes (a pair's five measures)."""
    nodes: dict[str, list[str]] = {}
    pairs: dict[str, dict[str, int]] = {}
    for key, n in key_counts.items():
        kind, first, second = key
        node = tally_iri(key)
        if kind == "pair":
            pairs.setdefault(first, {})[second] = n
            continue
        nodes[node] = [] if n <= 0 else _node_lines(node, kind, first, second, n)
    for pair, m in pairs.items():
        node = tally_iri(("pair", pair, ""))
        items = m.get("accordCount", 0) + m.get("engagementCount", 0)
        if items <= 0:
            nodes[node] = []
            continue
        a, b = pair.split("-", 1)
        lines = [f"<{node}> <{RDF_TYPE}> <{TDO}PairTally> .",
                 f"<{node}> <{TDO}tallyState> <{COUNTRY}{a}> .",
                 f"<{node}> <{TDO}tallyState> <{COUNTRY}{b}> .",
                 _count(node, "itemCount", items)]
        lines += [_count(node, k, m.get(k, 0)) for k in PAIR_MEASURES]
        nodes[node] = lines
    return nodes


def _count(node: str, measure: str, n: int) -> str:
    return f'<{node}> <{TDO}{measure}> "{n}"^^<{XSD_INTEGER}> .'


def _node_lines(node: str, kind: str, first: str, second: str, n: int) -> list[str]:
    """Few triples per node: a store holds thousands of them, each twice (its graph, the merge)."""
    if kind == "topic":
        return [f"<{node}> <{RDF_TYPE}> <{TDO}TopicTally> .", f"<{node}> <{TDO}tallyTopic> <{first}> .",
                f"<{node}> <{TDO}tallyState> <{second}> .", _count(node, "itemCount", n)]
    if kind == "pair-topic":      # its states are its pair's
        return [f"<{node}> <{TDO}tallyPair> <{TALLY}pair/{first}> .", f"<{node}> <{TDO}tallyTopic> <{second}> .",
                _count(node, "itemCount", n)]
    return [_count(node, "itemCount", n)]     # pair-article: only its count, to tell when it reaches 0


def moved(old: Counter, change: Counter) -> dict[tuple, int]:
    """The new counts of every node ``change`` touches: old + change, with each pair's
    article count moved by the pair-article tallies that appear or vanish."""
    new: dict[tuple, int] = {}
    for key, d in change.items():
        new[key] = old[key] + d
    for key, d in change.items():
        if key[0] != "pair-article":
            continue
        was, now = old[key], new[key]
        step = (now > 0) - (was > 0)
        if step:
            k = ("pair", key[1], "articleCount")
            new[k] = new.get(k, old[k]) + step
    for pair in {k[1] for k in new if k[0] == "pair"}:       # every measure of a touched pair node
        for m in PAIR_MEASURES:
            new.setdefault(("pair", pair, m), old[("pair", pair, m)])
    return new


def from_scratch(facts: dict[str, ItemFacts]) -> dict[tuple, int]:
    """Every tally's count from the facts of every item (the rebuild, and the tests' oracle)."""
    total: Counter = Counter()
    for f in facts.values():
        total.update(contributions(f))
    articles: Counter = Counter(k[1] for k, n in total.items() if k[0] == "pair-article" and n > 0)
    for pair, n in articles.items():
        total[("pair", pair, "articleCount")] = n
    return dict(total)


def involvement(items: Iterable[str], after: dict[str, ItemFacts]) -> dict[str, list[str]]:
    """Each item's ``tdo:involves`` lines as the write leaves it (none for an item gone): the
    states a pair's accords and events are found by, without going through their actors."""
    return {x: [f"<{x}> <{INVOLVES}> <{s}> ." for s in sorted(after[x].states)] if x in after else []
            for x in items}


def rebuild(select: Callable[[str], list[dict]]) -> str:
    """The tally graph's N-Triples counted from scratch over the whole store."""
    items = {r["x"] for r in select(f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x <{PARTY}>|<{PARTICIPANT}> ?m }} }}")}
    _, facts, _ = item_facts(select, items, (), [], [])
    nodes = {**description(from_scratch(facts)), **involvement(facts, facts)}
    return "\n".join(line for lines in nodes.values() for line in lines) + "\n"
