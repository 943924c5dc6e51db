"""Networks, measures, GEXF and pictures: measures against values worked out by hand."""
from __future__ import annotations

import io
import struct

import networkx as nx
import pytest
from lxml import etree

from conftest import SHARED, needs_shared, run_tdkg
from kg.analysis import measures
from kg.analysis.gexf import write_gexf
from kg.analysis.network import Item, countries_network


def star_with_tail():
    """EG–PS (3 accords), EG–RU (1), RU–IR (1): a path PS–EG–RU–IR with weights 3, 1, 1."""
    G = nx.Graph(name="countries")
    for u, v, w in (("PS", "EG", 3), ("EG", "RU", 1), ("RU", "IR", 1)):
        G.add_edge(u, v, weight=w, distance=1 / w)
    return G


def test_degree_and_strength_by_hand():
    G = star_with_tail()
    assert measures.degree(G) == {"PS": 1, "EG": 2, "RU": 2, "IR": 1}
    assert measures.strength(G) == {"PS": 3, "EG": 4, "RU": 2, "IR": 1}


def test_betweenness_uses_inverse_weight_distance():
    # on a path every shortest path is the path; EG lies between PS and RU, PS and IR:
    # 2 of the 3 pairs not involving EG -> normalised 2/3; RU likewise (PS–IR, EG–IR)
    b = measures.betweenness(star_with_tail())
    assert b["EG"] == pytest.approx(2 / 3) and b["RU"] == pytest.approx(2 / 3)
    assert b["PS"] == 0 and b["IR"] == 0
    # a triangle where the direct tie is weak: the path through the strong ties is shorter
    T = nx.Graph()
    for u, v, w in (("A", "B", 1), ("A", "C", 4), ("C", "B", 4)):
        T.add_edge(u, v, weight=w, distance=1 / w)
    assert measures.betweenness(T)["C"] == pytest.approx(1.0)     # A–C–B: 0.5 < 1.0


def test_closeness_by_hand():
    c = measures.closeness(star_with_tail())
    # EG: distances PS 1/3, RU 1, IR 2 -> (n-1)/sum = 3 / (10/3) = 0.9
    assert c["EG"] == pytest.approx(0.9)


def test_pagerank_sums_to_one_and_favours_the_strong_tie():
    pr = measures.pagerank(star_with_tail())
    assert sum(pr.values()) == pytest.approx(1.0)
    assert pr["EG"] > pr["RU"] and pr["PS"] > pr["IR"]


def test_eigenvector_on_disconnected_graph():
    G = star_with_tail()
    G.add_edge("LT", "LV", weight=1, distance=1.0)
    G.add_node("MT")
    ev = measures.eigenvector(G)
    assert ev["MT"] == 0.0 and ev["EG"] > ev["IR"] > 0 and ev["LT"] == pytest.approx(ev["LV"])


def test_louvain_communities_are_reproducible():
    G = nx.Graph()
    for u, v in (("A", "B"), ("B", "C"), ("A", "C"), ("D", "E"), ("E", "F"), ("D", "F"), ("C", "D")):
        G.add_edge(u, v, weight=1)
    c1, c2 = measures.communities(G), measures.communities(G)
    assert c1 == c2 and c1["A"] == c1["B"] == c1["C"] != c1["D"] == c1["E"] == c1["F"]


def random_network(n=300, p=0.02, seed=7):
    """A sparse weighted graph with several components; weights 1, 2, 4 give distances that
    are exact binary fractions, so path lengths tie exactly in both engines."""
    import random
    rng = random.Random(seed)
    G = nx.gnp_random_graph(n, p, seed=seed)
    G.add_nodes_from(range(n, n + 3))                         # isolated nodes
    G.add_edges_from([(n + 3, n + 4)])                        # a pair
    for u, v in G.edges():
        w = rng.choice((1, 2, 4))
        G.edges[u, v].update(weight=w, distance=1 / w)
    return G


def test_igraph_measures_equal_networkx_on_a_random_graph():
    """kg.analysis.measures runs in igraph; its numbers are NetworkX's (the reference definitions)."""
    G = random_network()
    assert nx.number_connected_components(G) > 3
    pairs = [
        (measures.betweenness(G), nx.betweenness_centrality(G, weight="distance", normalized=True)),
        (measures.closeness(G), nx.closeness_centrality(G, distance="distance", wf_improved=True)),
        (measures.pagerank(G), nx.pagerank(G, weight="weight", tol=1e-13, max_iter=10_000)),
    ]
    for ours, ref in pairs:
        assert ours.keys() == ref.keys()
        assert max(abs(ours[v] - ref[v]) for v in G) < 1e-9
    # eigenvector: NetworkX's per component (unit norm), scaled by the component's share
    ev = measures.eigenvector(G)
    giant = max(nx.connected_components(G), key=len)
    ref = nx.eigenvector_centrality_numpy(G.subgraph(giant), weight="weight")
    assert max(abs(ev[v] - abs(ref[v]) * len(giant) / len(G)) for v in giant) < 1e-9
    assert ev[300] == 0.0 and ev[303] == ev[304] == pytest.approx(0.5 ** 0.5 * 2 / len(G))
    # Louvain: a partition as good as NetworkX's own
    parts = {}
    for v, c in measures.communities(G).items():
        parts.setdefault(c, set()).add(v)
    ours = nx.community.modularity(G, parts.values(), weight="weight")
    theirs = nx.community.modularity(G, nx.community.louvain_communities(G, weight="weight", seed=42),
                                     weight="weight")
    assert ours > theirs - 0.02


def test_sampling_above_the_work_bound_is_seeded_and_estimates_well():
    G = random_network(n=400, p=0.03)
    n, m = G.number_of_nodes(), G.number_of_edges()
    work = n * m // 4                                          # forces sampling
    k = measures.sample_size(n, m, work=work)
    assert k is not None and k < n and measures.sample_size(n, m) is None
    # betweenness: NetworkX's estimator from the same sources (random.Random(seed).sample)
    b = measures.betweenness(G, work=work)
    assert b == measures.betweenness(G, work=work)             # reproducible
    ref = nx.betweenness_centrality(G, k=k, weight="distance", seed=42)
    assert max(abs(b[v] - ref[v]) for v in G) < 1e-9
    # closeness from pivots: close to exact, same ranking at the top
    est, exact = measures.closeness(G, work=work), measures.closeness(G)
    giant = max(nx.connected_components(G), key=len)
    assert max(abs(est[v] - exact[v]) / exact[v] for v in giant) < 0.05
    top = lambda d: set(sorted(d, key=d.get, reverse=True)[:10])   # noqa: E731
    assert len(top(est) & top(exact)) >= 8
    # nodes outside the giant component (components smaller than k) stay exact
    assert all(est[v] == pytest.approx(exact[v]) for v in G if v not in giant)


def test_countries_network_counts_items_types_and_dates():
    items = {
        "a1": Item("a1", "Agreement", "MemorandumOfUnderstanding", "Signed", {"2024-03-01"}, {"x"}, {"EG", "PS"}, {"postal"}),
        "a2": Item("a2", "Agreement", "CooperationAgreement", "Planned", set(), {"y"}, {"EG", "PS"}, {"ai"}),
        "e1": Item("e1", "Engagement", "Meeting", "", {"2024-05-02"}, {"y"}, {"EG", "PS", "JO"}, set()),
    }
    G = countries_network(items, {})
    e = G["EG"]["PS"]
    assert e["weight"] == 3 and e["agreements"] == 2 and e["engagements"] == 1
    assert e["signed"] == 1 and e["planned"] == 1 and e["Meeting"] == 1
    assert e["topics"] == ["ai", "postal"] and (e["first_date"], e["last_date"]) == ("2024-03-01", "2024-05-02")
    assert G["EG"]["JO"]["weight"] == 1


# ---------------------------------------------------------------- GEXF

def gexf_of(G) -> bytes:
    measures.annotate(G)
    buf = io.BytesIO()
    write_gexf(G, buf)
    return buf.getvalue()


@needs_shared()
def test_gexf_validates_against_relax_ng_and_round_trips(tmp_path):
    items = {
        "a1": Item("a1", "Agreement", "MemorandumOfUnderstanding", "Signed", {"2024-03-01"}, {"x"}, {"EG", "PS"}, {"postal"}),
        "e1": Item("e1", "Engagement", "Visit", "", {"2024-05-02", "2024-06-01"}, {"y"}, {"EG", "RU"}, set()),
    }
    nodes = {"EG": {"kind": "Country", "iso2": "EG", "label_ar": "مصر", "label_en": "Egypt"},
             "PS": {"kind": "Country", "iso2": "PS", "label_ar": "فلسطين", "label_en": "Palestine"},
             "RU": {"kind": "Country", "iso2": "RU", "label_ar": "روسيا", "label_en": "Russia"}}
    G = countries_network(items, nodes)
    data = gexf_of(G)
    rng = etree.RelaxNG(etree.parse(str(SHARED / "thirdparty" / "gexf-schema" / "1.3" / "gexf.rng")))
    doc = etree.fromstring(data)
    assert rng.validate(doc), rng.error_log
    assert "مصر".encode("utf-8") in data
    assert b'timeformat="date"' in data and b'<spell start="2024-05-02"' in data
    path = tmp_path / "g.gexf"
    path.write_bytes(data)
    H = nx.read_gexf(path)
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["EG"]["label_ar"] == "مصر" and H.nodes["EG"]["iso2"] == "EG"
    assert H.nodes["EG"]["degree"] == 2 and isinstance(H.nodes["EG"]["pagerank"], float)
    assert H["EG"]["PS"]["weight"] == 1.0 and H["EG"]["PS"]["signed"] == 1
    assert "viz" in H.nodes["EG"] and H.nodes["EG"]["viz"]["size"] > 0


def test_cli_analysis_export_and_plot(loaded_store, tmp_path):
    r = run_tdkg("analyze", "--network", "countries", "--format", "json", store=loaded_store, check=True)
    import json
    rows = json.loads(r.stdout)["rows"]
    assert {row["node"] for row in rows} == {"EG", "PS", "RU", "IR", "LT"}
    assert rows[0]["pagerank"] >= rows[-1]["pagerank"]
    for net in ("countries", "actors", "topics"):
        out = tmp_path / f"{net}.gexf"
        run_tdkg("export-graph", "--network", net, "--format", "gexf", "--out", out, store=loaded_store, check=True)
        assert nx.read_gexf(out).number_of_nodes() > 3
    run_tdkg("export-graph", "--network", "countries", "--format", "csv", "--out", tmp_path / "c",
             store=loaded_store, check=True)
    assert (tmp_path / "c-nodes.csv").read_text().startswith("Id,Label,")
    assert (tmp_path / "c-edges.csv").read_text().startswith("Source,Target,Type,Weight")
    png, svg = tmp_path / "c.png", tmp_path / "a.svg"
    run_tdkg("plot", "--network", "countries", "--out", png, store=loaded_store, check=True)
    run_tdkg("plot", "--network", "actors", "--out", svg, store=loaded_store, check=True)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 800 and height >= 600 and png.stat().st_size > 20_000
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "عمرو طلعت" in text


def test_endpoint_serves_analysis_and_gexf(server):
    import urllib.request
    with urllib.request.urlopen(server.url + "/analysis/countries.json") as r:
        import json
        assert json.load(r)["nodes"] == 5
    with urllib.request.urlopen(server.url + "/export/countries.gexf") as r:
        assert r.headers["Content-Type"].startswith("application/gexf+xml")
        assert nx.read_gexf(io.BytesIO(r.read())).number_of_nodes() == 5
    with urllib.request.urlopen(server.url + "/analysis/countries") as r:
        page = r.read().decode()
        assert "/export/countries.gexf" in page and "<img" in page
