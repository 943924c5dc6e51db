"""SHACL validation benchmark: engines on a user's file with the store as context, and the gate's share of a load.

    python bench/validate.py [--out bench/out] [--store-articles 20000] [--articles 2000]
                             [--user-triples 10000] [--repeat 3] [--load-repeat 3] [--no-write]
    python bench/validate.py --quick      # per-call cost only: no store, nothing written

In one run, each part in its own child process (a forked loader must not inherit
a parent that already ran rudof, see ``_RUDOF_PID`` in kg/validate/engine.py; and peak
memory stays per part):

1. the store: ``OUT/validate/store`` (on-disk Oxigraph) of >= 1 M triples, the
   article graphs of the first ``--store-articles`` synthetic articles
   (``bench/corpus.py``, seed 1) through ``kg.extract`` + ``kg.graph.rdf.article_graph``,
   plus the reference graph; built once, reused while it holds >= 1 M triples
   (``OUT/validate/store.nq`` keeps the N-Quads);
2. a user file of ``--user-triples`` triples, ``OUT/validate/user.ttl``: curated
   agreements between stored countries, signed by stored people, reported in stored
   articles, 2 % of them with a defect (a status literal, a typo'd class, a Wikidata
   party, an ill-typed date, a literal topic) so that the reports have content;
3. that file validated as ``tdkg validate`` does it (parse, ``Store.context_of``,
   ``validate``) by each engine, pyshacl as the peer, and their findings compared;
4. domain data of 1 k and 10 k triples (whole article graphs from the store's
   N-Quads): pyshacl in one call and one article per call (batching, option b),
   pyrudof with kg/validate/patches.py (option a), and rudof alone on the whole
   shapes graph, its native mode against its SPARQL-based one (the nearest to
   option c, shapes compiled to SPARQL);
5. ``kg.loader.load`` of ``--articles`` corpus files into a fresh on-disk store with
   the gate (``validate=True``) and without, jobs 1 and 2, default engine, median of
   ``--load-repeat`` runs; pyshacl's gate on a fifth of the articles for reference;
6. agreement, report by report: pyshacl and pyrudof on every shape fixture and
   every W3C SHACL core test.

``--quick``: the per-call cost of the gate alone, in one child process per engine: a
batch of 128 synthetic articles (the loader's batch) through ``validate_batch``, one
article and ``tests/shapes/_base.ttl`` through ``validate``; median of ``--repeat``.

Results: ``OUT/validate/results.json`` and the section ``## Validation (issue:
SHACL)`` of ``bench/RESULTS.md`` (the other sections are kept).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import log, write_section

SECTION = "## Validation (issue: SHACL)"
TARGET_USER_S = 2.0           # a 10 k-triple file with store context
TARGET_SPEEDUP = 3.0          # over pyshacl in the same run
TARGET_GATE_SHARE = 0.20      # of load time
TARGET_LOAD = 200             # articles/s end to end
MIN_STORE = 1_000_000


def cpu_s() -> float:
    t = os.times()
    return t.user + t.system


# ================================================================ 1. the store

def _extract_chunk(args) -> tuple[str, int, int]:
    """N-Quads of articles [lo, hi) of the corpus (seed), and how many stored / failed."""
    lo, hi, seed = args
    from bench.corpus import article
    from kg.extract import extract_text
    from kg.graph.rdf import article_graph
    from kg.graph.store import ntriples
    out, ok, bad = [], 0, 0
    for i in range(lo, hi):
        name = f"c{i:06d}"
        try:
            g = article_graph(extract_text(article(i, seed), name, name + ".txt"))
        except Exception:          # the loader reports these as failed articles too
            bad += 1
            continue
        gi = f"<{g.identifier}>"
        out += [line[:-1] + gi + " ." for line in ntriples(g).splitlines() if line.strip()]
        ok += 1
    return "\n".join(out) + "\n", ok, bad


def phase_store(a) -> dict:
    import pyoxigraph as ox
    from kg.graph.oxigraph import Store
    d = Path(a.out) / "validate"
    d.mkdir(parents=True, exist_ok=True)
    path, nq = d / "store", d / "store.nq"
    if path.exists():
        try:
            n = len(ox.Store.read_only(str(path)))
            if n >= MIN_STORE:
                log(f"reusing store {path} ({n:,} quads)")
                return {"quads": n, "built": False, "path": str(path)}
        except OSError:
            pass
    t0 = time.perf_counter()
    meta = d / "store.json"
    if not (nq.exists() and meta.exists() and json.loads(meta.read_text())["articles"] == a.store_articles):
        import multiprocessing as mp
        step = 250
        chunks = [(i, min(i + step, a.store_articles + 1), 1) for i in range(1, a.store_articles + 1, step)]
        ok = bad = 0
        log(f"extracting {a.store_articles:,} synthetic articles for the store (2 processes)")
        with open(nq, "w", encoding="utf-8") as f, mp.get_context("fork").Pool(2) as pool:
            for k, (text, o, b) in enumerate(pool.imap(_extract_chunk, chunks), 1):
                f.write(text)
                ok, bad = ok + o, bad + b
                if k % 8 == 0:
                    log(f"  {k * step:,} articles")
        meta.write_text(json.dumps({"articles": a.store_articles, "stored": ok, "failed": bad}))
    extracted = time.perf_counter() - t0
    shutil.rmtree(path, ignore_errors=True)
    db = ox.Store(str(path))
    db.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    db.flush()
    del db
    s = Store(path)
    s.ensure_reference()
    s.flush()
    n = len(s._db)
    del s
    log(f"store {path}: {n:,} quads ({time.perf_counter() - t0:.0f} s)")
    return {"quads": n, "built": True, "path": str(path), "extract_s": extracted,
            **json.loads(meta.read_text()), "seconds": time.perf_counter() - t0}


# ================================================================ 2. the user file

def phase_userfile(a) -> dict:
    """Curated agreements referring to what the store holds (exactly --user-triples triples)."""
    from kg.graph.oxigraph import Store
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS, XSD
    TDO = Namespace("https://w3id.org/tdkg/ontology#")
    TOPIC = Namespace("https://w3id.org/tdkg/topic/")
    d = Path(a.out) / "validate"
    store = Store(d / "store", read_only=True)

    def col(q):
        return sorted(str(r[0].value) for r in store.query(q))
    people = col("PREFIX tdo: <https://w3id.org/tdkg/ontology#> "
                 "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a tdo:Person ; tdo:country ?c } } LIMIT 3000")
    countries = col("PREFIX tdo: <https://w3id.org/tdkg/ontology#> "
                    "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?a tdo:party ?c } "
                    "FILTER (STRSTARTS(STR(?c), 'https://w3id.org/tdkg/country/')) } LIMIT 300")
    articles = col("PREFIX tdo: <https://w3id.org/tdkg/ontology#> "
                   "SELECT ?a WHERE { GRAPH ?g { ?a a tdo:Article } } LIMIT 5000")
    topics = ["ai", "cybersecurity", "5g", "data-cloud", "e-government", "fintech", "ict", "smart-cities"]
    topics = [t for t in topics if (URIRef(TOPIC[t]), None, None) in _topics()] or ["ai"]
    rng = random.Random(f"tdkg-bench-validate:{a.user_triples}")
    g = Graph()
    g.bind("tdo", TDO)
    kinds = [TDO.MemorandumOfUnderstanding, TDO.FrameworkAgreement, TDO.CooperationAgreement]
    statuses = [TDO.Signed, TDO.Agreed, TDO.Planned]
    defects = {"status-literal": 0, "typo-class": 0, "wikidata-party": 0, "ill-typed-date": 0,
               "literal-topic": 0}
    i = 0
    while len(g) < a.user_triples:
        i += 1
        n = URIRef(f"https://w3id.org/tdkg/resource/agreement/curated-{i:05d}")
        c1, c2 = rng.sample(countries, 2)
        person = rng.choice(people)
        defect = rng.choice(sorted(defects)) if rng.random() < 0.02 else None
        if defect:
            defects[defect] += 1
        triples = [
            (n, RDF.type, URIRef(str(TDO) + "MemorandumOfUnderstandin") if defect == "typo-class"
             else rng.choice(kinds)),
            (n, RDFS.label, Literal(f"اتفاق تعاون رقم {i}", lang="ar")),
            (n, RDFS.label, Literal(f"Cooperation agreement no. {i}", lang="en")),
            (n, TDO.status, Literal("signed") if defect == "status-literal" else rng.choice(statuses)),
            (n, TDO.party, URIRef(c1)),
            (n, TDO.party, URIRef("http://www.wikidata.org/entity/Q79") if defect == "wikidata-party"
             else URIRef(c2)),
            (n, TDO.party, URIRef(person)),
            (n, TDO.signatory, URIRef(person)),
            (n, TDO.reportedIn, URIRef(rng.choice(articles))),
            (n, TDO.evidence, Literal(f"ووقع الجانبان الاتفاق رقم {i} للتعاون في مجال التقنية.", lang="ar")),
            (n, TDO.topic, Literal("ai") if defect == "literal-topic" else TOPIC[rng.choice(topics)]),
            (n, TDO.date, Literal(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype=XSD.date)
             if defect != "ill-typed-date" else Literal("2024-13", datatype=XSD.date)),
        ]
        for t in triples:
            if len(g) >= a.user_triples:
                break
            g.add(t)
    path = d / "user.ttl"
    g.serialize(path, format="turtle")
    return {"path": str(path), "triples": len(g), "agreements": i, "defects": defects,
            "people": len(people), "countries": len(countries), "articles": len(articles)}


def _topics():
    from kg.validate import ontology_graph
    return ontology_graph()


# ================================================================ 3. the user file, each engine

def _time_engine(into: dict) -> None:
    """Wrap ``kg.validate.engine.run_shacl`` (the gate's one engine call) so the CPU seconds
    spent in the engine add up in ``into["engine_cpu_s"]`` and its calls in ``into["validate"]``."""
    from kg.validate import engine
    inner = engine.run_shacl

    def timed_run(*args, **kw):
        c0 = time.process_time()
        try:
            return inner(*args, **kw)
        finally:
            into["engine_cpu_s"] = into.get("engine_cpu_s", 0.0) + time.process_time() - c0
            into["validate"] = into.get("validate", 0) + 1
    engine.run_shacl = timed_run


def _findings(rep) -> list:
    return sorted((f.severity, f.focus, f.path, f.value, f.shape, f.component, f.message) for f in rep.findings)


def phase_user(a) -> dict:
    """parse + Store.context_of + validate, as `tdkg validate FILE` with a store, per engine."""
    from kg import validate as shacl
    from kg.graph.oxigraph import Store
    d = Path(a.out) / "validate"
    store = Store(d / "store", read_only=True)
    shacl.validate(shacl.parse_rdf(ROOT / "tests" / "shapes" / "_base.ttl"))   # warm the caches
    out = {}
    engine_cpu: dict = {}
    _time_engine(engine_cpu)
    for engine in a.engines.split(","):
        os.environ["TDKG_SHACL_ENGINE"] = engine
        shacl.validate(shacl.parse_rdf(ROOT / "tests" / "shapes" / "_base.ttl"))
        runs = []
        reps = a.repeat if engine != "pyshacl" else max(1, a.repeat_pyshacl)
        for _ in range(reps):
            engine_cpu.clear()
            t0, c0 = time.perf_counter(), cpu_s()
            data = shacl.parse_rdf(d / "user.ttl")
            t1 = time.perf_counter()
            ctx = store.context_of(data)
            t2 = time.perf_counter()
            rep = shacl.validate(data, context=ctx)
            t3 = time.perf_counter()
            runs.append({"parse_s": t1 - t0, "context_s": t2 - t1, "validate_s": t3 - t2, "total_s": t3 - t0,
                         "cpu_s": cpu_s() - c0, "engine_cpu_s": engine_cpu.get("engine_cpu_s", 0.0)})
            log(f"  {engine}: total {t3 - t0:.2f} s (parse {t1 - t0:.2f}, context {t2 - t1:.2f}, "
                f"validate {t3 - t2:.2f}); {len(rep.violations)} violations, {len(rep.warnings)} warnings")
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        from collections import Counter
        from rdflib.namespace import RDF
        g = rep.graph
        results = len(set(g.subjects(RDF.type, shacl.SH.ValidationResult)))
        kept = {(f.focus, f.shape) for f in rep.findings}
        dropped = Counter(str(g.value(x, shacl.SH.sourceShape)).rsplit("#", 1)[-1]
                          for x in g.subjects(RDF.type, shacl.SH.ValidationResult)
                          if (None, shacl.SH.detail, x) not in g
                          and (str(g.value(x, shacl.SH.focusNode)), str(g.value(x, shacl.SH.sourceShape))) not in kept)
        out[engine] = {"runs": runs, "median": med, "data_triples": len(data), "context_triples": len(ctx),
                       "engine_results": results,
                       "dropped_by_shape": dropped.most_common(5),
                       "violations": len(rep.violations), "warnings": len(rep.warnings),
                       "findings": _findings(rep)}
    return out


# ================================================================ 4. domain data

def _article_graphs(nq: Path, triples: int) -> list:
    """Whole article graphs from the store's N-Quads, in order, until ``triples`` triples."""
    from rdflib import Graph, URIRef
    graphs: dict[str, list[str]] = {}
    total = 0
    with open(nq, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            body, g = line.rstrip()[:-2].rstrip().rsplit(" ", 1)
            if g not in graphs and total >= triples:
                break
            graphs.setdefault(g, []).append(body + " .")
            total += 1
    out = []
    for g, lines in graphs.items():
        gr = Graph(identifier=URIRef(g[1:-1]))
        gr.parse(data="\n".join(lines), format="nt")
        out.append(gr)
    return out


def phase_domain(a) -> dict:
    from rdflib import Graph
    from kg import validate as shacl
    nq = Path(a.out) / "validate" / "store.nq"
    shacl.validate(shacl.parse_rdf(ROOT / "tests" / "shapes" / "_base.ttl"))
    out = {}
    for size in (1000, 10000):
        graphs = _article_graphs(nq, size)
        union = Graph()
        for g in graphs:
            union += g
        r = out[size] = {"articles": len(graphs), "triples": len(union)}
        log(f"  domain data {len(union):,} triples, {len(graphs)} articles")

        def timed(engine, what, f, reps):
            os.environ["TDKG_SHACL_ENGINE"] = engine
            f() if engine != "pyshacl" else None           # warm rudof's session
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter()
                res = f()
                ts.append(time.perf_counter() - t0)
            r[f"{engine} {what}"] = statistics.median(ts)
            log(f"    {engine} {what}: {statistics.median(ts):.2f} s")
            return res
        one = lambda: shacl.validate(union)                                    # noqa: E731
        each = lambda: [shacl.validate(g) for g in graphs]                     # noqa: E731
        rep_py = timed("pyshacl", "one call", one, 1)
        if size <= 1000:
            timed("pyshacl", "one call per article", each, 1)
        rep_ru = timed("pyrudof", "one call", one, a.repeat)
        timed("pyrudof", "one call per article", each, a.repeat if size <= 1000 else 1)
        r["agree"] = _findings(rep_py) == _findings(rep_ru)
        r["findings"] = len(rep_py.findings)
        r["rudof modes"] = _rudof_modes(union, a.repeat)
    return out


def _rudof_modes(data, reps: int) -> dict:
    """rudof alone on the whole shapes graph, its native engine against its SPARQL-based one."""
    import pyrudof
    from kg import validate as shacl
    from kg.validate import engine
    out = {}
    for mode in ("Native", "Sparql"):
        r = pyrudof.Rudof(pyrudof.RudofConfig())
        r.read_shacl(engine._prepared(shacl.shapes_graph()).nt, format=pyrudof.ShaclFormat.NTriples)
        r.read_data(data.serialize(format="nt") + engine._ontology_nt(shacl.ontology_graph()),
                    format=pyrudof.RDFFormat.NTriples)
        ts, n = [], 0
        for _ in range(reps):
            t0 = time.perf_counter()
            n = len(list(r.validate_shacl(mode=getattr(pyrudof.ShaclValidationMode, mode)).violations))
            ts.append(time.perf_counter() - t0)
        out[mode] = {"validate_s": statistics.median(ts), "results": n}
    return out


# ================================================================ 6. agreement, report by report (run last)

def _report_keys(report) -> list:
    """Every top-level result of a report graph: focus, path, value, shape, component, severity,
    source constraint and messages (blank nodes of the shapes graph as 'bnode')."""
    from rdflib import BNode
    from rdflib.namespace import RDF
    from kg.validate import SH
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue
        path, shape = report.value(r, SH.resultPath), report.value(r, SH.sourceShape)
        out.append((str(report.value(r, SH.focusNode)),
                    "complex" if isinstance(path, BNode) else str(path or ""), str(report.value(r, SH.value)),
                    "bnode" if isinstance(shape, BNode) else str(shape),
                    str(report.value(r, SH.sourceConstraintComponent)), str(report.value(r, SH.resultSeverity)),
                    str(report.value(r, SH.sourceConstraint) or ""),
                    tuple(sorted(str(m) for m in report.objects(r, SH.resultMessage)))))
    return sorted(out)


def phase_agreement(a) -> dict:
    """pyshacl and pyrudof (kg/validate/patches.py) on every shape fixture (with
    tests/shapes/_base.ttl and the countries, as validate() builds it) and every W3C SHACL
    core test: whole reports compared. ``pyshacl_instead``: calls the pyrudof path leaves
    to pyshacl (NotHandled)."""
    from rdflib import Graph
    from rdflib.namespace import Namespace, RDF
    from kg import validate as shacl
    from kg.graph.rdf import COUNTRY
    from kg.validate import engine, gate
    from kg.validate.patches import NotHandled
    out = {"fixtures": {"identical": 0, "different": [], "pyshacl_instead": [], "results": 0},
           "w3c": {"identical": 0, "different": [], "pyshacl_instead": [], "results": 0}}

    def compare(part, name, data, shapes, ont, messages=True):
        try:
            ru = engine._run_pyrudof(data, engine._prepared(shapes), ont)
        except NotHandled:
            out[part]["pyshacl_instead"].append(name)
            return
        c1, r1 = engine._run_pyshacl(data, shapes, ont)
        k1, k2 = _report_keys(r1), _report_keys(ru[1])
        if not messages:                                # W3C: each engine words its own defaults
            k1, k2 = [k[:-1] for k in k1], [k[:-1] for k in k2]
        out[part]["results"] += len(k1)
        if (c1, k1) == (ru[0], k2):
            out[part]["identical"] += 1
        else:
            out[part]["different"].append(name)

    fx = ROOT / "tests" / "shapes"
    base = Graph().parse(fx / "_base.ttl")
    for f in sorted(fx.glob("*.ttl")):
        if f.name.startswith("_"):
            continue
        full = Graph()
        full += base
        full.parse(f)
        for node in {o for o in full.objects() if str(o).startswith(str(COUNTRY))}:
            for t in gate._countries().triples((node, None, None)):
                full.add(t)
        compare("fixtures", f.name, full, shacl.shapes_graph(), shacl.ontology_graph())
    core = ROOT.parent / "shared" / "thirdparty" / "shacl-tests" / "tests" / "core"
    SHT = Namespace("http://www.w3.org/ns/shacl-test#")
    MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    for f in sorted(p for p in core.rglob("*.ttl") if p.name != "manifest.ttl"):
        uri = f.resolve().as_uri()
        g = Graph().parse(f, format="turtle", publicID=uri)

        def load(iri):
            return g if str(iri) == uri else Graph().parse(Path(str(iri)[7:]), format="turtle", publicID=str(iri))
        for t in g.subjects(RDF.type, SHT.Validate):
            act = g.value(t, MF.action)
            compare("w3c", str(f.relative_to(core).with_suffix("")), load(g.value(act, SHT.dataGraph)),
                    load(g.value(act, SHT.shapesGraph)), None, messages=False)
    return out


# ================================================================ 5. the gate in a load

def phase_load(a) -> dict:
    import kg.loader as loader
    from kg.graph.oxigraph import Store
    files = [Path(a.corpus) / f"c{i:06d}.txt" for i in range(1, a.articles + 1)]
    path = Path(a.out) / "validate" / f"load-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    gate = [0.0]
    calls = {"batches": 0, "validate": 0, "fell_back": 0}
    if a.jobs == 1 and a.validate:
        inner = loader.validate_batch

        def timed_batch(graphs):
            t0, n0 = time.perf_counter(), calls["validate"]
            try:
                return inner(graphs)
            finally:
                gate[0] += time.perf_counter() - t0
                calls["batches"] += 1
                calls["fell_back"] += calls["validate"] - n0 > 1
        loader.validate_batch = timed_batch
        _time_engine(calls)                     # counts the engine calls in calls["validate"]
    store = Store(path)
    t0, c0 = time.perf_counter(), cpu_s()
    rep = loader.load(store, files, validate=bool(a.validate), jobs=a.jobs, progress=False)
    wall = time.perf_counter() - t0
    c = rep.counts
    del store
    shutil.rmtree(path, ignore_errors=True)
    import inspect
    batch = inspect.signature(loader.load).parameters["batch_size"].default
    return {"articles": len(files), "jobs": a.jobs, "validate": bool(a.validate), "batch_size": batch,
            "engine": os.environ.get("TDKG_SHACL_ENGINE", ""), "seconds": wall,
            "articles_per_s": len(files) / wall, "cpu_s": cpu_s() - c0, "counts": dict(c),
            "gate_s": gate[0] if a.jobs == 1 and a.validate else None,
            "gate_calls": calls if a.jobs == 1 and a.validate else None}


def ensure_corpus(d: Path, n: int) -> Path:
    from bench.corpus import write
    c = d / "corpus"
    if not all((c / f"c{i:06d}.txt").exists() for i in range(1, n + 1)):
        log(f"writing {n:,} corpus articles (seed 1) to {c}")
        write(c, n, 1)
    return c


# ================================================================ --quick: the gate's per-call cost

def phase_quick(a) -> dict:
    """validate_batch of the loader's batch of synthetic articles, validate of one article and
    of tests/shapes/_base.ttl: medians of --repeat, with this process's engine."""
    from rdflib import Graph
    from bench.corpus import article
    from kg import validate as shacl
    from kg.extract import extract_text
    from kg.graph.rdf import article_graph, standalone
    graphs, i = [], 0
    while len(graphs) < 128:
        i += 1
        try:
            graphs.append(article_graph(extract_text(article(i, 1), f"c{i:06d}", f"c{i:06d}.txt")))
        except Exception:          # the loader reports these as failed articles too
            pass
    base = Graph().parse(ROOT / "tests" / "shapes" / "_base.ttl")
    shacl.validate(base)
    shacl.validate_batch(graphs[:4])                    # warm the caches (and rudof's session)

    def median(f, n):
        ts = []
        for _ in range(n):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts)
    reps = shacl.validate_batch(graphs)
    n = max(1, a.repeat)
    return {"engine": shacl.shacl_engine(), "articles": len(graphs), "triples": sum(len(g) for g in graphs),
            "findings": sum(len(r.findings) for r in reps),
            "validate_batch_s": median(lambda: shacl.validate_batch(graphs), n),
            "validate_article_s": median(lambda: shacl.validate(standalone(graphs[5])), 5 * n),
            "validate_base_s": median(lambda: shacl.validate(base), 5 * n)}


def quick(a) -> int:
    rows = {e: run_child(a, "quick", tag=e, engine=e) for e in a.engines.split(",")}
    r0 = next(iter(rows.values()))
    print(f"gate per call ({r0['articles']} articles, {r0['triples']:,} triples; median of {a.repeat}):")
    print(f"{'engine':<9} {'validate_batch':>15} {'one article':>12} {'_base.ttl':>10}  findings")
    for e, r in rows.items():
        print(f"{e:<9} {r['validate_batch_s'] * 1000:>12.0f} ms {r['validate_article_s'] * 1000:>9.1f} ms "
              f"{r['validate_base_s'] * 1000:>7.1f} ms  {r['findings']}")
    peer = rows.get("pyshacl")
    lines = ["## Gate per call (`bench/validate.py --quick`)\n",
             f"{time.strftime('%Y-%m-%d')}, 2 cores (shared). The SHACL gate's cost per engine call, each engine in "
             f"its own child process, median of {a.repeat}: `validate_batch` of the loader's batch of "
             f"{r0['articles']} synthetic articles ({r0['triples']:,} triples), `validate` of one article and of "
             f"tests/shapes/_base.ttl. pyshacl, the reference engine, is the peer.\n",
             "| engine | validate_batch ms | one article ms | _base.ttl ms | findings | batch: pyshacl / engine |",
             "|---|---|---|---|---|---|"]
    for e, r in rows.items():
        ratio = f"{peer['validate_batch_s'] / r['validate_batch_s']:.1f}×" if peer else "—"
        lines.append(f"| {e} | {r['validate_batch_s'] * 1000:.0f} | {r['validate_article_s'] * 1000:.1f} | "
                     f"{r['validate_base_s'] * 1000:.1f} | {r['findings']} | {ratio} |")
    write_section(ROOT / "bench" / "RESULTS.md", "\n".join(lines) + "\n\n")
    return 0


# ================================================================ orchestration

def agreement(a) -> dict:
    """The agreement part in three processes of different hash seeds (set and dict orders)."""
    runs = {}
    for seed in ("1", "2", "3"):
        log(f"agreement: fixtures and W3C core, report by report (PYTHONHASHSEED={seed})")
        runs[seed] = run_child(a, "agreement", tag=f"seed{seed}", hashseed=seed)
    first = runs["1"]
    first["seeds"] = {k: {"fixtures_identical": v["fixtures"]["identical"], "w3c_identical": v["w3c"]["identical"],
                          "different": v["fixtures"]["different"] + v["w3c"]["different"]}
                      for k, v in runs.items()}
    return first


def run_child(a, phase: str, **kw) -> dict:
    res = Path(a.out) / "validate" / f"phase-{phase}-{kw.get('tag', '')}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--out", a.out, "--result", str(res),
           "--store-articles", str(a.store_articles), "--user-triples", str(a.user_triples),
           "--repeat", str(a.repeat), "--repeat-pyshacl", str(a.repeat_pyshacl), "--engines", a.engines,
           "--load-repeat", str(a.load_repeat)]
    env = dict(os.environ)
    for k, v in kw.items():
        if k == "engine":
            env["TDKG_SHACL_ENGINE"] = v
        elif k == "hashseed":
            env["PYTHONHASHSEED"] = v
        elif k != "tag":
            cmd += [f"--{k.replace('_', '-')}", str(v)]
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    return json.loads(res.read_text(encoding="utf-8"))


def machine() -> dict:
    cpu = "unknown"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = next((f"{int(l.split()[1]) / 2**20:.1f} GiB" for l in open("/proc/meminfo") if l.startswith("MemTotal")),
               "unknown")
    vers = {p: metadata.version(p) for p in ("pyrudof", "pyshacl", "rdflib", "pyoxigraph")}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "kg", "ontology"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(),
            "os": platform.platform(), **vers, "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": commit + (" + uncommitted changes in kg/ or ontology/" if dirty else ""),
            "loadavg_start": os.getloadavg()}


def orchestrate(a) -> dict:
    d = Path(a.out) / "validate"
    d.mkdir(parents=True, exist_ok=True)
    R: dict = {"machine": machine(), "args": vars(a)}
    log(f"machine: {R['machine']}")
    log("1/5 store")
    R["store"] = run_child(a, "store", tag="x")
    log("2/5 user file")
    R["userfile"] = run_child(a, "userfile", tag="x")
    log(f"  {R['userfile']['triples']:,} triples, defects {R['userfile']['defects']}")
    log("3/5 the user file, each engine (store as context)")
    R["user"] = run_child(a, "user", tag="x")
    log("4/5 domain data 1k / 10k triples")
    R["domain"] = run_child(a, "domain", tag="x")
    log(f"5/5 loads of {a.articles:,} articles")
    corpus = ensure_corpus(d, a.articles)
    R["load"] = []
    for jobs in (1, 2):
        for v in (0, 1):
            runs = []
            for k in range(a.load_repeat):          # interleaved would be fairer; the median evens it out
                runs.append(run_child(a, "load", tag=f"{jobs}-{v}-{k}", jobs=jobs, validate=v, corpus=corpus,
                                      articles=a.articles, engine="pyrudof"))
            r = dict(sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2])
            r["runs_seconds"] = [x["seconds"] for x in runs]
            R["load"].append(r)
            log(f"  jobs {jobs} gate {'on ' if v else 'off'}: {r['articles_per_s']:.1f} articles/s "
                f"(median of {[round(x, 1) for x in r['runs_seconds']]} s; {r['counts']})")
    n_py = max(50, a.articles // 5)
    for v in (0, 1):
        r = run_child(a, "load", tag=f"pyshacl-{v}", jobs=1, validate=v, corpus=corpus, articles=n_py,
                      engine="pyshacl")
        R["load"].append(r)
        log(f"  pyshacl gate, {n_py} articles, jobs 1, gate {'on ' if v else 'off'}: "
            f"{r['articles_per_s']:.1f} articles/s")
    R["agreement"] = agreement(a)
    R["machine"]["loadavg_end"] = os.getloadavg()
    return R


# ================================================================ report

def section(R: dict, command: str) -> str:
    m, u, dom = R["machine"], R["user"], R["domain"]
    w = []
    w.append(SECTION)
    w.append("")
    w.append(f"{m['date']}, `{command}`, commit {m['commit']}. Machine: {m['nproc']} cores ({m['cpu']}), "
             f"{m['ram']}, Python {m['python']}, pyrudof {m['pyrudof']}, pyshacl {m['pyshacl']}, "
             f"rdflib {m['rdflib']}, pyoxigraph {m['pyoxigraph']}. Load average "
             f"{m['loadavg_start'][0]:.1f} at the start, {m['loadavg_end'][0]:.1f} at the end (other "
             f"sessions' benchmarks shared the 2 cores: absolute times are pessimistic, ratios are "
             f"of the same run).")
    w.append("")
    st = R["store"]
    uf = R["userfile"]
    w.append(f"Store: {st['quads']:,} quads on disk (Oxigraph), the article graphs of "
             f"{R['args']['store_articles']:,} synthetic articles plus the reference graph. User file: "
             f"{uf['triples']:,} triples, {uf['agreements']:,} curated agreements between stored countries, "
             f"signed by stored people ({uf['people']:,} drawn from), reported in stored articles; defects "
             f"planted in {sum(uf['defects'].values())} of them ({', '.join(f'{k} {v}' for k, v in uf['defects'].items())}).")
    w.append("")
    w.append("### A user's file with the store as context (`tdkg validate FILE`: parse, store context, validate)")
    w.append("")
    w.append("| engine | total s | parse s | store context s | validate s | CPU s (total; in run_shacl) | context triples | results in the engine's report | violations / warnings kept | vs pyshacl (total) |")
    w.append("|---|---|---|---|---|---|---|---|---|---|")
    base = u.get("pyshacl", {}).get("median", {}).get("total_s")
    for eng, r in u.items():
        md = r["median"]
        ratio = f"{base / md['total_s']:.1f}×" if base else ""
        w.append(f"| {eng} ({len(r['runs'])} run{'s' if len(r['runs']) > 1 else ''}, median) | "
                 f"{md['total_s']:.2f} | {md['parse_s']:.2f} | {md['context_s']:.2f} | {md['validate_s']:.2f} | "
                 f"{md['cpu_s']:.2f}; {md.get('engine_cpu_s', 0):.2f} | {r['context_triples']:,} | {r.get('engine_results', '')} | "
                 f"{r['violations']} / {r['warnings']} | {ratio} |")
    same = len({json.dumps(r["findings"], ensure_ascii=False) for r in u.values()}) == 1
    fast = u.get("pyrudof", {}).get("median", {}).get("total_s")
    w.append("")
    some = next(iter(u.values()))
    if some.get("dropped_by_shape"):
        w.append(f"`validate` runs the engine on the file, the countries it names and the store context "
                 f"({some['context_triples']:,} triples) and keeps the findings about the file's own nodes: "
                 f"{some['engine_results']:,} results in the engine's report, "
                 f"{some['violations'] + some['warnings']} kept; the others are about context nodes ("
                 + ", ".join(f"{k} {v:,}" for k, v in some["dropped_by_shape"]) +
                 "; e.g. stored articles whose mentions the context does not describe).")
    w.append(f"Findings (severity, focus, path, value, shape, component, message) of the engines: "
             f"{'identical' if same else 'DIFFERENT'} ({len(next(iter(u.values()))['findings'])} each).")
    if fast and base:
        w.append(f"Target < {TARGET_USER_S:.0f} s: {'met' if fast < TARGET_USER_S else 'NOT met'} "
                 f"({fast:.2f} s); ≥ {TARGET_SPEEDUP:.0f}× pyshacl: "
                 f"{'met' if base / fast >= TARGET_SPEEDUP else 'NOT met'} ({base / fast:.1f}×).")
    w.append("")
    w.append("### Engines on domain data (whole article graphs, ontology and countries mixed in as in `validate`)")
    w.append("")
    w.append("| data | pyshacl, one call | pyshacl, one call per article | pyrudof, one call | pyrudof, one call per article | rudof alone, native | rudof alone, SPARQL mode | findings agree |")
    w.append("|---|---|---|---|---|---|---|---|")
    for size, r in dom.items():
        py1 = r.get("pyshacl one call")
        pye = r.get("pyshacl one call per article")
        ru1 = r.get("pyrudof one call")
        rue = r.get("pyrudof one call per article")
        mo = r["rudof modes"]
        w.append(f"| {r['triples']:,} triples, {r['articles']} articles | {py1:.2f} s | "
                 f"{f'{pye:.2f} s' if pye else '—'} | {ru1:.2f} s ({py1 / ru1:.0f}×) | {rue:.2f} s | "
                 f"{mo['Native']['validate_s']:.2f} s | {mo['Sparql']['validate_s']:.2f} s | "
                 f"{'yes' if r['agree'] else 'NO'} ({r['findings']}) |")
    w.append("")
    batch = next((r.get("batch_size") for r in R["load"] if r.get("batch_size")), "?")
    w.append(f"### The gate in a load (`kg.loader.load`, fresh on-disk store, its default batches of {batch})")
    w.append("")
    w.append("| engine | articles | jobs | gate off: articles/s | gate on: articles/s | gate share of load time | CPU s of the loading process, off / on | gate time (jobs 1, timed) |")
    w.append("|---|---|---|---|---|---|---|---|")
    loads = R["load"]
    pairs = {}
    for r in loads:
        pairs.setdefault((r["engine"], r["articles"], r["jobs"]), {})[r["validate"]] = r
    shares = []
    for (eng, n, jobs), p in pairs.items():
        off, on = p.get(False), p.get(True)
        if not off or not on:
            continue
        share = max(0.0, (on["seconds"] - off["seconds"]) / on["seconds"])
        if eng == "pyrudof":
            shares.append((jobs, share, on["articles_per_s"]))
        gc = on.get("gate_calls") or {}
        gate = (f"{on['gate_s']:.1f} s of {on['seconds']:.1f} s ({on['gate_s'] / on['seconds']:.0%}); "
                f"{gc.get('validate', 0)} engine calls in {gc.get('batches', 0)} batches") \
            if on.get("gate_s") is not None else "—"
        cpu = f"{off['cpu_s']:.0f} / {on['cpu_s']:.0f}" if jobs == 1 else "(workers)"
        w.append(f"| {eng} | {n:,} | {jobs} | {off['articles_per_s']:.1f} | {on['articles_per_s']:.1f} | "
                 f"{share:.0%} | {cpu} | {gate} |")
    w.append("")
    ok_share = all(s <= TARGET_GATE_SHARE for _, s, _ in shares)
    best = max((aps for _, _, aps in shares), default=0)
    p1 = pairs.get(("pyrudof", R["args"]["articles"], 1), {})
    off1, on1 = p1.get(False), p1.get(True)
    w.append(f"Gate share ≤ {TARGET_GATE_SHARE:.0%} of load time (pyrudof): {'met' if ok_share else 'NOT met'} "
             f"({', '.join(f'jobs {j}: {s:.0%}' for j, s, _ in shares)}; share of wall time, "
             f"(with the gate − without) / with, medians of {R['args'].get('load_repeat', 1)} runs).")
    if off1 and on1:
        gate_cpu = on1["cpu_s"] - off1["cpu_s"]
        gc = on1.get("gate_calls") or {}
        w.append(f"In CPU time of the loading process (jobs 1) the gate takes {gate_cpu:.1f} s of {on1['cpu_s']:.1f} s "
                 f"({gate_cpu / on1['cpu_s']:.0%}), {1000 * gate_cpu / max(1, gc.get('validate', 1)):.0f} ms per "
                 f"engine call, of which {gc.get('engine_cpu_s', 0):.1f} s in `run_shacl` (the engine; the rest "
                 f"is `validate_batch` and `validate` copying rdflib graphs and reading the report); without it the load costs {1000 * off1['cpu_s'] / off1['articles']:.1f} ms CPU per "
                 f"article. `validate_batch` validates a batch's union in one call and re-checks alone the "
                 f"articles holding a node with a violation: {gc.get('validate', 0)} engine calls for "
                 f"{on1['articles']:,} articles in {gc.get('batches', 0)} batches, {gc.get('fell_back', 0)} "
                 f"of which had articles re-checked.")
    w.append(f"Load ≥ {TARGET_LOAD} articles/s end to end: {'met' if best >= TARGET_LOAD else 'NOT met'} "
             f"(best {best:.0f}/s with the gate on"
             + (f"; {off1['articles_per_s']:.0f}/s without it, wall time on the shared machine" if off1 else "")
             + ").")
    w.append("")
    ag = R.get("agreement")
    if ag:
        fx, w3 = ag["fixtures"], ag["w3c"]
        w.append("### Agreement, report by report (pyshacl against pyrudof with kg/validate/patches.py)")
        w.append("")
        w.append(f"- shape fixtures (`tests/shapes/*.ttl` with `_base.ttl` and the countries): "
                 f"{fx['identical']} of {fx['identical'] + len(fx['different'])} reports identical (every result's "
                 f"focus, path, value, shape, component, severity, sh:sourceConstraint and messages; "
                 f"{fx['results']} results){'; different: ' + ', '.join(fx['different']) if fx['different'] else ''}"
                 f"{'; left to pyshacl: ' + ', '.join(fx['pyshacl_instead']) if fx.get('pyshacl_instead') else ''};")
        w.append(f"- W3C SHACL core: {w3['identical']} of {w3['identical'] + len(w3['different'])} reports identical "
                 f"(messages aside: each engine words its own defaults; {w3['results']} results)"
                 f"{'; different: ' + ', '.join(w3['different']) if w3['different'] else ''}; "
                 f"{len(w3['pyshacl_instead'])} left to pyshacl by the pyrudof path"
                 f"{': ' + ', '.join(w3['pyshacl_instead']) if w3['pyshacl_instead'] else ''});")
        if ag.get("seeds"):
            w.append("- the same under PYTHONHASHSEED " + ", ".join(ag["seeds"]) + ": "
                     + "; ".join(f"{k}: {v['fixtures_identical']} + {v['w3c_identical']} identical"
                                 + (f", different {v['different']}" if v["different"] else "")
                                 for k, v in ag["seeds"].items()) + ";")
        w.append("- the user file and the domain data above: findings identical (tables).")
        w.append("")
    w.append("Engine: `TDKG_SHACL_ENGINE=pyrudof|pyshacl` (default pyrudof when installed); see "
             "`kg/validate/engine.py` (plain pyrudof on the whole shapes graph, sh:sparql included, its report "
             "written as pyshacl writes it) and `kg/validate/patches.py` (SPARQL-based targets, ill-typed "
             "literals, literal focus nodes). Raw figures: `bench/out/validate/results.json`.")
    w.append("")
    return "\n".join(w)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--store-articles", type=int, default=20000)
    ap.add_argument("--articles", type=int, default=2000, help="articles per load (gate share)")
    ap.add_argument("--user-triples", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the fast engine (median)")
    ap.add_argument("--repeat-pyshacl", type=int, default=1)
    ap.add_argument("--load-repeat", type=int, default=3, help="runs of each load (median)")
    ap.add_argument("--engines", default="pyshacl,pyrudof")
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    ap.add_argument("--quick", action="store_true",
                    help="only the gate's per-call cost (no store, bench/RESULTS.md untouched)")
    ap.add_argument("--report-only", action="store_true",
                    help="write the section from OUT/validate/results.json (runs the agreement part if missing)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--validate", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.out = str(Path(a.out).resolve())
    import logging
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)      # the planted ill-typed dates
    if a.phase:
        r = globals()[f"phase_{a.phase}"](a)
        Path(a.result).write_text(json.dumps(r, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return 0
    if a.quick:
        (Path(a.out) / "validate").mkdir(parents=True, exist_ok=True)
        return quick(a)
    out = Path(a.out) / "validate" / "results.json"
    if a.report_only:               # the section again from results.json (agreement run if missing)
        R = json.loads(out.read_text(encoding="utf-8"))
        if "seeds" not in R.get("agreement", {}):
            R["agreement"] = agreement(a)
    else:
        R = orchestrate(a)
    out.write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    args = [x for x in (argv if argv is not None else sys.argv[1:]) if x != "--report-only"]
    command = R.get("command") or "python bench/validate.py" + "".join(f" {x}" for x in args)
    R["command"] = command
    out.write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    text = section(R, command)
    print(text)
    if not a.no_write:
        write_section(ROOT / "bench" / "RESULTS.md", text)
        log("wrote the section of bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
