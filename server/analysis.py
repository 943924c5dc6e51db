"""Networks over HTTP: ``/analysis/<network>`` (page, .json, .csv, .png, .svg) and ``/export/<network>.gexf``."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg.analysis.gexf import write_gexf
from kg.analysis.measures import analyze, annotate, table
from kg.analysis.network import NETWORKS, build
from kg.analysis.plot import draw

from .answers import Busy, StillComputing
from .errors import ApiError
from .protocol import answers, cors, version

bp = Blueprint("analysis", __name__)
bp.after_request(cors)


def _analysed(store, name: str):
    G = build(store, name)
    results = analyze(G)
    annotate(G, results)
    return G, results


def _bounded(key, compute):
    """An expensive answer, kept until the store changes and computed under the query time
    limit: past it a 503 asks the client to come back while the computation goes on."""
    store = current_app.extensions["tdkg.store"]
    limit = current_app.config["QUERY_TIMEOUT"]
    try:
        value, _kept = answers().get(key, version(store), compute, timeout=limit)
        return value
    except StillComputing:
        raise ApiError(503, f"still computing after {limit:g} s (the time limit of a query); the answer "
                            "will be ready for a later request", {"Retry-After": "10"})
    except Busy:
        raise ApiError(503, "other large computations are running; try again shortly", {"Retry-After": "10"})


def _network(name: str):
    if name not in NETWORKS:
        raise ApiError(404, f"no network {name!r}; choose {', '.join(NETWORKS)}")
    store = current_app.extensions["tdkg.store"]
    return _bounded(("network", name), lambda: _analysed(store, name))


def _top() -> int | None:
    """?top=N: the N best rows (0 or none: all)."""
    text = request.args.get("top", "0").strip()
    if not text.isdigit():
        raise ApiError(400, f"parameter 'top' must be a whole number of rows (0 for all), not {text!r}")
    return int(text) or None


def _sort(results: dict) -> str:
    """?sort=MEASURE (default pagerank): one of the measures computed."""
    sort = request.args.get("sort", "pagerank")
    if sort not in results:
        raise ApiError(400, f"parameter 'sort' must be one of {', '.join(sorted(results))}, not {sort!r}")
    return sort


@bp.get("/analysis/<string:name>")
def analysis(name: str):
    suffix = ""
    for s in (".json", ".csv", ".png", ".svg"):
        if name.endswith(s):
            name, suffix = name[: -len(s)], s
    top = _top()
    G, results = _network(name)
    rows = table(G, results, sort_by=_sort(results), top=top)
    if suffix == ".json":
        return jsonify({"network": name, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                        "rows": rows})
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(rows[0].keys() if rows else ["node"])
        w.writerows([list(r.values()) for r in rows])
        return Response(buf.getvalue(), mimetype="text/csv")
    if suffix in (".png", ".svg"):
        picture = _bounded(("picture", name, suffix), lambda: _drawn(G, suffix[1:]))
        return Response(picture, mimetype="image/png" if suffix == ".png" else "image/svg+xml")
    return render_template("analysis.html", name=name, networks=NETWORKS, rows=rows[:50],
                           nodes=G.number_of_nodes(), edges=G.number_of_edges())


def _drawn(G, fmt: str) -> bytes:
    buf = io.BytesIO()
    draw(G, buf, fmt=fmt)
    return buf.getvalue()


def _gexf(G) -> bytes:
    buf = io.BytesIO()
    write_gexf(G, buf)
    return buf.getvalue()


@bp.get("/export/<string:name>.gexf")
def export_gexf(name: str):
    G, _ = _network(name)
    return Response(_bounded(("gexf", name), lambda: _gexf(G)), mimetype="application/gexf+xml",
                    headers={"Content-Disposition": f'attachment; filename="tdkg-{name}.gexf"'})
