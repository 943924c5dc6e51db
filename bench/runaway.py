"""A runaway query, with query workers (processes killed at the deadline) and without (threads).

    python bench/runaway.py [--timeout 3] [--watch 10]

Loads the five bundled articles into a fresh store, then for each mode starts ``tdkg serve``
on 127.0.0.1 (``--query-workers 2``, the default, and ``--query-workers 0``, the peer: queries
in threads), sends one cross-product query that Oxigraph would run for minutes, and after its
503 measures for ``--watch`` seconds the CPU the server's processes use (percent of one core,
from /proc) and the cheap queries a client gets answered meanwhile (sequential ``ASK``s).
Writes the section "Runaway queries" of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import log, write_section  # noqa: E402
from bench.endpoint import cpu_ticks, free_port  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a <https://w3id.org/tdkg/ontology#Article> }"
TDKG = [sys.executable, "-m", "kg.cli"]


def serve(store: str, port: int, workers: int, timeout: float) -> subprocess.Popen:
    proc = subprocess.Popen(TDKG + ["--store", store, "serve", "--port", str(port), "--timeout", str(timeout),
                                    "--query-workers", str(workers)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            time.sleep(1.0)             # the workers are importing: let them settle
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("tdkg serve did not start")


def cheap_loop(base: str, pid: int, watch: float) -> tuple[float, float, int]:
    """Sequential cheap queries for ``watch`` seconds: (server CPU % of a core, answered/s, failed)."""
    c0, w0 = cpu_ticks(pid), time.monotonic()
    ok = failed = 0
    while time.monotonic() - w0 < watch:
        try:
            urllib.request.urlopen(base + urllib.parse.urlencode({"query": CHEAP}), timeout=5).read()
            ok += 1
        except OSError:
            failed += 1
    c1, w1 = cpu_ticks(pid), time.monotonic()
    return 100 * (c1 - c0) / (w1 - w0), ok / (w1 - w0), failed


def one_mode(store: str, workers: int, timeout: float, watch: float) -> dict:
    port = free_port()
    proc = serve(store, port, workers, timeout)
    base = f"http://127.0.0.1:{port}/sparql?"
    try:
        base_pct, base_rate, _ = cheap_loop(base, proc.pid, watch)
        t = time.monotonic()
        try:
            urllib.request.urlopen(base + urllib.parse.urlencode({"query": RUNAWAY}), timeout=timeout + 30).read()
            status = 200
        except urllib.error.HTTPError as e:
            status = e.code
        answered_s = time.monotonic() - t
        pct, rate, failed = cheap_loop(base, proc.pid, watch)
        return {"status": status, "answered_s": answered_s, "base_pct": base_pct, "cpu_pct": pct,
                "extra_pct": pct - base_pct, "base_per_s": base_rate, "cheap_per_s": rate, "cheap_failed": failed}
    finally:
        proc.kill()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--watch", type=float, default=10.0)
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "kg")
        subprocess.run(TDKG + ["--store", store, "load", "--quiet", str(ROOT / "data" / "articles")],
                       cwd=ROOT, check=True)
        res = {}
        for name, workers in (("query workers (2 processes)", 2), ("threads (--query-workers 0)", 0)):
            log(f"{name}: one runaway query, then {args.watch:g} s of cheap queries")
            res[name] = one_mode(store, workers, args.timeout, args.watch)
            log(f"  {res[name]}")
    w, t = res["query workers (2 processes)"], res["threads (--query-workers 0)"]
    rows = "\n".join(f"| {n} | {r['status']} after {r['answered_s']:.1f} s | {r['base_pct']:.0f} % | "
                     f"{r['cpu_pct']:.0f} % (+{r['extra_pct']:.0f}) | {r['base_per_s']:.0f}/s → "
                     f"{r['cheap_per_s']:.0f}/s, {r['cheap_failed']} failed |" for n, r in res.items())
    section = f"""## Runaway queries (issue 13)

`python bench/runaway.py --timeout {args.timeout:g} --watch {args.watch:g}` ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, shared).
The five bundled articles; `tdkg serve --timeout {args.timeout:g}` on 127.0.0.1 answers one
three-way cross product (`{RUNAWAY}`); for {args.watch:g} s before it and {args.watch:g} s after
its 503 a client sends sequential cheap `ASK`s while the server's processes' CPU (percent of one
core, workers included) is read from /proc. The machine is shared: a process gets what the
scheduler leaves it, so read the extra CPU after the 503 against the same mode's baseline.

| mode | the runaway query | server CPU, cheap queries only | after the 503 (extra) | cheap queries answered |
|---|---|---|---|---|
{rows}

After the 503 the abandoned query costs {w['extra_pct']:.0f} points of a core with workers (its
process was killed) and {t['extra_pct']:.0f} with threads, where the engine runs on for minutes.
"""
    write_section(Path(args.results), section)
    log("wrote the Runaway queries section")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
