"""The store and the CLI end to end: load, reload, bad input, interrupted loads, export, stats.

The CLI runs in process (``conftest.cli``: ``kg.cli.main(argv)``) except in two tests that need a
real ``python -m kg.cli`` process on purpose: a load killed by a signal, and the exit codes a shell sees.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from conftest import ARTICLES, ROOT, TDKG, cli, run_tdkg
from kg.extract import extract_text
from kg.graph.vocab import article_iri
from kg.graph.rdf import article_graph
from kg.extract.reading import read_article
from kg.graph.oxigraph import Store

ARTICLE_IDS = sorted(p.stem for p in ARTICLES.glob("*.txt"))


def export_nq(store: Path) -> str:
    r = cli("export", "--format", "nq", store=store, check=True)
    return r.stdout


def expected_graph(path: Path) -> Graph:
    return article_graph(extract_text(read_article(path), path.stem, path.name))


def stored_graph(store: Store, article_id: str) -> Graph:
    g = Graph()
    for line in store.graph_ntriples(article_iri(article_id)):
        g.parse(data=line, format="nt")
    return g


def test_load_builds_one_named_graph_per_article(loaded_store):
    s = Store(loaded_store)
    graphs = s.named_graphs()
    for aid in ARTICLE_IDS:
        assert article_iri(aid) in graphs
        assert set(stored_graph(s, aid)) == set(expected_graph(ARTICLES / f"{aid}.txt"))
    stats = s.stats()
    assert stats["articles"] == 5 and stats["agreements"] >= 4 and stats["persons"] >= 8


def test_reload_changes_nothing(tmp_path):
    store = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES, store=store, check=True)
    first = export_nq(store)
    r = cli("load", "--quiet", ARTICLES, store=store, check=True)
    assert "5 stored" in r.stdout
    assert sorted(export_nq(store).splitlines()) == sorted(first.splitlines())
    r = cli("load", "--quiet", "--skip-unchanged", ARTICLES, store=store, check=True)
    assert "5 unchanged" in r.stdout


def test_changed_article_replaces_its_graph(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    src = ARTICLES / f"{ARTICLE_IDS[4]}.txt"
    art = folder / src.name
    shutil.copy(src, art)
    store = tmp_path / "kg"
    cli("load", "--quiet", folder, store=store, check=True)
    # the article now reports a different partner: the old facts must go
    art.write_text(src.read_text(encoding="utf-8").replace("جمهورية مصر العربية", "المملكة الأردنية الهاشمية"),
                   encoding="utf-8")
    cli("load", "--quiet", folder, store=store, check=True)
    s = Store(store)
    assert set(stored_graph(s, src.stem)) == set(expected_graph(art))


def test_bad_inputs_get_one_line_each_and_lose_nothing(tmp_path):
    store = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES, store=store, check=True)
    before = sorted(export_nq(store).splitlines())

    bad = tmp_path / "bad"
    bad.mkdir()
    good_text = (ARTICLES / f"{ARTICLE_IDS[0]}.txt").read_text(encoding="utf-8")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "spaces.txt").write_text("   \n\n\t  \n")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "latin1.txt").write_bytes("café résumé naïve déjà vu ".encode("latin-1") * 40)
    (bad / "huge.txt").write_bytes(("مصر " * 5_000_000).encode("utf-8")[:20_000_000])
    (bad / "broken-link.txt").symlink_to(tmp_path / "nowhere.txt")
    # good ones among the bad: Windows-1256, HTML, and a story with no cooperation
    (bad / "cp1256.txt").write_bytes(good_text.encode("cp1256", errors="ignore"))
    (bad / "page.html").write_text(f"<html><body><nav>روسيا الصين</nav><article><p>{good_text}</p>"
                                   f"</article></body></html>", encoding="utf-8")
    (bad / "domestic.txt").write_text(
        "أطلقت وزارة الاتصالات وتكنولوجيا المعلومات المصرية اليوم مبادرة جديدة لتدريب مئة ألف شاب "
        "على مهارات البرمجة والذكاء الاصطناعي، وقالت الوزارة إن المبادرة تمتد عامين.", encoding="utf-8")

    r = cli("load", "--quiet", bad, store=store)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    errors = [l for l in r.stderr.splitlines() if l.startswith("FAILED")]
    expected = {"empty.txt": "empty", "spaces.txt": "whitespace", "binary.txt": "binary",
                "latin1.txt": "not UTF-8", "huge.txt": "too large", "broken-link.txt": "no such file"}
    for name, reason in expected.items():
        line = next((l for l in errors if name in l), None)
        assert line is not None and reason.lower() in line.lower(), (name, r.stderr)
    assert len(errors) == len(expected)
    assert any("domestic.txt" in l and "no cooperation" in l for l in r.stderr.splitlines())
    assert "3 stored" in r.stdout

    after = set(export_nq(store).splitlines())
    derived = "/graph/tallies> ."                      # counts, which new articles move
    assert {l for l in before if not l.endswith(derived)} <= after     # nothing stored was lost
    s = Store(store)
    assert article_iri("cp1256") in s.named_graphs() and article_iri("page") in s.named_graphs()


def test_unreadable_folder_entry_is_reported(tmp_path):
    if os.geteuid() == 0:
        # root reads any file: make the entry unreadable by being a directory named like an article
        (tmp_path / "in" / "dir.txt").mkdir(parents=True)
        r = cli("load", "--quiet", tmp_path / "in", store=tmp_path / "kg")
        assert r.returncode == 1 and "dir.txt" in r.stderr and "directory" in r.stderr
    else:
        f = tmp_path / "in" / "locked.txt"
        f.parent.mkdir()
        f.write_text("نص")
        f.chmod(0)
        r = cli("load", "--quiet", f.parent, store=tmp_path / "kg")
        assert r.returncode == 1 and "locked.txt" in r.stderr and "permission" in r.stderr


def test_kill_during_load_leaves_whole_articles_and_resumes(tmp_path):
    """kill -9 a real load mid-way: each article is wholly stored or absent; loading again completes.

    A real subprocess on purpose: only a process can be killed mid-transaction."""
    n = 400
    corpus = _corpus(tmp_path / "corpus", n)
    store = tmp_path / "kg"
    with _load_under_way(store, corpus, n, batch=4, shown=40) as (proc, _):
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)

    s = Store(store)
    present = [g for g in s.named_graphs() if "/article/" in g]
    assert 0 < len(present) < n
    for iri in present:
        aid = iri.rsplit("/", 1)[-1]
        assert set(stored_graph(s, aid)) == set(expected_graph(corpus / f"{aid}.txt")), aid
    del s

    r = cli("load", "--quiet", "--skip-unchanged", "--no-validate", corpus, store=store, check=True)
    assert f"{len(present)} unchanged" in r.stdout
    assert len([g for g in Store(store).named_graphs() if "/article/" in g]) == n


def _quads(path: Path, rdflib_fmt: str) -> tuple[set, int]:
    """(the quads without blank nodes, how many quads in all) of a file; graph None for triples."""
    ds = Dataset()
    ds.parse(data=path.read_bytes(), format=rdflib_fmt)     # by path, rdflib leaves the file open
    quads = {(s, p, o, None if g is None or g == DATASET_DEFAULT_GRAPH_ID else g)
             for s, p, o, g in ds.quads((None, None, None, None))}
    return {q for q in quads if not any(isinstance(t, BNode) for t in q)}, len(quads)


def test_export_formats_parse(loaded_store, tmp_path):
    """Every export format parses and holds what N-Quads holds: the same quads (graphs kept by TriG
    and JSON-LD), or their union of triples (Turtle, N-Triples)."""
    cli("export", "--format", "nq", "--out", tmp_path / "g.nq", store=loaded_store, check=True)
    quads, n = _quads(tmp_path / "g.nq", "nquads")
    assert n > 1000 and {q[3] for q in quads} >= {URIRef(article_iri(a)) for a in ARTICLE_IDS}
    triples = {(s, p, o, None) for s, p, o, _ in quads}
    for fmt, rdflib_fmt in formats_to_check():
        out = tmp_path / f"g.{fmt}"
        cli("export", "--format", fmt, "--out", out, store=loaded_store, check=True)
        got, m = _quads(out, rdflib_fmt)
        if fmt in ("trig", "jsonld"):
            assert got == quads and m == n, fmt
        else:
            assert got == triples, fmt
            assert len(triples) <= m <= n, fmt            # blank-node triples: one per graph at most


def formats_to_check():
    from kg.graph import formats
    return [(f, formats.by_name(f, results=False).rdflib) for f in ("trig", "ttl", "nt", "jsonld")]


def test_stats_and_extract_commands(loaded_store):
    r = cli("stats", store=loaded_store, check=True)
    counts = {line.split()[0]: line.split()[1] for line in r.stdout.splitlines() if line.strip()}
    assert counts["articles"] == "5" and int(counts["persons"].replace(",", "")) >= 8
    r = cli("extract", ARTICLES / f"{ARTICLE_IDS[4]}.txt", "--json", check=True)
    assert '"MemorandumOfUnderstanding"' in r.stdout
    r = cli("extract", ARTICLES / f"{ARTICLE_IDS[4]}.txt", "--turtle", check=True)
    Graph().parse(data=r.stdout, format="turtle")


def test_query_without_store_is_a_clear_error(tmp_path):
    r = cli("stats", store=tmp_path / "missing")
    assert r.returncode == 2 and "no store" in r.stderr and "Traceback" not in r.stderr


def test_exit_codes_of_a_real_process(loaded_store, tmp_path):
    """0, 1 and 2 as a shell sees them from `python -m kg.cli` (a real subprocess on purpose:
    the in-process tests see main()'s return value, not the process's status)."""
    assert run_tdkg("stats", store=loaded_store).returncode == 0
    bad = run_tdkg("validate", ROOT / "tests" / "data" / "curated-bad.ttl", "--no-store")
    assert bad.returncode == 1 and "does not conform" in bad.stdout
    missing = run_tdkg("stats", store=tmp_path / "missing")
    assert missing.returncode == 2 and "no store" in missing.stderr and "Traceback" not in missing.stderr
    assert run_tdkg("export", "--format", "nope", store=loaded_store).returncode == 2     # argparse


def test_help_shows_examples():
    r = cli("--help", check=True)
    assert "tdkg load data/articles" in r.stdout
    for sub in ("load", "query", "export", "extract", "stats"):
        assert "example" in cli(sub, "--help", check=True).stdout


def test_parallel_load_stores_what_a_serial_load_stores(tmp_path):
    """--jobs 2 with small batches (several in flight, results taken in order) gives the
    very quads of a one-process load."""
    challenge = ROOT / "tests" / "challenge"
    one, two = tmp_path / "one", tmp_path / "two"
    cli("load", "--quiet", "--jobs", "1", challenge, store=one, check=True)
    r = cli("load", "--quiet", "--jobs", "2", "--batch", "3", challenge, store=two, check=True)
    n = len(list(challenge.glob("*.txt")))
    assert f"{n} stored" in r.stdout
    a, b = (sorted(export_nq(p).splitlines()) for p in (one, two))
    assert len(a) == len(b)
    assert [l for l in a if "_:" not in l] == [l for l in b if "_:" not in l]   # blank nodes aside


def test_ctrl_c_summary_counts_exactly_what_is_stored(tmp_path):
    """SIGINT (Ctrl-C) to a real load mid-way: the summary's 'N stored' is the number of article
    graphs in the store. (A SIGINT during a batch's write used to be raised after its commit,
    and the summary missed that batch: 384 said, 512 stored.) A real subprocess on purpose."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sources = sorted(ARTICLES.glob("*.txt"))
    n = 600
    for i in range(n):
        (corpus / f"a{i:04d}.txt").write_text(sources[i % len(sources)].read_text(encoding="utf-8")
                                              + f"\n\nالنسخة {i}\n", encoding="utf-8")     # each its own text
    store = tmp_path / "kg"
    with _load_under_way(store, corpus, n, batch=8, shown=16) as (proc, _):
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
        out = proc.stdout.read()
    assert proc.returncode == 130 and out.startswith("INTERRUPTED: "), out
    said = int(out.split("INTERRUPTED: ", 1)[1].split(" stored", 1)[0].replace(",", ""))
    stored = [g for g in Store(store).named_graphs() if "/article/" in g]
    assert 0 < said < n and said == len(stored), (out, len(stored))


@contextmanager
def _load_under_way(store: Path, corpus: Path, n: int, batch: int, shown: int):
    """A real `tdkg load` of the ``n`` files of ``corpus``, yielded (the process, the stderr read
    so far) once its progress bar has shown ``shown`` articles; its pipes are closed and it is
    waited for, whatever the test does or fails on. A thread here owns its stderr: wait for the
    process and read its stdout, never ``communicate()`` (which would close stderr under it)."""
    seen: list[str] = []
    with subprocess.Popen(TDKG + ["--store", str(store), "load", "--batch", str(batch), "--no-validate",
                                  str(corpus)], cwd=ROOT, stderr=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as proc:
        t = threading.Thread(target=lambda: [seen.append(c) for c in iter(lambda: proc.stderr.read(64), "")],
                             daemon=True)
        t.start()
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and _shown(seen, n) < shown:
            time.sleep(0.01)
        assert proc.poll() is None, "the load finished before the test could act on it; raise n"
        try:
            yield proc, seen
        finally:
            t.join(timeout=120)


def _shown(seen: list[str], n: int) -> int:
    """The highest count a load's progress bar has printed so far: tqdm skips updates closer
    than 0.1 s apart, so no one count ("| 24/600") is sure to be printed on a fast machine."""
    return max((int(m) for m in re.findall(rf"(\d+)/{n}\b", "".join(seen)[-4000:])), default=0)


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    sources = sorted(ARTICLES.glob("*.txt"))
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(sources[i % len(sources)].read_text(encoding="utf-8"),
                                              encoding="utf-8")
    return folder


def test_a_second_load_waits_for_the_first(tmp_path):
    """Two real `tdkg load` processes on one store: the second says once that it waits for the
    lock, then loads when the first is done (nothing lost); with TDKG_LOCK_TIMEOUT=0 it says why
    it cannot, exit 2. (RocksDB's flock on the folder's LOCK: 'IO error: While lock file: …/LOCK:
    Resource temporarily unavailable' is what pyoxigraph raises at once.)"""
    corpus = _corpus(tmp_path / "corpus", 200)
    store = tmp_path / "kg"
    with _load_under_way(store, corpus, 200, batch=8, shown=8) as (first, seen):
        def start(*args, **env):
            return subprocess.Popen(TDKG + ["--store", str(store), "load", "--quiet", *map(str, args)], cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env={**os.environ, **env})
        refused = start(ARTICLES / f"{ARTICLE_IDS[0]}.txt", TDKG_LOCK_TIMEOUT="0")
        second = start(ARTICLES)
        with refused, second:            # their pipes closed and the processes waited for, whatever fails
            r_out, r_err = refused.communicate(timeout=120)
            assert first.poll() is None, ("the first load ended before the others opened the store; raise n",
                                          first.returncode, "".join(seen)[-2000:], r_err)
            assert refused.returncode == 2 and "in use by another process" in r_err and "Traceback" not in r_err, r_err
            first.wait(120)
            out = first.stdout.read()
            s_out, s_err = second.communicate(timeout=120)
    assert first.returncode == 0 and "200 stored" in out, out
    assert second.returncode == 0 and "5 stored" in s_out, (s_out, s_err)
    waits = [l for l in s_err.splitlines() if "waiting for its lock" in l]
    assert len(waits) == 1, s_err
    graphs = Store(store, read_only=True).named_graphs()
    assert len([g for g in graphs if "/article/" in g]) == 205


def test_version_changes_with_every_write_and_only_then(tmp_path):
    """Store.version(): equal while nothing is written; changed by a write of this process, and,
    for a read-only store, by another process's load (within about a second: the folder is
    looked at no more than once a second)."""
    from kg.graph import oxigraph
    store = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES / f"{ARTICLE_IDS[0]}.txt", store=store, check=True)
    rw = Store(store)
    v = rw.version()
    rw.stats()
    assert rw.version() == v
    rw.replace_graphs([("http://example.org/g", "<http://example.org/a> <http://example.org/b> \"c\" .\n")])
    assert rw.version() != v
    del rw
    ro = Store(store, read_only=True)
    v = ro.version()
    time.sleep(oxigraph.FRESHNESS_INTERVAL * 1.2)
    assert ro.version() == v and ro.stats()["articles"] == 1         # nothing written: the same
    run_tdkg("load", "--quiet", ARTICLES / f"{ARTICLE_IDS[1]}.txt", store=store, check=True)
    deadline = time.monotonic() + 5
    while ro.version() == v:
        assert time.monotonic() < deadline, "the read-only store did not see the other process's load"
        time.sleep(0.1)
    assert ro.stats()["articles"] == 2
    assert Store(None).version() != Store(None).version()


def test_a_reader_keeps_its_snapshot_while_a_load_runs(tmp_path):
    """A read-only store read over and over while another process loads: no errors, the same
    snapshot until the load ends (re-opening beside a writer is what corrupted reads and once
    failed the load), then the whole load within seconds. The load succeeds."""
    corpus = _corpus(tmp_path / "corpus", 120)
    store = tmp_path / "kg"
    # in another process: a store this process opened for writing keeps its POSIX lock until
    # the object is collected, which in a long session may be never (the load below would wait)
    run_tdkg("load", "--quiet", "--no-validate", ARTICLES, store=store, check=True)
    reader = Store(store, read_only=True)
    first = len(reader.named_graphs())
    load = subprocess.Popen(TDKG + ["--store", str(store), "load", "--quiet", "--batch", "8", "--no-validate",
                                    str(corpus)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "TDKG_LOCK_TIMEOUT": "120"})
    during = set()
    while load.poll() is None:
        during.add(len(reader.named_graphs()))
        reader.count()
        time.sleep(0.05)
    out, err = load.communicate()
    assert load.returncode == 0 and "120 stored" in out, (out, err)
    # never re-opened beside the writer: the first snapshot until the load let go of the store
    # (it may do so a moment before its process ends), never a part of the load
    assert during <= {first, first + 120}, during
    deadline = time.monotonic() + 5
    while len(reader.named_graphs()) != first + 120:
        assert time.monotonic() < deadline, "the reader did not see the finished load"
        time.sleep(0.1)
