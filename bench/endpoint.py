"""Endpoint benchmark: our SPARQL endpoint (``tdkg serve``) against rdflib-endpoint, over HTTP.

    python bench/endpoint.py [--triples 1000000] [--seed 1] [--runs 20]

1. Builds a synthetic graph of at least ``--triples`` quads from the corpus
   generator (``bench/corpus.py``): articles are extracted (``extract_text`` +
   ``article_graph``) by ``--workers`` processes and written into a fresh
   on-disk store with ``Store.replace_graphs`` (no SHACL gate: not what is
   measured here), plus ``ensure_reference()``. The store, the same data as
   N-Quads and the parameters picked from it are cached under
   ``bench/out/endpoint-<triples>-<seed>/``, so reruns skip building.
2. Starts our endpoint (``tdkg --store DIR serve --port P --threads 8``,
   waitress) and rdflib-endpoint (FastAPI under uvicorn) serving the same
   N-Quads as an rdflib ``Dataset(default_union=True)``, both on 127.0.0.1.
3. For every saved query (``queries/*.rq``), with parameters that exist in
   the data (the most frequent country, pair, topic and status, the most
   mentioned person, an agreement with signatories), measures the latency
   of ``--runs`` requests after 2 warm-ups on both servers: ours through
   ``GET /queries/<name>.json?…``, the peer through ``POST /sparql`` with the
   query text whose parameters are bound by ``BIND`` clauses opening the
   WHERE clause (``kg.store.bind_values``, what we send external stores). A
   peer query that does not answer within ``--peer-timeout`` seconds is
   skipped (the peer is restarted: it cannot cancel a running query).
   Then the throughput of ``--clients`` concurrent clients on each lookup
   query, ``--requests`` requests each, keep-alive connections.
4. Optionally (``--rewrites``) times, in process, each saved query against a
   rewritten text of it (``REWRITES`` below), with the same bound
   parameters, and checks that both give the same rows.

Results: ``OUT/results.json`` and the section ``## Endpoint (issue: SPARQL
endpoint)`` of ``bench/RESULTS.md`` (other sections of the file are kept).
Needs the ``bench`` extra: ``pip install -e '.[bench]'`` (rdflib-endpoint, uvicorn).
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import gc
import http.client
import json
import multiprocessing as mp
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## Endpoint (issue: SPARQL endpoint)"
TARGET_RATIO = 10.0          # our median at least 10x faster than the peer's
TARGET_P95_LOOKUP = 0.100    # s
TARGET_P95_AGGREGATE = 1.0   # s
TARGET_RPS = 200.0           # with 8 concurrent clients on a lookup query
# what each saved query is, by its parameters: one country / pair / person / agreement -> lookup
LOOKUP_PARAMS = {"country", "a", "b", "name", "agreement"}

TDO = "https://w3id.org/tdkg/ontology#"
PFX = ("PREFIX tdo: <https://w3id.org/tdkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
       "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dct: <http://purl.org/dc/terms/> ")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ================================================================ 1. the graph

def _extract_range(job: tuple[int, int, int]):
    """Articles lo..hi-1 of the corpus of seed -> ([(graph IRI, N-Triples, triples)], [errors])."""
    from bench.corpus import article
    from kg.extract import extract_text
    from kg.rdf import article_graph
    from kg.store import ntriples
    lo, hi, seed = job
    out, errors = [], []
    for i in range(lo, hi):
        name = f"c{i:06d}"
        try:
            g = article_graph(extract_text(article(i, seed), name, name + ".txt"))
        except Exception as e:  # an extractor bug: counted and reported, the article skipped
            errors.append(f"{name}: {type(e).__name__}: {e}")
            continue
        out.append((str(g.identifier), ntriples(g), len(g)))
    return out, errors


def build(out: Path, target: int, seed: int, workers: int, batch: int = 100) -> dict:
    """Build (or reuse) the store, its N-Quads dump and the build facts."""
    import pyoxigraph as ox
    from kg.store import Store
    store_dir, nq, meta_path = out / "store", out / "data.nq", out / "build.json"
    if meta_path.exists() and store_dir.exists() and nq.exists():
        meta = json.loads(meta_path.read_text())
        log(f"reusing {store_dir} ({meta['quads']:,} quads, {meta['articles']:,} articles)")
        return meta
    for p in (store_dir, nq, meta_path):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    log(f"building a store of >= {target:,} quads from corpus seed {seed} ({workers} extraction processes)")
    t0 = time.perf_counter()
    store = Store(store_dir)
    store.ensure_reference()
    total = store.count()
    articles, errors, write_s, next_lo = 0, [], 0.0, 1
    pool = mp.get_context("fork").Pool(workers)
    pending: collections.deque = collections.deque()
    try:
        while True:
            while len(pending) < 2 * workers:              # bounded look-ahead
                pending.append(pool.apply_async(_extract_range, ((next_lo, next_lo + batch, seed),)))
                next_lo += batch
            done, errs = pending.popleft().get()
            t1 = time.perf_counter()
            store.replace_graphs((iri, nt) for iri, nt, _ in done)
            write_s += time.perf_counter() - t1
            total += sum(n for _, _, n in done)
            articles += len(done)
            errors += errs
            if (next_lo // batch) % 20 == 0 or total >= target:
                log(f"  {articles:,} articles, {total:,} quads, {len(errors):,} extraction errors, "
                    f"{time.perf_counter() - t0:.0f} s")
            if total >= target:
                break
    finally:
        pool.terminate()
        pool.join()
    store.flush()
    build_s = time.perf_counter() - t0
    quads = store.count()
    distinct = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    log(f"store: {quads:,} quads ({distinct:,} distinct triples in the union), {len(store.named_graphs()):,} "
        f"graphs; writing {nq.name}")
    with open(nq, "wb") as f:
        store._db.dump(f, ox.RdfFormat.N_QUADS)
    params, facts = pick_params(store)
    del store
    gc.collect()
    meta = {"target": target, "seed": seed, "articles": articles, "quads": quads, "distinct_triples": distinct,
            "extraction_errors": len(errors), "error_samples": errors[:10],
            "error_kinds": dict(collections.Counter(e.split(": ", 1)[1] for e in errors).most_common(5)),
            "build_s": build_s, "write_s": write_s, "nq_bytes": nq.stat().st_size,
            "store_bytes": sum(p.stat().st_size for p in store_dir.rglob("*") if p.is_file()),
            "params": params, "facts": facts}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    log(f"built in {build_s:.0f} s ({articles:,} articles, {len(errors):,} extraction errors)")
    return meta


def pick_params(store) -> tuple[dict, dict]:
    """Parameters that exist in the data: the most frequent country, pair, topic, status, the most
    mentioned person, an agreement of the top pair with signatories."""
    def one(q: str) -> dict:
        rows = store.select(q)
        if not rows:
            raise RuntimeError(f"no row for parameter query: {q}")
        return rows[0]
    country = one("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x tdo:party|tdo:participant ?c . "
                  "?c a tdo:Country } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1")
    pair = one("SELECT ?a ?b (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x tdo:party ?a, ?b . ?a a tdo:Country . "
               "?b a tdo:Country FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b ORDER BY DESC(?n) ?a ?b LIMIT 1")
    person = one("SELECT ?p (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?art) AS ?n) WHERE { ?art tdo:mentions ?p . "
                 "?p a tdo:Person ; rdfs:label ?l } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1")
    agreement = one(f"SELECT ?ag (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?ag tdo:party <{pair['a']}>, <{pair['b']}> ; "
                    "tdo:signatory ?s } GROUP BY ?ag ORDER BY DESC(?n) ?ag LIMIT 1")
    topic = one("SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x tdo:topic ?t } GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 1")
    status = one("SELECT ?st (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x tdo:status ?st } GROUP BY ?st "
                 "ORDER BY DESC(?n) ?st LIMIT 1")
    iso = lambda iri: iri.rsplit("/", 1)[1]  # noqa: E731
    params = {"country": iso(country["c"]), "a": iso(pair["a"]), "b": iso(pair["b"]), "name": person["label"],
              "agreement": agreement["ag"], "topic": topic["t"].rsplit("/", 1)[1],
              "status": status["st"].rsplit("#", 1)[1].lower()}
    counts = store.stats()
    facts = {"country_items": int(country["n"]), "pair_agreements": int(pair["n"]),
             "person_articles": int(person["n"]), "agreement_signatories": int(agreement["n"]),
             "topic_items": int(topic["n"]), "status_agreements": int(status["n"]), **counts}
    log(f"parameters: {params}")
    return params, facts


def query_params(q, params: dict) -> dict:
    """The values for one saved query's parameters (names it does not declare are left out)."""
    return {p.name: params[p.name] for p in q.params if p.name in params}


# ================================================================ 2. servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A child process serving HTTP on 127.0.0.1:port, in its own process group."""

    def __init__(self, name: str, cmd: list[str], port: int, ready_path: str, log_path: Path):
        self.name, self.cmd, self.port, self.ready_path, self.log_path = name, cmd, port, ready_path, log_path
        self.proc: subprocess.Popen | None = None
        self.started_s = 0.0

    def start(self, wait: float = 900.0) -> float:
        t0 = time.perf_counter()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT,
                                     start_new_session=True)
        while time.perf_counter() - t0 < wait:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", self.ready_path, headers={"Accept": "application/json"})
                r = c.getresponse()
                r.read()
                c.close()
                if r.status < 500:
                    self.started_s = time.perf_counter() - t0
                    return self.started_s
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {wait:.0f} s")

    def wait_started(self) -> None:
        pass

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)      # our own child's group, by its id
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=20)
                except ProcessLookupError:
                    pass
        self.proc = None

    def rss_mb(self) -> float | None:
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        except (OSError, AttributeError):
            return None
        return None


def serve_peer(nq: str, port: int) -> int:
    """Child process: rdflib-endpoint over an rdflib Dataset (default union) of the N-Quads."""
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    print(f"peer: parsed {len(ds):,} triples in the union in {time.perf_counter() - t0:.1f} s", flush=True)
    app = SparqlEndpoint(graph=ds, path="/sparql", title="peer", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    return 0


# ================================================================ 3. requests

class Client:
    """One keep-alive HTTP connection; each call returns (seconds, status, rows)."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()                       # a kept-alive connection the server closed: once more
                if attempt:
                    raise
            except Exception:
                self.close()
                raise
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def timed(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        t0 = time.perf_counter()
        status, data = self._send(method, path, body, headers or {})
        dt_ = time.perf_counter() - t0
        rows = None
        if status == 200:
            try:
                rows = len(json.loads(data)["results"]["bindings"])
            except (ValueError, KeyError, TypeError):
                rows = None
        return dt_, status, rows, data


def ours_request(name: str, values: dict):
    path = f"/queries/{name}.json" + ("?" + urllib.parse.urlencode(values) if values else "")
    return "GET", path, None, {"Accept": "application/sparql-results+json"}


def peer_request(text: str):
    body = urllib.parse.urlencode({"query": text}).encode()
    return "POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/sparql-results+json"}


def pct(xs: list[float], p: float) -> float:
    """Percentile with linear interpolation (p in 0..100)."""
    s = sorted(xs)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100
    f = int(k)
    return s[f] + (s[min(f + 1, len(s) - 1)] - s[f]) * (k - f)


def summarize(times: list[float]) -> dict:
    return {"n": len(times), "median": statistics.median(times), "p95": pct(times, 95),
            "min": min(times), "max": max(times), "mean": statistics.fmean(times)}


def measure(client: Client, req, runs: int, warmup: int, budget: float | None = None) -> dict:
    """Warm-ups then timed runs; fewer runs (at least 5) if they would pass ``budget`` seconds."""
    out: dict = {"errors": []}
    first = None
    for _ in range(warmup):
        t, status, rows, data = client.timed(*req)
        first = t if first is None else first
        if status != 200:
            out["errors"].append(f"HTTP {status}: {data[:300].decode('utf-8', 'replace')}")
            return out
        out["rows"] = rows
    n = runs
    if budget and first and first * runs > budget:
        n = max(5, int(budget / first))
        out["reduced"] = f"{n} runs instead of {runs} (one run took {first:.1f} s; budget {budget:.0f} s)"
    times = []
    for _ in range(n):
        t, status, rows, data = client.timed(*req)
        if status != 200:
            out["errors"].append(f"HTTP {status}: {data[:300].decode('utf-8', 'replace')}")
            continue
        times.append(t)
        out["rows"] = rows
    if times:
        out.update(summarize(times))
    return out


def throughput(port: int, req, clients: int, total: int, cap_s: float) -> dict:
    """``clients`` threads, each on its own keep-alive connection, share ``total`` requests."""
    lock = threading.Lock()
    state = {"left": total, "ok": 0, "errors": [], "lat": []}
    deadline = time.perf_counter() + cap_s
    barrier = threading.Barrier(clients + 1)

    def worker():
        c = Client(port, 60.0)
        barrier.wait()
        while True:
            with lock:
                if state["left"] <= 0 or time.perf_counter() > deadline:
                    break
                state["left"] -= 1
            try:
                t, status, _, data = c.timed(*req)
            except Exception as e:
                with lock:
                    state["errors"].append(f"{type(e).__name__}: {e}")
                continue
            with lock:
                if status == 200:
                    state["ok"] += 1
                    state["lat"].append(t)
                else:
                    state["errors"].append(f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}")
        c.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    done = state["ok"] + len(state["errors"])
    r = {"clients": clients, "requested": total, "done": done, "ok": state["ok"], "errors": len(state["errors"]),
         "error_samples": state["errors"][:5], "seconds": wall, "rps": state["ok"] / wall if wall else 0.0,
         "capped": done < total}
    if state["lat"]:
        r["latency"] = summarize(state["lat"])
    return r


# ================================================================ 4. rewrites

# Rewritten texts of saved queries (same header, same parameters, same result rows), timed by
# --rewrites against the saved text. Filled in from what the first runs showed; see RESULTS.md.
REWRITES: dict[str, str] = {}


def time_inprocess(store, text: str, subs: dict, runs: int, warmup: int = 2, timeout: float = 120.0):
    """Median/p95 of kg.sparql.execute + JSON serialisation (the server's path without HTTP)."""
    from kg import sparql
    times, body = [], None
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        res = sparql.execute(store, text, substitutions=subs, timeout=timeout, max_rows=100_000)
        body = sparql.serialize(res, "application/sparql-results+json")
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return summarize(times), body


def canonical_rows(body: bytes) -> list:
    """Result rows as a sorted list of sorted (var, value) tuples; GROUP_CONCAT lists are sorted too."""
    out = []
    for b in json.loads(body)["results"]["bindings"]:
        row = []
        for k, v in b.items():
            val = v["value"]
            for sep in (" ؛ ", " ، "):
                if sep in val:
                    val = sep.join(sorted(val.split(sep)))
            row.append((k, val))
        out.append(tuple(sorted(row)))
    return sorted(out)


def run_rewrites(store_dir: Path, params: dict, runs: int) -> dict:
    from kg import queries
    from kg.store import Store
    store = Store(store_dir, read_only=True)
    out = {}
    for name, text in REWRITES.items():
        q = queries.get(name)
        subs = queries.bind(q, query_params(q, params))
        log(f"rewrite {name}: saved text")
        a, body_a = time_inprocess(store, q.text, subs, runs)
        log(f"rewrite {name}: rewritten text")
        b, body_b = time_inprocess(store, text, subs, runs)
        same = canonical_rows(body_a) == canonical_rows(body_b)
        out[name] = {"saved": a, "rewritten": b, "same_rows": same, "rows": len(json.loads(body_b)["results"]["bindings"]),
                     "text": text}
        log(f"  {name}: saved {a['median']*1000:.1f} ms, rewritten {b['median']*1000:.1f} ms, same rows: {same}")
    return out


# ================================================================ report

def machine() -> dict:
    cpu, ram = "unknown", "unknown"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
        ram = next(f"{int(l.split()[1]) / 2**20:.1f} GiB" for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    vers = {}
    for p in ("pyoxigraph", "rdflib", "flask", "waitress", "rdflib-endpoint", "fastapi", "uvicorn"):
        try:
            vers[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            vers[p] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "kg", "server", "queries"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(),
            "os": platform.platform(), "versions": vers, "commit": commit + (" (kg/, server/ or queries/ modified)"
                                                                             if dirty else "")}


def ms(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x * 1000:,.1f} ms" if x < 1 else f"{x:,.2f} s"


def render(R: dict) -> str:
    L: list[str] = []
    w = L.append
    m, b = R["machine"], R["build"]
    w(SECTION)
    w("")
    w(f"Run {R['date']}: `{R['command']}` (wall {R['wall_s'] / 60:.0f} min).")
    w("")
    w(f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}, {m['os']}; "
      + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + f"; commit {m['commit']}. "
      f"Load average when the measurements started: {R['loadavg_start']} (other benchmarks share these "
      f"{m['nproc']} cores; clients, our server and the peer run on the same machine).")
    w("")
    f = b["facts"]
    w(f"Graph: {b['quads']:,} quads ({b['distinct_triples']:,} distinct triples in the union) from "
      f"{b['articles']:,} synthetic articles (corpus seed {b['seed']}) plus the reference graph: "
      f"{f.get('agreements', 0):,} agreements, {f.get('engagements', 0):,} engagements, {f.get('persons', 0):,} "
      f"persons, {f.get('organizations', 0):,} organisations, {f.get('countries', 0):,} countries mentioned. "
      f"Built in {b['build_s']:.0f} s (store writes {b['write_s']:.0f} s), {b['store_bytes'] / 2**20:.0f} MB "
      f"on disk, N-Quads {b['nq_bytes'] / 2**20:.0f} MB." +
      (f" **{b['extraction_errors']:,} articles were skipped because extraction raised** "
       f"({'; '.join(f'{k}: {v}' for k, v in b['error_kinds'].items())}), a bug outside this benchmark."
       if b["extraction_errors"] else ""))
    w("")
    p = b["params"]
    w(f"Parameters (picked from the data): country `{p['country']}` (in {f['country_items']:,} accords and "
      f"engagements, the most), pair `{p['a']}`–`{p['b']}` ({f['pair_agreements']:,} shared agreements, the "
      f"most), person `{p['name']}` (mentioned in {f['person_articles']:,} articles, the most), agreement "
      f"`{p['agreement'].rsplit('/', 1)[1]}`, topic `{p['topic']}`, status `{p['status']}` (the most frequent).")
    w("")
    w(f"Servers: ours `tdkg --store DIR serve --port P --threads 8` (waitress; ready in "
      f"{R['servers']['ours']['start_s']:.1f} s, RSS {R['servers']['ours'].get('rss_mb') or 0:,.0f} MB after the "
      f"runs); peer rdflib-endpoint over `Dataset(default_union=True)` parsed from the same N-Quads, under "
      f"uvicorn (ready in {R['servers']['peer']['start_s']:.0f} s, RSS {R['servers']['peer'].get('rss_mb') or 0:,.0f}"
      f" MB). Ours: `GET /queries/<name>.json?…`; peer: `POST /sparql` with the saved text, parameters bound "
      f"by BIND clauses opening the WHERE clause (`kg.store.bind_values`). Latency is client-side wall time "
      f"of the whole HTTP request (keep-alive), {R['runs']} runs after {R['warmup']} warm-ups; a peer query not "
      f"answering within {R['peer_timeout']:.0f} s is skipped.")
    w("")
    w("| query | kind | rows | ours median | ours p95 | peer median | peer p95 | ratio (peer/ours median) "
      "| ≥ 10× | p95 target | met? |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in R["queries"].items():
        o, pe = r["ours"], r.get("peer") or {}
        target = TARGET_P95_LOOKUP if r["kind"] == "lookup" else TARGET_P95_AGGREGATE
        p95_ok = "median" in o and o["p95"] < target and not o.get("errors")
        if "median" in pe:
            ratio = pe["median"] / o["median"] if "median" in o else None
            ratio_s = f"{ratio:,.0f}×" if ratio and ratio >= 10 else (f"{ratio:.1f}×" if ratio else "—")
            ratio_ok = bool(ratio and ratio >= TARGET_RATIO)
            peer_med, peer_p95 = ms(pe["median"]), ms(pe["p95"])
            if pe.get("reduced"):
                peer_p95 += f" (n={pe['n']})"
        elif pe.get("skipped"):
            ratio_s, ratio_ok = f"> {R['peer_timeout'] / o['median']:,.0f}×" if "median" in o else "—", True
            peer_med, peer_p95 = f"> {R['peer_timeout']:.0f} s (skipped)", "—"
        else:
            ratio_s, ratio_ok, peer_med, peer_p95 = "—", False, "error", "—"
        rows = str(o.get("rows", "—"))
        if pe.get("rows") is not None and pe.get("rows") != o.get("rows"):
            rows += f" (peer {pe['rows']})"
        met = "yes" if p95_ok and ratio_ok else "**no**"
        w(f"| {name} | {r['kind']} | {rows} | {ms(o.get('median'))} | {ms(o.get('p95'))} | {peer_med} | "
          f"{peer_p95} | {ratio_s} | {'yes' if ratio_ok else '**no**'} | < {ms(target)}: "
          f"{'yes' if p95_ok else '**no**'} | {met} |")
    w("")
    errs = {n: r["ours"]["errors"] for n, r in R["queries"].items() if r["ours"].get("errors")}
    perrs = {n: r["peer"]["errors"] for n, r in R["queries"].items() if (r.get("peer") or {}).get("errors")}
    notes = [f"ours {n}: {e[0]}" for n, e in errs.items()] + [f"peer {n}: {e[0]}" for n, e in perrs.items()]
    notes += [f"peer {n}: {r['peer']['reduced']}" for n, r in R["queries"].items()
              if (r.get("peer") or {}).get("reduced")]
    notes += [f"peer {n}: {r['peer']['skipped']}" for n, r in R["queries"].items()
              if (r.get("peer") or {}).get("skipped")]
    if notes:
        w("Notes: " + "; ".join(notes) + ".")
        w("")
    w(f"Throughput, ours, {R['clients']} concurrent clients (threads, one keep-alive connection each), "
      f"{R['requests']:,} requests per query (stopped after {R['throughput_cap']:.0f} s), target ≥ "
      f"{TARGET_RPS:.0f} requests/s with no error:")
    w("")
    w("| query | requests done | errors | requests/s | median latency | p95 latency | met? |")
    w("|---|---|---|---|---|---|---|")
    for name, t in R["throughput"].items():
        lat = t.get("latency", {})
        ok = t["rps"] >= TARGET_RPS and not t["errors"] and not t["capped"]
        w(f"| {name} | {t['done']:,} | {t['errors']} | {t['rps']:,.0f} | {ms(lat.get('median'))} | "
          f"{ms(lat.get('p95'))} | {'yes' if ok else '**no**'} |")
    if R.get("peer_throughput"):
        t = R["peer_throughput"]
        lat = t.get("latency", {})
        w(f"| peer: {t['query']} | {t['done']:,} | {t['errors']} | {t['rps']:,.0f} | {ms(lat.get('median'))} | "
          f"{ms(lat.get('p95'))} | (reference) |")
    w("")
    if R.get("rewrites"):
        w("Rewrites, timed in process (`kg.sparql.execute` + JSON serialisation: the server's path without "
          f"HTTP), same bound parameters, {R['rewrite_runs']} runs after 2 warm-ups:")
        w("")
        w("| query | saved median | saved p95 | rewritten median | rewritten p95 | speed-up | same rows |")
        w("|---|---|---|---|---|---|---|")
        for name, r in R["rewrites"].items():
            w(f"| {name} | {ms(r['saved']['median'])} | {ms(r['saved']['p95'])} | {ms(r['rewritten']['median'])} | "
              f"{ms(r['rewritten']['p95'])} | {r['saved']['median'] / r['rewritten']['median']:.1f}× | "
              f"{'yes' if r['same_rows'] else '**no**'} ({r['rows']}) |")
        w("")
    for para in R.get("findings", []):
        w(para)
        w("")
    return "\n".join(L).rstrip("\n") + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) this section of RESULTS.md, keeping every other section; the file is
    read right before it is written (other benchmarks write their own sections)."""
    head = ("# Benchmarks\n\nOne section per area, each written by its own benchmark and owned by its "
            "issue. A script rewrites only its own section.\n\n")
    text = path.read_text(encoding="utf-8") if path.exists() else head
    lines = text.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.rstrip() == SECTION), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        text = "".join(lines[:start]) + section + ("\n" if end < len(lines) else "") + "".join(lines[end:])
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


# ================================================================ main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="quads to reach (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="extraction processes")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--peer-timeout", type=float, default=60.0, help="seconds a peer request may take")
    ap.add_argument("--peer-budget", type=float, default=300.0,
                    help="seconds of timed runs per query on the peer: fewer runs (≥ 5) past it")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000, help="requests per throughput run")
    ap.add_argument("--throughput-cap", type=float, default=120.0, help="seconds a throughput run may last")
    ap.add_argument("--only", help="comma-separated saved query names (default: all)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--rewrites", action="store_true", help="also time REWRITES in process")
    ap.add_argument("--out", default=None, help="default bench/out/endpoint-<triples>-<seed>")
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--serve-peer", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.serve_peer:
        return serve_peer(a.serve_peer, a.port)

    t_all = time.perf_counter()
    out = Path(a.out or ROOT / "bench" / "out" / f"endpoint-{a.triples}-{a.seed}")
    meta = build(out, a.triples, a.seed, a.workers)
    if a.build_only:
        return 0
    from kg import queries
    from kg.store import bind_values
    saved = queries.saved_queries()
    names = [n for n in saved if not a.only or n in a.only.split(",")]

    ours = Server("ours", [str(Path(sys.executable).parent / "tdkg"), "--store", str(out / "store"), "serve",
                           "--port", str(port_o := free_port()), "--threads", "8"],
                  port_o, "/queries.json", out / "ours.log")
    peer = Server("peer", [sys.executable, str(Path(__file__).resolve()), "--serve-peer", str(out / "data.nq"),
                           "--port", str(port_p := free_port())],
                  port_p, "/sparql?query=ASK%7B%7D", out / "peer.log")
    R: dict = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(),
               "command": "python bench/endpoint.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "build": meta, "runs": a.runs, "warmup": a.warmup, "peer_timeout": a.peer_timeout,
               "clients": a.clients, "requests": a.requests, "throughput_cap": a.throughput_cap,
               "servers": {"ours": {}, "peer": {}}, "queries": {}, "throughput": {}}
    params = meta["params"]
    try:
        if not a.no_peer:
            log("starting rdflib-endpoint (parses the N-Quads)")
            R["servers"]["peer"]["start_s"] = peer.start()
            log(f"  peer ready in {R['servers']['peer']['start_s']:.0f} s, RSS {peer.rss_mb():,.0f} MB")
        R["servers"]["ours"]["start_s"] = ours.start()
        log(f"our endpoint ready in {R['servers']['ours']['start_s']:.1f} s")
        R["loadavg_start"] = " ".join(f"{x:.1f}" for x in os.getloadavg())

        # ---- latency, ours
        c = Client(port_o, 120.0)
        for name in names:
            q = saved[name]
            values = query_params(q, params)
            kind = "lookup" if {p.name for p in q.params} & LOOKUP_PARAMS else "aggregate"
            log(f"ours: {name} ({kind}) {values}")
            r = measure(c, ours_request(name, values), a.runs, a.warmup)
            R["queries"][name] = {"kind": kind, "params": values, "ours": r}
            if "median" in r:
                log(f"  median {ms(r['median'])}, p95 {ms(r['p95'])}, {r.get('rows')} rows")
            else:
                log(f"  errors: {r['errors'][:1]}")
        c.close()

        # ---- throughput, ours
        for name in names:
            if R["queries"][name]["kind"] != "lookup":
                continue
            log(f"throughput: {name}, {a.clients} clients, {a.requests} requests")
            t = throughput(port_o, ours_request(name, R["queries"][name]["params"]), a.clients, a.requests,
                           a.throughput_cap)
            R["throughput"][name] = t
            log(f"  {t['rps']:.0f} requests/s, {t['errors']} errors, {t['done']} done")
        R["servers"]["ours"]["rss_mb"] = ours.rss_mb()
        ours.stop()

        # ---- latency, peer
        if not a.no_peer:
            for name in names:
                q = saved[name]
                entry = R["queries"][name]
                subs = queries.bind(q, entry["params"])
                text = bind_values(q.text, subs) if subs else q.text
                log(f"peer: {name}")
                c = Client(port_p, a.peer_timeout)
                try:
                    r = measure(c, peer_request(text), a.runs, a.warmup, budget=a.peer_budget)
                except (socket.timeout, TimeoutError):
                    r = {"skipped": f"no answer within {a.peer_timeout:.0f} s (the peer was restarted)",
                         "errors": []}
                    log(f"  {r['skipped']}")
                    c.close()
                    peer.stop()
                    log("restarting rdflib-endpoint")
                    peer.start()
                c.close()
                entry["peer"] = r
                entry["peer_text"] = text
                if "median" in r:
                    log(f"  median {ms(r['median'])}, p95 {ms(r['p95'])}, {r.get('rows')} rows, n={r['n']}")
            R["servers"]["peer"]["rss_mb"] = peer.rss_mb()
            look = [n for n in names if R["queries"][n]["kind"] == "lookup"
                    and "median" in (R["queries"][n].get("peer") or {})]
            if look:
                fastest = min(look, key=lambda n: R["queries"][n]["peer"]["median"])
                n_req = max(50, min(a.requests, int(60 / max(R["queries"][fastest]["peer"]["median"], 1e-3))))
                log(f"peer throughput: {fastest}, {a.clients} clients, {n_req} requests")
                t = throughput(port_p, peer_request(R["queries"][fastest]["peer_text"]), a.clients, n_req,
                               a.throughput_cap)
                t["query"] = fastest
                R["peer_throughput"] = t
                log(f"  {t['rps']:.0f} requests/s, {t['errors']} errors")
    finally:
        ours.stop()
        peer.stop()

    if a.rewrites and REWRITES:
        R["rewrite_runs"] = a.runs
        R["rewrites"] = run_rewrites(out / "store", params, a.runs)
    R["wall_s"] = time.perf_counter() - t_all
    (out / "results.json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str))
    section = render(R)
    print(section)
    if not a.no_results:
        write_section(Path(a.results), section)
        log(f"wrote the section {SECTION!r} of {a.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
