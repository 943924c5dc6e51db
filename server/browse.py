"""Browsing the graph without SPARQL: a page for every IRI, and its data twin.

Every IRI of the graph is served at its path under the server's root (the w3id.org IRIs minus
``https://w3id.org/tdkg``): ``/country/EG``, ``/topic/ai``, ``/resource/person/…``,
``/resource/org/…``, ``/resource/place/…``, ``/resource/agreement/…``,
``/resource/engagement/…``, ``/resource/article/…``. A browser (``prefers_html``) gets the page;
any other client the node's description and links as RDF (Turtle by default; N-Triples, JSON-LD,
RDF/XML by ``Accept`` or ``?format=``), through the endpoint's own query path and negotiation.
Both answers carry ``Link: rel="alternate"`` headers naming the other forms. ``/pair/EG/PS`` is a
page about two countries (its data twins are the saved queries it links to), ``/search?q=``
finds countries, people, organisations, places and topics by any spelling, ``/browse`` lists the
countries and the latest accords. The data comes from :mod:`kg.graph.browse`.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, current_app, render_template, request

from kg.graph import browse, formats, vocab

from .errors import ApiError
from .protocol import cors, prefers_html, run_query, store

bp = Blueprint("browse", __name__)
bp.after_request(cors)

ALTERNATES = [("turtle", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")]
KIND_NAMES = {"country": ("Country", "دولة"), "topic": ("Topic", "موضوع"), "person": ("Person", "شخص"),
              "org": ("Organisation", "جهة"), "place": ("Place", "مكان"), "agreement": ("Accord", "اتفاق"),
              "engagement": ("Engagement", "نشاط"), "article": ("Article", "مقال")}


def article_dirs() -> list[str]:
    """Where article pages look for the source texts: ``ARTICLE_DIRS`` (a list), else
    ``$TDKG_ARTICLES`` (folders separated by ``:``), else ``./data/articles`` if it exists."""
    dirs = current_app.config.get("ARTICLE_DIRS")
    if dirs is None:
        env = os.environ.get("TDKG_ARTICLES")
        dirs = [d for d in env.split(os.pathsep) if d] if env else \
            (["data/articles"] if Path("data/articles").is_dir() else [])
    return list(dirs)


def _link_header(path: str) -> str:
    base = request.script_root + path
    parts = [f'<{base}?format=html>; rel="alternate"; type="text/html"']
    parts += [f'<{base}?format={name}>; rel="alternate"; type="{mime}"' for name, mime in ALTERNATES]
    return ", ".join(parts)


def _wants_page() -> bool:
    fmt = request.args.get("format")
    if fmt is not None:
        return fmt.lower() in ("html", "text/html")
    return prefers_html()


def _page(iri: str, template: str, data_fn):
    """The page or the data twin of one IRI; 404 with the one error shape when the graph does
    not know it."""
    path = browse.path_of(iri)
    if path is None:
        raise ApiError(404, f"no page for {iri}")
    if _wants_page():
        data = data_fn()
        if data is None:
            raise ApiError(404, f"the graph says nothing about {iri}")
        html = render_template(template, d=data, iri=iri, path=path, alternates=_alternates(path),
                               kind=browse.kind_of(iri), kind_names=KIND_NAMES)
        resp = current_app.make_response(html)
    else:
        if not browse.exists(store(), iri):
            raise ApiError(404, f"the graph says nothing about {iri}")
        resp = run_query(browse.describe_query(iri))
    resp.headers["Link"] = _link_header(path)
    resp.headers.add("Vary", "Accept")
    return resp


def _alternates(path: str) -> list[dict]:
    base = request.script_root + path
    out = []
    for name, mime in ALTERNATES:
        fmt = formats.by_name(name, results=False)
        out.append({"name": {"turtle": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples"}[name],
                    "href": f"{base}?format={name}", "type": fmt.media_type if fmt else mime})
    return out


@bp.get("/country/<string:iso2>")
def country(iso2: str):
    if not (len(iso2) == 2 and iso2.isascii() and iso2.isalpha() and iso2.isupper()):
        raise ApiError(404, f"no country {iso2!r}: countries are /country/XX with XX an upper-case "
                            "ISO 3166-1 alpha-2 code")
    iri = vocab.country_iri(iso2)

    def data():
        d = browse.country(store(), iso2)          # kept per state of the store: not changed here
        return d and {**d, "ego_svg": ego_layout(d["ego"]), "timeline_svg": timeline_layout(d["timeline"])}
    return _page(iri, "browse/country.html", data)


@bp.get("/topic/<string:code>")
def topic(code: str):
    return _page(vocab.TOPIC + code, "browse/topic.html", lambda: browse.topic(store(), code))


@bp.get("/resource/<string:kind>/<path:rest>")
def resource(kind: str, rest: str):
    if kind not in ("person", "org", "place", "agreement", "engagement", "article") or "/" in rest:
        raise ApiError(404, f"no page at {request.path}")
    if kind == "article":
        iri = vocab.article_iri(rest)
        return _page(iri, "browse/article.html", lambda: browse.article(store(), iri, tuple(article_dirs())))
    iri = f"{vocab.BASE}{kind}/{quote(rest, safe='-_.~')}"
    if kind in ("agreement", "engagement"):
        return _page(iri, "browse/item.html", lambda: browse.item(store(), iri))
    return _page(iri, "browse/entity.html", lambda: browse.entity(store(), iri))


@bp.get("/pair/<string:a>/<string:b>")
def pair(a: str, b: str):
    a, b = a.upper(), b.upper()
    d = browse.pair(store(), a, b) if a.isalpha() and b.isalpha() and len(a) == len(b) == 2 else None
    if d is None:
        raise ApiError(404, f"no pair {a}–{b}: give two different ISO 3166-1 alpha-2 codes")
    root = request.script_root
    twins = [{"name": q, "href": f"{root}/queries/{q}.json?{urlencode({'a': a, 'b': b})}"}
             for q in ("accords-between", "pair-timeline", "topics-of-pair")]
    resp = current_app.make_response(render_template("browse/pair.html", d=d, twins=twins,
                                                     kind="pair", kind_names=KIND_NAMES))
    resp.headers["Link"] = ", ".join(f'<{t["href"]}>; rel="alternate"; type="application/json"' for t in twins)
    return resp


@bp.get("/search")
def search():
    q = request.args.get("q", "").strip()
    if len(q) > 200:
        raise ApiError(400, "a search is at most 200 characters")
    hits = browse.search(store(), q) if q else []
    if not _wants_page() and (request.args.get("format") == "json" or
                              request.accept_mimetypes.best == "application/json"):
        return {"q": q, "results": [{k: h[k] for k in ("iri", "path", "kind", "ar", "en", "latn", "matched")}
                                    for h in hits]}
    return render_template("browse/search.html", q=q, hits=hits, kind="search", kind_names=KIND_NAMES)


@bp.get("/browse")
def home():
    return render_template("browse/home.html", d=browse.home(store(), limit=30), kind="home",
                           kind_names=KIND_NAMES)


# ------------------------------------------------------------------ pictures (server-side SVG)

def ego_layout(ego: dict, size: int = 360) -> dict:
    """Positions for the ego network: the country in the middle, its partners on a circle
    (heaviest tie at the top, clockwise), radii by weighted degree, stroke widths by weight."""
    nodes = ego["nodes"]
    if not nodes:
        return {"size": size, "nodes": [], "edges": []}
    c = size / 2
    ring = size / 2 - 48
    top = max((n["size"] for n in nodes), default=1) or 1
    placed = {}
    others = nodes[1:]
    for i, n in enumerate([nodes[0]] + others):
        if i == 0:
            x, y = c, c
        else:
            ang = -math.pi / 2 + 2 * math.pi * (i - 1) / max(len(others), 1)
            x, y = c + ring * math.cos(ang), c + ring * math.sin(ang)
        placed[n["iri"]] = {**n, "x": round(x, 1), "y": round(y, 1),
                            "r": round(8 + 14 * math.sqrt(n["size"] / top), 1), "center": i == 0}
    wmax = max((e["weight"] for e in ego["edges"]), default=1) or 1
    edges = [{"x1": placed[e["a"]]["x"], "y1": placed[e["a"]]["y"], "x2": placed[e["b"]]["x"],
              "y2": placed[e["b"]]["y"], "w": round(1 + 7 * e["weight"] / wmax, 1), "weight": e["weight"],
              "a": placed[e["a"]]["iso2"], "b": placed[e["b"]]["iso2"]}
             for e in ego["edges"] if e["a"] in placed and e["b"] in placed]
    return {"size": size, "nodes": list(placed.values()), "edges": edges}


def timeline_layout(years: list[dict], width: int = 640, height: int = 150) -> dict:
    """Bars per year: accords below engagements, on one scale."""
    if not years:
        return {"width": width, "height": height, "bars": []}
    top = max(y["agreements"] + y["engagements"] for y in years) or 1
    step = (width - 20) / len(years)
    bw = max(min(step * 0.7, 40), 2)
    plot = height - 30
    bars = []
    for i, y in enumerate(years):
        ha = plot * y["agreements"] / top
        he = plot * y["engagements"] / top
        x = 10 + i * step + (step - bw) / 2
        bars.append({"year": y["year"], "x": round(x, 1), "w": round(bw, 1), "agreements": y["agreements"],
                     "engagements": y["engagements"], "ya": round(plot - ha, 1), "ha": round(ha, 1),
                     "ye": round(plot - ha - he, 1), "he": round(he, 1), "tx": round(x + bw / 2, 1),
                     "label": len(years) <= 16 or i % math.ceil(len(years) / 16) == 0})
    return {"width": width, "height": height, "plot": plot, "bars": bars, "top": top}
