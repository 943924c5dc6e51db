"""Network layout: igraph's Fruchterman–Reingold (what tdkg uses, ``kg.analysis.layout``)
against NetworkX's spring layout (what it used, and which needs scipy), same graph, same run.

    python bench/layout.py                       # 5,000 nodes, 12,000 edges, ~1-2 min

A seeded random graph with positive weights; each layout timed over ``--runs`` runs (CPU
seconds of this process, wall clock beside), and both checked to be deterministic for a seed.
Writes the "Layout" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import cpu_s, log, write_section  # noqa: E402


def graph(nodes: int, edges: int, seed: int):
    import networkx as nx
    rng = random.Random(seed)
    G = nx.gnm_random_graph(nodes, edges, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.randint(1, 5)
    return G


def timed(fn, runs: int) -> tuple[list[float], list[float], bool]:
    """CPU and wall seconds of each run, and whether every run gave the same positions."""
    cpu, wall, outs = [], [], []
    for _ in range(runs):
        c, w = cpu_s(), time.perf_counter()
        out = fn()
        cpu.append(cpu_s() - c)
        wall.append(time.perf_counter() - w)
        outs.append({n: tuple(map(float, xy)) for n, xy in out.items()})
    return cpu, wall, all(o == outs[0] for o in outs)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--edges", type=int, default=12000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    a = ap.parse_args(argv)
    import networkx as nx
    from kg.analysis.layout import positions
    G = graph(a.nodes, a.edges, a.seed)
    log(f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    ig_cpu, ig_wall, ig_same = timed(lambda: positions(G, seed=a.seed), a.runs)
    log(f"igraph FR: {statistics.median(ig_wall):.2f} s")
    nx_cpu, nx_wall, nx_same = timed(lambda: nx.spring_layout(G, seed=a.seed, weight="weight"), a.runs)
    log(f"NetworkX spring: {statistics.median(nx_wall):.2f} s")
    med = statistics.median
    import igraph
    lines = [
        "## Layout (issue: install and layout)\n",
        f"`python bench/layout.py --nodes {a.nodes} --edges {a.edges} --runs {a.runs}` "
        f"({time.strftime('%Y-%m-%d')}; networkx {nx.__version__}, igraph {igraph.__version__}; 2 cores, shared). "
        f"A seeded G(n, m) random graph, weights 1–5; median of {a.runs} runs in one process.\n",
        "| layout | CPU s | wall s | deterministic for a seed |", "|---|---|---|---|",
        f"| igraph Fruchterman–Reingold, 500 iterations (`kg.analysis.layout.positions`) | {med(ig_cpu):.2f} | "
        f"{med(ig_wall):.2f} | {'yes' if ig_same else 'NO'} |",
        f"| NetworkX `spring_layout` (scipy's sparse solver above 500 nodes) | {med(nx_cpu):.2f} | {med(nx_wall):.2f} | "
        f"{'yes' if nx_same else 'no'} |",
        f"\nigraph is **{med(nx_cpu) / med(ig_cpu):.0f}×** faster in CPU time here, and needs no scipy "
        f"(143 MB of the install, gone).\n"]
    write_section(Path(a.results), "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
