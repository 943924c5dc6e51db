"""Node measures of a network: pure functions ``f(G, *, options) -> dict`` (NetworkX style).

Weights count shared accords and engagements, so a strong tie is a short path:
path-based measures use ``distance = 1 / weight``.
"""
from __future__ import annotations

import warnings

import networkx as nx

SAMPLE_ABOVE = 2_000   # betweenness is estimated from this many sampled sources above this size
SEED = 42


def degree(G: nx.Graph) -> dict:
    """Number of partners of each node.

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    return dict(G.degree())


def strength(G: nx.Graph, *, weight: str = "weight") -> dict:
    """Weighted degree: the number of shared items summed over a node's ties.

    >>> G = nx.Graph(); G.add_edge("EG", "PS", weight=3); G.add_edge("EG", "RU", weight=1)
    >>> strength(G)["EG"]
    4
    """
    return dict(G.degree(weight=weight))


def betweenness(G: nx.Graph, *, distance: str = "distance", sample_above: int = SAMPLE_ABOVE,
                seed: int = SEED) -> dict:
    """Brokerage: the share of shortest paths (by ``distance = 1/weight``) through a node.

    Normalised. Above ``sample_above`` nodes it is estimated from that many
    sources drawn with a fixed ``seed`` (reproducible).

    >>> betweenness(nx.path_graph(3), distance=None)[1]
    1.0
    """
    k = sample_above if G.number_of_nodes() > sample_above else None
    return nx.betweenness_centrality(G, k=k, weight=distance, normalized=True, seed=seed)


def closeness(G: nx.Graph, *, distance: str = "distance") -> dict:
    """How near a node is to all it can reach (Wasserman–Faust for disconnected graphs)."""
    return nx.closeness_centrality(G, distance=distance, wf_improved=True)


def eigenvector(G: nx.Graph, *, weight: str = "weight") -> dict:
    """Ties to well-tied nodes; computed per connected component (0 for isolated nodes),
    each scaled by its component's share of nodes so values compare across components."""
    out = {n: 0.0 for n in G}
    n_all = G.number_of_nodes() or 1
    for comp in nx.connected_components(G):
        if len(comp) < 2:
            continue
        H = G.subgraph(comp)
        try:
            with warnings.catch_warnings():       # ARPACK on tiny components: scipy falls back itself
                warnings.simplefilter("ignore", RuntimeWarning)
                ev = nx.eigenvector_centrality_numpy(H, weight=weight)
        except Exception:  # numpy/ARPACK can fail on odd components
            ev = nx.eigenvector_centrality(H, weight=weight, max_iter=1000, tol=1e-6)
        share = len(comp) / n_all
        for n, v in ev.items():
            out[n] = abs(v) * share
    return out


def pagerank(G: nx.Graph, *, weight: str = "weight", alpha: float = 0.85) -> dict:
    """PageRank on the weighted network (sums to 1).

    >>> round(sum(pagerank(nx.path_graph(4)).values()), 6)
    1.0
    """
    return nx.pagerank(G, alpha=alpha, weight=weight)


def communities(G: nx.Graph, *, weight: str = "weight", seed: int = SEED, resolution: float = 1.0) -> dict:
    """Louvain communities: node -> community number (0 = the largest), reproducible by ``seed``."""
    parts = nx.community.louvain_communities(G, weight=weight, seed=seed, resolution=resolution)
    parts = sorted(parts, key=lambda c: (-len(c), min(map(str, c))))
    return {n: i for i, c in enumerate(parts) for n in c}


MEASURES = {"degree": degree, "strength": strength, "betweenness": betweenness,
            "eigenvector": eigenvector, "pagerank": pagerank, "closeness": closeness,
            "community": communities}


def analyze(G: nx.Graph) -> dict[str, dict]:
    """Every measure of :data:`MEASURES`: measure name -> {node: value}."""
    if G.number_of_nodes() == 0:
        return {name: {} for name in MEASURES}
    return {name: f(G) for name, f in MEASURES.items()}


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
