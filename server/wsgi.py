"""Serving the app under waitress with connection limits, so idle and slow clients cannot lock
others out.

waitress reads requests on one I/O thread (asyncore) and runs the app on worker threads only once
a request is complete, so a half-open connection costs a socket, not a worker. What it does not
do by default is drop them soon enough: 100 connections at most (``connection_limit``), idle ones
closed after 120 s (``channel_timeout``), checked every 30 s (``cleanup_interval``), and
``select()``, which cannot watch more than 1,024 sockets. 150 half-open connections therefore
stopped new clients for two minutes. :data:`SETTINGS` raises the limit, uses ``poll()``, closes
idle connections after 10 s, and :class:`_Deadline` also closes a connection whose request is not
complete 30 s after it began (a client trickling a byte every few seconds is never idle).

>>> sorted(SETTINGS)[:3]
['asyncore_use_poll', 'backlog', 'channel_timeout']
"""
from __future__ import annotations

SETTINGS = {
    "connection_limit": 1000,        # open connections (waitress: 100); each is a socket, no thread
    "channel_timeout": 10,           # seconds a connection may sit idle between requests (120)
    "cleanup_interval": 1,           # seconds between the checks of both timeouts (30)
    "asyncore_use_poll": True,       # poll(), not select(): no 1,024-socket ceiling
    "backlog": 1024,                 # connections the kernel queues before accept()
    "max_request_header_size": 65536,    # bytes of request line and headers (262,144)
}
REQUEST_TIMEOUT = 30                 # seconds from a request's first byte to its last


class _Deadline:
    """The server's maintenance, plus: a request still incomplete after ``request_timeout`` seconds
    (headers or body trickled in) closes its connection, whatever its activity."""

    def __init__(self, server, request_timeout: float):
        self.server, self.request_timeout = server, request_timeout
        self.original = server.maintenance
        self.started: dict[int, tuple[object, float]] = {}     # channel id -> (request, first seen)

    def __call__(self, now: float) -> None:
        self.original(now)
        seen = {}
        for channel in list(self.server.active_channels.values()):
            request = channel.request
            if request is None or channel.requests:          # idle, or being answered
                continue
            key = id(channel)
            prev = self.started.get(key)
            first = prev[1] if prev is not None and prev[0] is request else now
            seen[key] = (request, first)
            if now - first > self.request_timeout:
                channel.will_close = True
        self.started = seen


def create(app, host: str = "127.0.0.1", port: int = 5000, threads: int = 8,
           request_timeout: float = REQUEST_TIMEOUT, **overrides):
    """A waitress server for ``app`` with :data:`SETTINGS` (``overrides`` win), not yet running."""
    import waitress.server
    settings = {**SETTINGS, **overrides}
    server = waitress.server.create_server(app, host=host, port=port, threads=threads, ident="tdkg",
                                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024,
                                           **settings)
    # one server, or several (one per address the host resolves to) sharing a map
    for s in ([server] if hasattr(server, "active_channels") else
              [d for d in server.map.values() if hasattr(d, "active_channels")]):
        s.maintenance = _Deadline(s, request_timeout)
    return server


def serve(app, host: str = "127.0.0.1", port: int = 5000, threads: int = 8, **overrides) -> None:
    """Serve ``app`` until interrupted (what ``tdkg serve`` should call)."""
    import logging
    logging.basicConfig()
    server = create(app, host=host, port=port, threads=threads, **overrides)
    try:
        server.run()
    finally:
        server.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m server.wsgi --store DIR --port N``: the endpoint, read-only, under :func:`serve`
    (the reliability tests start it so; ``tdkg serve`` takes the same settings)."""
    import argparse

    from . import create_app
    p = argparse.ArgumentParser(prog="python -m server.wsgi")
    p.add_argument("--store", required=True)
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--channel-timeout", type=int, default=SETTINGS["channel_timeout"])
    p.add_argument("--request-timeout", type=float, default=REQUEST_TIMEOUT)
    args = p.parse_args(argv)
    app = create_app({"STORE_PATH": args.store, "QUERY_TIMEOUT": args.timeout})
    print(f"serving on http://127.0.0.1:{args.port}", flush=True)
    serve(app, port=args.port, threads=args.threads, channel_timeout=args.channel_timeout,
          request_timeout=args.request_timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
