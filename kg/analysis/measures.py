"""Node measures of a network: pure functions ``f(G, *, options) -> dict`` (NetworkX style).

Weights count shared accords and engagements, so a strong tie is a short path:
path-based measures use ``distance = 1 / weight``.

The networks are NetworkX graphs; the heavy measures (betweenness, closeness,
eigenvector, PageRank, Louvain) run in igraph's C core, which gives the same
numbers as NetworkX 17–56× faster (``bench/RESULTS.md``, "Analysis", and the
agreement test in ``tests/test_network.py``). :func:`analyze` converts a graph
once; each function also takes a NetworkX graph on its own.

Sampling policy (stated, reproducible): betweenness and closeness cost one
shortest-path search per node, i.e. about nodes × edges. While that product is at
most :data:`WORK` (10⁸: e.g. 10,000 nodes and 10,000 edges) they are exact;
above it they use ``k = max(MIN_SAMPLE, WORK // edges)`` nodes drawn with
:data:`SEED` — sources for betweenness (NetworkX's estimator), pivots for
closeness (Eppstein–Wang: a node's distance sum ≈ component size / k × its
distances to the pivots; components of at most k nodes stay exact).
"""
from __future__ import annotations

import math
import random
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import igraph as ig
import networkx as nx

WORK = 10**8          # nodes x edges up to which betweenness and closeness are exact
MIN_SAMPLE = 250      # sources (betweenness) or pivots (closeness) at least, when sampled
SEED = 42
_RNG_LOCK = threading.Lock()    # igraph's random generator is process-wide


@dataclass
class Converted:
    """A NetworkX graph with its igraph copy: vertex i of ``g`` is ``nodes[i]``; edges carry
    ``weight`` and ``distance`` (default 1 and 1/weight)."""
    G: nx.Graph
    g: ig.Graph = field(repr=False)
    nodes: list = field(repr=False)

    def by_node(self, values) -> dict:
        return dict(zip(self.nodes, values))


def convert(G: nx.Graph | Converted) -> Converted:
    """The igraph copy of ``G`` (``G`` itself if already converted).

    >>> c = convert(nx.path_graph(3)); c.g.vcount(), c.g.ecount(), c.g.es["distance"]
    (3, 2, [1.0, 1.0])
    """
    if isinstance(G, Converted):
        return G
    nodes = list(G.nodes())
    index = {n: i for i, n in enumerate(nodes)}
    edges, weight, distance = [], [], []
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1)
        edges.append((index[u], index[v]))
        weight.append(w)
        distance.append(d.get("distance", 1 / w if w else math.inf))
    g = ig.Graph(n=len(nodes), edges=edges, directed=False)
    g.es["weight"] = weight
    g.es["distance"] = distance
    return Converted(G, g, nodes)


@contextmanager
def seeded(seed: int):
    """igraph's random generator (process-wide) seeded for one call, one thread at a time."""
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def _w(c: Converted, weighted: bool, attribute: str = "weight") -> str | None:
    """The edge attribute a weighted measure reads (None: unweighted, or no edges)."""
    return attribute if weighted and c.g.ecount() else None


def sample_size(n: int, m: int, *, work: int = WORK, minimum: int = MIN_SAMPLE) -> int | None:
    """How many sources or pivots a path-based measure uses; None = all (exact).

    >>> sample_size(5_000, 12_000) is None, sample_size(100_000, 260_000)
    (True, 384)
    """
    if n * m <= work:
        return None
    k = max(minimum, work // max(m, 1))
    return None if k >= n else k


def degree(G) -> dict:
    """Number of partners of each node.

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    return dict(convert(G).G.degree())


def strength(G, *, weight: str = "weight") -> dict:
    """Weighted degree: the number of shared items summed over a node's ties.

    >>> G = nx.Graph(); G.add_edge("EG", "PS", weight=3); G.add_edge("EG", "RU", weight=1)
    >>> strength(G)["EG"]
    4
    """
    return dict(convert(G).G.degree(weight=weight))


def betweenness(G, *, weighted: bool = True, work: int = WORK, seed: int = SEED) -> dict:
    """Brokerage: the share of shortest paths (by ``distance = 1/weight``) through a node.

    Normalised as NetworkX does. Exact while nodes × edges ≤ ``work``; above,
    estimated from :func:`sample_size` sources drawn with ``seed`` and scaled as
    ``nx.betweenness_centrality(G, k=...)`` scales them.

    >>> betweenness(nx.path_graph(3))[1]
    1.0
    """
    c = convert(G)
    n = len(c.nodes)
    if n < 3:
        return c.by_node([0.0] * n)
    weights = _w(c, weighted, "distance")
    k = sample_size(n, c.g.ecount(), work=work)
    N = n - 1
    if k is None:
        raw = c.g.betweenness(weights=weights)              # unordered pairs
        return c.by_node(x * 2 / (N * (N - 1)) for x in raw)
    sources = random.Random(seed).sample(range(n), k)
    raw = c.g.betweenness(weights=weights, sources=sources, targets=None)
    chosen = set(sources)
    s_source, s_other = 2 / ((k - 1) * (N - 1)), 2 / (k * (N - 1))
    return c.by_node(x * (s_source if i in chosen else s_other) for i, x in enumerate(raw))


def closeness(G, *, weighted: bool = True, work: int = WORK, seed: int = SEED) -> dict:
    """How near a node is to all it can reach, (r − 1) / Σ distances × (r − 1) / (n − 1)
    for a node reaching r nodes (Wasserman–Faust, as NetworkX's ``wf_improved``).

    Exact while nodes × edges ≤ ``work``; above, components bigger than
    :func:`sample_size` nodes use that many pivots drawn with ``seed``.

    >>> closeness(nx.path_graph(3))[1]
    1.0
    """
    c = convert(G)
    g, n = c.g, len(c.nodes)
    weights = _w(c, weighted, "distance")
    out = [0.0] * n
    if n < 2:
        return c.by_node(out)
    k = sample_size(n, g.ecount(), work=work) or n
    components = list(g.connected_components())
    exact = [(v, len(comp)) for comp in components if 1 < len(comp) <= k for v in comp]
    if exact:
        reached = g.closeness(vertices=[v for v, _ in exact], weights=weights, normalized=True)
        for (v, s), x in zip(exact, reached):
            out[v] = 0.0 if x != x else x * (s - 1) / (n - 1)
    rng = random.Random(seed)
    for comp in components:
        s = len(comp)
        if s <= k:
            continue
        pivots = rng.sample(comp, k)
        total = [0.0] * s
        for i in range(0, k, 25):              # 25 searches at a time: bounded memory
            rows = g.distances(source=pivots[i:i + 25], target=comp, weights=weights)
            total = [t + sum(column) for t, column in zip(total, zip(*rows))]
        for v, t in zip(comp, total):
            out[v] = (s - 1) ** 2 / (t * s / k) / (n - 1) if t > 0 else 0.0
    return c.by_node(out)


def eigenvector(G, *, weighted: bool = True) -> dict:
    """Ties to well-tied nodes; computed per connected component (0 for isolated nodes),
    unit length within it, scaled by its share of nodes so values compare across components.

    >>> ev = eigenvector(nx.path_graph(2)); round(ev[0], 4) == round(ev[1], 4) == 0.7071
    True
    """
    c = convert(G)
    n = len(c.nodes)
    out = [0.0] * n
    for comp in c.g.connected_components():
        size = len(comp)
        if size < 2:
            continue
        if size == 2:                          # one tie: both ends 1/√2, whatever its weight
            values = [1.0, 1.0]
        else:
            with warnings.catch_warnings():    # "nearly zero" centralities in the far periphery
                warnings.simplefilter("ignore", RuntimeWarning)
                values = c.g.induced_subgraph(comp).eigenvector_centrality(weights=_w(c, weighted), scale=True)
        norm = math.sqrt(sum(x * x for x in values)) or 1.0
        for v, x in zip(comp, values):
            out[v] = abs(x) / norm * size / n
    return c.by_node(out)


def pagerank(G, *, weighted: bool = True, alpha: float = 0.85) -> dict:
    """PageRank on the weighted network (sums to 1).

    >>> round(sum(pagerank(nx.path_graph(4)).values()), 6)
    1.0
    """
    c = convert(G)
    if not c.nodes:
        return {}
    return c.by_node(c.g.pagerank(weights=_w(c, weighted), damping=alpha))


def communities(G, *, weighted: bool = True, seed: int = SEED, resolution: float = 1.0) -> dict:
    """Louvain communities: node -> community number (0 = the largest, ties by the smallest
    node name), reproducible by ``seed``.

    >>> communities(nx.Graph([(1, 2), (3, 4)]))
    {1: 0, 2: 0, 3: 1, 4: 1}
    """
    c = convert(G)
    if not c.nodes:
        return {}
    with seeded(seed):
        membership = c.g.community_multilevel(weights=_w(c, weighted), resolution=resolution).membership
    groups: dict[int, list] = {}
    for v, m in enumerate(membership):
        groups.setdefault(m, []).append(c.nodes[v])
    ranked = sorted(groups.values(), key=lambda ns: (-len(ns), min(map(str, ns))))
    return {node: i for i, ns in enumerate(ranked) for node in ns}


MEASURES = {"degree": degree, "strength": strength, "betweenness": betweenness,
            "eigenvector": eigenvector, "pagerank": pagerank, "closeness": closeness,
            "community": communities}


def analyze(G: nx.Graph, *, on_measure=None) -> dict[str, dict]:
    """Every measure of :data:`MEASURES`: measure name -> {node: value}.

    ``on_measure(name)`` is called after each measure (a progress display for big networks).
    """
    if G.number_of_nodes() == 0:
        return {name: {} for name in MEASURES}
    c = convert(G)
    out = {}
    for name, f in MEASURES.items():
        out[name] = f(c)
        on_measure and on_measure(name)
    return out


def annotate(G: nx.Graph, results: dict[str, dict] | None = None) -> nx.Graph:
    """Store each measure as a node attribute (for export and plots); returns G."""
    for name, values in (results or analyze(G)).items():
        nx.set_node_attributes(G, values, name)
    return G


def table(G: nx.Graph, results: dict[str, dict], *, sort_by: str = "pagerank", top: int | None = None):
    """Rows (dicts) of node attributes and measures, best first."""
    rows = []
    for n, data in G.nodes(data=True):
        row = {"node": n, "label_en": data.get("label_en", ""), "label_ar": data.get("label_ar", ""),
               "kind": data.get("kind", ""), "iso2": data.get("iso2", ""), "iri": data.get("iri", "")}
        row.update({m: results[m].get(n) for m in results})
        rows.append(row)
    rows.sort(key=lambda r: (-(r.get(sort_by) or 0), str(r["node"])))
    return rows[:top] if top else rows
