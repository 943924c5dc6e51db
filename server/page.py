"""The page at ``/``: a query editor with the saved queries, results, downloads, IRI links.

``/`` takes ``?query=TEXT`` (filled in and run) or ``?saved=NAME&PARAM=VALUE…`` (chosen and run);
``/describe?iri=IRI`` is the same page, running the query that lists the IRI's triples.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, request

from kg.graph import browse, queries

from .errors import ApiError

bp = Blueprint("page", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

DEFAULT_QUERY = """\
PREFIX tdo: <https://w3id.org/tdkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?agreement ?type ?label WHERE {
  ?agreement a ?type ; rdfs:label ?label .
  ?type rdfs:subClassOf+ tdo:Agreement .
  FILTER(lang(?label) = "ar")
} LIMIT 50"""

# an absolute IRI: a scheme, then none of the characters an IRIREF may not hold
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')


def _saved() -> list[dict]:
    return [{**q.describe(), "text": q.text} for q in queries.saved_queries().values()]


@bp.get("/")
def index():
    return render_template("index.html", saved=_saved(), initial=request.args.get("query", ""),
                           autorun=bool(request.args.get("query")), default_query=DEFAULT_QUERY,
                           home=browse.home(current_app.extensions["tdkg.store"], limit=8))


def describe_query(iri: str) -> str:
    return ("SELECT DISTINCT ?direction ?property ?value WHERE {\n"
            f"  {{ <{iri}> ?property ?value BIND(\"out\" AS ?direction) }}\n"
            f"  UNION {{ ?value ?property <{iri}> BIND(\"in\" AS ?direction) }}\n"
            "} ORDER BY DESC(?direction) ?property ?value LIMIT 1000")


@bp.get("/describe")
def describe():
    iri = request.args.get("iri", "")
    if not _IRI.match(iri):
        raise ApiError(400, "give an absolute IRI as ?iri= (no spaces, quotes or <>{}|^`\\)")
    return render_template("index.html", saved=_saved(), initial=describe_query(iri), autorun=True,
                           describe=iri, default_query=DEFAULT_QUERY)
