"""Answers kept until the store changes, and a deadline for the expensive ones.

Networks, exports and query results are pure functions of the store's content, so an answer
computed once serves every later request until the store's :meth:`version` changes (a load,
a removal, an update). The networks (``/analysis``, ``/export``) take seconds on a large
store: they are computed under the query time limit — past it the client gets a 503 with
``Retry-After`` while the computation finishes in the background, once however many clients
ask (at most :data:`BUSY` such computations at a time), and the retry is answered from here.

>>> answers = Answers()
>>> answers.get(("double", 21), version=1, compute=lambda: 42, timeout=1)
(42, False)
>>> answers.get(("double", 21), version=1, compute=lambda: 0)
(42, True)
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, TimeoutError as FutureTimeout

BUSY = 2                  # expensive computations running at once; more are refused (503)
MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024


class StillComputing(Exception):
    """Past the deadline; the answer will be ready for a later request."""


class Busy(Exception):
    """Too many expensive computations are running already."""


def size_of(value) -> int:
    if isinstance(value, (bytes, str)):
        return len(value)
    if isinstance(value, tuple):
        return sum(size_of(v) for v in value)
    return 1024


class Answers:
    """A small LRU of answers by (key, store version), with single-flight computations."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES, busy: int = BUSY):
        self._done: OrderedDict = OrderedDict()
        self._bytes = 0
        self._running: dict = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(busy)
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.hits = self.misses = 0

    def get(self, key, version, compute, timeout: float | None = None):
        """(answer, whether it was kept) for ``key`` at ``version`` (None: the store cannot
        tell, so never kept).

        ``timeout`` None computes in the caller's thread; else in a background thread that the
        caller waits for at most ``timeout`` seconds (StillComputing after it)."""
        if version is None:
            return compute(), False
        k = (key, version)
        with self._lock:
            if k in self._done:
                self._done.move_to_end(k)
                self.hits += 1
                return self._done[k], True
            future = self._running.get(k)
            self.misses += 1
        if future is None:
            if timeout is None:
                return self._keep(k, compute()), False
            if not self._slots.acquire(blocking=False):
                raise Busy("other large computations are running")
            future = Future()
            with self._lock:
                self._running[k] = future
            threading.Thread(target=self._run, args=(k, compute, future), daemon=True,
                             name="tdkg-answer").start()
        try:
            return future.result(timeout=timeout), False
        except FutureTimeout:
            raise StillComputing(f"still computing after {timeout:g} s") from None

    def _run(self, k, compute, future: Future) -> None:
        try:
            value = compute()
            self._keep(k, value)
            future.set_result(value)
        except BaseException as e:      # handed to whoever waits
            future.set_exception(e)
        finally:
            with self._lock:
                self._running.pop(k, None)
            self._slots.release()

    def _keep(self, k, value):
        n = size_of(value)
        if n > self.max_bytes // 4:
            return value
        with self._lock:
            stale = [old for old in self._done if old[0] == k[0] and old[1] != k[1]]
            for old in stale:                 # an answer for an older store is never asked again
                self._bytes -= size_of(self._done.pop(old))
            self._done[k] = value
            self._bytes += n
            while len(self._done) > self.max_entries or self._bytes > self.max_bytes:
                _, gone = self._done.popitem(last=False)
                self._bytes -= size_of(gone)
        return value
