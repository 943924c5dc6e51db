"""The page at ``/``: a query editor with the saved queries, results, downloads, IRI links."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from kg import queries

from .errors import ApiError

bp = Blueprint("page", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/")
def index():
    saved = [{**q.describe(), "text": q.text} for q in queries.saved_queries().values()]
    return render_template("index.html", saved=saved, initial=request.args.get("query", ""))


@bp.get("/describe")
def describe():
    iri = request.args.get("iri", "")
    if not iri or any(c in iri for c in '<>"{}|^`\\ '):
        raise ApiError(400, "give an absolute IRI as ?iri=")
    query = ("SELECT ?direction ?property ?value WHERE {\n"
             f"  {{ <{iri}> ?property ?value BIND(\"out\" AS ?direction) }}\n"
             f"  UNION {{ ?value ?property <{iri}> BIND(\"in\" AS ?direction) }}\n"
             "} ORDER BY ?direction ?property LIMIT 500")
    return render_template("index.html", saved=[{**q.describe(), "text": q.text}
                                                for q in queries.saved_queries().values()],
                           initial=query, autorun=True, title=iri)
