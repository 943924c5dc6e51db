"""A picture of a network: node size by a centrality, colour by community, edge width by weight.

PNG labels use English names (matplotlib's raster text does not shape Arabic);
SVG keeps text as text, so a browser shapes Arabic labels correctly — use SVG
for the actors network, whose names are Arabic.
"""
from __future__ import annotations

import networkx as nx

from .gexf import palette
from .layout import positions


class PlotUnavailable(RuntimeError):
    """matplotlib (the optional ``plot`` extra) is not installed."""


def draw(G: nx.Graph, out, *, fmt: str = "png", size_by: str = "pagerank", color_by: str = "community",
         top_labels: int = 40, seed: int = 42, title: str | None = None) -> None:
    try:
        import matplotlib
        from matplotlib.figure import Figure              # no pyplot: safe in the server's threads
    except ImportError:
        raise PlotUnavailable("pictures need matplotlib: pip install 'tdkg[plot]'") from None
    matplotlib.rcParams["svg.fonttype"] = "none"          # text stays text: the viewer shapes Arabic
    matplotlib.rcParams["font.family"] = ["Noto Sans", "Noto Naskh Arabic", "DejaVu Sans"]

    fig = Figure(figsize=(11, 8), dpi=110)
    ax = fig.subplots()
    ax.set_axis_off()
    if G.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "empty network", ha="center")
    else:
        pos = positions(G, seed=seed)
        vals = [G.nodes[n].get(size_by) or 0 for n in G]
        vmax = max(vals) or 1
        groups = sorted({str(G.nodes[n].get(color_by)) for n in G})
        colours = dict(zip(groups, palette(len(groups))))
        node_colors = ["#%02x%02x%02x" % colours[str(G.nodes[n].get(color_by))] for n in G]
        widths = [0.5 + 2.5 * min(d.get("weight", 1), 10) / 10 for _, _, d in G.edges(data=True)]
        nx.draw_networkx_edges(G, pos, ax=ax, width=widths, alpha=0.35, edge_color="#57606a")
        nx.draw_networkx_nodes(G, pos, ax=ax, node_size=[80 + 1800 * v / vmax for v in vals],
                               node_color=node_colors, linewidths=0.8, edgecolors="white")
        ranked = sorted(G, key=lambda n: -(G.nodes[n].get(size_by) or 0))[:top_labels]

        def label(n):
            d = G.nodes[n]
            if fmt == "svg":
                return d.get("label_ar") or d.get("label_en") or str(n)
            return d.get("label_en") or d.get("iso2") or str(n)[-12:]
        nx.draw_networkx_labels(G, pos, ax=ax, labels={n: label(n) for n in ranked
                                                        if fmt == "svg" or G.nodes[n].get("label_en")
                                                        or G.nodes[n].get("iso2")}, font_size=9)
    ax.set_title(title or f"{G.graph.get('name', 'network')}: size = {size_by}, colour = {color_by}, "
                 "edge width = shared accords and engagements", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, format=fmt)
