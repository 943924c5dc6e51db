"""Pipeline benchmark: extraction, load (with and without the SHACL gate), memory, peers.

    python bench/pipeline.py [--n 10000] [--out bench/out] [--seed 1]

Generates the synthetic corpus (``bench/corpus.py``) into ``OUT/corpus`` or
reuses it, then measures, each phase in its own child process so that the
peak memory (``ru_maxrss``) of one phase never masks another's:

- extraction: ``extract_text`` + ``article_graph``, one process (= per core),
  and two worker processes; how many articles yield an agreement or an
  engagement, and every exception with its traceback;
- load into a fresh on-disk store, without the gate (``validate=False``) at
  1,000 / 5,000 / N articles (throughput and memory against corpus size), and
  with the gate (``validate=True``) at batch sizes 32 / 128 / 512, on a subset
  when the gated load of N would take more than ``--gate-budget`` seconds;
  the loader's time is split into extraction, gate and store writes;
- peers in the same run: rdflib's in-memory ``Dataset`` parsing the N-Quads
  the store holds, against the store's own write path replaying them
  (``Store.replace_graphs`` in batches of 32) and ``bulk_load``; pyshacl
  one article per call against batched calls.

Results go to ``OUT/results.json`` and to the section ``## Pipeline (issue:
core)`` of ``bench/RESULTS.md`` (other sections of that file are kept).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import traceback
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# --code DIR (or TDKG_BENCH_CODE): import kg/ (and its ontology/) from a frozen copy, e.g.
# `git archive HEAD kg ontology | tar -x -C DIR`, so that work committed during a long run
# cannot change the code between phases
CODE = Path(os.environ.get("TDKG_BENCH_CODE") or ROOT).resolve()
sys.path.insert(0, str(ROOT))
from bench.common import busy_s, cpu_s, log, write_section
from bench.common import peak_mb as rss_mb
if CODE != ROOT:
    sys.path.insert(0, str(CODE))

TARGET_EXTRACT_PER_CORE = 500      # articles/s
TARGET_LOAD = 200                  # articles/s
TARGET_MEMORY_MB = 500             # at 10,000 articles
SECTION = "## Pipeline (issue: core)"


def corpus_files(out: Path, n: int) -> list[Path]:
    return [out / "corpus" / f"c{i:06d}.txt" for i in range(1, n + 1)]


# ================================================================ phases (run in children)

def phase_extract(a) -> dict:
    from kg.extract import extract_text
    from kg.graph.rdf import article_graph
    files = corpus_files(Path(a.out), a.n)
    base = rss_mb()
    spent = cpu = 0.0
    triples = yielded = agreements = engagements = 0
    errors = []
    for k, f in enumerate(files, 1):
        text = f.read_text(encoding="utf-8")
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            rec = extract_text(text, f.stem, f.name)
            g = article_graph(rec)
        except Exception:
            spent += time.perf_counter() - t0
            cpu += time.process_time() - c0
            errors.append({"article": f.name, "traceback": traceback.format_exc()})
            continue
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        triples += len(g)
        agreements += bool(rec.agreements)
        engagements += bool(rec.engagements)
        yielded += bool(rec.agreements or rec.engagements)
        if k % 1000 == 0:
            log(f"  extract: {k:,}/{len(files):,}")
    single = {"articles": len(files), "seconds": spent, "articles_per_s": len(files) / spent,
              "cpu_s": cpu, "articles_per_cpu_s": len(files) / cpu,
              "triples": triples, "with_agreement": agreements, "with_engagement": engagements,
              "with_either": yielded, "exceptions": errors, "rss_base_mb": base,
              "rss_peak_mb": rss_mb()}
    # the same work on every core: a process pool, wall time including its start-up
    from multiprocessing import get_context
    workers = os.cpu_count() or 1
    t0, c0 = time.perf_counter(), cpu_s(resource.RUSAGE_CHILDREN)
    with get_context("fork").Pool(workers) as pool:
        done = sum(pool.imap_unordered(_extract_one, map(str, files), chunksize=64))
        pool.close()
        pool.join()
    wall = time.perf_counter() - t0
    pcpu = cpu_s(resource.RUSAGE_CHILDREN) - c0
    single["pool"] = {"workers": workers, "articles": done, "seconds": wall,
                      "articles_per_s": done / wall, "cpu_s": pcpu,
                      "articles_per_cpu_s": done / pcpu if pcpu else None}
    return single


def _extract_one(path: str) -> int:
    from kg.extract import extract_text
    from kg.graph.rdf import article_graph
    p = Path(path)
    try:
        article_graph(extract_text(p.read_text(encoding="utf-8"), p.stem, p.name))
    except Exception:
        pass
    return 1


def phase_load(a) -> dict:
    """One load into a fresh on-disk store; the loader's time split by instrumenting its calls."""
    import kg.loader as L
    from kg.graph.store import REFERENCE_GRAPH, Store
    timers: Counter = Counter()

    def timed(name, f):
        def w(*args, **kw):
            t0 = time.perf_counter()
            try:
                return f(*args, **kw)
            finally:
                timers[name] += time.perf_counter() - t0
        return w

    L.prepare = timed("extract", L.prepare)                  # read + extract + article_graph
    L.validate_batch = timed("gate", L.validate_batch)
    L.ntriples = timed("serialise", L.ntriples)
    Store.replace_graphs = timed("write", Store.replace_graphs)
    Store.ensure_reference = timed("reference", Store.ensure_reference)
    if a.flush_every:
        # variant, not what the loader does: flush the store every k articles (RocksDB memtables)
        write, written = Store.replace_graphs, [0, 0]

        def write_and_flush(self, graphs, *args, **kw):
            graphs = list(graphs)
            write(self, graphs, *args, **kw)
            written[0] += len(graphs)
            if written[0] - written[1] >= a.flush_every:
                t0 = time.perf_counter()
                self.flush()
                timers["flush"] += time.perf_counter() - t0
                written[1] = written[0]
        Store.replace_graphs = write_and_flush

    files = corpus_files(Path(a.out), a.n)
    path = Path(a.out) / "stores" / a.tag
    shutil.rmtree(path, ignore_errors=True)
    store = Store(path)
    base = rss_mb()
    seen = [0]

    def tick(_outcome):
        seen[0] += 1
        if seen[0] % a.tick == 0:
            log(f"  load {a.tag}: {seen[0]:,}/{len(files):,}")

    t0, c0 = time.perf_counter(), cpu_s()
    report = L.load(store, files, validate=a.validate, batch_size=a.batch_size, progress=False,
                    on_outcome=tick)
    wall = time.perf_counter() - t0
    cpu = cpu_s() - c0
    peak = rss_mb()
    stored_triples = report.triples
    total = store.count()
    ref = store.count(REFERENCE_GRAPH)
    refused = [(o.article_id, o.message) for o in report.problems if o.status == "refused"]
    failed = [(o.article_id, o.message) for o in report.problems if o.status == "failed"]
    out = {"articles": len(files), "validate": a.validate, "batch_size": a.batch_size,
           "flush_every": a.flush_every,
           "seconds": wall, "articles_per_s": len(files) / wall,
           "cpu_s": cpu, "articles_per_cpu_s": len(files) / cpu,
           "article_triples": stored_triples, "triples_per_s": stored_triples / wall,
           "store_triples": total, "reference_triples": ref,
           "counts": dict(report.counts), "refused": refused[:20], "failed": failed[:20],
           "split_s": dict(timers), "rss_base_mb": base, "rss_peak_mb": peak}
    if a.export:
        with open(a.export, "wb") as f:
            store.export("nq", f)
        out["exported"] = a.export
    del store
    out["disk_mb"] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(path, ignore_errors=True)
    return out


def phase_rdflib(a) -> dict:
    """Peer: rdflib's in-memory Dataset parsing the N-Quads the store received."""
    from rdflib import Dataset
    base = rss_mb()
    ds = Dataset()
    t0, c0 = time.perf_counter(), cpu_s()
    ds.parse(a.nquads, format="nquads")
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    n = sum(1 for _ in ds.quads((None, None, None, None)))
    return {"triples": n, "seconds": wall, "triples_per_s": n / wall, "cpu_s": cpu,
            "triples_per_cpu_s": n / cpu, "rss_base_mb": base,
            "rss_peak_mb": rss_mb()}


def phase_oxigraph(a) -> dict:
    """The store's side of the same N-Quads: its write path (batches of 32 graphs) and bulk_load."""
    import pyoxigraph as ox
    from kg.graph.oxigraph import Store
    graphs: dict[str, list[str]] = {}
    with open(a.nquads, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            triple, g, _dot = line.rstrip().rsplit(" ", 2)
            graphs.setdefault(g[1:-1], []).append(triple + " .")
    items = [(iri, "\n".join(lines)) for iri, lines in graphs.items()]
    n = sum(len(v) for v in graphs.values())
    del graphs
    base = rss_mb()
    path = Path(a.out) / "stores" / "peer-write"
    shutil.rmtree(path, ignore_errors=True)
    store = Store(path)
    t0, c0 = time.perf_counter(), cpu_s()
    for i in range(0, len(items), 32):
        store.replace_graphs(items[i:i + 32])
    store.flush()
    write, write_cpu = time.perf_counter() - t0, cpu_s() - c0
    assert store.count() == n, (store.count(), n)
    del store
    shutil.rmtree(path, ignore_errors=True)
    path = Path(a.out) / "stores" / "peer-bulk"
    shutil.rmtree(path, ignore_errors=True)
    db = ox.Store(str(path))
    t0, c0 = time.perf_counter(), cpu_s()
    db.bulk_load(path=a.nquads, format=ox.RdfFormat.N_QUADS)
    db.flush()
    bulk, bulk_cpu = time.perf_counter() - t0, cpu_s() - c0
    del db
    shutil.rmtree(path, ignore_errors=True)
    return {"triples": n, "graphs": len(items), "write_seconds": write, "write_triples_per_s": n / write,
            "write_cpu_s": write_cpu, "write_triples_per_cpu_s": n / write_cpu,
            "bulk_seconds": bulk, "bulk_triples_per_s": n / bulk, "bulk_cpu_s": bulk_cpu,
            "rss_base_mb": base,
            "rss_peak_mb": rss_mb()}


def phase_shacl(a) -> dict:
    """The gate's own peer: pyshacl one article per call against batched calls, same graphs."""
    from kg.extract import extract_text
    from kg.graph.rdf import article_graph
    from kg.validate import shapes_graph, ontology_graph, validate, validate_batch
    files = corpus_files(Path(a.out), a.n)
    graphs = []
    for f in files:
        try:
            graphs.append(article_graph(extract_text(f.read_text(encoding="utf-8"), f.stem, f.name)))
        except Exception:                                    # reported by the extraction phase
            pass
    shapes_graph(), ontology_graph()
    validate(graphs[0])                                      # warm-up: imports and caches
    out = {"articles": len(graphs), "triples": sum(map(len, graphs))}
    t0, c0 = time.perf_counter(), cpu_s()
    conform = sum(validate(g).conforms for g in graphs)
    out["per_article"] = {"seconds": time.perf_counter() - t0, "cpu_s": cpu_s() - c0,
                          "conforming": conform}
    for bs in a.batches:
        t0, c0 = time.perf_counter(), cpu_s()
        conform = 0
        for i in range(0, len(graphs), bs):
            conform += sum(r.conforms for r in validate_batch(graphs[i:i + bs]))
        out[f"batch_{bs}"] = {"seconds": time.perf_counter() - t0, "cpu_s": cpu_s() - c0,
                              "conforming": conform}
    for v in out.values():
        if isinstance(v, dict):
            v["articles_per_s"] = len(graphs) / v["seconds"]
            v["articles_per_cpu_s"] = len(graphs) / v["cpu_s"]
    out["rss_peak_mb"] = rss_mb()
    return out


PHASES = {"extract": phase_extract, "load": phase_load, "rdflib": phase_rdflib,
          "oxigraph": phase_oxigraph, "shacl": phase_shacl}


def run_child(out: Path, phase: str, env: dict | None = None, **kw) -> dict:
    """Run one phase in a fresh interpreter; its JSON result comes back through a file."""
    res = out / f"phase-{phase}-{kw.get('tag', '')}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--out", str(out),
           "--result", str(res)]
    for k, v in kw.items():
        if isinstance(v, bool):
            if v:
                cmd.append(f"--{k.replace('_', '-')}")
        elif isinstance(v, list):
            cmd += [f"--{k.replace('_', '-')}", ",".join(map(str, v))]
        else:
            cmd += [f"--{k.replace('_', '-')}", str(v)]
    t0, c0, b0 = time.perf_counter(), cpu_s(resource.RUSAGE_CHILDREN), busy_s()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    mine = cpu_s(resource.RUSAGE_CHILDREN) - c0
    r = json.loads(res.read_text(encoding="utf-8"))
    r["child_wall_s"] = wall
    r["child_cpu_s"] = mine
    # other processes on the machine during this phase, in cores busy on average
    r["others_cores"] = max(0.0, (busy_s() - b0 - mine) / wall)
    return r


# ================================================================ orchestration

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    vers = {}
    for p in ("pyoxigraph", "rdflib", "pyshacl", "pyrudof"):
        try:
            vers[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            vers[p] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kg", "ontology"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    if CODE != ROOT:
        frozen = CODE / ".commit"
        commit = (frozen.read_text().strip() if frozen.exists() else "?") + f" (frozen copy in {CODE})"
        dirty = ""
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram,
            "python": platform.python_version(), "os": platform.platform(), **vers,
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": commit + (" (kg/ or ontology/ modified)" if dirty else "")}


def ensure_corpus(out: Path, n: int, seed: int) -> None:
    from bench.corpus import write
    meta = out / "corpus" / "meta.json"
    if meta.exists():
        m = json.loads(meta.read_text())
        if m.get("seed") == seed and m.get("n", 0) >= n and all(f.exists() for f in corpus_files(out, n)):
            log(f"reusing corpus {out / 'corpus'} ({m['n']:,} articles, seed {seed})")
            return
    log(f"generating {n:,} articles (seed {seed}) into {out / 'corpus'}")
    shutil.rmtree(out / "corpus", ignore_errors=True)
    write(out / "corpus", n, seed, progress=True)
    meta.write_text(json.dumps({"n": n, "seed": seed}))


def orchestrate(a) -> dict:
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    R: dict = {"machine": machine(), "n": a.n, "seed": a.seed}
    log(f"machine: {R['machine']}")
    t0 = time.perf_counter()
    ensure_corpus(out, a.n, a.seed)
    from bench.corpus import generate
    words = [len(t.split()) for _, t in generate(min(a.n, 2000), a.seed)]
    R["corpus"] = {"words_min": min(words), "words_max": max(words),
                   "words_mean": sum(words) / len(words),
                   "bytes": sum(f.stat().st_size for f in corpus_files(out, a.n)),
                   "seconds": time.perf_counter() - t0}

    log(f"phase 1/5: extraction of {a.n:,} articles (one process, then a pool)")
    R["extract"] = run_child(out, "extract", n=a.n, tag="all")
    e = R["extract"]
    log(f"  {e['articles_per_s']:.1f} articles/s in one process; {e['pool']['articles_per_s']:.1f} "
        f"with {e['pool']['workers']} workers; {len(e['exceptions'])} exceptions")

    import inspect
    import kg.loader
    bs0 = inspect.signature(kg.loader.load).parameters["batch_size"].default
    R["default_batch"] = bs0
    try:
        from kg.validate import shacl_engine
        R["machine"]["shacl_engine"] = shacl_engine()
    except ImportError:
        R["machine"]["shacl_engine"] = "pyshacl"
    sizes = sorted({s for s in (1000, 5000, a.n) if s <= a.n})
    R["load_plain"] = {}
    nq = out / "store.nq"
    for s in sizes:
        log(f"phase 2/5: load without the gate, {s:,} articles, batch {bs0}")
        R["load_plain"][s] = run_child(out, "load", n=s, tag=f"plain-{s}", batch_size=bs0,
                                       tick=1000, export=str(nq) if s == a.n else "")
        r = R["load_plain"][s]
        log(f"  {r['articles_per_s']:.1f} articles/s, {r['triples_per_s']:,.0f} triples/s, "
            f"peak {r['rss_peak_mb']:.0f} MB")
    for bs in [b for b in a.plain_batches if b != bs0]:
        log(f"phase 2/5: load without the gate, {a.n:,} articles, batch {bs}")
        R["load_plain"][f"{a.n}@{bs}"] = run_child(out, "load", n=a.n, tag=f"plain-{a.n}-{bs}",
                                                   batch_size=bs, tick=2000)

    if a.flush_variant:
        log(f"phase 2/5: load without the gate, {a.n:,} articles, batch {bs0}, store flushed every 1,000")
        R["load_plain"][f"{a.n}@{bs0}+flush"] = run_child(out, "load", n=a.n, tag=f"plain-{a.n}-flush",
                                                          batch_size=bs0, tick=2000, flush_every=1000)

    # the gated load: on N, or on a subset when N would take longer than the budget
    plain = R["load_plain"][a.n]
    log(f"phase 3/5: gate calibration ({a.shacl_n} articles)")
    R["shacl"] = run_child(out, "shacl", n=min(a.shacl_n, a.n), tag="peer", batches=[32, 128])
    if R["machine"]["shacl_engine"] != "pyshacl":
        log(f"phase 3/5: the same with pyshacl ({a.shacl_n // 2} articles)")
        R["shacl_pyshacl"] = run_child(out, "shacl", env={"TDKG_SHACL_ENGINE": "pyshacl"},
                                       n=min(a.shacl_n // 2, a.n), tag="peer-pyshacl", batches=[32])
    gate_rate = R["shacl"][f"batch_{bs0 if bs0 in (32, 128) else 32}"]["articles_per_s"]
    est = a.n / plain["articles_per_s"] + a.n / gate_rate
    gated_n = a.n if est <= a.gate_budget else min(a.n, a.gate_subset)
    R["gated_estimate_s"] = est
    R["gated_n"] = gated_n
    log(f"  gate {gate_rate:.1f} articles/s batched: gated load of {a.n:,} estimated "
        f"{est / 60:.0f} min -> measuring it on {gated_n:,} articles")
    R["load_gated"] = {}
    for bs in sorted({32, 128, 512, bs0}):
        n = gated_n if bs == bs0 else min(gated_n, a.gate_batch_n)
        log(f"phase 4/5: load with the gate, {n:,} articles, batch {bs}")
        R["load_gated"][bs] = run_child(out, "load", n=n, tag=f"gated-{n}-{bs}", batch_size=bs,
                                        validate=True, tick=250)
        r = R["load_gated"][bs]
        log(f"  {r['articles_per_s']:.1f} articles/s, gate {r['split_s'].get('gate', 0):.0f} s of "
            f"{r['seconds']:.0f} s, peak {r['rss_peak_mb']:.0f} MB, {r['counts']}")
    if gated_n >= 5000:
        R["load_gated_mem"] = {}
        for n in (1000, 5000):
            log(f"phase 4/5: memory with the gate, {n:,} articles, batch {bs0}")
            R["load_gated_mem"][n] = run_child(out, "load", n=n, tag=f"gated-{n}-{bs0}", batch_size=bs0,
                                               validate=True, tick=1000)
    log(f"phase 5/5: peers on {nq.name} ({nq.stat().st_size / 2**20:.0f} MB)")
    R["rdflib"] = run_child(out, "rdflib", nquads=str(nq), tag="peer")
    R["oxigraph"] = run_child(out, "oxigraph", nquads=str(nq), tag="peer")
    log(f"  rdflib Dataset {R['rdflib']['triples_per_s']:,.0f} triples/s; store write path "
        f"{R['oxigraph']['write_triples_per_s']:,.0f}; bulk_load {R['oxigraph']['bulk_triples_per_s']:,.0f}")
    if not a.keep_nquads:
        nq.unlink(missing_ok=True)
    R["total_s"] = time.perf_counter() - t0
    return R


# ================================================================ report

def yes(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def render(R: dict) -> str:
    m, n, e = R["machine"], R["n"], R["extract"]
    lp = {str(k): v for k, v in R["load_plain"].items()}
    plain = lp[str(n)]
    lg = {str(k): v for k, v in R["load_gated"].items()}
    bs0 = str(R.get("default_batch", 32))
    g32 = lg[bs0]
    best_bs = max(lg, key=lambda k: lg[k].get("articles_per_cpu_s", lg[k]["articles_per_s"]))
    rd, ox = R["rdflib"], R["oxigraph"]
    sh = R["shacl"]
    per_core = e["articles_per_s"]
    per_cpu = e.get("articles_per_cpu_s", per_core)
    mem10 = plain["rss_peak_mb"]
    gate_share = g32["split_s"].get("gate", 0) / g32["seconds"]
    L = []
    w = L.append
    w(SECTION)
    w("")
    w(f"Measured by `python bench/pipeline.py --n {n}` in one run ({R['total_s'] / 60:.0f} min), on a "
      f"synthetic corpus of {n:,} articles (`bench/corpus.py`, seed {R['seed']}, "
      f"{R['corpus']['words_min']}–{R['corpus']['words_max']} words, mean "
      f"{R['corpus']['words_mean']:.0f}; 12 templates over the real gazetteer). Each phase runs in its "
      f"own child process, so each peak memory is that phase's alone (`ru_maxrss`, imports included).")
    w("")
    busy = [r.get("others_cores", 0) for r in [e, *lp.values(), *lg.values(), rd, ox, sh]]
    w(f"The machine was shared with other work during the run: other processes kept on average "
      f"{min(busy):.1f}–{max(busy):.1f} of the {m['nproc']} cores busy, depending on the phase "
      f"(column \"others\" below; from `/proc/stat` minus the phase's own CPU time). Wall-clock "
      f"rates are therefore low bounds; the \"per CPU-second\" rates (the phase's own user + system "
      f"time, all threads) are what one uncontended core would do, and the verdicts use them.")
    w("")
    w(f"Machine: {m['nproc']} cores, {m['cpu']}, {m['ram']} RAM; Python {m['python']}; "
      f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, pyshacl {m['pyshacl']}, pyrudof "
      f"{m.get('pyrudof', '?')}; SHACL engine "
      f"{m.get('shacl_engine', 'pyshacl')}; "
      f"{m['os']}; {m['date']}; commit {m['commit']}.")
    w("")
    w("### Targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    w(f"| extraction ≥ {TARGET_EXTRACT_PER_CORE} articles/s per core | {per_cpu:.0f} articles per "
      f"CPU-second ({per_core:.0f}/s wall, one process) | {yes(per_cpu >= TARGET_EXTRACT_PER_CORE)} |")
    bg = lg[best_bs]
    w(f"| load ≥ {TARGET_LOAD} articles/s, with the SHACL gate (the default) | "
      f"{g32.get('articles_per_cpu_s', 0):.1f} per CPU-second, {g32['articles_per_s']:.1f}/s wall "
      f"(batch {bs0}, the loader's default; {g32['articles']:,} articles); best batch size {best_bs}: "
      f"{bg['articles_per_s']:.1f}/s wall | {yes(bg.get('articles_per_cpu_s', 0) >= TARGET_LOAD)} |")
    w(f"| load ≥ {TARGET_LOAD} articles/s, without the gate (`--no-validate`) | "
      f"{plain.get('articles_per_cpu_s', 0):.0f} per CPU-second, {plain['articles_per_s']:.0f}/s wall "
      f"({n:,} articles) | {yes(plain.get('articles_per_cpu_s', 0) >= TARGET_LOAD)} |")
    gmem = {int(k): v["rss_peak_mb"] for k, v in R.get("load_gated_mem", {}).items()}
    gmem[g32["articles"]] = g32["rss_peak_mb"]
    pmem = {int(k): v["rss_peak_mb"] for k, v in lp.items() if "@" not in k}
    def slope(d):                                      # MB per 1,000 articles, first to last point
        ks = sorted(d)
        return (d[ks[-1]] - d[ks[0]]) / (ks[-1] - ks[0]) * 1000 if len(ks) > 1 else 0.0
    notes = []
    for name, d in (("without the gate", pmem), ("with the gate", gmem)):
        if slope(d) > 5:
            notes.append(f"{name} memory grows by ~{slope(d):.0f} MB per 1,000 articles")
    w(f"| memory < {TARGET_MEMORY_MB} MB at 10,000 articles | {mem10:.0f} MB peak, load of {n:,} "
      f"without the gate; {g32['rss_peak_mb']:.0f} MB with the gate ({g32['articles']:,} articles)"
      + (f" — but {'; '.join(notes)}" if notes else "; flat with corpus size") + " | "
      f"{yes(mem10 < TARGET_MEMORY_MB and g32['rss_peak_mb'] < TARGET_MEMORY_MB)}"
      + (" (at the limit)" if g32['rss_peak_mb'] > 0.9 * TARGET_MEMORY_MB else "") + " |")
    w("")
    if R["gated_n"] != n:
        w(f"**The gated load was measured on the first {R['gated_n']:,} articles, not {n:,}**: at the "
          f"rate measured the full gated load would take about {R['gated_estimate_s'] / 60:.0f} min. "
          f"Batch sizes 128 and 512 were measured on {lg['128']['articles']:,} articles.")
        w("")
    w("### Extraction")
    w("")
    w("| measure | value |")
    w("|---|---|")
    w(f"| `extract_text` + `article_graph`, one process | {per_cpu:.1f} articles per CPU-second "
      f"({1000 / per_cpu:.1f} ms CPU per article, {e['triples'] / e.get('cpu_s', e['seconds']):,.0f} "
      f"triples per CPU-second); {per_core:.1f}/s wall |")
    pl = e["pool"]
    w(f"| same, pool of {pl['workers']} processes (wall, incl. start-up and reading) | "
      f"{pl['articles_per_s']:.1f} articles/s wall, {pl.get('articles_per_cpu_s') or 0:.1f} per "
      f"CPU-second |")
    w(f"| other processes during the extraction phase | {e.get('others_cores', 0):.1f} cores busy |")
    w(f"| triples per article (mean) | {e['triples'] / max(1, e['articles'] - len(e['exceptions'])):.1f} |")
    w(f"| articles with ≥ 1 agreement | {e['with_agreement']:,} of {e['articles']:,} "
      f"({100 * e['with_agreement'] / e['articles']:.1f} %) |")
    w(f"| articles with ≥ 1 engagement | {e['with_engagement']:,} ({100 * e['with_engagement'] / e['articles']:.1f} %) |")
    w(f"| articles with an agreement or an engagement | {e['with_either']:,} "
      f"({100 * e['with_either'] / e['articles']:.1f} %; ~9 % of the corpus is the domestic, "
      f"no-bilateral template) |")
    w(f"| exceptions raised | {len(e['exceptions'])} |")
    w(f"| peak memory | {e['rss_peak_mb']:.0f} MB |")
    w("")
    w("### Load into a fresh on-disk store")
    w("")
    w("| run | articles | batch | wall s | articles/s wall | articles per CPU-s | article triples/s "
      "wall | extract s | gate s | serialise s | write s | peak MB | store on disk MB | others "
      "(cores) | outcome |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def row(name, r):
        s = r["split_s"]
        c = r["counts"]
        w(f"| {name} | {r['articles']:,} | {r['batch_size']} | {r['seconds']:.1f} | "
          f"{r['articles_per_s']:.1f} | {r.get('articles_per_cpu_s', 0):.1f} | "
          f"{r['triples_per_s']:,.0f} | {s.get('extract', 0):.1f} | "
          f"{s.get('gate', 0):.1f} | {s.get('serialise', 0):.1f} | {s.get('write', 0):.1f} | "
          f"{r['rss_peak_mb']:.0f} | {r['disk_mb']:.0f} | {r.get('others_cores', 0):.1f} | "
          f"{c.get('stored', 0):,} stored, "
          f"{c.get('refused', 0)} refused, {c.get('failed', 0)} failed |")
    # "failed" articles are the extraction exceptions below: they are read and extracted, not stored
    for k in sorted(lp, key=lambda k: ("@" in k, int(k.split("@")[0]), "flush" in k, k)):
        row("no gate" + (f", store flushed every {lp[k]['flush_every']:,} articles (variant)"
                         if lp[k].get("flush_every") else ""), lp[k])
    for k in sorted(lg, key=int):
        row("SHACL gate", lg[k])
    w("")
    gm = {str(k): v for k, v in R.get("load_gated_mem", {}).items()}
    gm[str(g32["articles"])] = g32
    w(f"Per CPU-second the gated batch sizes give " + ", ".join(
        f"{k} → {lg[k].get('articles_per_cpu_s', 0):.1f} ({lg[k]['articles']:,} articles, "
        f"{lg[k]['rss_peak_mb']:.0f} MB)"
        for k in sorted(lg, key=int)) + " articles per CPU-second (articles loaded, peak memory): batch size hardly changes the "
      "rate; memory grows with it.")
    w("")
    if len(gm) > 1:
        w(f"Memory against corpus size with the gate (batch {bs0}): " + ", ".join(
            f"{int(k):,} → {gm[k]['rss_peak_mb']:.0f} MB" for k in sorted(gm, key=int)) + ".")
        w("")
    w(f"The gate's share of the gated load (batch {bs0}): {100 * gate_share:.0f} % of the time; "
      f"without it the same articles load {plain['articles_per_s'] / g32['articles_per_s']:.0f}× faster. "
      f"Best gated batch size: {best_bs} ({lg[best_bs]['articles_per_s']:.1f} articles/s). "
      f"\"extract\" is read + `extract_text` + `article_graph`; \"write\" is `Store.replace_graphs` "
      f"(one SPARQL update per batch). Memory against corpus size (no gate, batch {bs0}): "
      + ", ".join(f"{int(k):,} → {lp[k]['rss_peak_mb']:.0f} MB" for k in sorted(
          (k for k in lp if "@" not in k), key=int)) + ".")
    w("")
    fl = next((v for k, v in lp.items() if v.get("flush_every")), None)
    if fl:
        w(f"The on-disk store keeps its write buffers (RocksDB memtables) in memory until it is "
          f"flushed. The variant that also calls `Store.flush()` every {fl['flush_every']:,} articles "
          f"(bench instrumentation) peaks at {fl['rss_peak_mb']:.0f} MB for "
          f"{fl['articles']:,} articles, at {fl['articles_per_s']:.1f} articles/s "
          f"(flushes {fl['split_s'].get('flush', 0):.1f} s in all).")
        w("")
    refused = [x for r in lg.values() for x in r["refused"]]
    if refused:
        w(f"Refused by the gate (first): `{refused[0][0]}`: {refused[0][1]}")
        w("")
    w("### Peers, same run")
    w("")
    w(f"Same N-Quads for all: the export of the {n:,}-article store ({ox['triples']:,} quads in "
      f"{ox['graphs']:,} graphs, reference graph included).")
    w("")
    w("| engine | triples/s wall | triples per CPU-s | seconds | peak MB | others (cores) |")
    w("|---|---|---|---|---|---|")
    w(f"| rdflib in-memory `Dataset`, parse N-Quads | {rd['triples_per_s']:,.0f} | "
      f"{rd.get('triples_per_cpu_s', 0):,.0f} | {rd['seconds']:.1f} | {rd['rss_peak_mb']:.0f} | "
      f"{rd.get('others_cores', 0):.1f} |")
    w(f"| store write path: `Store.replace_graphs`, 32 graphs per transaction, on disk | "
      f"{ox['write_triples_per_s']:,.0f} | {ox.get('write_triples_per_cpu_s', 0):,.0f} | "
      f"{ox['write_seconds']:.1f} | {ox['rss_peak_mb']:.0f} (this and the next row; "
      f"{ox['rss_base_mb']:.0f} before writing: the quads held as Python strings) | "
      f"{ox.get('others_cores', 0):.1f} |")
    w(f"| pyoxigraph `bulk_load`, on disk | {ox['bulk_triples_per_s']:,.0f} | "
      f"{ox['triples'] / ox['bulk_cpu_s'] if ox.get('bulk_cpu_s') else 0:,.0f} | {ox['bulk_seconds']:.1f} | | |")
    w(f"| whole loader, no gate (extraction included) | {plain['triples_per_s']:,.0f} | "
      f"{plain['article_triples'] / plain['cpu_s'] if plain.get('cpu_s') else 0:,.0f} | "
      f"{plain['seconds']:.1f} | {plain['rss_peak_mb']:.0f} | {plain.get('others_cores', 0):.1f} |")
    w("")
    ratio = ox["write_triples_per_s"] / rd["triples_per_s"]
    ratio_cpu = (ox.get("write_triples_per_cpu_s", 0) / rd["triples_per_cpu_s"]) if rd.get("triples_per_cpu_s") else 0
    w(f"Store load is **{ratio:.1f}× rdflib** in wall time ({ratio_cpu:.1f}× per CPU-second; the "
      f"store's write path against rdflib's parse of the same quads; Oxigraph also uses background "
      f"threads, which the CPU figure counts). The whole ungated loader, extraction included, runs "
      f"at {plain['triples_per_s'] / rd['triples_per_s']:.2f}× rdflib's parse rate: the store is not "
      f"the bottleneck.")
    w("")
    w(f"Gate peer: the gate one article per call against batched calls, on the same article "
      f"graphs (the first {sh['articles']}; others {sh.get('others_cores', 0):.1f} cores):")
    w("")
    w("| engine | gate call | articles | articles/s wall | articles per CPU-s | seconds |")
    w("|---|---|---|---|---|---|")
    for eng, shx in ((m.get("shacl_engine", "pyshacl"), sh), ("pyshacl", R.get("shacl_pyshacl"))):
        if not shx:
            continue
        w(f"| {eng} | one article per call (`validate`) | {shx['articles']} | "
          f"{shx['per_article']['articles_per_s']:.1f} | "
          f"{shx['per_article'].get('articles_per_cpu_s', 0):.1f} | {shx['per_article']['seconds']:.1f} |")
        for k in shx:
            if k.startswith("batch_"):
                w(f"| {eng} | {k.split('_')[1]} articles per call (`validate_batch`) | {shx['articles']} | "
                  f"{shx[k]['articles_per_s']:.1f} | {shx[k].get('articles_per_cpu_s', 0):.1f} | "
                  f"{shx[k]['seconds']:.1f} |")
    w("")
    if e["exceptions"]:
        groups: dict[str, list] = {}
        for x in e["exceptions"]:
            tb = x["traceback"].rstrip().splitlines()
            frames = [l.strip() for l in tb if l.strip().startswith("File ")]
            groups.setdefault(f"{tb[-1]} at {frames[-1] if frames else '?'}", []).append(x)
        w(f"### Extraction exceptions: {len(e['exceptions'])} articles of {e['articles']:,}")
        w("")
        w("Every one is a bug (the loader records these articles as failed). By kind:")
        w("")
        for kind, xs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            names = ", ".join(f"`{x['article']}`" for x in xs[:8]) + (" …" if len(xs) > 8 else "")
            w(f"- **{len(xs)}** × `{kind.split(' at ')[0]}`: {names}")
            w("")
            w("  ```")
            for line in xs[0]["traceback"].rstrip().splitlines():
                w("  " + line)
            w("  ```")
            w("")
    w("Raw figures: `bench/out/results.json` (not committed). Reproduce: `make bench`, or "
      "`.venv/bin/python bench/pipeline.py --n 10000`; to measure one commit while others keep "
      "committing, freeze it first: `git archive HEAD kg ontology | tar -x -C DIR && git rev-parse "
      "--short HEAD > DIR/.commit`, then add `--code DIR`.")
    w("")
    return "\n".join(L)


def _without_code(args: list[str]) -> list[str]:
    out, skip = [], False
    for x in args:
        if skip:
            skip = False
        elif x == "--code":
            skip = True
        elif not x.startswith("--code="):
            out.append(x)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--gate-budget", type=float, default=900,
                    help="seconds: above this estimate the gated load runs on --gate-subset articles")
    ap.add_argument("--gate-subset", type=int, default=2000)
    ap.add_argument("--gate-batch-n", type=int, default=1000,
                    help="articles for the gated batch-size trials (128, 512)")
    ap.add_argument("--shacl-n", type=int, default=128)
    ap.add_argument("--keep-nquads", action="store_true")
    ap.add_argument("--plain-batches", default="128,512",
                    help="extra batch sizes for the ungated load of N (comma-separated; empty: none)")
    ap.add_argument("--flush-variant", action="store_true",
                    help="also load N with Store.flush() every 1,000 articles (memory diagnosis)")
    ap.add_argument("--code", help="import kg/ from this frozen copy (sets TDKG_BENCH_CODE for phases)")
    ap.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    # internal: one phase in a child process
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--tag", default="", help=argparse.SUPPRESS)
    ap.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    ap.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tick", type=int, default=1000, help=argparse.SUPPRESS)
    ap.add_argument("--export", default="", help=argparse.SUPPRESS)
    ap.add_argument("--flush-every", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--nquads", default="", help=argparse.SUPPRESS)
    ap.add_argument("--batches", default="32,128", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.code and not a.phase:
        os.environ["TDKG_BENCH_CODE"] = str(Path(a.code).resolve())
        # restart so that this process, too, imports kg from the frozen copy
        os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()),
                                  *_without_code(sys.argv[1:] if argv is None else argv)])
    a.plain_batches = [int(x) for x in a.plain_batches.split(",") if x.strip()]
    if a.phase:
        a.batches = [int(x) for x in a.batches.split(",") if x]
        result = PHASES[a.phase](a)
        if "kg" in sys.modules:
            result["kg_imported_from"] = str(Path(sys.modules["kg"].__file__).parent)
        Path(a.result).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        return 0
    out = Path(a.out)
    if a.render_only:
        R = json.loads((out / "results.json").read_text(encoding="utf-8"))
    else:
        R = orchestrate(a)
        (out / "results.json").write_text(json.dumps(R, indent=1, ensure_ascii=False, default=str),
                                          encoding="utf-8")
        R = json.loads((out / "results.json").read_text(encoding="utf-8"))
    section = render(R)
    write_section(Path(a.results), section)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
