"""Saved queries over HTTP: ``/queries`` lists them, ``/queries/<name>`` runs one."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from kg.graph import queries

from .errors import ApiError
from .negotiate import choose
from .protocol import cors, run_query

bp = Blueprint("saved", __name__)
bp.after_request(cors)


@bp.get("/queries")
@bp.get("/queries.json")
def listing():
    items = [q.describe() for q in queries.saved_queries().values()]
    wants_json = request.path.endswith(".json") or request.args.get("format") == "json" or \
        choose(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"
    if wants_json:
        return {"queries": items}
    return render_template("queries.html", queries=items)


@bp.get("/queries/<string:name>")
def run(name: str):
    mime = None
    for suffix, m in ((".json", "application/sparql-results+json"), (".csv", "text/csv"),
                      (".tsv", "text/tab-separated-values"), (".xml", "application/sparql-results+xml")):
        if name.endswith(suffix):
            name, mime = name[: -len(suffix)], m
    try:
        q = queries.get(name)
        params = {k: v for k, v in request.args.items() if k != "format"}
        subs = queries.bind(q, params)
    except queries.QueryError as e:
        raise ApiError(404 if "no saved query" in str(e) else 400, str(e))
    if mime is None and "format" not in request.args and \
            choose(request.headers.get("Accept"), ["text/html", "application/sparql-results+json"]) == "text/html":
        return render_template("saved.html", query=q.describe(), text=q.text,
                               values={p.name: request.args.get(p.name, p.default) for p in q.params})
    return run_query(q.text, substitutions=subs, mime=mime)
