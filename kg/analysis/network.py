"""The graph in the store -> NetworkX networks analysts look at.

One adapter reads accords and engagements by SPARQL (:func:`read_items`); the
builders turn them into

- ``countries``: state–state, an edge where two states are parties or
  participants of one accord or engagement; ``weight`` = distinct items;
- ``actors``: people and organisations that take part in the same item
  (``bipartite=True`` gives the actor–item graph instead);
- ``topics``: state–topic bipartite, ``weight`` = items of that state on that topic.

Example::

    G = build(Store("tdkg-store"), "countries")
    G["EG"]["PS"]["weight"]     # 5 with the bundled articles
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

NETWORKS = ("countries", "actors", "topics")
TDO = "https://w3id.org/tdkg/ontology#"


@dataclass
class Item:
    """One accord or engagement, as the networks need it."""
    iri: str
    kind: str                       # Agreement | Engagement
    type: str                       # MemorandumOfUnderstanding, Meeting, …
    status: str = ""
    dates: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def read_items(store) -> dict[str, Item]:
    """Every accord and engagement with its states, actors, topics, dates and articles."""
    items: dict[str, Item] = {}
    for r in store.select("""
        SELECT DISTINCT ?x ?type ?top ?status ?date ?id WHERE {
          ?x a ?type ; tdo:reportedIn/dct:identifier ?id .
          ?type rdfs:subClassOf+ ?top . VALUES ?top { tdo:Agreement tdo:Engagement }
          OPTIONAL { ?x tdo:status ?status } OPTIONAL { ?x tdo:date ?date } }"""):
        it = items.setdefault(r["x"], Item(r["x"], _local(r["top"]), _local(r["type"])))
        if r["status"]:
            it.status = _local(r["status"])
        if r["date"]:
            it.dates.add(r["date"])
        it.articles.add(r["id"])
    for r in store.select("""
        SELECT DISTINCT ?x ?code WHERE {
          { ?x tdo:party|tdo:participant ?c } UNION { ?x (tdo:party|tdo:participant)/tdo:country ?c }
          ?c a tdo:Country ; tdo:iso2 ?code }"""):
        if r["x"] in items:
            items[r["x"]].countries.add(r["code"])
    for r in store.select("SELECT DISTINCT ?x ?code WHERE { ?x tdo:topic/skos:notation ?code }"):
        if r["x"] in items:
            items[r["x"]].topics.add(r["code"])
    for r in store.select("""
        SELECT DISTINCT ?x ?a WHERE {
          ?x tdo:party|tdo:participant|tdo:signatory ?a .
          { ?a a tdo:Person } UNION { ?a a tdo:Organization } }"""):
        if r["x"] in items:
            items[r["x"]].actors.add(r["a"])
    return items


def _country_nodes(store) -> dict[str, dict]:
    out: dict[str, dict] = {}
    rows = store.select("""SELECT ?code (SAMPLE(?ar) AS ?label_ar) (SAMPLE(?en) AS ?label_en) ?c WHERE {
          ?c a tdo:Country ; tdo:iso2 ?code .
          OPTIONAL { ?c rdfs:label ?ar FILTER(lang(?ar) = "ar") }
          OPTIONAL { ?c rdfs:label ?en FILTER(lang(?en) = "en") } } GROUP BY ?code ?c""")
    for r in rows:
        out[r["code"]] = {"kind": "Country", "iso2": r["code"], "iri": r["c"],
                          "label_ar": r["label_ar"] or r["code"], "label_en": r["label_en"] or r["code"]}
    return out


def _actor_nodes(store) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in store.select("""
        SELECT ?a ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?code) AS ?iso2) WHERE {
          VALUES ?kind { tdo:Person tdo:Organization }
          ?a a ?kind ; rdfs:label ?l . OPTIONAL { ?a tdo:country/tdo:iso2 ?code } } GROUP BY ?a ?kind"""):
        out[r["a"]] = {"kind": _local(r["kind"]), "iri": r["a"], "label_ar": r["label"] or "",
                       "label_en": "", "iso2": r["iso2"] or ""}
    return out


def _edge(G: nx.Graph, u: str, v: str, it: Item) -> None:
    if not G.has_edge(u, v):
        G.add_edge(u, v, items=set(), types=Counter(), statuses=Counter(), topics=set(),
                   dates=set(), articles=set())
    e = G[u][v]
    if it.iri in e["items"]:
        return
    e["items"].add(it.iri)
    e["types"][it.type] += 1
    if it.status:
        e["statuses"][it.status] += 1
    e["topics"] |= it.topics
    e["dates"] |= it.dates
    e["articles"] |= it.articles


def _finish(G: nx.Graph) -> nx.Graph:
    """Weights and flat, typed edge attributes (what GEXF, CSV and plots need)."""
    for u, v, e in G.edges(data=True):
        e["weight"] = len(e["items"])
        e["agreements"] = sum(n for t, n in e["types"].items() if t in
                              ("MemorandumOfUnderstanding", "FrameworkAgreement", "CooperationAgreement"))
        e["engagements"] = e["weight"] - e["agreements"]
        for t in ("MemorandumOfUnderstanding", "FrameworkAgreement", "CooperationAgreement",
                  "Meeting", "Visit", "Signing", "Forum"):
            e[t] = e["types"].get(t, 0)
        for st in ("Signed", "Agreed", "Planned"):
            e[st.lower()] = e["statuses"].get(st, 0)
        dates = sorted(e["dates"])
        e["first_date"], e["last_date"] = (dates[0], dates[-1]) if dates else ("", "")
        e["topics"] = sorted(e["topics"])
        e["articles"] = sorted(e["articles"])
        e["dates"] = dates
        e["distance"] = 1.0 / e["weight"]
        del e["items"], e["types"], e["statuses"]
    return G


def countries_network(items: dict[str, Item], nodes: dict[str, dict]) -> nx.Graph:
    G = nx.Graph(name="countries")
    for it in items.values():
        for c in it.countries:
            G.add_node(c, **nodes.get(c, {"kind": "Country", "iso2": c, "label_ar": c, "label_en": c}))
        for u, v in combinations(sorted(it.countries), 2):
            _edge(G, u, v, it)
    return _finish(G)


def actors_network(items: dict[str, Item], nodes: dict[str, dict], bipartite: bool = False) -> nx.Graph:
    G = nx.Graph(name="actors")
    for it in items.values():
        actors = sorted(a for a in it.actors if a in nodes)
        for a in actors:
            G.add_node(a, **nodes[a])
        if bipartite:
            G.add_node(it.iri, kind=it.type, iri=it.iri, label_ar=it.type, label_en=it.type, iso2="")
            for a in actors:
                _edge(G, a, it.iri, it)
        else:
            for u, v in combinations(actors, 2):
                _edge(G, u, v, it)
    return _finish(G)


def topics_network(items: dict[str, Item], nodes: dict[str, dict], topic_labels: dict) -> nx.Graph:
    G = nx.Graph(name="topics")
    for it in items.values():
        for c in it.countries:
            G.add_node(c, **nodes.get(c, {"kind": "Country", "iso2": c, "label_ar": c, "label_en": c}))
            for t in it.topics:
                ar, en = topic_labels.get(t, (t, t))
                G.add_node("topic:" + t, kind="Topic", iso2="", iri="https://w3id.org/tdkg/topic/" + t,
                           label_ar=ar, label_en=en)
                _edge(G, c, "topic:" + t, it)
    _finish(G)
    for u, v, e in G.edges(data=True):          # the topic of a state-topic tie is its topic node
        e["topics"] = [(u if str(u).startswith("topic:") else v)[len("topic:"):]]
    return G


def build(store, network: str, bipartite: bool = False) -> nx.Graph:
    """The named network (``countries``, ``actors`` or ``topics``) from the store."""
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}: choose {', '.join(NETWORKS)}")
    items = read_items(store)
    if network == "countries":
        return countries_network(items, _country_nodes(store))
    if network == "actors":
        return actors_network(items, _actor_nodes(store), bipartite)
    labels = defaultdict(lambda: ("", ""))
    for r in store.select("""SELECT ?code (SAMPLE(?ar) AS ?a) (SAMPLE(?en) AS ?e) WHERE {
            ?t skos:notation ?code ; skos:prefLabel ?ar, ?en FILTER(lang(?ar) = "ar" && lang(?en) = "en")
          } GROUP BY ?code"""):
        labels[r["code"]] = (r["a"], r["e"])
    return topics_network(items, _country_nodes(store), labels)
