"""The SPARQL 1.1 Protocol at ``/sparql``: query by GET or POST, update when enabled."""
from __future__ import annotations

import hmac
import re
import threading

from flask import Blueprint, Response, current_app, g, redirect, request, url_for
from werkzeug.datastructures import MIMEAccept

from kg.graph import formats, sparql

from .errors import ApiError

bp = Blueprint("protocol", __name__)
RESULT_OFFER = formats.offered("SELECT")      # the default (JSON) first, then the aliases
GRAPH_OFFER = formats.offered("CONSTRUCT")    # the default (Turtle) first


def accepted() -> MIMEAccept:
    """The request's Accept as werkzeug parses it (q-values, specificity), media type parameters
    such as charset dropped: ``text/csv; charset=utf-8`` asks for CSV."""
    # (werkzeug 3.0.0 reads a blank header as one empty type: dropped, so it means "none given")
    return MIMEAccept([(v.split(";")[0].strip(), q) for v, q in request.accept_mimetypes
                       if v.split(";")[0].strip()])


def best(offer: list[str]) -> str | None:
    """The offered type the client prefers (equal q and specificity: the offer's order); no or an
    empty Accept: the first offered (the default); None if Accept allows none of them."""
    accept = accepted()
    if not accept:
        return offer[0]
    return accept.best_match(offer)


def prefers_html() -> bool:
    """A browser: text/html named explicitly and not below the RDF and results types."""
    accept = accepted()
    html = max((q for v, q in accept if v.lower() == "text/html"), default=0)
    return html > 0 and html >= max(accept.quality("text/turtle"),
                                    accept.quality("application/sparql-results+json"))


def store():
    return current_app.extensions["tdkg.store"]


def answers():
    """The app's :class:`~server.answers.Answers` (query results, networks, exports)."""
    return current_app.extensions["tdkg.answers"]


def version(db) -> object | None:
    """The store's version for :mod:`.answers` (None: it cannot tell, answers are not kept)."""
    return db.version() if hasattr(db, "version") else None


def _origins(setting: str | None) -> list[str]:
    return [o.strip() for o in (setting or "").split(",") if o.strip()]


def _is_write() -> bool:
    """A request that changes the store or carries the update token: a SPARQL Update, anything
    with an Authorization header, or the preflight of one (it asks to send Authorization)."""
    if getattr(g, "tdkg_write", False) or "Authorization" in request.headers:
        return True
    if request.mimetype == "application/sparql-update":
        return True
    asked = request.headers.get("Access-Control-Request-Headers", "").lower()
    return request.method == "OPTIONS" and "authorization" in asked


def cors(resp: Response) -> Response:
    """CORS headers: reads (queries, saved queries, analysis, validation) for CORS_ORIGINS (default
    ``*``), writes (updates, anything with the token) only for CORS_WRITE_ORIGINS (default none),
    so a page on another site cannot drive an update through a user's browser. Each setting is
    ``*`` or a comma-separated list of origins (``https://a.example, https://b.example``)."""
    cfg = current_app.config
    write = _is_write()
    allowed = _origins(cfg["CORS_WRITE_ORIGINS"] if write else cfg["CORS_ORIGINS"])
    origin = request.headers.get("Origin")
    if not allowed:
        return resp
    if "*" in allowed:
        value = "*"
    elif origin in allowed:
        value = origin
    else:
        resp.headers.add("Vary", "Origin")
        return resp
    resp.headers["Access-Control-Allow-Origin"] = value
    resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept" + (", Authorization" if write else "")
    resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
    resp.headers["Access-Control-Expose-Headers"] = "X-TDKG-Truncated, X-TDKG-Seconds, X-TDKG-Cache"
    if value != "*":
        resp.headers.add("Vary", "Origin")
    return resp


bp.after_request(cors)


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ApiError(400, f"give one '{name}', not {len(values)}")
    return values[0] if values else None


def _read_request() -> tuple[str | None, str | None, list[str], list[str]]:
    """(query, update, graphs, named graphs) from GET or either POST form.

    For a query the graphs are default-graph-uri/named-graph-uri; for an update
    using-graph-uri/using-named-graph-uri.
    """
    if request.method in ("GET", "HEAD"):
        if "update" in request.args:
            raise ApiError(405, "updates must be sent by POST", {"Allow": "POST"})
        a = request.args
        return _one(a.getlist("query"), "query"), None, a.getlist("default-graph-uri"), \
            a.getlist("named-graph-uri")
    ctype = (request.mimetype or "").lower()
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"charset {charset} is not allowed: SPARQL requests are UTF-8")
    if ctype == "application/x-www-form-urlencoded":
        f = request.form
        query, update = _one(f.getlist("query"), "query"), _one(f.getlist("update"), "update")
        if query is not None and update is not None:
            raise ApiError(400, "give either query or update, not both")
        if update is not None:
            g.tdkg_write = True
            return None, update, f.getlist("using-graph-uri"), f.getlist("using-named-graph-uri")
        return query, None, f.getlist("default-graph-uri"), f.getlist("named-graph-uri")
    if ctype in ("application/sparql-query", "application/sparql-update"):
        body = request.get_data(cache=False).decode("utf-8", errors="strict")
        a = request.args
        if ctype == "application/sparql-query":
            return body, None, a.getlist("default-graph-uri"), a.getlist("named-graph-uri")
        return None, body, a.getlist("using-graph-uri"), a.getlist("using-named-graph-uri")
    raise ApiError(415, f"unsupported Content-Type {ctype or '(none)'}: use application/sparql-query, "
                        "application/sparql-update or application/x-www-form-urlencoded")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    try:
        query, update, default_graphs, named_graphs = _read_request()
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not valid in its charset (UTF-8 expected)")
    if update is not None:
        return _update(update, default_graphs, named_graphs)
    if not query:
        if request.method in ("GET", "HEAD") and prefers_html():
            return redirect(url_for("page.index"))
        if request.method in ("GET", "HEAD"):
            sd = sparql.service_description(request.base_url, current_app.config["ALLOW_UPDATE"])
            return Response(sd, mimetype="text/turtle")
        raise ApiError(400, "no query given (parameter 'query' or an application/sparql-query body)")
    return run_query(query, default_graphs, named_graphs)


def negotiate(form: str) -> tuple[formats.Format, str]:
    """The format to answer a query of this form with, and the media type to label it with (an
    alias such as application/json when that is what Accept named): format= first, then Accept."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offer = GRAPH_OFFER if graph else RESULT_OFFER
    name = request.values.get("format") if request.method in ("GET", "HEAD") or request.mimetype == \
        "application/x-www-form-urlencoded" else request.args.get("format")
    if name:          # a short name ("xml" and "json" mean RDF/XML and JSON-LD for graphs) or a media type
        fmt = formats.by_name(name, results=not graph) or formats.by_media_type(name, results=not graph)
        if fmt is not None and fmt.served:
            return fmt, fmt.media_type
        # a format of the other kind of result ("turtle" for an ASK): Accept decides; unknown: 400
        other = formats.by_name(name, results=graph) or formats.by_media_type(name, results=graph)
        if other is None or not other.served:
            served = [f for f in formats.FORMATS if f.served and f.is_rdf == graph]
            raise ApiError(400, f"unknown format {name!r} for a {form} query; use one of "
                                f"{', '.join(n for f in served for n in f.names)} or their media types "
                                f"({', '.join(f.media_type for f in served)}), or leave format out and "
                                "send Accept")
    mime = best(offer)
    if mime is None:
        raise ApiError(406, f"none of the accepted types is available for a {form} query; "
                            f"offered: {', '.join(offer)}")
    return formats.by_media_type(mime, results=not graph), mime


def run_query(query: str, default_graphs=(), named_graphs=(), substitutions=None,
              fmt: formats.Format | None = None):
    """Run a query and answer it in ``fmt`` (a saved query's suffix), else as negotiated."""
    form = sparql.query_form(query)
    if form == "UPDATE":
        raise ApiError(403 if not current_app.config["ALLOW_UPDATE"] else 400,
                       "this is a SPARQL Update: send it as 'update' (form) or application/sparql-update")
    fmt, mime = (fmt, fmt.media_type) if fmt else negotiate(form or "SELECT")
    cfg = current_app.config
    graph = fmt.is_rdf
    try:                            # the format for the form it turns out to be, should it differ
        other, other_mime = negotiate("SELECT" if graph else "CONSTRUCT")
    except ApiError:
        other, other_mime = formats.default_for("SELECT" if graph else "CONSTRUCT"), None
    answer_in = {"graph": (fmt if graph else other).media_type, "results": (other if graph else fmt).media_type}
    workers = current_app.extensions.get("tdkg.workers")
    db = store()

    def compute():
        result = sparql.execute(db, query, base_iri=request.base_url, default_graphs=list(default_graphs),
                                named_graphs=list(named_graphs), substitutions=substitutions,
                                timeout=cfg["QUERY_TIMEOUT"], max_rows=cfg["MAX_ROWS"],
                                workers=workers, answer_in=answer_in)
        is_graph = result.form in ("CONSTRUCT", "DESCRIBE")
        body = result.body if result.body is not None else sparql.serialize(
            result, formats.by_media_type(answer_in["graph" if is_graph else "results"], results=not is_graph))
        return result.form, body, result.truncated, result.seconds

    key = ("query", query, tuple(default_graphs), tuple(named_graphs), request.base_url,
           tuple(sorted((k.value, str(v)) for k, v in (substitutions or {}).items())),
           answer_in["graph"], answer_in["results"], cfg["MAX_ROWS"])
    try:
        (actual, body, truncated, seconds), kept = answers().get(key, version(db), compute)
    except sparql.QueryRefused as e:
        raise ApiError(403, str(e))
    except sparql.QueryTooComplex as e:
        raise ApiError(400, f"{e}; the query engine cannot take more, so the query was not run")
    except sparql.QueryTimeout as e:
        raise ApiError(503, f"{e}; simplify the query or add a LIMIT", {"Retry-After": "5"})
    except SyntaxError as e:
        raise ApiError(400, f"malformed query: {e}")
    if graph != (actual in ("CONSTRUCT", "DESCRIBE")):      # the form was not what it looked
        if other_mime is None:
            negotiate(actual)                                 # 406, as for a query of that form
        mime = other_mime
    resp = Response(body, mimetype=mime)
    resp.headers["Content-Type"] = f"{mime}; charset=utf-8"
    resp.headers["X-TDKG-Seconds"] = f"{seconds:.3f}"
    if kept:
        resp.headers["X-TDKG-Cache"] = "hit"
    if truncated:
        resp.headers["X-TDKG-Truncated"] = f"true; limit={cfg['MAX_ROWS']}"
    return resp


def _with_dataset(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply using-graph-uri/using-named-graph-uri as USING clauses of a single DELETE/INSERT.

    The protocol forbids them beside USING/WITH in the update itself (400).
    """
    if not using and not using_named:
        return update
    skeleton = sparql.blank(update)
    if re.search(r"\b(USING|WITH)\b", skeleton, re.I):
        raise ApiError(400, "using-graph-uri/using-named-graph-uri conflict with USING or WITH in the update")
    wheres = [m.start() for m in re.finditer(r"\bWHERE\b", skeleton, re.I)]
    if len(wheres) != 1:
        raise ApiError(400, "using-graph-uri/using-named-graph-uri need a single DELETE/INSERT … WHERE operation")
    clauses = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    return update[:wheres[0]] + clauses + " " + update[wheres[0]:]


def _update(update: str, using: list[str], using_named: list[str]):
    cfg = current_app.config
    if not cfg["ALLOW_UPDATE"]:
        raise ApiError(403, "this endpoint is read-only (start it with --allow-update to accept updates)")
    auth = request.headers.get("Authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else ""
    if not hmac.compare_digest(token.encode(), (cfg["UPDATE_TOKEN"] or "").encode()) or not token:
        raise ApiError(401, "updates need 'Authorization: Bearer <token>'",
                       {"WWW-Authenticate": 'Bearer realm="tdkg"'})
    if sparql.uses_service(update) or sparql.uses_load(update):
        raise ApiError(403, "SERVICE and LOAD are not allowed: this endpoint fetches no other URLs")
    if sparql.query_form(update) != "UPDATE":
        raise ApiError(400, "not a SPARQL Update")
    try:
        sparql.check_complexity(update)
    except sparql.QueryTooComplex as e:
        raise ApiError(400, f"{str(e).replace('query', 'update', 1)}; the engine cannot take more, so it was not run")
    update = _with_dataset(update, using, using_named)
    from kg import validate as shacl
    workers = current_app.extensions.get("tdkg.workers")
    with current_app.extensions.setdefault("tdkg.update_lock", threading.Lock()):
        try:
            report = store().guarded_update(update, shacl.validate, base_iri=request.base_url)
        except SyntaxError as e:
            raise ApiError(400, f"malformed update: {e}")
        finally:
            if workers is not None:       # the queries after this update read a checkpoint holding it
                try:
                    workers.refresh()
                except Exception:         # noqa: BLE001 - the update stands; the next query retries
                    current_app.logger.exception("no checkpoint for the query workers after an update")
    if report is not None:
        v = report.violations[0]
        raise ApiError(422, f"the update would break the shapes and was undone: {len(report.violations)} "
                            f"violation(s), first: {v.message} (focus {v.focus}, path {v.path})")
    return Response(status=204)
