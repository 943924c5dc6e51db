"""What an install needs and how it fails without it: the packaged ontology and saved queries
(a missing or empty folder is an error, not an empty list), store options where users type
them, the [plot] extra's message, seeded layouts. The wheel itself is installed and run from
outside the checkout by .ci/wheel-check.sh (make test)."""
from __future__ import annotations

import sys

import networkx as nx
import pytest

from conftest import ARTICLES
from kg import cli
from kg.analysis.layout import positions
from kg.graph import queries, vocab


def test_store_options_after_the_subcommand(tmp_path, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    assert cli.main(["load", str(ARTICLES / "000_a8cc2780f9f0fb92.txt"), "--store", str(after), "--quiet",
                     "--jobs", "1"]) == 0
    assert (after).is_dir() and not before.exists()
    capsys.readouterr()
    # given on both sides, the one after the subcommand wins
    assert cli.main(["--store", str(before), "stats", "--store", str(after)]) == 0
    out = capsys.readouterr().out
    assert out.split("\n")[0].split() == ["articles", "1"]
    assert not before.exists()


def test_missing_or_empty_resources_are_errors(tmp_path, monkeypatch, capsys):
    (tmp_path / "pkg" / "queries").mkdir(parents=True)          # an install without its .rq files
    monkeypatch.setattr(vocab, "_PACKAGE", tmp_path / "pkg")
    with pytest.raises(vocab.ResourceError, match=r"no \*\.rq files"):
        vocab.queries_dir()
    with pytest.raises(vocab.ResourceError, match=r"no \*\.ttl files"):
        vocab.ontology_file("tdkg.ttl")
    assert cli.main(["query", "--list"]) == 2
    assert "the tdkg install is incomplete" in capsys.readouterr().err
    with pytest.raises(queries.QueryError, match="no saved queries"):
        queries.saved_queries(tmp_path / "pkg" / "queries")


def test_the_packaged_queries_are_all_listed(capsys):
    assert cli.main(["query", "--list"]) == 0
    names = [line for line in capsys.readouterr().out.splitlines() if line and not line.startswith(" ")]
    assert sorted(names) == sorted(p.stem for p in vocab.queries_dir().glob("*.rq"))
    assert len(names) >= 11


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    store = tmp_path / "s"
    assert cli.main(["load", str(ARTICLES), "--store", str(store), "--quiet", "--jobs", "1"]) == 0
    monkeypatch.setitem(sys.modules, "matplotlib", None)         # import matplotlib -> ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert cli.main(["plot", "--store", str(store), "--out", str(tmp_path / "c.png")]) == 2
    assert "pip install 'tdkg[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists() or (tmp_path / "c.png").stat().st_size == 0


def test_layout_is_seeded_and_pulls_heavy_ties_closer():
    G = nx.Graph()
    G.add_edge("EG", "PS", weight=20)
    for other in ("JO", "RU", "CN", "IN", "MA"):
        G.add_edge("EG", other, weight=1)
        G.add_edge("PS", other, weight=1)
    a, b = positions(G, seed=7), positions(G, seed=7)
    assert a == b and set(a) == set(G)
    assert all(-1.0 <= c <= 1.0 for xy in a.values() for c in xy)
    assert positions(G, seed=8) != a

    def dist(p, u, v):
        return ((p[u][0] - p[v][0]) ** 2 + (p[u][1] - p[v][1]) ** 2) ** 0.5
    assert dist(a, "EG", "PS") < min(dist(a, "EG", o) for o in ("JO", "RU", "CN", "IN", "MA"))
