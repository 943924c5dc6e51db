"""NetworkX network -> GEXF 1.3 that Gephi opens with its timeline, colours and sizes.

Written by hand (not ``nx.write_gexf``): NetworkX writes ``graph/@name`` and an
``xsi:schemaLocation`` the 1.3 schema rejects, turns int weights into floats and
has no spells. Here every node and edge attribute is declared with its type,
``viz:color`` comes from the community (or kind), ``viz:size`` from a
centrality, ``viz:position`` from a seeded layout, and each dated accord or
engagement is a spell on its edge (``timeformat="date"``), so Gephi's timeline
works. Arabic labels are written as UTF-8.
"""
from __future__ import annotations

import colorsys
import datetime as dt
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .layout import positions

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
KIND_COLORS = {"Country": (31, 111, 235), "Person": (220, 120, 30), "Organization": (46, 160, 67),
               "Topic": (160, 70, 200)}


def _gexf_type(values) -> str | None:
    vals = [v for v in values if v is not None and v != ""]
    if not vals:
        return None
    if all(isinstance(v, bool) for v in vals):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return "long"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "double"
    if all(isinstance(v, (list, tuple, set)) for v in vals):
        return "liststring"
    return "string"


def _value(v, t: str) -> str:
    if t == "liststring":
        return "[" + ",".join(str(x).replace(",", " ") for x in v) + "]"
    if t == "boolean":
        return "true" if v else "false"
    if t == "double":
        return repr(float(v))
    return str(v)


def palette(n: int) -> list[tuple[int, int, int]]:
    """n distinct colours (golden-ratio hues), the same for the same n."""
    out = []
    for i in range(max(n, 1)):
        r, g, b = colorsys.hsv_to_rgb((i * 0.618033988749895) % 1.0, 0.65, 0.9)
        out.append((int(r * 255), int(g * 255), int(b * 255)))
    return out


SKIP_EDGE = {"dates", "distance"}


def write_gexf(G: nx.Graph, out, *, color_by: str = "community", size_by: str = "pagerank",
               layout: bool = True, seed: int = 42) -> None:
    """Write G as GEXF 1.3 to a binary file object."""
    node_attrs = sorted({k for _, d in G.nodes(data=True) for k in d} - {"label_en"})
    edge_attrs = sorted({k for _, _, d in G.edges(data=True) for k in d} - SKIP_EDGE - {"weight"})
    ntypes = {k: _gexf_type([d.get(k) for _, d in G.nodes(data=True)]) for k in node_attrs}
    etypes = {k: _gexf_type([d.get(k) for _, _, d in G.edges(data=True)]) for k in edge_attrs}
    ntypes = {k: t for k, t in ntypes.items() if t}
    etypes = {k: t for k, t in etypes.items() if t}
    dynamic = any(d.get("dates") for _, _, d in G.edges(data=True))

    if color_by in ntypes:
        groups = sorted({str(d.get(color_by)) for _, d in G.nodes(data=True)})
        colors = dict(zip(groups, palette(len(groups))))
    sizes = [d.get(size_by) or 0 for _, d in G.nodes(data=True)] if size_by in ntypes else []
    smax = max(sizes) if sizes else 0
    pos = positions(G, seed=seed) if layout else {}

    w = []
    w.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    w.append(f'<gexf xmlns="{NS}" xmlns:viz="{VIZ}" version="1.3">\n')
    w.append(f'  <meta lastmodifieddate="{dt.date.today().isoformat()}">\n'
             f'    <creator>tdkg — Tech Diplomacy Knowledge Graph</creator>\n'
             f'    <description>{escape(G.graph.get("name", "network"))} network: weight = shared accords '
             f'and engagements</description>\n  </meta>\n')
    mode = ' mode="dynamic" timeformat="date" timerepresentation="interval"' if dynamic else ' mode="static"'
    w.append(f'  <graph defaultedgetype="undirected"{mode}>\n')
    for cls, types in (("node", ntypes), ("edge", etypes)):
        w.append(f'    <attributes class="{cls}">\n')
        for k, t in types.items():       # id = title: graphology/Gephi Lite key attributes by id
            w.append(f'      <attribute id={quoteattr(cls[0] + "_" + k if k in ("id", "label") else k)} '
                     f'title={quoteattr(k)} type="{t}"/>\n')
        w.append('    </attributes>\n')
    nids = {k: ("n_" + k if k in ("id", "label") else k) for k in ntypes}
    eids = {k: ("e_" + k if k in ("id", "label") else k) for k in etypes}

    w.append(f'    <nodes count="{G.number_of_nodes()}">\n')
    for n, d in G.nodes(data=True):
        label = d.get("label_en") or d.get("label_ar") or str(n)
        w.append(f'      <node id={quoteattr(str(n))} label={quoteattr(label)}>\n        <attvalues>\n')
        for k, t in ntypes.items():
            if d.get(k) not in (None, ""):
                w.append(f'          <attvalue for={quoteattr(nids[k])} value={quoteattr(_value(d[k], t))}/>\n')
        w.append('        </attvalues>\n')
        if color_by in ntypes:
            r, g, b = colors[str(d.get(color_by))]
        else:
            r, g, b = KIND_COLORS.get(d.get("kind"), (120, 120, 120))
        w.append(f'        <viz:color r="{r}" g="{g}" b="{b}"/>\n')
        size = 5.0 + 45.0 * ((d.get(size_by) or 0) / smax) if smax else 10.0
        w.append(f'        <viz:size value="{size:.3f}"/>\n')
        if n in pos:
            x, y = pos[n]
            w.append(f'        <viz:position x="{x * 1000:.2f}" y="{y * 1000:.2f}" z="0.0"/>\n')
        w.append('      </node>\n')
    w.append('    </nodes>\n')

    w.append(f'    <edges count="{G.number_of_edges()}">\n')
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        weight = d.get("weight", 1)
        w.append(f'      <edge id="{i}" source={quoteattr(str(u))} target={quoteattr(str(v))} '
                 f'weight="{float(weight):g}">\n        <attvalues>\n')
        for k, t in etypes.items():
            if d.get(k) not in (None, ""):
                w.append(f'          <attvalue for={quoteattr(eids[k])} value={quoteattr(_value(d[k], t))}/>\n')
        w.append('        </attvalues>\n')
        if d.get("dates"):
            w.append('        <spells>\n')
            for day in d["dates"]:
                w.append(f'          <spell start="{day}" end="{day}"/>\n')
            w.append('        </spells>\n')
        w.append(f'        <viz:thickness value="{1.0 + min(float(weight), 20.0) / 2:.2f}"/>\n')
        w.append('      </edge>\n')
    w.append('    </edges>\n  </graph>\n</gexf>\n')
    out.write("".join(w).encode("utf-8"))


def write_csv(G: nx.Graph, nodes_out, edges_out) -> None:
    """Gephi data-laboratory CSVs: nodes (Id, Label, …) and edges (Source, Target, Type, Weight, …)."""
    import csv
    import io
    node_keys = sorted({k for _, d in G.nodes(data=True) for k in d})
    edge_keys = sorted({k for _, _, d in G.edges(data=True) for k in d} - {"weight", "distance"})

    def cell(v):
        return "|".join(map(str, v)) if isinstance(v, (list, tuple, set)) else ("" if v is None else v)

    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(["Id", "Label", *node_keys])
    for n, d in G.nodes(data=True):
        wr.writerow([n, d.get("label_en") or d.get("label_ar") or n, *[cell(d.get(k)) for k in node_keys]])
    nodes_out.write(buf.getvalue().encode("utf-8"))
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(["Source", "Target", "Type", "Weight", *edge_keys])
    for u, v, d in G.edges(data=True):
        wr.writerow([u, v, "Undirected", d.get("weight", 1), *[cell(d.get(k)) for k in edge_keys]])
    edges_out.write(buf.getvalue().encode("utf-8"))
