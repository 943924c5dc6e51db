"""Queries in child processes, so that a query past its deadline is stopped, not abandoned.

Oxigraph cannot interrupt a query once it runs: a thread left with one past its deadline
keeps a core busy until the engine gives up (a three-way cross product ran for more than six
minutes after its 503). The endpoint therefore runs the queries of an on-disk store in a few
child processes, each reading the store read-only. The caller waits on a pipe until the
deadline; a child still busy then is killed (SIGKILL) and a fresh one started in its place,
so the core is free at once. A child answers with the serialized body, so rows never cross
the pipe as objects.

Each job carries the serving (read-only) store's :meth:`version`: a child opens a new snapshot
when it changed, so a query sees what the serving store sees (a later load by another
process, within about a second of its end). An update-enabled server does not use workers:
a read-only snapshot beside a writer in the same process is what RocksDB leaves undefined. Example::

    workers = QueryWorkers("tdkg-store", size=2).start()
    form, body, truncated = workers.run({"query": "ASK {}", "max_rows": 10, "formats":
        {"results": "text/csv", "graph": "text/turtle"}, "version": store.version()}, timeout=30)
"""
from __future__ import annotations

import multiprocessing as mp
import threading
import time

from . import formats, sparql


class QueryWorkers:
    """A few query processes over one on-disk store; ``run`` gives each job a deadline."""

    def __init__(self, path: str, size: int = 2):
        self.path = str(path)
        self.size = size
        self.killed = 0                       # children killed at a deadline (for tests, stats)
        self._ctx = mp.get_context("spawn")   # not fork: the server has threads (and RocksDB's)
        self._idle: list[_Child] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> "QueryWorkers":
        """Start the children now (they take a second to import), not at the first query."""
        with self._lock:
            while len(self._idle) < self.size:
                self._idle.append(_Child(self._ctx, self.path))
        return self

    def close(self) -> None:
        self._closed = True
        with self._lock:
            for c in self._idle:
                c.kill()
            self._idle.clear()

    def run(self, job: dict, timeout: float) -> tuple[str, bytes, bool]:
        """(form, serialized body, truncated) of ``job`` (see :func:`_answer`); QueryTimeout
        past ``timeout`` seconds, waiting for a free child included."""
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=timeout):
            raise sparql.QueryTimeout(f"query exceeded the time limit of {timeout:g} s (every query "
                                      f"worker was busy)")
        try:
            child = self._take()
            child.conn.send(job)
            if not child.conn.poll(max(0.0, deadline - time.monotonic())):
                child.kill()
                self.killed += 1
                threading.Thread(target=self._replace, daemon=True).start()
                raise sparql.QueryTimeout(f"query exceeded the time limit of {timeout:g} s; it was stopped")
            try:
                status, payload = child.conn.recv()
            except (EOFError, OSError):
                child.kill()
                raise RuntimeError("the query worker died while answering (the query was not answered)")
            self._give(child)
        finally:
            self._slots.release()
        if status == "syntax":
            raise SyntaxError(payload)
        if status == "error":
            raise RuntimeError(payload)
        return payload

    def _replace(self) -> None:
        """A new child for one killed, started now rather than at the next query."""
        self._give(_Child(self._ctx, self.path))

    def _take(self) -> "_Child":
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive():
                    return child
        return _Child(self._ctx, self.path)

    def _give(self, child: "_Child") -> None:
        with self._lock:
            if self._closed:
                child.kill()
            else:
                self._idle.append(child)


class _Child:
    def __init__(self, ctx, path: str):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(theirs, path), daemon=True, name="tdkg-query")
        self.process.start()
        theirs.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _serve(conn, path: str) -> None:
    """A child's loop: one job in, one answer out, until the parent goes."""
    from .oxigraph import Store
    store, seen = None, object()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            for attempt in range(4):
                try:
                    if store is None or job.get("version") != seen:
                        store, seen = Store(path, read_only=True), job.get("version")
                    answer = _answer(store, job)
                    break
                except SyntaxError:
                    raise
                except Exception as e:      # noqa: BLE001
                    # a snapshot whose files the writer's compaction has just deleted: open anew
                    if attempt == 3 or not any(w in str(e) for w in STALE):
                        raise
                    store = None
                    time.sleep(0.05 * (attempt + 1))
            conn.send(("ok", answer))
        except SyntaxError as e:
            conn.send(("syntax", str(e)))
        except Exception as e:      # noqa: BLE001 - the parent reports it
            conn.send(("error", f"{type(e).__name__}: {e}"))


STALE = ("No such file or directory", "Corruption")     # RocksDB, reading a snapshot gone stale


def _answer(store, job: dict) -> tuple[str, bytes, bool]:
    """Run a job: ``query``, ``default_graphs``, ``named_graphs``, ``substitutions``, ``base_iri``,
    ``max_rows`` and ``formats`` (the media type to answer a results form and a graph form in)."""
    result = sparql._collect(store, job["query"], job.get("default_graphs"), job.get("named_graphs"),
                             job.get("substitutions"), float("inf"), job["max_rows"], job.get("base_iri"))
    graph = result.form in ("CONSTRUCT", "DESCRIBE")
    fmt = formats.by_media_type(job["formats"]["graph" if graph else "results"], results=not graph)
    return result.form, sparql.serialize(result, fmt), result.truncated
