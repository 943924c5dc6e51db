"""``POST /validate``: a user's RDF checked against the shapes, the report as JSON, Turtle or HTML."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from kg import validate as shacl
from kg.graph import formats

from .errors import ApiError
from .protocol import best, cors

bp = Blueprint("validation", __name__)
bp.after_request(cors)


def _suffix(mime: str | None) -> str | None:
    """The file extension the parser knows an RDF media type by (text/turtle -> .ttl)."""
    fmt = formats.by_media_type(mime or "", results=False)
    return "." + fmt.extension if fmt is not None and fmt.served else None


@bp.get("/validate")
def form():
    return render_template("validate.html")


@bp.post("/validate")
def validate():
    if request.mimetype == "multipart/form-data":        # the page's upload form
        upload = request.files.get("file")
        text = upload.read() if upload and upload.filename else request.form.get("data", "").encode()
        suffix = Path(upload.filename).suffix if upload and upload.filename else \
            _suffix(request.form.get("format", "text/turtle")) or ".ttl"
    elif request.mimetype == "application/x-www-form-urlencoded":
        text = request.form.get("data", "").encode()
        suffix = _suffix(request.form.get("format", "text/turtle")) or ".ttl"
    else:
        suffix = _suffix(request.mimetype)
        if suffix is None:
            raise ApiError(415, "send Turtle (text/turtle), JSON-LD (application/ld+json) or "
                                f"N-Triples (application/n-triples), not {request.mimetype or '(none)'}")
        text = request.get_data()
    lang = request.args.get("lang", "en")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + suffix)
        path.write_bytes(text)
        try:
            data = shacl.parse_rdf(path)
        except shacl.RdfInputError as e:
            raise ApiError(400, str(e).replace(str(path), "request body"))
    store = current_app.extensions["tdkg.store"]
    report = shacl.validate(data, lang=lang, context=store.context_of(data) if store is not None else None)
    mime = best(["application/json", "text/turtle", "text/html"])
    if mime == "text/turtle":
        return Response(report.graph.serialize(format="turtle"), mimetype="text/turtle")
    if mime == "text/html" and "text/html" in (request.headers.get("Accept") or ""):
        return render_template("validate.html", report=shacl.text_report(report, data, lang),
                               conforms=report.conforms)
    return Response(shacl.json_report(report, data, lang, source="request body"),
                    mimetype="application/json")
