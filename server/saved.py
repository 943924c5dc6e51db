"""Saved queries over HTTP: ``/queries`` lists them, ``/queries/<name>`` runs one."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from kg.graph import formats, queries

from .errors import ApiError
from .protocol import best, cors, run_query

bp = Blueprint("saved", __name__)
bp.after_request(cors)


@bp.get("/queries")
@bp.get("/queries.json")
def listing():
    items = [q.describe() for q in queries.saved_queries().values()]
    wants_json = request.path.endswith(".json") or request.args.get("format") == "json" or \
        best(["text/html", "application/json"]) == "application/json"
    if wants_json:
        return {"queries": items}
    return render_template("queries.html", queries=items)


@bp.get("/queries/<string:name>")
def run(name: str):
    fmt = None
    stem, dot, ext = name.rpartition(".")
    if dot and formats.by_name(ext, results=True):          # /queries/NAME.json|.xml|.csv|.tsv
        name, fmt = stem, formats.by_name(ext, results=True)
    try:
        q = queries.get(name)
        params = {k: v for k, v in request.args.items() if k != "format"}
        subs = queries.bind(q, params)
    except queries.QueryError as e:
        raise ApiError(404 if "no saved query" in str(e) else 400, str(e))
    if fmt is None and "format" not in request.args and \
            best(["text/html", "application/sparql-results+json"]) == "text/html":
        return render_template("saved.html", query=q.describe(), text=q.text,
                               values={p.name: request.args.get(p.name, p.default) for p in q.params})
    return run_query(q.text, substitutions=subs, fmt=fmt)
