"""Queries in child processes, so that a query past its deadline is stopped, not abandoned.

Oxigraph cannot interrupt a query once it runs: a thread left with one past its deadline
keeps a core busy until the engine gives up (a three-way cross product ran for more than six
minutes after its 503). The endpoint therefore runs the queries of an on-disk store in a few
child processes. The caller waits on a pipe until the deadline; a child still busy then is
killed (SIGKILL) and a fresh one started in its place, so the core is free at once. A child
answers with the serialized body, so rows never cross the pipe as objects.

What a child reads, and how it stays fresh: each job carries a folder (``path``) and a
``version``; a child opens the folder read-only again when either changed.

- **A read-only server**: the store's own folder and the serving store's :meth:`version`, so
  a query sees what the serving store sees (a later load by another process, within about a
  second of its end; :class:`kg.graph.oxigraph.Store` opens new snapshots only while no
  writer holds the folder).
- **An update-enabled server** (``writer=``, the read-write store of this process): not the
  store's folder. Oxigraph documents opening a store read-only while another process writes
  it as undefined behaviour, and RocksDB's writer here never stops (it holds the folder while
  the server runs, recycles its write-ahead logs, and flushes and compacts after each
  update); measured (bench/RESULTS.md, "Runaway queries"), read-only opens beside a live
  writer failed or read torn state. So the children read **checkpoints** instead
  (:class:`_Checkpoints`): RocksDB's own consistent copy of the live store
  (``pyoxigraph.Store.backup``: the memtable flushed, the immutable table files hard-linked,
  a few milliseconds), taken by the writer itself after each update (under the update lock,
  before the update is answered) and whenever a query finds the store's version newer than
  the checkpoint's. No process ever writes a checkpoint, so a read-only open of one is what
  RocksDB supports. A query after an update sees it (its job names the newer checkpoint), a
  query during an update sees the store as the last finished update left it, and a
  checkpoint no job reads any more is deleted. Updates stay in the parent, one at a time.

Example::

    workers = QueryWorkers("tdkg-store", size=2).start()
    form, body, truncated = workers.run({"query": "ASK {}", "max_rows": 10, "formats":
        {"results": "text/csv", "graph": "text/turtle"}, "version": store.version()}, timeout=30)
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import shutil
import threading
import time
from pathlib import Path

from . import formats, sparql


class QueryWorkers:
    """A few query processes over one on-disk store; ``run`` gives each job a deadline."""

    def __init__(self, path: str, size: int = 2, *, writer=None, write_lock=None):
        """``writer``: the read-write store of this process at ``path`` (an update-enabled
        server): the children then read checkpoints of it (see the module docstring), and
        ``write_lock`` is the lock its updates hold (a checkpoint is never taken mid-update)."""
        self.path = str(path)
        self.size = size
        self.checkpoints = _Checkpoints(writer, write_lock) if writer is not None else None
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
        if self.checkpoints is not None:
            self.checkpoints.close()

    def refresh(self) -> None:
        """After a write by this process, with the write lock held: a checkpoint of the store
        as the write left it, for the next queries (nothing without a ``writer``)."""
        if self.checkpoints is not None:
            self.checkpoints.refresh()

    def run(self, job: dict, timeout: float) -> tuple[str, bytes, bool]:
        """(form, serialized body, truncated) of ``job`` (see :func:`_answer`); QueryTimeout
        past ``timeout`` seconds, waiting for a free child included."""
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=timeout):
            raise sparql.QueryTimeout(f"query exceeded the time limit of {timeout:g} s (every query "
                                      f"worker was busy)")
        reading = None
        try:
            if self.checkpoints is not None:
                reading = self.checkpoints.acquire()
                job = {**job, "path": reading[0], "version": reading[1]}
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
            if reading is not None:
                self.checkpoints.release(reading[0])
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
            folder = job.get("path") or path
            for attempt in range(4):
                try:
                    if store is None or (folder, job.get("version")) != seen:
                        store = None                # the old snapshot closed before the new opens
                        store, seen = Store(folder, read_only=True), (folder, job.get("version"))
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

#: Where an update-enabled server keeps the checkpoints its query children read: a folder in
#: the store's own (the same file system, so a checkpoint is hard links, not a copy; RocksDB
#: ignores what it did not write there). Emptied when the server starts and when it stops.
CHECKPOINTS = "query-checkpoints"


class _Checkpoints:
    """Checkpoints of a store this process writes, for the query children (module docstring).

    ``acquire`` gives (folder, version) for a job and counts it as read until ``release``; a
    checkpoint that is neither the current one nor read by a job is deleted. A new checkpoint
    is taken by :meth:`refresh` (the writer, after a write, its write lock held) and by
    :meth:`acquire` when the store's version moved past the current checkpoint's and no write
    is under way (one that is under way takes its own when it ends, so a query meanwhile reads
    the store as the last finished write left it)."""

    def __init__(self, writer, write_lock=None):
        self.writer = writer
        self.write_lock = write_lock or threading.Lock()
        self.root = Path(writer.path) / CHECKPOINTS
        shutil.rmtree(self.root, ignore_errors=True)        # left by a server killed before it stopped
        self.root.mkdir(parents=True)
        self.taken = 0                            # checkpoints taken (tests, stats)
        self._lock = threading.Lock()
        self._names = itertools.count(1)
        self._current: tuple[str, object] | None = None
        self._readers: dict[str, int] = {}
        with self.write_lock:
            self.refresh()

    def refresh(self) -> None:
        """A checkpoint of the store as it is now, unless the current one already is (call it
        with the write lock held, or while nothing writes)."""
        with self._lock:
            version = self.writer.version()
            if self._current is not None and self._current[1] == version:
                return
            folder = str(self.root / f"{os.getpid()}-{next(self._names)}")
            _backup(self.writer, folder)
            self.taken += 1
            old, self._current = self._current, (folder, version)
            if old is not None and not self._readers.get(old[0]):
                self._drop(old[0])

    def acquire(self) -> tuple[str, object]:
        if self.write_lock.acquire(blocking=False):
            try:
                self.refresh()            # a no-op unless something wrote since the last checkpoint
            except Exception as e:        # noqa: BLE001 - a stale checkpoint would hide a write
                raise RuntimeError(f"no checkpoint of the store for the query workers: {e}") from None
            finally:
                self.write_lock.release()
        with self._lock:
            folder, version = self._current
            self._readers[folder] = self._readers.get(folder, 0) + 1
            return folder, version

    def release(self, folder: str) -> None:
        with self._lock:
            self._readers[folder] -= 1
            if not self._readers[folder] and (self._current is None or folder != self._current[0]):
                self._drop(folder)

    def folders(self) -> list[str]:
        """The checkpoints on disk now (tests)."""
        return sorted(p.name for p in self.root.iterdir()) if self.root.exists() else []

    def close(self) -> None:
        with self._lock:
            self._current = None
            shutil.rmtree(self.root, ignore_errors=True)

    def _drop(self, folder: str) -> None:
        self._readers.pop(folder, None)
        shutil.rmtree(folder, ignore_errors=True)   # a child still holding it open keeps its files


def _answer(store, job: dict) -> tuple[str, bytes, bool]:
    """Run a job: ``query``, ``default_graphs``, ``named_graphs``, ``substitutions``, ``base_iri``,
    ``max_rows`` and ``formats`` (the media type to answer a results form and a graph form in)."""
    result = sparql._collect(store, job["query"], job.get("default_graphs"), job.get("named_graphs"),
                             job.get("substitutions"), float("inf"), job["max_rows"], job.get("base_iri"))
    graph = result.form in ("CONSTRUCT", "DESCRIBE")
    fmt = formats.by_media_type(job["formats"]["graph" if graph else "results"], results=not graph)
    return result.form, sparql.serialize(result, fmt), result.truncated


def _backup(writer, folder: str) -> None:
    """RocksDB's checkpoint of ``writer`` (a :class:`kg.graph.oxigraph.Store` opened for writing)
    into ``folder``: pyoxigraph's ``Store.backup`` on the engine's store."""
    writer._db.backup(folder)       # noqa: SLF001 - the one engine call kg.graph.oxigraph does not wrap
