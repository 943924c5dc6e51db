"""The tdkg SPARQL endpoint: a Flask application factory and its blueprints.

HTTP concerns only — negotiation, limits, errors, pages. Queries, formats and
the store are :mod:`kg`'s.

>>> from server import create_app
>>> app = create_app({"STORE_PATH": None})      # an empty in-memory store
"""
from __future__ import annotations

import os

from flask import Flask

from kg.graph.store import BaseStore, memory_store, open_store, store_path

DEFAULTS = {
    "STORE_PATH": None,            # store folder or sparql+http(s)://… (None: empty, in memory)
    "QUERY_TIMEOUT": 30.0,         # seconds a query may run
    "MAX_ROWS": 100_000,           # rows (or triples) returned at most; X-TDKG-Truncated says so
    "MAX_CONTENT_LENGTH": 1_000_000,   # bytes of a request body
    "ALLOW_UPDATE": False,         # SPARQL Update refused (403) unless enabled
    "UPDATE_TOKEN": None,          # bearer token for updates (from $TDKG_UPDATE_TOKEN)
    "CORS_ORIGINS": "*",           # origins allowed to read cross-origin: "*", "a, b", "" (none)
    "CORS_WRITE_ORIGINS": "",      # origins allowed to send updates cross-origin (default none)
    "QUERY_WORKERS": 0,            # query processes, killed at the deadline (on-disk stores; 0: threads)
}


def create_app(config: dict | None = None, store: BaseStore | None = None) -> Flask:
    """Build the app. ``store`` wins over ``config["STORE_PATH"]``; nothing is module-level."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config["UPDATE_TOKEN"] = os.environ.get("TDKG_UPDATE_TOKEN")
    for key in ("CORS_ORIGINS", "CORS_WRITE_ORIGINS"):      # $TDKG_CORS_ORIGINS, $TDKG_CORS_WRITE_ORIGINS
        if os.environ.get("TDKG_" + key) is not None:
            app.config[key] = os.environ["TDKG_" + key]
    app.config.update(config or {})
    if app.config["ALLOW_UPDATE"] and not app.config["UPDATE_TOKEN"]:
        raise ValueError("updates need a token: set TDKG_UPDATE_TOKEN")
    if store is None:
        path = app.config["STORE_PATH"]
        store = open_store(path, read_only=not app.config["ALLOW_UPDATE"]) if path else memory_store()
    app.extensions["tdkg.store"] = store
    from .answers import Answers
    app.extensions["tdkg.answers"] = Answers()      # answers kept until the store changes
    import threading
    app.extensions["tdkg.update_lock"] = threading.Lock()      # updates run one at a time
    # query workers (processes killed at the deadline) for an on-disk store: over the folder for a
    # read-only store, over checkpoints of it for one this process writes (kg.graph.workers)
    if app.config["QUERY_WORKERS"] and getattr(store, "path", None) and hasattr(store, "read_only"):
        from kg.graph.workers import QueryWorkers
        writer = None if store.read_only else store
        app.extensions["tdkg.workers"] = QueryWorkers(
            store.path, app.config["QUERY_WORKERS"], writer=writer,
            write_lock=app.extensions["tdkg.update_lock"]).start()

    from . import analysis, errors, health, page, protocol, saved, validation
    errors.register(app)
    for bp in (protocol.bp, saved.bp, page.bp, health.bp, validation.bp, analysis.bp):
        app.register_blueprint(bp)
    from . import browse; app.register_blueprint(browse.bp)      # pages for every IRI (issue 14)
    return app


def default_store_path(cli_value: str | None) -> str:
    return store_path(cli_value)
