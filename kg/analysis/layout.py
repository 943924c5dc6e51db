"""Node positions for pictures and GEXF: igraph's Fruchterman–Reingold, seeded.

Why igraph: NetworkX's spring layout needs scipy above 500 nodes and took 84.7 s of CPU
at 5,000 nodes / 12,000 edges where igraph takes 0.58 s (``bench/layout.py``, RESULTS.md). Positions
are deterministic for a seed, and edges pull by weight (shared accords and engagements).

>>> import networkx as nx
>>> G = nx.path_graph(4)
>>> positions(G) == positions(G) and sorted(positions(G)) == [0, 1, 2, 3]
True
"""
from __future__ import annotations

import networkx as nx

from .measures import SEED, convert, seeded


def positions(G: nx.Graph, *, seed: int = SEED, weight: str = "weight") -> dict:
    """node -> (x, y), scaled into [-1, 1] as NetworkX's layouts are."""
    c = convert(G)
    if not c.nodes:
        return {}
    weights = c.g.es[weight] if c.g.ecount() and weight in c.g.es.attributes() else None
    with seeded(seed):
        coords = c.g.layout_fruchterman_reingold(weights=weights, niter=500).coords
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return c.by_node(((x - cx) / scale, (y - cy) / scale) for x, y in coords)
