"""The graph model, before and after (issue 11): the same synthetic corpus loaded by two
revisions of tdkg, then the saved queries and typical user queries timed on each store.

    python bench/model.py --n 3000 --old 8321bb5          # ~10-20 min on 2 cores

Each revision is frozen with ``git archive`` (kg/, ontology/, queries/) and imported from
the copy by child processes, so both run the same way in the same run. A load is one child
(``kg.loader.load`` with the SHACL gate, ``--jobs`` workers); each query is a child of its own,
killed after ``--timeout`` seconds, timed over ``--runs`` runs after one warm-up (in process:
``store.query`` and reading every row). Parameters are the busiest country and pair of the
corpus (most accords as parties), as the issue asks. Writes the "Graph model" section of
bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import io
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import busy_s, log, write_section  # noqa: E402

TYPICAL = {   # what users write, with no DISTINCT: the default graph is the one they query
    "persons of a country, with labels": """SELECT ?p ?name ?role WHERE {
        ?p a tdo:Person ; rdfs:label ?name ; tdo:country ?c . OPTIONAL { ?p tdo:role ?role } }""",
    "accords between two states, with evidence": """SELECT ?a ?type ?status ?evidence WHERE {
        ?a tdo:party ?c , ?d ; a ?type ; tdo:status ?status ; tdo:evidence ?evidence .
        ?type rdfs:subClassOf tdo:Agreement }""",
    "a country's topics": """SELECT ?topic (COUNT(?a) AS ?n) WHERE {
        ?a tdo:party|tdo:participant ?c ; tdo:topic ?topic } GROUP BY ?topic ORDER BY DESC(?n)""",
}

CHILD = r"""
import json, sys, time, resource
sys.path.insert(0, sys.argv[1])
job = json.loads(sys.argv[2])
from kg.graph.oxigraph import Store
def cpu():
    r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime
if job["do"] == "load":
    from kg.loader import load
    store = Store(job["store"])
    t, c = time.perf_counter(), cpu()
    rep = load(store, [job["corpus"]], jobs=job["jobs"], progress=False)
    wall, used = time.perf_counter() - t, cpu() - c
    n = lambda q: int(next(iter(store.query(q)))["n"].value)
    out = {"wall_s": wall, "cpu_s": used, "stored": rep.counts["stored"],
           "named_quads": n("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
           "default_triples": n("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") if job.get("merge") else 0}
    store.flush()
    print(json.dumps(out))
else:
    from kg.graph import vocab
    from kg.graph.oxigraph import Store
    store = Store(job["store"], read_only=True)
    sub = {}
    if job.get("params"):
        from kg.graph import queries
        sub = queries.bind(queries.get(job["name"]), job["params"])
    def run():
        t = time.perf_counter()
        res = store.query(vocab.PREFIXES + job["text"], sub or None)
        rows = sum(1 for _ in res) if hasattr(res, "variables") else len(list(res))
        return time.perf_counter() - t, rows
    run()
    times, rows = [], 0
    for _ in range(job["runs"]):
        s, rows = run()
        times.append(s)
    print(json.dumps({"times": times, "rows": rows}))
"""


def freeze(rev: str, dest: Path) -> Path:
    """The code of a revision (kg/, ontology/, queries/) in a folder of its own."""
    if not (dest / "kg").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "kg", "ontology", "queries"],
                              check=True, capture_output=True).stdout
        tarfile.open(fileobj=io.BytesIO(data)).extractall(dest)
    return dest


def child(code: Path, job: dict, timeout: float) -> dict | None:
    try:
        r = subprocess.run([sys.executable, "-c", CHILD, str(code), json.dumps(job)], capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if r.returncode:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def busiest(store: Path, union: bool) -> dict:
    """The country with most accords as a party, the pair with most shared accords, the most
    common topic and the accord with most evidence (pyoxigraph directly: either revision's store)."""
    import pyoxigraph as ox
    s = ox.Store.read_only(str(store))
    q = lambda t: [{k: r[k].value for k in ("c", "d") if r[k] is not None}  # noqa: E731
                   for r in s.query(t, use_default_graph_as_union=union)]
    top = q("""SELECT ?c (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a <https://w3id.org/tdkg/ontology#party> ?c .
               ?c a <https://w3id.org/tdkg/ontology#Country> } GROUP BY ?c ORDER BY DESC(?n) LIMIT 1""")[0]
    pair = q("""SELECT ?c ?d (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a <https://w3id.org/tdkg/ontology#party> ?c , ?d .
                ?c a <https://w3id.org/tdkg/ontology#Country> . ?d a <https://w3id.org/tdkg/ontology#Country>
                FILTER(STR(?c) < STR(?d)) } GROUP BY ?c ?d ORDER BY DESC(?n) LIMIT 1""")[0]
    accord = q("""SELECT ?c (COUNT(?e) AS ?n) WHERE { ?c <https://w3id.org/tdkg/ontology#party> ?p ;
                  <https://w3id.org/tdkg/ontology#evidence> ?e } GROUP BY ?c ORDER BY DESC(?n) LIMIT 1""")[0]
    topic = q("""SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x <https://w3id.org/tdkg/ontology#topic> ?c }
                 GROUP BY ?c ORDER BY DESC(?n) LIMIT 1""")[0]
    iso = lambda iri: iri.rsplit("/", 1)[-1]  # noqa: E731
    return {"country": iso(top["c"]), "a": iso(pair["c"]), "b": iso(pair["d"]), "agreement": accord["c"],
            "topic": iso(topic["c"]), "status": "signed"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000, help="synthetic articles (default 3,000)")
    ap.add_argument("--old", default="8321bb5", help="the revision before the graph model (default 8321bb5)")
    ap.add_argument("--new", default="HEAD")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a query child may take")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "model"))
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    a = ap.parse_args(argv)
    out = Path(a.out)
    from bench.corpus import write
    corpus = out / f"corpus-{a.n}"
    if not corpus.is_dir():
        log(f"writing {a.n:,} synthetic articles to {corpus}")
        write(corpus, a.n)
    revs = {"before": a.old, "after": a.new}
    revs = {k: subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", r], check=True,
                              capture_output=True, text=True).stdout.strip() for k, r in revs.items()}
    codes = {k: freeze(r, out / f"code-{k}-{r}") for k, r in revs.items()}      # by commit: never stale
    res: dict = {"n": a.n, "revs": revs, "cores": os.cpu_count(), "load": {}, "queries": {}}
    stores = {}
    for k, code in codes.items():
        stores[k] = out / f"store-{k}-{a.n}"
        subprocess.run(["rm", "-rf", str(stores[k])], check=True)
        log(f"{k} ({revs[k]}): loading {a.n:,} articles with the gate, --jobs {a.jobs}")
        b = busy_s()
        r = child(code, {"do": "load", "store": str(stores[k]), "corpus": str(corpus), "jobs": a.jobs,
                         "merge": k == "after"}, timeout=7200)
        r["disk_mb"] = du_mb(stores[k])
        r["machine_busy_s"] = busy_s() - b
        res["load"][k] = r
        log(f"  {r['stored']:,} stored in {r['wall_s']:.1f} s ({r['stored'] / r['wall_s']:.1f}/s), "
            f"{r['disk_mb']:.0f} MB")
    params = busiest(stores["after"], union=False)
    res["params"] = params
    before_accord = busiest(stores["before"], union=True)["agreement"]
    sys.path.insert(0, str(codes["after"]))
    from kg.graph import queries as saved
    jobs = {}
    for name, q in sorted(saved.saved_queries(codes["after"] / "queries").items()):
        values = {p.name: params[p.name] for p in q.params if p.name in params}
        jobs[f"saved: {name}"] = {"name": name, "text": q.text, "params": values}
    for title, text in TYPICAL.items():
        jobs[f"typical: {title}"] = {"text": text.replace("?c", f"<https://w3id.org/tdkg/country/{params['a']}>")
                                     .replace("?d", f"<https://w3id.org/tdkg/country/{params['b']}>")}
    for title, job in jobs.items():
        res["queries"][title] = {}
        for k, code in codes.items():
            old_text = job
            if "name" in job and k == "before":          # the old revision's own saved text
                p = code / "queries" / f"{job['name']}.rq"
                old_text = {**job, "text": p.read_text(encoding="utf-8")} if p.is_file() else None
                if old_text and "agreement" in job["params"]:  # the same accord has another IRI there
                    old_text["params"] = {**job["params"], "agreement": before_accord}
            r = child(code, {"do": "query", "store": str(stores[k]), "runs": a.runs, **old_text}, a.timeout) \
                if old_text else None
            res["queries"][title][k] = r
            log(f"  {title} [{k}]: " + (f"median {statistics.median(r['times']) * 1000:.1f} ms, {r['rows']} rows"
                                         if r else f"> {a.timeout:.0f} s"))
    (out / "results.json").write_text(json.dumps(res, indent=1))
    write_section(Path(a.results), render(res, a))
    return 0


def render(res: dict, a) -> str:
    L, B = res["load"]["after"], res["load"]["before"]
    p = res["params"]
    w = [f"## Graph model\n\n`python bench/model.py --n {res['n']} --old {res['revs']['before']}` "
         f"({time.strftime('%Y-%m-%d')}, {res['cores']} cores, shared). {res['n']:,} synthetic articles "
         f"(bench/corpus.py seed 1) loaded with the SHACL gate, `--jobs {a.jobs}`, by the revision before the "
         f"graph model (*before*: the default graph is Oxigraph's union of the article graphs, every article "
         f"graph repeats its entities' labels) and after it (*after*: the default graph is the merge, kept at "
         f"load; one label per entity in the entity graph). Queries in process on the on-disk store "
         f"(`store.query`, every row read), median of {a.runs} runs after a warm-up, each in a child killed "
         f"after {a.timeout:.0f} s; parameters: the busiest country ({p['country']}) and pair "
         f"({p['a']}–{p['b']}), the most common topic ({p['topic']}), the accord with most evidence, status "
         f"signed, other parameters at their defaults. The saved queries are each revision's own texts.\n",
         "| load | before | after | after / before |", "|---|---|---|---|"]
    rows = [("articles stored", B["stored"], L["stored"], "{:,}"),
            ("wall s", B["wall_s"], L["wall_s"], "{:.1f}"),
            ("articles / s", B["stored"] / B["wall_s"], L["stored"] / L["wall_s"], "{:.1f}"),
            ("CPU s (all processes)", B["cpu_s"], L["cpu_s"], "{:.1f}"),
            ("quads in named graphs", B["named_quads"], L["named_quads"], "{:,}"),
            ("triples in the default graph", B["default_triples"], L["default_triples"], "{:,}"),
            ("disk MB", B["disk_mb"], L["disk_mb"], "{:.0f}")]
    for label, b, l, f in rows:
        ratio = f"{l / b:.2f}" if b else "—"
        w.append(f"| {label} | {f.format(b)} | {f.format(l)} | {ratio} |")
    w += ["", "| query | before: median ms | rows | after: median ms | rows | before / after |",
          "|---|---|---|---|---|---|"]
    for title, r in res["queries"].items():
        b, l = r.get("before"), r.get("after")
        ms = lambda x: f"{statistics.median(x['times']) * 1000:.1f}" if x else f"> {a.timeout * 1000:.0f}"  # noqa: E731
        speed = (f"{statistics.median(b['times']) / statistics.median(l['times']):.1f}×" if b and l else
                 (f"> {a.timeout / statistics.median(l['times']):.0f}×" if l else "—"))
        w.append(f"| {title} | {ms(b)} | {b['rows'] if b else '—'} | {ms(l)} | {l['rows'] if l else '—'} | {speed} |")
    w.append("\nRows differ where *before* counted copies: a typical query without DISTINCT returned one row per "
             "article repeating a fact; *after* returns each once.\n")
    return "\n".join(w) + "\n"


if __name__ == "__main__":
    sys.exit(main())
