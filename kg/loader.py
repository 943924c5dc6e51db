"""Files -> store: read, extract, build RDF, validate, store — each article atomically.

Example (the five bundled articles into an in-memory store)::

    report = load(Store(None), ["data/articles"], progress=False)     # kg.graph.oxigraph.Store
    report.counts["stored"]     # 5

Failures are per article and never touch what is stored: an unreadable file,
an extraction error or a SHACL violation is reported (file and reason) and
skipped. Articles are written in batches, each batch one transaction, so an
interrupted load leaves each article wholly stored or absent; loading again
completes it (unchanged articles are rewritten identically, or skipped with
``skip_unchanged``).
"""
from __future__ import annotations

import hashlib
import signal
import sys
import threading
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Graph

from .extract import extract_text
from .extract.reading import ArticleError, read_article
from .graph import vocab
from .graph.rdf import article_graph
from .graph.store import BaseStore, ntriples
from .validate import RdfInputError, parse_rdf, validate_batch
from .validate.curation import describe_finding, validate_curated

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".n3")
CURATED = vocab.CURATED_GRAPHS
FLUSH_EVERY = 10   # batches between flushes of the embedded store (measured: 283 -> 119 MB at 3,000 articles)


@dataclass
class Outcome:
    path: str
    article_id: str
    status: str                      # stored | unchanged | failed | refused
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    triples: int = 0


@dataclass
class LoadReport:
    """What a load did: counts by status, and the articles that failed or were refused.

    Stored and unchanged articles are counted, not kept, so a load of a million
    articles needs no more memory than one of a thousand (``on_outcome`` sees each).
    """
    counts: Counter = field(default_factory=Counter)
    triples: int = 0                 # in the stored articles
    warned: int = 0                  # articles stored with warnings
    problems: list[Outcome] = field(default_factory=list)    # failed or refused
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "stored":
            self.triples += outcome.triples
        if outcome.warnings:
            self.warned += 1
        if outcome.status in ("failed", "refused"):
            self.problems.append(outcome)

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.problems

    def summary(self) -> str:
        c = self.counts
        parts = [f"{c['stored']} stored ({self.triples:,} triples)", f"{c['unchanged']} unchanged",
                 f"{c['refused']} refused by SHACL", f"{c['failed']} failed"]
        if self.warned:
            parts.append(f"{self.warned} with warnings")
        return ("INTERRUPTED: " if self.interrupted else "") + ", ".join(parts)


def find_articles(paths: Iterable[str | Path]) -> tuple[list[Path], list[Outcome]]:
    """Expand files and folders into article files; unreadable or missing paths are outcomes."""
    files: list[Path] = []
    problems: list[Outcome] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                found = sorted(f for f in p.rglob("*") if f.suffix.lower() in ARTICLE_SUFFIXES)
            except PermissionError as e:
                problems.append(Outcome(str(p), "", "failed", f"cannot list folder ({e.strerror})"))
                continue
            for f in found:
                if f.is_dir():
                    problems.append(Outcome(str(f), f.stem, "failed", "a directory, not an article file"))
                elif f.is_file() or f.is_symlink():
                    files.append(f)
                else:                       # a FIFO, socket or device: never read
                    problems.append(Outcome(str(f), f.stem, "failed", "not a regular file (a FIFO, socket or device)"))
            if not found:
                problems.append(Outcome(str(p), "", "failed",
                                        f"no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder"))
        elif p.exists() and p.suffix.lower() in RDF_SUFFIXES:
            continue                                    # curated RDF: see load_rdf
        elif p.exists():
            files.append(p)
        else:
            problems.append(Outcome(str(p), p.stem, "failed", "no such file or folder"))
    seen: dict[str, Path] = {}
    unique = []
    for f in files:
        if f.stem in seen:
            problems.append(Outcome(str(f), f.stem, "failed",
                                    f"same article id as {seen[f.stem]} (ids are file names)"))
            continue
        seen[f.stem] = f
        unique.append(f)
    return unique, problems


def prepare(path: Path) -> tuple[Graph, list[str]]:
    """Read and extract one article file: its RDF graph and its extraction warnings."""
    text = read_article(path)
    rec = extract_text(text, path.stem, path.name)
    return article_graph(rec), rec.warnings


def load_rdf(store: BaseStore, path: Path, *, graph: str | None = None,
             input_format: str | None = None) -> Outcome:
    """Curated RDF (Turtle, JSON-LD, …) into its own named graph, through the SHACL gate.

    The file is validated as the store will be after the load (:mod:`kg.validate.curation`:
    its graph's previous version replaced, the store's context however many hops away, the
    entity graph's labels as the write leaves them). A file with any violation is refused
    whole and the store is left as it was, with the first violation named (the file's line
    where it can be found, the property, the value); warnings are reported and do not block.
    Loading the same file again replaces its graph.
    """
    iri = graph or CURATED + path.stem
    outcome = Outcome(str(path), path.stem, "failed")
    try:
        data = parse_rdf(path, input_format)
    except RdfInputError as e:
        outcome.message = str(e).split(": ", 1)[-1]
        return outcome
    rep = validate_curated(store, data, iri)
    if not rep.conforms:
        outcome.status = "refused"
        outcome.message = (f"{len(rep.violations)} SHACL violation(s), nothing stored; first: "
                           f"{describe_finding(rep.violations[0], path)}; see 'tdkg validate {path}'")
        return outcome
    outcome.warnings = _grouped(rep.warnings)
    with _interrupt_after():
        store.replace_graphs([(iri, ntriples(data))])
        outcome.status, outcome.triples = "stored", len(data)
    return outcome


def process(files: list[Path], validate: bool = True, stored: dict[str, str] | None = None
            ) -> list[tuple[Outcome, str | None, str | None]]:
    """One batch of article files -> (outcome, graph IRI, N-Triples) each, validated together.

    Pure of the store: runs in worker processes with ``--jobs``. Unchanged articles
    (their sha256 in ``stored``) come back as "unchanged" with no graph.
    """
    out: list[tuple[Outcome, Graph | None]] = []
    for f in files:
        outcome = Outcome(str(f), f.stem, "failed")
        try:
            if stored:
                digest = hashlib.sha256(read_article(f).encode("utf-8")).hexdigest()
                if stored.get(vocab.article_iri(f.stem)) == digest:
                    outcome.status = "unchanged"
                    out.append((outcome, None))
                    continue
            g, warnings = prepare(f)
            outcome.warnings = list(warnings)
            out.append((outcome, g))
        except ArticleError as e:
            outcome.message = e.reason
            out.append((outcome, None))
        except Exception as e:  # an extractor bug must not stop a folder's load
            outcome.message = f"extraction failed: {type(e).__name__}: {e}"
            out.append((outcome, None))
    graphs = [(o, g) for o, g in out if g is not None]
    reports = validate_batch([g for _, g in graphs]) if validate else [None] * len(graphs)
    for (outcome, g), rep in zip(graphs, reports):
        if rep is not None and not rep.conforms:
            v = rep.violations[0]
            outcome.status = "refused"
            outcome.message = (f"{len(rep.violations)} SHACL violation(s), first: {v.message} "
                               f"(focus {v.focus}, path {v.path})")
        else:
            if rep is not None:
                outcome.warnings += _grouped(rep.warnings)
            outcome.status, outcome.triples = "stored", len(g)
    return [(o, str(g.identifier) if g is not None and o.status == "stored" else None,
             ntriples(g) if g is not None and o.status == "stored" else None) for o, g in out]


_WORKER: dict = {}


def _init_worker(validate: bool, stored: dict) -> None:
    _WORKER.update(validate=validate, stored=stored)


def _work(files: list[Path]):
    return process(files, _WORKER["validate"], _WORKER["stored"])


def load(store: BaseStore, paths: Iterable[str | Path], *, validate: bool = True, batch_size: int = 128,
         skip_unchanged: bool = False, progress: bool = True, graph: str | None = None,
         input_format: str | None = None, jobs: int = 1,
         on_outcome: Callable[[Outcome], None] | None = None) -> LoadReport:
    """Load article files (and curated RDF files) into the store.

    Articles are extracted and validated in batches of ``batch_size``, by ``jobs``
    worker processes, and each batch is written as one update; see the module
    docstring for the guarantees.
    """
    paths = list(paths)
    rdf_files = [Path(p) for p in paths if Path(p).suffix.lower() in RDF_SUFFIXES and Path(p).is_file()]
    files, problems = find_articles(paths)
    report = LoadReport()
    for o in problems:
        report.add(o)
        on_outcome and on_outcome(o)
    for f in rdf_files:
        o = load_rdf(store, f, graph=graph, input_format=input_format)
        report.add(o)
        on_outcome and on_outcome(o)
    store.ensure_reference()
    stored = store.article_hashes() if skip_unchanged else {}
    present = set(store.named_graphs())                  # the rest are inserted without a drop
    batches = [files[i:i + batch_size] for i in range(0, len(files), batch_size)]
    bar = progress_bar(len(files), progress)
    pool = None
    try:
        if jobs > 1 and len(batches) > 1:
            import multiprocessing as mp
            pool = mp.get_context("fork").Pool(jobs, _init_worker, (validate, stored))
            results = _in_order(pool, batches, ahead=2 * jobs)
        else:
            results = (process(b, validate, stored) for b in batches)
        for n, done in enumerate(results, 1):
            batch = [(iri, nt) for _, iri, nt in done if iri is not None]
            # Ctrl-C waits for the batch's transaction and its count: a SIGINT that came during
            # the write (in the engine, which does not look at signals) was raised only after the
            # commit, and the report then missed a batch that was stored (384 said, 512 stored)
            with _interrupt_after():
                store.replace_graphs(batch, new=frozenset(iri for iri, _ in batch if iri not in present))
                for outcome, _, _ in done:
                    report.add(outcome)
            for outcome, _, _ in done:
                on_outcome and on_outcome(outcome)
            bar.update(len(done))
            if n % FLUSH_EVERY == 0:
                store.flush()          # write buffers to disk: memory stays flat with corpus size
    except KeyboardInterrupt:
        report.interrupted = True
        if pool is not None:
            pool.terminate()
    finally:
        if pool is not None:
            pool.close()
        bar.close()
        store.flush()
    return report


@contextmanager
def _interrupt_after():
    """Hold back SIGINT (Ctrl-C) while the block runs, then raise KeyboardInterrupt if one came:
    a batch is written and counted, or neither. In the main thread only (where Python handles
    signals); elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _in_order(pool, batches: list, ahead: int):
    """``pool.imap(_work, batches)`` with at most ``ahead`` batches in flight: when the
    store is slower than extraction (a remote server), finished batches wait in the
    workers instead of piling up in this process (Pool.imap reads ahead without bound)."""
    pending: deque = deque()
    rest = iter(batches)
    for b in islice(rest, ahead):
        pending.append(pool.apply_async(_work, (b,)))
    while pending:
        done = pending.popleft().get()
        nxt = next(rest, None)
        if nxt is not None:
            pending.append(pool.apply_async(_work, (nxt,)))
        yield done


def _grouped(findings) -> list[str]:
    """SHACL warnings, one line per message: 'SHACL warning (3×): The engagement has no location.'"""
    counts = Counter(f.message for f in findings)
    return [f"SHACL warning ({n}×): {m}" if n > 1 else f"SHACL warning: {m}" for m, n in counts.items()]


class _NoBar:
    def update(self, n): pass
    def close(self): pass


def progress_bar(total: int, enabled: bool, unit: str = "article"):
    """A tqdm bar on stderr, or one that shows nothing."""
    if not enabled or total < 2:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)


@dataclass
class Removal:
    """What removing articles takes away: per article its graph and size, and the entities
    that no remaining graph names (they leave the store with it)."""
    graphs: dict[str, int] = field(default_factory=dict)      # article graph IRI -> triples
    vanishing: list[tuple[str, str]] = field(default_factory=list)   # (entity IRI, its label)


def remove(store: BaseStore, items: Iterable[str], *, dry_run: bool = False) -> Removal:
    """Remove articles, given by id (``000_a8cc2780f9f0fb92``), file name or path, in one
    transaction: what only they said leaves the store, entities they shared keep the
    spellings other articles use. ``dry_run`` reports and changes nothing.

    KeyError (naming every unknown article) before anything is removed.
    """
    stored = set(store.named_graphs())
    wanted = {vocab.article_iri(Path(i).stem if Path(i).suffix.lower() in ARTICLE_SUFFIXES else i): i
              for i in items}
    unknown = [i for iri, i in wanted.items() if iri not in stored]
    if unknown:
        raise KeyError(f"no such article in the store: {', '.join(unknown)}")
    out = Removal({iri: store.count(iri) for iri in wanted})
    values = " ".join(f"<{g}>" for g in wanted)
    rows = store.select(f"""SELECT DISTINCT ?x ?label WHERE {{
        VALUES ?g {{ {values} }} GRAPH ?g {{ ?x skos:hiddenLabel ?s }}
        FILTER NOT EXISTS {{ GRAPH ?h {{ ?x skos:hiddenLabel ?t }} FILTER(?h NOT IN ({values.replace(' ', ', ')})) }}
        OPTIONAL {{ ?x rdfs:label ?label }} }} ORDER BY ?label""")
    out.vanishing = [(r["x"], r["label"]) for r in rows]
    if not dry_run:
        store.remove_graphs(list(wanted))
        store.flush()
    return out
