"""Our GEXF read by graphology-gexf, the parser of Gephi Lite (sigma + graphology).

A small countries network with Arabic labels and dated accords is analysed
(``kg.analysis.measures.annotate``), written with ``kg.analysis.gexf.write_gexf`` and parsed by
graphology 0.26.0 + graphology-gexf 0.13.2 in Node (installed once with npm into
the test cache, ``tests/npm_tools.py``; skipped where node/npm or the registry are
missing), with ``parse(Graph, xml, {addMissingNodes: false})`` as in
shared/notes/external-components.md §3. The node script prints the graph as JSON,
with everything the parser or xmldom wrote to the console; we compare it with the
NetworkX graph: same nodes and edges, every attribute with its value and type.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess

import pytest

from kg.analysis import measures
from kg.analysis.gexf import write_gexf
from kg.analysis.network import Item, countries_network
from npm_tools import npm_install, require_node

GRAPHOLOGY = {"graphology": "0.26.0", "graphology-gexf": "0.13.2"}

PARSE_JS = r"""
const fs = require('fs');
const warnings = [];
for (const level of ['warn', 'error', 'info', 'log']) {
  console[level] = (...args) => warnings.push(level + ': ' + args.map(String).join(' '));
}
process.on('warning', w => warnings.push('process: ' + w.name + ': ' + w.message));
const Graph = require('graphology');
const gexf = require('graphology-gexf');
const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], 'utf-8'), {addMissingNodes: false});
const ints = attrs => Object.keys(attrs).filter(k => Number.isInteger(attrs[k])).sort();
const types = attrs => Object.fromEntries(Object.entries(attrs).map(([k, v]) =>
  [k, Array.isArray(v) ? 'array' : typeof v]));
const out = {type: graph.type, multi: graph.multi, order: graph.order, size: graph.size,
             graph: graph.getAttributes(), nodes: [], edges: [], warnings};
graph.forEachNode((key, attrs) => out.nodes.push({key, attrs, ints: ints(attrs), types: types(attrs)}));
graph.forEachEdge((key, attrs, source, target, sa, ta, undirected) =>
  out.edges.push({key, source, target, undirected, attrs, ints: ints(attrs), types: types(attrs)}));
process.stdout.write(JSON.stringify(out));
"""

NODES = {
    "EG": {"kind": "Country", "iso2": "EG", "label_ar": "مصر", "label_en": "Egypt"},
    "PS": {"kind": "Country", "iso2": "PS", "label_ar": "فلسطين", "label_en": "Palestine"},
    "JO": {"kind": "Country", "iso2": "JO", "label_ar": "الأردن", "label_en": "Jordan"},
    "SA": {"kind": "Country", "iso2": "SA", "label_ar": "المملكة العربية السعودية", "label_en": ""},
    "RU": {"kind": "Country", "iso2": "RU", "label_ar": "روسيا", "label_en": "Russia"},
    "TN": {"kind": "Country", "iso2": "TN", "label_ar": "تونس", "label_en": "Tunisia"},
}


def items() -> dict[str, Item]:
    """Accords and engagements among six states: weights 3, 2 and 1, dates, topics, one undated."""
    rows = [
        ("a1", "Agreement", "MemorandumOfUnderstanding", "Signed", {"2024-03-01"}, {"EG", "PS"}, {"postal"}),
        ("a2", "Agreement", "CooperationAgreement", "Planned", set(), {"EG", "PS"}, {"ai"}),
        ("e1", "Engagement", "Meeting", "", {"2024-05-02"}, {"EG", "PS", "JO"}, set()),
        ("e2", "Engagement", "Visit", "", {"2023-11-20", "2023-11-21"}, {"SA", "EG"}, {"cyber", "5g"}),
        ("a3", "Agreement", "FrameworkAgreement", "Signed", {"2025-01-15"}, {"SA", "EG"}, {"cloud"}),
        ("e3", "Engagement", "Forum", "", {"2022-09-09"}, {"RU", "TN"}, {"ict"}),
        ("a4", "Agreement", "MemorandumOfUnderstanding", "Agreed", {"2025-02-02"}, {"JO", "SA"}, set()),
    ]
    return {iri: Item(iri, kind, typ, status, dates, {f"art-{iri}"}, countries, topics)
            for iri, kind, typ, status, dates, countries, topics in rows}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """(NetworkX graph, its GEXF text, graphology's view of the file as JSON, node's stderr)."""
    node, _ = require_node()
    folder = npm_install("graphology-gexf", GRAPHOLOGY)
    G = measures.annotate(countries_network(items(), NODES))
    tmp = tmp_path_factory.mktemp("graphology")
    buf = io.BytesIO()
    write_gexf(G, buf)
    path = tmp / "countries.gexf"
    path.write_bytes(buf.getvalue())
    script = tmp / "parse-gexf.js"
    script.write_text(PARSE_JS, encoding="utf-8")
    r = subprocess.run([node, str(script), str(path)], capture_output=True, text=True, encoding="utf-8",
                       timeout=120, cwd=tmp,
                       env={**os.environ, "NODE_PATH": str(folder / "node_modules"), "NO_COLOR": "1"})
    assert r.returncode == 0, f"node exited {r.returncode}\nstdout:{r.stdout[-2000:]}\nstderr:{r.stderr[-3000:]}"
    return G, buf.getvalue().decode("utf-8"), json.loads(r.stdout), r.stderr


def declared(text: str, cls: str) -> dict[str, tuple[str, str]]:
    """The GEXF's declared attributes of a class: id -> (title, type)."""
    block = re.search(rf'<attributes class="{cls}">(.*?)</attributes>', text, re.S).group(1)
    return {m[0]: (m[1], m[2]) for m in
            re.findall(r'<attribute id="([^"]+)" title="([^"]+)" type="([^"]+)"/>', block)}


def by_title(entry: dict, model: dict[str, tuple[str, str]]) -> tuple[dict, dict, set]:
    """graphology's attributes of a node or edge keyed by the declared titles (whether graphology
    keyed them by id or by title), with their JS types and which of them are integers."""
    rename = {i: t for i, (t, _) in model.items()}
    attrs = {rename.get(k, k): v for k, v in entry["attrs"].items()}
    types = {rename.get(k, k): v for k, v in entry["types"].items()}
    ints = {rename.get(k, k) for k in entry["ints"]}
    return attrs, types, ints


def test_graphology_parses_without_warnings(parsed):
    G, _, out, stderr = parsed
    assert out["warnings"] == [], out["warnings"]
    assert stderr.strip() == "", stderr
    assert out["type"] == "undirected" and out["multi"] is False
    assert out["order"] == G.number_of_nodes() == 6
    assert out["size"] == G.number_of_edges() == 6
    assert {n["key"] for n in out["nodes"]} == set(G.nodes)
    assert {frozenset((e["source"], e["target"])) for e in out["edges"]} == {frozenset(e) for e in G.edges}
    assert all(e["undirected"] for e in out["edges"])


def test_node_attributes_values_and_types(parsed):
    G, text, out, _ = parsed
    model = declared(text, "node")
    assert {t for t, _ in model.values()} == {k for _, d in G.nodes(data=True) for k in d} - {"label_en"}
    types = {t: ty for t, ty in model.values()}
    assert types["degree"] == "long" and types["community"] == "long" and types["strength"] == "long"
    assert types["pagerank"] == types["betweenness"] == types["closeness"] == types["eigenvector"] == "double"
    for entry in out["nodes"]:
        d = G.nodes[entry["key"]]
        attrs, js_types, ints = by_title(entry, model)
        assert attrs.pop("label") == (d["label_en"] or d["label_ar"])
        for k in ("color", "size", "x", "y", "z"):               # viz:color, viz:size, viz:position
            assert k in attrs, (entry["key"], k)
            attrs.pop(k)
        assert attrs["label_ar"] == d["label_ar"]                 # Arabic, byte for byte
        assert set(attrs) == set(d) - {"label_en"}
        for k, v in attrs.items():
            if isinstance(d[k], str):
                assert js_types[k] == "string" and v == d[k], (entry["key"], k, v, d[k])
            elif isinstance(d[k], int):
                assert js_types[k] == "number" and k in ints and v == d[k], (entry["key"], k, v, d[k])
            else:
                assert js_types[k] == "number" and v == d[k], (entry["key"], k, v, d[k])   # exact double
    eg = next(by_title(e, model)[0] for e in out["nodes"] if e["key"] == "EG")
    assert eg["label_ar"] == "مصر" and eg["degree"] == 3 and eg["strength"] == 6
    sa = next(e for e in out["nodes"] if e["key"] == "SA")
    assert sa["attrs"]["label"] == "المملكة العربية السعودية"   # no English label: the Arabic one


def test_edge_attributes_values_and_types(parsed):
    G, text, out, _ = parsed
    model = declared(text, "edge")
    for entry in out["edges"]:
        d = G[entry["source"]][entry["target"]]
        attrs, js_types, ints = by_title(entry, model)
        assert js_types["weight"] == "number" and "weight" in ints and attrs.pop("weight") == d["weight"]
        assert attrs.pop("thickness") > 0
        assert set(attrs) == set(d) - {"weight", "distance", "dates"}
        for k, v in attrs.items():
            if isinstance(d[k], list):                            # liststring: "[a,b]" -> an array
                assert js_types[k] == "array" and v == d[k], (k, v, d[k])
            elif isinstance(d[k], str):
                assert js_types[k] == "string" and v == d[k], (k, v, d[k])
            else:
                assert js_types[k] == "number" and k in ints and v == d[k], (k, v, d[k])
    weights = {frozenset((e["source"], e["target"])): e["attrs"]["weight"] for e in out["edges"]}
    assert weights[frozenset(("EG", "PS"))] == 3 and weights[frozenset(("EG", "SA"))] == 2


def test_attribute_names_are_the_networkx_names(parsed):
    G, _, out, _ = parsed
    viz = {"label", "color", "size", "x", "y", "z", "weight", "thickness"}
    for entry in out["nodes"]:
        assert set(entry["attrs"]) - viz == set(G.nodes[entry["key"]]) - {"label_en"}
    for entry in out["edges"]:
        assert set(entry["attrs"]) - viz == set(G[entry["source"]][entry["target"]]) - {"weight", "distance", "dates"}
