"""One JSON error shape everywhere: ``{"error": {"status": 400, "title": "...", "message": "..."}}``."""
from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 406: "Not Acceptable", 413: "Payload Too Large",
          415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error", 503: "Service Unavailable",
          504: "Gateway Timeout"}


def error_response(status: int, message: str, headers: dict | None = None):
    resp = jsonify({"error": {"status": status, "title": TITLES.get(status, "Error"), "message": message}})
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(e: ApiError):
        return error_response(e.status, e.message, e.headers)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        headers = {"Allow": ", ".join(e.valid_methods)} if getattr(e, "valid_methods", None) else {}
        if e.code == 413:
            msg = f"request body larger than {app.config['MAX_CONTENT_LENGTH']:,} bytes"
        else:
            msg = e.description or TITLES.get(e.code, "error")
        return error_response(e.code or 500, msg, headers)
