"""Scale benchmark: the embedded store against an external SPARQL server (Virtuoso).

    python bench/scale.py [--n 100000] [--sizes 10000,50000,100000] [--budget 900]

Writes the synthetic corpus (``bench/corpus.py``) to ``OUT/corpus-N/`` (reused when
present), then measures in one run, every measurement in its own child process
(bounded by a timeout; the child and its workers are killed when it runs over):

- loading (``kg.loader.load``, ``validate=False``, batches of 32) into a fresh
  embedded store with ``jobs=1`` and ``jobs=2``, at each corpus size of the
  ladder; a size is attempted only while the previous size of the same
  configuration finished within the budget (``--budget`` seconds per run, 15 min
  by default), so the largest size reported is the largest that fits: nothing is
  extrapolated;
- the same with the SHACL gate (``validate=True``) on a ``--gate-n`` subset;
- loading into a private, loopback-only Virtuoso (``tests/stores.py``), jobs 2,
  one fresh instance per size;
- saved-query latency (``kg.graph.queries``, ``store.query(q.text, queries.bind(q, …))``)
  on both stores at the largest size both loaded: a first (cold) run, then at
  least ``--runs`` timed runs each, median and p95, bounded per query;
- memory of the loading process: ``ru_maxrss`` of the child that loads, and the
  peak RSS of its worker processes (sampled from /proc), at every size, with the
  parent's RSS sampled along each run.

Results go to ``OUT/scale-results.json`` and to the section
``## Scale (issue: external store)`` of ``bench/RESULTS.md`` (other sections kept).
With ``--code DIR`` (or ``TDKG_BENCH_CODE``) children import ``kg/`` (with its
``ontology/`` and ``queries/``) from a frozen copy, e.g.
``git archive HEAD kg ontology queries | tar -x -C DIR``, so that work committed
by others during a long run cannot change the code between measurements.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("TDKG_BENCH_CODE") or ROOT).resolve()
sys.path.insert(0, str(ROOT))
if CODE != ROOT:
    sys.path.insert(0, str(CODE))
from bench.common import busy_s, cpu_s, log, write_section

SECTION = "## Scale (issue: external store)"
TARGET_JOBS_SPEEDUP = 1.7          # jobs 2 against jobs 1, embedded store
TARGET_REMOTE_FACTOR = 2.0         # Virtuoso's load rate within 2x of the embedded store's
# Virtuoso's own sizing guide (virtuoso.ini comments) for 4 GB of RAM given to it; the
# test recipe (tests/stores.py) uses 10,000 buffers (80 MB), which is for small fixtures
VIRTUOSO_BUFFERS = (340000, 250000)


def proc_cpu_s(pid: int | None) -> float:
    """CPU seconds used so far by one process (e.g. the Virtuoso server)."""
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def proc_mem_mb(pid: int | str, key: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_of(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def corpus_dir(out: Path, n: int) -> Path:
    return out / f"corpus-{n}"


def corpus_files(folder: Path, n: int) -> list[Path]:
    return [folder / f"c{i:06d}.txt" for i in range(1, n + 1)]


# ================================================================ phases (run in children)

class RssSampler(threading.Thread):
    """Peak RSS of this process and of its worker processes, sampled every 0.25 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.parent_peak = self.worker_peak = self.workers_sum_peak = 0.0
        self.stopped = threading.Event()

    def run(self):
        me = os.getpid()
        while not self.stopped.wait(0.25):
            self.parent_peak = max(self.parent_peak, proc_mem_mb(me))
            kids = [proc_mem_mb(k) for k in children_of(me)]
            if kids:
                self.worker_peak = max(self.worker_peak, max(kids))
                self.workers_sum_peak = max(self.workers_sum_peak, sum(kids))


def phase_load(a) -> dict:
    """One load of the first ``n`` corpus articles into a store (fresh, set up by the caller)."""
    from kg import loader as L
    from kg.graph.store import BaseStore, REFERENCE_GRAPH, open_store
    files = corpus_files(Path(a.corpus), a.n)
    if not a.store.startswith("sparql+"):
        shutil.rmtree(a.store, ignore_errors=True)
    store = open_store(a.store, update_endpoint=a.update or None)
    timers: Counter = Counter()
    write = BaseStore.replace_graphs

    def timed_write(self, graphs, *args, **kw):
        t0 = time.perf_counter()
        try:
            return write(self, graphs, *args, **kw)
        finally:
            timers["write"] += time.perf_counter() - t0
    BaseStore.replace_graphs = timed_write

    sampler = RssSampler()
    sampler.start()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seen, timeline = [0], []
    t0, c0 = time.perf_counter(), cpu_s()

    def tick(_outcome):
        seen[0] += 1
        if seen[0] % a.tick == 0 or seen[0] == len(files):
            el = time.perf_counter() - t0
            rss = proc_mem_mb(os.getpid())
            workers = [proc_mem_mb(k) for k in children_of(os.getpid())]
            timeline.append([seen[0], round(el, 1), round(rss, 1), round(max(workers, default=0), 1)])
            log(f"    {a.tag}: {seen[0]:,}/{len(files):,} in {el:.0f} s ({seen[0] / el:.1f} articles/s), "
                f"RSS {rss:.0f} MB, largest worker {max(workers, default=0):.0f} MB")

    report = L.load(store, files, validate=a.validate, batch_size=a.batch_size, jobs=a.jobs,
                    progress=False, on_outcome=tick)
    wall = time.perf_counter() - t0
    cpu = cpu_s() - c0
    sampler.stopped.set()
    sampler.join()
    import multiprocessing
    multiprocessing.active_children()                # reap the pool's workers
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = report.triples
    reasons = Counter(o.message[:100] for o in report.problems)
    t1 = time.perf_counter()
    total = store.count()
    count_s = time.perf_counter() - t1
    ref = store.count(REFERENCE_GRAPH)
    out = {"tag": a.tag, "store": a.store, "articles": len(files), "jobs": a.jobs,
           "validate": a.validate, "batch_size": a.batch_size,
           "seconds": wall, "articles_per_s": len(files) / wall,
           "parent_cpu_s": cpu, "write_s": timers["write"],
           "article_triples": stored, "triples_per_s": stored / wall,
           "store_triples": total, "reference_triples": ref, "count_s": count_s,
           "counts": dict(report.counts), "problems": reasons.most_common(5),
           "interrupted": report.interrupted,
           "rss_base_mb": base, "ru_maxrss_mb": peak,
           "rss_parent_peak_mb": sampler.parent_peak, "rss_worker_peak_mb": sampler.worker_peak,
           "rss_workers_sum_peak_mb": sampler.workers_sum_peak, "timeline": timeline}
    del store
    if not a.store.startswith("sparql+"):
        out["disk_mb"] = sum(p.stat().st_size for p in Path(a.store).rglob("*") if p.is_file()) / 2**20
        if not a.keep:
            shutil.rmtree(a.store, ignore_errors=True)
    return out


def phase_params(a) -> dict:
    """Parameters of the saved queries that exist in the loaded data (discovered on the store)."""
    from kg.graph import vocab as identity
    from kg.graph.store import open_store
    store = open_store(a.store, read_only=True, update_endpoint=a.update or None)
    agreement = None
    for i in range(1, 201):
        g = identity.article_iri(f"c{i:06d}")
        rows = store.select(f"SELECT ?x WHERE {{ GRAPH <{g}> {{ ?x tdo:party ?p ; tdo:evidence ?e }} }} "
                            "ORDER BY ?x LIMIT 1")
        if rows:
            agreement = rows[0]["x"]
            break
    return {"params": {"agreement": agreement}}


def phase_query(a) -> dict:
    """One saved query: a first run, then timed runs; each run printed as it ends (the
    caller may kill this process at its budget and keep what was printed)."""
    from kg.graph import queries
    from kg.graph.store import open_store
    store = open_store(a.store, read_only=True, update_endpoint=a.update or None)
    q = queries.get(a.query)
    values = {p.name: a.params[p.name] for p in q.params if p.name in a.params}
    subs = queries.bind(q, values)
    runs = []
    for k in range(a.runs_max + 1):
        t0 = time.perf_counter()
        res = store.query(q.text, subs)
        rows = sum(1 for _ in res)
        el = time.perf_counter() - t0
        print(json.dumps({"run": k, "seconds": el, "rows": rows}), flush=True)
        runs.append(el)
        if k >= a.runs and sum(runs[1:]) > a.soft_s:
            break
    return {}


PHASES = {"load": phase_load, "params": phase_params, "query": phase_query}


# ================================================================ children

def child_cmd(phase: str, result: Path | None, **kw) -> list[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase]
    if result:
        cmd += ["--result", str(result)]
    for k, v in kw.items():
        if isinstance(v, bool):
            if v:
                cmd.append(f"--{k.replace('_', '-')}")
        elif isinstance(v, dict):
            cmd += [f"--{k.replace('_', '-')}", json.dumps(v, ensure_ascii=False)]
        elif v is not None:
            cmd += [f"--{k.replace('_', '-')}", str(v)]
    return cmd


def run_bounded(cmd: list[str], timeout: float, env: dict | None = None, extra_pid: int | None = None,
                capture: bool = False) -> dict:
    """Run a child in its own process group; kill the group at ``timeout``. Wall, CPU (the
    child, its workers and ``extra_pid``, e.g. the Virtuoso server) and others' CPU."""
    t0, c0, b0, x0 = time.perf_counter(), cpu_s(resource.RUSAGE_CHILDREN), busy_s(), proc_cpu_s(extra_pid)
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, start_new_session=True,
                            stdout=subprocess.PIPE if capture else None, text=True)
    out, timed_out = "", False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    mine = cpu_s(resource.RUSAGE_CHILDREN) - c0
    server = proc_cpu_s(extra_pid) - x0
    return {"returncode": proc.returncode, "timed_out": timed_out, "wall_s": wall, "child_cpu_s": mine,
            "server_cpu_s": server,
            "others_cores": max(0.0, (busy_s() - b0 - mine - server) / wall), "stdout": out or ""}


def wait_quiet(max_wait: float, threshold: float = 0.4, sample: float = 5.0) -> float:
    """Wait (up to ``max_wait`` s) until other processes use less than ``threshold`` cores."""
    t0 = time.perf_counter()
    while True:
        b0 = busy_s()
        time.sleep(sample)
        load = (busy_s() - b0) / sample
        if load < threshold or time.perf_counter() - t0 >= max_wait:
            if load >= threshold:
                log(f"  machine still busy ({load:.1f} cores used by others); measuring anyway")
            return load
        log(f"  machine busy ({load:.1f} cores used by others); waiting")


def load_child(a, out: Path, tag: str, n: int, jobs: int, validate: bool, store: str,
               update: str = "", env: dict | None = None, keep: bool = False,
               server_pid: int | None = None) -> dict:
    before = wait_quiet(a.quiet_wait)
    res = out / f"scale-{tag}.json"
    res.unlink(missing_ok=True)
    cmd = child_cmd("load", res, corpus=str(corpus_dir(out, a.n)), n=n, tag=tag, jobs=jobs,
                    validate=validate, store=store, update=update, batch_size=a.batch_size,
                    tick=max(1000, n // 10), keep=keep)
    log(f"load {tag}: {n:,} articles, jobs {jobs}, validate {validate}, budget {a.budget:.0f} s")
    b = run_bounded(cmd, a.budget, env=env, extra_pid=server_pid)
    r = json.loads(res.read_text(encoding="utf-8")) if res.exists() and not b["timed_out"] else {}
    r.update(tag=tag, n=n, jobs=jobs, validate=validate, others_before=before, **{k: v for k, v in b.items()
                                                                                 if k != "stdout"})
    r["ok"] = b["returncode"] == 0 and not b["timed_out"] and bool(r.get("seconds"))
    if b["timed_out"]:
        log(f"  {tag}: NOT finished within {a.budget:.0f} s: killed")
    elif not r["ok"]:
        log(f"  {tag}: FAILED (exit {b['returncode']})")
    else:
        log(f"  {tag}: {r['articles_per_s']:.1f} articles/s, {r['triples_per_s']:,.0f} triples/s, "
            f"{r['store_triples']:,} triples; RSS peak {r['ru_maxrss_mb']:.0f} MB (workers "
            f"{r['rss_worker_peak_mb']:.0f} MB); others used {r['others_cores']:.2f} cores")
    return r


# ================================================================ stores

def virtuoso_pid(folder: Path) -> int | None:
    """The pid of the virtuoso-t serving ``folder`` (started by tests/stores.py for us)."""
    ini = str(folder / "virtuoso.ini")
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                cmd = open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"virtuoso-t") and ini.encode() in cmd:
                return int(p)
    return None


class Virtuoso:
    """A private Virtuoso from tests/stores.py, kept open until closed (tuned buffers)."""

    _ini = None

    def __init__(self, folder: Path, buffers: tuple[int, int] | None):
        if str(ROOT / "tests") not in sys.path:
            sys.path.insert(0, str(ROOT / "tests"))
        import stores
        Virtuoso._ini = Virtuoso._ini or stores.VIRTUOSO_INI
        stores.VIRTUOSO_INI = Virtuoso._ini
        if buffers:
            stores.VIRTUOSO_INI = Virtuoso._ini.replace(
                "NumberOfBuffers = 10000\nMaxDirtyBuffers = 6000",
                f"NumberOfBuffers = {buffers[0]}\nMaxDirtyBuffers = {buffers[1]}")
            assert f"NumberOfBuffers = {buffers[0]}" in stores.VIRTUOSO_INI, "tests/stores.py ini changed"
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        self._cm = stores.virtuoso(folder)
        t0 = time.perf_counter()
        self.query_url, self.update_url, self.env = self._cm.__enter__()
        self.start_s = time.perf_counter() - t0
        self.pid = virtuoso_pid(folder)
        self.spec = "sparql+" + self.query_url

    def stats(self) -> dict:
        return {"rss_mb": proc_mem_mb(self.pid), "rss_peak_mb": proc_mem_mb(self.pid, "VmHWM"),
                "cpu_s": proc_cpu_s(self.pid),
                "disk_mb": sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) / 2**20}

    def wait_idle(self, max_wait: float = 150) -> None:
        """After a killed client, Virtuoso may still run its query: wait until it is idle."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < max_wait:
            c = proc_cpu_s(self.pid)
            time.sleep(1)
            if proc_cpu_s(self.pid) - c < 0.1:
                return

    def close(self) -> None:
        self._cm.__exit__(None, None, None)
        shutil.rmtree(self.folder, ignore_errors=True)


# ================================================================ queries

def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def measure_queries(a, label: str, spec: str, update: str, env: dict | None, params: dict,
                    server: Virtuoso | None = None) -> dict:
    from kg.graph import queries
    out = {}
    for name in sorted(queries.saved_queries()):
        if server:
            server.wait_idle()
        cmd = child_cmd("query", None, store=spec, update=update, query=name, params=params,
                        runs=a.runs, runs_max=a.runs_max, soft_s=a.query_soft)
        b = run_bounded(cmd, a.query_budget, env=env, capture=True,
                        extra_pid=server.pid if server else None)
        runs = [json.loads(l) for l in b["stdout"].splitlines() if l.startswith("{")]
        timed = [r["seconds"] for r in runs[1:]]
        r = {"first_s": runs[0]["seconds"] if runs else None, "runs": len(timed),
             "rows": runs[0]["rows"] if runs else None, "timed_out": b["timed_out"],
             "returncode": b["returncode"], "others_cores": b["others_cores"],
             "rows_vary": len({x["rows"] for x in runs}) > 1}
        if timed:
            r.update(median_s=statistics.median(timed), p95_s=pct(timed, 95), min_s=min(timed),
                     max_s=max(timed))
        out[name] = r
        med = f"median {r['median_s'] * 1000:,.0f} ms, p95 {r['p95_s'] * 1000:,.0f} ms" if timed else "no timed run"
        first = f"{r['first_s']:.2f}" if r["first_s"] is not None else "-"
        log(f"  {label} {name}: first {first} s, {len(timed)} runs, {med}, "
            f"{r['rows']} rows{' (KILLED at budget)' if b['timed_out'] else ''}")
    return out


# ================================================================ orchestration

def machine(code: Path) -> dict:
    cpu = "unknown"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = "unknown"
    for line in open("/proc/meminfo", encoding="utf-8"):
        if line.startswith("MemTotal"):
            ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    vers = {p: metadata.version(p) for p in ("pyoxigraph", "rdflib", "pyshacl", "requests")}
    try:
        v = subprocess.run(["virtuoso-t", "+version"], capture_output=True, text=True, timeout=20)
        virt = next((l.strip() for l in (v.stdout + v.stderr).splitlines() if l.startswith("Version")), "?")
    except (OSError, subprocess.TimeoutExpired):
        virt = "not installed"
    try:
        pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "virtuoso-opensource-7-bin"],
                             capture_output=True, text=True, timeout=20).stdout.strip()
    except OSError:
        pkg = ""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "kg", "ontology", "queries"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    if code != ROOT:
        frozen = code / ".commit"
        commit = (frozen.read_text().strip() if frozen.exists() else "?") + " (frozen copy)"
        dirty = ""
    osname = platform.platform()
    with contextlib.suppress(OSError):
        for line in open("/etc/os-release", encoding="utf-8"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"') + f" ({platform.release()})"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(),
            "os": osname, **vers, "virtuoso": virt + (f" (Debian package {pkg})" if pkg else ""),
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": commit + (" (kg/, ontology/ or queries/ modified)" if dirty else "")}


def ensure_corpus(out: Path, n: int, seed: int) -> dict:
    from bench.corpus import write
    folder = corpus_dir(out, n)
    meta = folder / "meta.json"
    t0 = time.perf_counter()
    if meta.exists():
        m = json.loads(meta.read_text())
        if m.get("seed") == seed and m.get("n") == n and all(f.exists() for f in corpus_files(folder, n)):
            log(f"reusing corpus {folder} ({n:,} articles, seed {seed})")
            return {"generated": False, **m}
    log(f"generating {n:,} articles (seed {seed}) into {folder}")
    shutil.rmtree(folder, ignore_errors=True)
    write(folder, n, seed, progress=True)
    meta.write_text(json.dumps({"n": n, "seed": seed}))
    return {"generated": True, "n": n, "seed": seed, "seconds": time.perf_counter() - t0}


def fits(prev: dict | None, size: int, budget: float) -> bool:
    """Attempt ``size`` only if the previous size finished and its rate leaves a chance."""
    if prev is None:
        return True
    if not prev.get("ok"):
        return False
    return size / prev["articles_per_s"] <= 1.25 * budget


def orchestrate(a) -> dict:
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    stores_dir = out / "stores"
    stores_dir.mkdir(exist_ok=True)
    env_code = {"TDKG_BENCH_CODE": str(CODE)} if CODE != ROOT else {}
    R: dict = {"machine": machine(CODE), "n": a.n, "sizes": a.sizes, "budget_s": a.budget,
               "batch_size": a.batch_size, "command": "python bench/scale.py " + " ".join(a.argv),
               "virtuoso_buffers": list(VIRTUOSO_BUFFERS) if not a.virtuoso_test_ini else None}
    log(f"machine: {R['machine']}")
    t_start = time.perf_counter()
    R["corpus"] = ensure_corpus(out, a.n, a.seed)
    R["corpus"]["bytes"] = sum(f.stat().st_size for f in corpus_files(corpus_dir(out, a.n), a.n))
    results = R["runs"] = {}

    def save():
        R["total_s"] = time.perf_counter() - t_start
        (out / "scale-results.json").write_text(json.dumps(R, indent=1, ensure_ascii=False, default=str),
                                                encoding="utf-8")

    # ---------------------------------------------------------------- embedded, jobs 1 and 2
    prev: dict = {1: None, 2: None}
    for size in a.sizes:
        for jobs in (1, 2):
            tag = f"embedded-j{jobs}-{size}"
            if not fits(prev[jobs], size, a.budget):
                log(f"skip {tag}: the previous size did not fit in the budget "
                    f"({'finished' if prev[jobs] and prev[jobs].get('ok') else 'not finished'})")
                results[tag] = {"tag": tag, "n": size, "jobs": jobs, "skipped": True, "ok": False}
                continue
            store = stores_dir / f"scale-{tag}"
            results[tag] = prev[jobs] = load_child(a, out, tag, size, jobs, False, str(store),
                                                   env=env_code, keep=(jobs == 2))
            save()
    # ---------------------------------------------------------------- embedded with the gate
    for jobs in (1, 2):
        tag = f"embedded-gate-j{jobs}-{a.gate_n}"
        results[tag] = load_child(a, out, tag, a.gate_n, jobs, True, str(stores_dir / f"scale-{tag}"),
                                  env=env_code)
        save()
    # ---------------------------------------------------------------- Virtuoso, jobs 2; queries
    R["queries"] = {}

    def queries_at(size: int, v: Virtuoso | None) -> None:
        """Saved-query latency on both stores holding the same ``size`` articles."""
        emb = stores_dir / f"scale-embedded-j2-{size}"
        if not results.get(f"embedded-j2-{size}", {}).get("ok") or not emb.exists():
            return
        res = out / "scale-params.json"
        res.unlink(missing_ok=True)
        run_bounded(child_cmd("params", res, store=str(emb)), 300, env=env_code)
        params = {"country": "EG", "a": "EG", "b": "PS", "name": "طلعت", "topic": "ict",
                  "status": "planned"}
        found = json.loads(res.read_text(encoding="utf-8"))["params"] if res.exists() else {}
        params.update({k: x for k, x in found.items() if x})
        Q = R["queries"][str(size)] = {"size": size, "params": params}
        log(f"saved queries on the embedded store of {size:,} articles, params {params}")
        Q["embedded"] = measure_queries(a, "embedded", str(emb), "", env_code, params)
        save()
        if v:
            log(f"saved queries on Virtuoso holding {size:,} articles")
            Q["virtuoso"] = measure_queries(a, "virtuoso", v.spec, v.update_url, {**v.env, **env_code},
                                            params, server=v)
            Q["virtuoso_server"] = v.stats()
        save()

    live: tuple[int, Virtuoso] | None = None
    vprev = None
    try:
        if shutil.which("virtuoso-t") and a.virtuoso_test_ini_check:
            tag = f"virtuoso-testini-j2-{a.sizes[0]}"
            v = Virtuoso(out / "virtuoso-testini", None)
            try:
                results[tag] = load_child(a, out, tag, a.sizes[0], 2, False, v.spec, v.update_url,
                                          env={**v.env, **env_code}, server_pid=v.pid)
                results[tag]["server"] = v.stats()
            finally:
                v.close()
            save()
        for size in a.sizes if shutil.which("virtuoso-t") else []:
            tag = f"virtuoso-j2-{size}"
            if not fits(vprev, size, a.budget):
                log(f"skip {tag}: the previous size did not fit in the budget")
                results[tag] = {"tag": tag, "n": size, "jobs": 2, "skipped": True, "ok": False}
                continue
            try:
                v = Virtuoso(out / f"virtuoso-{size}", None if a.virtuoso_test_ini else VIRTUOSO_BUFFERS)
            except Exception as e:                  # noqa: BLE001 - reported, the run goes on
                log(f"  Virtuoso did not start: {e}")
                results[tag] = vprev = {"tag": tag, "n": size, "jobs": 2, "ok": False,
                                        "returncode": f"Virtuoso did not start: {e}"[:300]}
                continue
            log(f"  Virtuoso up in {v.start_s:.1f} s (pid {v.pid}) at {v.query_url}")
            r = load_child(a, out, tag, size, 2, False, v.spec, v.update_url,
                           env={**v.env, **env_code}, server_pid=v.pid)
            r["server"] = v.stats()
            results[tag] = vprev = r
            save()
            if r["ok"]:
                if live:
                    live[1].close()
                live = (size, v)
                if size == a.sizes[0] and len(a.sizes) > 1:
                    queries_at(size, v)             # latency at the smallest size, to see growth
            else:
                v.close()
        if not shutil.which("virtuoso-t"):
            log("Virtuoso is not installed (apt-get install virtuoso-opensource): remote runs skipped")
        # the largest size both stores hold (embedded alone when Virtuoso has none)
        if live and str(live[0]) not in R["queries"]:
            queries_at(live[0], live[1])
        elif not live:
            emb_sizes = [s for s in a.sizes if results.get(f"embedded-j2-{s}", {}).get("ok")]
            if emb_sizes:
                queries_at(emb_sizes[-1], None)
    finally:
        if live:
            live[1].close()
        if not a.keep_stores:
            for s in a.sizes:
                shutil.rmtree(stores_dir / f"scale-embedded-j2-{s}", ignore_errors=True)
    save()
    return R


# ================================================================ report

def yes(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def render(R: dict) -> str:
    m, runs = R["machine"], R["runs"]
    L: list[str] = []
    w = L.append
    w(SECTION)
    w("")
    w(f"Written by `bench/scale.py` on {m['date']}. Command: `{R['command']}` "
      f"({R.get('total_s', 0) / 60:.0f} min in all).")
    w("")
    w(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM, {m['os']}; Python {m['python']}, "
      f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, pyshacl {m['pyshacl']}, requests {m['requests']}; "
      f"Virtuoso {m['virtuoso']}. Code: commit {m['commit']}.")
    w("")
    c = R["corpus"]
    w(f"Corpus: the synthetic Arabic corpus (`bench/corpus.py`, seed {c['seed']}), {R['n']:,} articles, "
      f"{c['bytes'] / 2**20:.0f} MB, in `bench/out/corpus-{R['n']}/`; a size k is its first k articles. "
      f"Every run is a child process on a fresh store, bounded to {R['budget_s'] / 60:.0f} min; "
      f"loads use `kg.loader.load(…, batch_size={R['batch_size']}, progress=False)`. A size is attempted "
      "only while the previous size of the same configuration finished in time; nothing below is extrapolated. "
      "\"others\" is the CPU other processes on this shared machine used during the run, in cores "
      "(the machine has 2): figures taken while others used a core or more are slowed by them.")
    w("")
    vb = R.get("virtuoso_buffers")
    w("Virtuoso: a private instance per run from `tests/stores.py` (127.0.0.1 only, updates over "
      "`/sparql-basic`), " + (f"with `NumberOfBuffers = {vb[0]}`, `MaxDirtyBuffers = {vb[1]}` (Virtuoso's "
                              "own guide for 4 GB; the test recipe's 10,000 buffers are 80 MB)"
                              if vb else "with the test recipe's ini unchanged (10,000 buffers)") +
      "; the loader talks to it through `RemoteStore` (SPARQL Update, one request per batch).")
    w("")

    # ------------------------------------------------------------ load table
    w("### Loading")
    w("")
    w("| store | jobs | gate | articles | time | articles/s | triples/s | stored / failed | store triples "
      "| CPU (ours) | articles/CPU-s | others | peak RSS loader / worker |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for tag, r in runs.items():
        kind = "Virtuoso" + (" (test ini)" if "testini" in tag else "") if tag.startswith("virtuoso") \
            else "embedded"
        gate = "yes" if r.get("validate") else "no"
        if r.get("skipped"):
            w(f"| {kind} | {r['jobs']} | {gate} | {r['n']:,} | not run: the previous size did not fit | "
              "| | | | | | | |")
            continue
        if not r.get("ok"):
            why = f"not finished in {R['budget_s'] / 60:.0f} min (killed)" if r.get("timed_out") \
                else f"failed (exit {r.get('returncode')})"
            w(f"| {kind} | {r['jobs']} | {gate} | {r['n']:,} | {why} | | | | | | | {r.get('others_cores', 0):.2f} | |")
            continue
        cnt = r["counts"]
        cpu = r["child_cpu_s"] + r.get("server_cpu_s", 0)
        srv = f" + server {r['server']['rss_peak_mb']:,.0f} MB" if r.get("server") else ""
        w(f"| {kind} | {r['jobs']} | {gate} | {r['articles']:,} | {r['seconds']:.0f} s | "
          f"{r['articles_per_s']:.1f} | {r['triples_per_s']:,.0f} | {cnt.get('stored', 0):,} / "
          f"{cnt.get('failed', 0) + cnt.get('refused', 0):,} | {r['store_triples']:,} | {cpu:.0f} s | "
          f"{r['articles'] / cpu:.0f} | {r['others_cores']:.2f} | {r['ru_maxrss_mb']:.0f} / {r['rss_worker_peak_mb']:.0f} MB{srv} |")
    w("")
    problems = Counter()
    for r in runs.values():
        for msg, k in r.get("problems") or []:
            problems[msg] = max(problems[msg], k)
    if problems:
        w("Articles not stored (largest count in any run): " +
          "; ".join(f"{k:,} × `{msg}`" for msg, k in problems.most_common(3)) + ".")
        w("")
    # store triple counts the same on both stores?
    same = []
    for s in R["sizes"]:
        e, v = runs.get(f"embedded-j2-{s}", {}), runs.get(f"virtuoso-j2-{s}", {})
        if e.get("ok") and v.get("ok"):
            same.append(f"{s:,}: embedded {e['store_triples']:,}, Virtuoso {v['store_triples']:,}"
                        + ("" if e["store_triples"] == v["store_triples"] else " (**differ**)"))
    if same:
        w("Triples in the store after the same load: " + "; ".join(same) + ".")
        w("")

    # ------------------------------------------------------------ targets
    w("### Targets")
    w("")
    w("| target | size | measured | |")
    w("|---|---|---|---|")
    common = [s for s in R["sizes"] if runs.get(f"embedded-j1-{s}", {}).get("ok")
              and runs.get(f"embedded-j2-{s}", {}).get("ok")]
    for s in common:
        r1, r2 = runs[f"embedded-j1-{s}"], runs[f"embedded-j2-{s}"]
        sp = r2["articles_per_s"] / r1["articles_per_s"]
        w(f"| embedded, `--jobs 2` ≥ {TARGET_JOBS_SPEEDUP}× `--jobs 1` | {s:,} | "
          f"{r2['articles_per_s']:.1f} / {r1['articles_per_s']:.1f} = **{sp:.2f}×** "
          f"(others {r1['others_cores']:.2f} / {r2['others_cores']:.2f} cores) | {yes(sp >= TARGET_JOBS_SPEEDUP)} |")
    g1 = g2 = None
    for tag, r in runs.items():
        if tag.startswith("embedded-gate-j1"):
            g1 = r
        if tag.startswith("embedded-gate-j2"):
            g2 = r
    if g1 and g2 and g1.get("ok") and g2.get("ok"):
        sp = g2["articles_per_s"] / g1["articles_per_s"]
        w(f"| embedded with the gate, `--jobs 2` ≥ {TARGET_JOBS_SPEEDUP}× `--jobs 1` | {g1['articles']:,} | "
          f"{g2['articles_per_s']:.1f} / {g1['articles_per_s']:.1f} = **{sp:.2f}×** | "
          f"{yes(sp >= TARGET_JOBS_SPEEDUP)} |")
    for s in R["sizes"]:
        e, v = runs.get(f"embedded-j2-{s}", {}), runs.get(f"virtuoso-j2-{s}", {})
        if e.get("ok") and v.get("ok"):
            f = e["articles_per_s"] / v["articles_per_s"]
            w(f"| Virtuoso load rate within {TARGET_REMOTE_FACTOR:.0f}× of embedded (jobs 2) | {s:,} | "
              f"{v['articles_per_s']:.1f} vs {e['articles_per_s']:.1f} articles/s: embedded is **{f:.2f}×** "
              f"faster | {yes(f <= TARGET_REMOTE_FACTOR)} |")
        elif e.get("ok") and tag_done(runs, f"virtuoso-j2-{s}"):
            w(f"| Virtuoso load rate within {TARGET_REMOTE_FACTOR:.0f}× of embedded (jobs 2) | {s:,} | "
              f"Virtuoso did not finish in {R['budget_s'] / 60:.0f} min | {yes(False)} |")
    w("")

    # ------------------------------------------------------------ memory
    w("### Memory against corpus size")
    w("")
    w("Peak RSS of the loading process (`ru_maxrss` of the child; with jobs 2 it is the process that "
      "holds the store and writes) and of its largest worker (sampled every 0.25 s), and the loader's "
      "RSS along the largest run (articles done: MB).")
    w("")
    w("| configuration | " + " | ".join(f"{s:,}" for s in R["sizes"]) + " | along the largest run |")
    w("|---|" + "---|" * (len(R["sizes"]) + 1))
    for conf in ("embedded-j1", "embedded-j2", "virtuoso-j2"):
        cells, last = [], None
        for s in R["sizes"]:
            r = runs.get(f"{conf}-{s}", {})
            if r.get("ok"):
                wk = f" / {r['rss_worker_peak_mb']:.0f}" if r["jobs"] > 1 else ""
                cells.append(f"{r['ru_maxrss_mb']:.0f}{wk} MB")
                last = r
            else:
                cells.append("–")
        tl = ""
        if last and last.get("timeline"):
            pts = last["timeline"]
            pick = [pts[i] for i in sorted({0, len(pts) // 4, len(pts) // 2, 3 * len(pts) // 4, len(pts) - 1})]
            tl = ", ".join(f"{p[0]:,}: {p[2]:.0f}" for p in pick)
        w(f"| {conf.replace('-j', ', jobs ')} | " + " | ".join(cells) + f" | {tl} |")
    w("")
    flat = []
    for conf in ("embedded-j1", "embedded-j2", "virtuoso-j2"):
        ok = [runs[f"{conf}-{s}"] for s in R["sizes"] if runs.get(f"{conf}-{s}", {}).get("ok")]
        if len(ok) >= 2:
            lo, hi = ok[0], ok[-1]
            ratio = hi["ru_maxrss_mb"] / lo["ru_maxrss_mb"]
            flat.append(f"{conf.replace('-j', ', jobs ')}: ×{ratio:.2f} from {lo['articles']:,} to "
                        f"{hi['articles']:,} articles (×{hi['articles'] / lo['articles']:.0f} articles)")
    if flat:
        w("Growth of the loader's peak RSS: " + "; ".join(flat) + ".")
        w("")

    # ------------------------------------------------------------ queries
    QS = R.get("queries") or {}
    if QS:
        w("### Saved-query latency")
        w("")
        any_q = next(iter(QS.values()))
        w("Parameters " + ", ".join(f"`{k}={v}`" for k, v in any_q["params"].items()) +
          " (the defaults; the agreement is the first found in the first articles). Each query runs in its "
          f"own child process: a first run, then at least {R.get('runs', 10)} timed runs (up to "
          f"{R.get('runs_max', 20)} while they take under "
          f"{R.get('query_soft_s', 30):.0f} s in all); median and p95 (nearest rank) of the timed runs. "
          f"A query is stopped at {R.get('query_budget_s', 0):.0f} s in all (\"stopped\": not one run "
          "finished in that time).")
        w("")

        def cell(r, key):
            if not r:
                return "–"
            if r.get(key) is None:
                if key == "first_s":
                    return f"> {R.get('query_budget_s', 0):.0f} s" if r.get("timed_out") else "error"
                return "stopped" if r.get("timed_out") else "–"
            x = r[key]
            return f"{x * 1000:,.0f} ms" if x < 10 else f"{x:,.0f} s"

        for size, Q in sorted(QS.items(), key=lambda kv: int(kv[0])):
            w(f"After loading {int(size):,} articles" + (f" ({Q['note']})" if Q.get("note") else "") + ":")
            w("")
            w("| query | embedded first | embedded median | embedded p95 | Virtuoso first | Virtuoso median "
              "| Virtuoso p95 | rows embedded / Virtuoso |")
            w("|---|---|---|---|---|---|---|---|")
            E, V = Q.get("embedded", {}), Q.get("virtuoso", {})
            for name in sorted(set(E) | set(V)):
                e, v = E.get(name, {}), V.get(name, {})
                er = "–" if e.get("rows") is None else e["rows"]
                vr = "–" if v.get("rows") is None else v["rows"]
                rows = f"{er} / {vr}"
                if e.get("rows") is not None and v.get("rows") is not None and e["rows"] != v["rows"]:
                    rows += " (**differ**)"
                note = [f"{lab}: {r['runs']} timed runs" for lab, r in (("embedded", e), ("Virtuoso", v))
                        if r and r.get("timed_out") and r.get("runs")]
                w(f"| {name} | {cell(e, 'first_s')} | {cell(e, 'median_s')} | {cell(e, 'p95_s')} | "
                  f"{cell(v, 'first_s')} | {cell(v, 'median_s')} | {cell(v, 'p95_s')} | {rows}"
                  + (f" ({'; '.join(note)})" if note else "") + " |")
            w("")
    if R.get("notes"):
        w("### Findings and which store when")
        w("")
        w(R["notes"].strip())
        w("")
    return "\n".join(L) + "\n"


def tag_done(runs: dict, tag: str) -> bool:
    r = runs.get(tag)
    return bool(r) and not r.get("skipped") and not r.get("ok")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100000, help="largest corpus size (default 100,000)")
    ap.add_argument("--sizes", default="", help="ladder of sizes, e.g. 10000,50000,100000 (default: 10k, 50k, N)")
    ap.add_argument("--budget", type=float, default=900, help="seconds per load run (default 900)")
    ap.add_argument("--gate-n", type=int, default=5000, help="articles of the gated (validate=True) loads")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per query, at least")
    ap.add_argument("--runs-max", type=int, default=20)
    ap.add_argument("--query-soft", type=float, default=30, help="stop after --runs once runs took this long")
    ap.add_argument("--query-budget", type=float, default=180, help="seconds per query and store, in all")
    ap.add_argument("--quiet-wait", type=float, default=300,
                    help="wait up to this long before each load for other processes to go quiet")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--code", help="import kg/ from this frozen copy (children too)")
    ap.add_argument("--virtuoso-test-ini", action="store_true", help="Virtuoso with the test recipe's 80 MB buffers")
    ap.add_argument("--virtuoso-test-ini-check", action="store_true",
                    help="also load the smallest size into Virtuoso with the test recipe's ini")
    ap.add_argument("--keep-stores", action="store_true")
    ap.add_argument("--notes", help="a Markdown file with findings, put under the tables")
    ap.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from scale-results.json")
    # child phases
    ap.add_argument("--phase", choices=sorted(PHASES))
    ap.add_argument("--result")
    ap.add_argument("--corpus")
    ap.add_argument("--tag", default="")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("--store")
    ap.add_argument("--update", default="")
    ap.add_argument("--tick", type=int, default=1000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--query")
    ap.add_argument("--params", type=json.loads, default={})
    ap.add_argument("--soft-s", type=float, default=30)
    a = ap.parse_args(argv)

    if a.phase:
        result = PHASES[a.phase](a)
        if a.result:
            Path(a.result).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        return 0

    if a.code:
        os.environ["TDKG_BENCH_CODE"] = str(Path(a.code).resolve())
        return subprocess.call([sys.executable, str(Path(__file__).resolve()),
                                *[x for i, x in enumerate(argv) if x != "--code"
                                  and not (i and argv[i - 1] == "--code")]], cwd=ROOT)
    a.argv = argv
    a.sizes = sorted({int(s) for s in a.sizes.split(",") if s} or {s for s in (10000, 50000, a.n) if s <= a.n})
    a.sizes = [s for s in a.sizes if s <= a.n]
    out = Path(a.out).resolve()
    if a.render_only:
        R = json.loads((out / "scale-results.json").read_text(encoding="utf-8"))
    else:
        R = orchestrate(a)
    R["query_budget_s"], R["query_soft_s"], R["gate_n"] = a.query_budget, a.query_soft, a.gate_n
    R.setdefault("runs", a.runs)
    R.setdefault("runs_max", a.runs_max)
    if a.notes:
        R["notes"] = Path(a.notes).read_text(encoding="utf-8")
    (out / "scale-results.json").write_text(json.dumps(R, indent=1, ensure_ascii=False, default=str),
                                            encoding="utf-8")
    write_section(Path(a.results), render(R))
    log(f"wrote {SECTION!r} in {a.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
