"""Everything that is specific to pyoxigraph lives here; the rest of tdkg calls these.

- :class:`Store`: the embedded, on-disk Oxigraph database (one named graph per article).
- Terms and results: query parameters as RDF terms (:func:`iri`, :func:`literal`,
  :func:`variable`), what kind of result a query gave (:func:`result_form`), a term
  as SPARQL JSON or N-Triples text, results and triples parsed from and written to bytes.
- Formats: pyoxigraph's :class:`RdfFormat` and :class:`QueryResultsFormat` know the media
  types and file extensions; :mod:`kg.graph.formats` builds the one table from them.

Query results stay pyoxigraph objects from the store to the serialiser (both backends
give them), so nothing is converted on the way.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .store import BaseStore, StoreError

try:
    import fcntl
except ImportError:         # not POSIX: no shared lock, snapshots re-open when the folder changed
    fcntl = None

RdfFormat = ox.RdfFormat
QueryResultsFormat = ox.QueryResultsFormat
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# ---------------------------------------------------------------- terms

def iri(value: str) -> ox.NamedNode:
    """A named node; ValueError for text that is not an IRI."""
    return ox.NamedNode(value)


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def variable(name: str) -> ox.Variable:
    return ox.Variable(name)


def quad(triple, graph) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def is_blank(term) -> bool:
    return isinstance(term, ox.BlankNode)


def is_iri(term) -> bool:
    return isinstance(term, ox.NamedNode)


def is_literal(term) -> bool:
    return isinstance(term, ox.Literal)


def is_triple(term) -> bool:
    return isinstance(term, ox.Triple)


def ntriples_text(term) -> str:
    """A term in N-Triples syntax (``<http://e/x>``, ``"مصر"@ar``, ``<< s p o >>``)."""
    return str(term)


def result_form(result) -> str:
    """ASK, SELECT or GRAPH (a CONSTRUCT or DESCRIBE: triples) for what a query returned."""
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    return "GRAPH"


def variable_names(solutions) -> list[str]:
    return [v.value for v in solutions.variables]


# ---------------------------------------------------------------- parsing and writing

def parse_results(data: bytes, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON):
    return ox.parse_query_results(data, fmt)


def parse_triples(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
    """Triples or quads of an RDF document, blank node labels kept as written."""
    return list(ox.parse(data, fmt, rename_blank_nodes=False))


def serialize(items, fmt: ox.RdfFormat) -> bytes:
    """Triples (or quads) as bytes; triples in a dataset format are put in the default graph."""
    items = list(items)
    if fmt.supports_datasets and items and not isinstance(items[0], ox.Quad):
        items = [quad(t, ox.DefaultGraph()) for t in items]
    buf = io.BytesIO()
    ox.serialize(items, buf, fmt)
    return buf.getvalue()


# ---------------------------------------------------------------- the embedded store

class Store(BaseStore):
    """An Oxigraph store on disk (or in memory with ``path=None``).

    Concurrency, as RocksDB under pyoxigraph 0.5 allows it: one process writes a store
    folder (it holds the folder's ``LOCK``); any number read it with ``read_only=True``.

    - A second writer **waits** for the first: opening a store whose lock another process
      holds says so once (``on_wait``, default one line on stderr) and retries until the lock
      is free, or ``lock_timeout`` seconds (default ``TDKG_LOCK_TIMEOUT``, else no limit; 0:
      do not wait) have passed, then raises StoreError naming the store.
    - A **read-only** store is a snapshot of the folder as it was when opened (RocksDB's
      read-only mode; pyoxigraph 0.5 has no secondary mode that follows a writer, and calls a
      read-only open beside a writer undefined). It follows other processes' writes by opening
      a new snapshot when the folder changed and no writer holds it: at most once every
      :data:`FRESHNESS_INTERVAL` seconds, before a read, it compares a fingerprint of the
      folder (names, sizes and times of RocksDB's write-ahead logs, manifests and tables: one
      ``scandir``) with the one taken when it opened; if it differs, it takes a shared lock on
      the folder's ``LOCK`` file (the POSIX lock RocksDB's writer holds, so it fails while a
      load runs, and a writer starting meanwhile waits the few milliseconds of the open) and
      opens the new snapshot, which the following reads use (reads under way finish on the
      old one). So a load is seen within about a second of its end, all of it at once; while it
      runs, readers keep the snapshot they have. (Measured, re-opening beside a running load:
      'Corruption: Mismatch in unique ID on table file' errors, a 23 GB allocation, and the
      load itself failing on a missing write-ahead log.)
    """

    def __init__(self, path: str | Path | None = None, read_only: bool = False, *,
                 lock_timeout: float | None = None, on_wait=None):
        self.path = str(path) if path is not None else None
        self.read_only = read_only and path is not None
        self._writes = 0                    # in-process writes (version())
        self._token = next(_INSTANCES)     # tells two stores' versions apart
        self._reopen_lock = threading.Lock()
        self._checked = time.monotonic()
        try:
            if path is None:
                self._db = ox.Store()
            elif read_only:
                with _no_writer(self.path):         # else opened beside the writer, as it is
                    self._seen = _fingerprint(self.path)
                    self._db = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._db = _open_waiting(str(path), lock_timeout, on_wait)
                self._writing = os.path.realpath(self.path)
                _WRITING_HERE[self._writing] = _WRITING_HERE.get(self._writing, 0) + 1
        except OSError as e:
            if "lock hold by current process" in str(e):      # RocksDB's words: waiting cannot help
                raise StoreError(f"cannot open store {path}: this process has it open for writing "
                                 f"already") from None
            raise StoreError(f"cannot open store {path}: {e}") from None

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    def close(self) -> None:
        """Release the store now, RocksDB's lock with it, not when the object is collected
        (a Store left in a reference cycle keeps its folder locked for this process)."""
        self._db = None
        where, self._writing = getattr(self, "_writing", None), None
        if where and _WRITING_HERE.get(where):
            _WRITING_HERE[where] -= 1

    def __del__(self):
        self.close()

    def query(self, sparql: str, substitutions: dict | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              base_iri: str | None = None):
        """Run a SPARQL query; without FROM/GRAPH it sees the default graph, which the store
        keeps as the merge of all named graphs (each distinct triple once).

        ``default_graph``/``named_graphs`` (lists of graph IRIs) set the dataset as the
        protocol's default-graph-uri/named-graph-uri do.
        """
        kwargs = {"base_iri": base_iri} if base_iri else {}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._fresh().query(sparql, substitutions=substitutions or None, **kwargs)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction."""
        try:
            self._db.update(sparql, base_iri=base_iri)
        finally:
            self._writes += 1               # even a failed update may have been a change: say so

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._fresh().named_graphs())

    def _dump(self, graph: str | None) -> str:
        buf = io.BytesIO()
        self._fresh().dump(buf, ox.RdfFormat.N_TRIPLES,
                      from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
        return buf.getvalue().decode("utf-8")

    def _construct(self, sparql: str) -> str:
        return serialize(self._fresh().query(sparql), ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def flush(self) -> None:
        if self.path is not None:
            self._db.flush()

    def export(self, fmt: str, out) -> None:
        """Straight from the engine: the named graphs in a dataset format, else the default graph
        (the merge); JSON-LD as :class:`BaseStore` writes it."""
        from .formats import by_name
        f = by_name(fmt, results=False)
        if f is None or f.key == "jsonld":
            return super().export(fmt, out)
        db = self._fresh()
        if f.is_dataset:
            named = (q for g in sorted(db.named_graphs(), key=lambda g: g.value) for q in db.quads_for_pattern(None, None, None, g))
            ox.serialize(named, out, f.engine)
        else:
            from .rdf import PREFIX_MAP
            db.dump(out, f.engine, from_graph=ox.DefaultGraph(),
                          **({"prefixes": PREFIX_MAP} if f.key == "turtle" else {}))

    # ------------------------------------------------------------ freshness and version

    def version(self) -> object:
        """An opaque value, equal between two calls exactly when no write came between them
        (see :meth:`BaseStore.version`): the count of this object's writes, and for a
        read-only store the fingerprint of the snapshot it reads (a load by another process
        changes it within :data:`FRESHNESS_INTERVAL` seconds of the load's end, when the new
        snapshot opens: the value always goes with the data the reads see). Costs at most one
        ``scandir`` a second."""
        if self.read_only:
            self._fresh()
            return ("ro", self.path, self._seen)
        return ("rw", self._token, self._writes)

    def _fresh(self):
        """The pyoxigraph store to read: for a read-only store, a new snapshot when another
        process changed the folder since this one was opened and no writer holds it now
        (checked at most once every FRESHNESS_INTERVAL seconds; one thread re-opens, the
        others read on meanwhile)."""
        if not self.read_only:
            return self._db
        now = time.monotonic()
        if now - self._checked < FRESHNESS_INTERVAL or not self._reopen_lock.acquire(blocking=False):
            return self._db
        try:
            self._checked = now
            if _fingerprint(self.path) != self._seen:
                with _no_writer(self.path) as free:
                    if free is not False:           # no load under way: a consistent folder
                        seen = _fingerprint(self.path)
                        try:
                            self._db = ox.Store.read_only(self.path)
                            self._seen = seen
                        except Exception:           # noqa: BLE001 - unreadable now: the next check retries
                            pass
        finally:
            self._reopen_lock.release()
        return self._db


_WRITING_HERE: dict[str, int] = {}     # folders this process has open for writing (real paths)
_SNAPSHOT_LOCK = threading.Lock()      # POSIX locks are per process: one shared lock at a time


@contextmanager
def _no_writer(path: str):
    """While no other process writes the store at ``path``: yields True holding a shared POSIX
    lock on its ``LOCK`` file (RocksDB's writer takes an exclusive one there: it cannot start
    meanwhile, and a reader cannot get this one while a writer runs); False when a writer holds
    it; None when it cannot tell (no LOCK file yet, or this process writes the folder itself:
    a lock taken and dropped here would drop RocksDB's too, POSIX locks being per process)."""
    if fcntl is None or _WRITING_HERE.get(os.path.realpath(path)):
        yield None
        return
    with _SNAPSHOT_LOCK:
        try:
            fd = os.open(os.path.join(path, "LOCK"), os.O_RDONLY)
        except OSError:
            yield None
            return
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


_INSTANCES = itertools.count(1)
#: Seconds between two checks of a read-only store's folder for other processes' writes.
FRESHNESS_INTERVAL = 1.0
#: Seconds between two attempts to take a store's lock held by another process.
LOCK_RETRY = 0.25

_ROCKSDB_STATE = re.compile(r"^(?:\d+\.(?:log|sst)|MANIFEST-\d+|CURRENT)$")


def _fingerprint(path: str) -> tuple:
    """What changes in a RocksDB folder when a write is committed: the write-ahead logs grow
    (each commit is appended and handed to the OS before the write returns), and flushes and
    compactions add and remove tables and manifests. The info logs (LOG*), which readers write
    too, are left out."""
    out = []
    try:
        with os.scandir(path) as entries:
            for e in entries:
                if _ROCKSDB_STATE.match(e.name):
                    try:
                        st = e.stat()
                    except OSError:             # removed by a compaction meanwhile
                        continue
                    out.append((e.name, st.st_size, st.st_mtime_ns))
    except OSError:
        return ()
    return tuple(sorted(out))


def _lock_held(e: OSError) -> bool:
    """RocksDB's error when another process holds the folder's LOCK (flock): 'IO error: While
    lock file: DIR/LOCK: Resource temporarily unavailable' (EWOULDBLOCK)."""
    text = str(e)
    return "lock file" in text and "LOCK" in text


def _open_waiting(path: str, timeout: float | None, on_wait) -> "ox.Store":
    """Open a store for writing, waiting while another process holds its lock (see Store)."""
    if timeout is None:
        env = os.environ.get("TDKG_LOCK_TIMEOUT", "").strip()
        try:
            timeout = float(env) if env else None
        except ValueError:
            raise StoreError(f"TDKG_LOCK_TIMEOUT={env!r}: give a number of seconds") from None
    start = time.monotonic()
    waited = False
    while True:
        try:
            return ox.Store(path)
        except OSError as e:
            if not _lock_held(e):
                raise
            if timeout is not None and time.monotonic() - start >= timeout:
                how = f"after waiting {timeout:g} s" if timeout else "(TDKG_LOCK_TIMEOUT=0: not waiting)"
                raise StoreError(f"store {path} is still in use by another process {how}: another "
                                 f"'tdkg load' (or a 'tdkg serve --allow-update') holds its lock; "
                                 f"let it finish, or raise TDKG_LOCK_TIMEOUT") from None
            if not waited:
                waited = True
                limit = f"up to {timeout:g} s" if timeout is not None else "no time limit"
                message = (f"tdkg: store {path} is in use by another process (a load, or a serve "
                           f"--allow-update); waiting for its lock ({limit}; TDKG_LOCK_TIMEOUT sets it, "
                           f"Ctrl-C stops)")
                (on_wait or (lambda m: print(m, file=sys.stderr, flush=True)))(message)
            time.sleep(LOCK_RETRY)
