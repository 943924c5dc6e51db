"""Liveness for load balancers and tests."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    store = current_app.extensions["tdkg.store"]
    return jsonify({"status": "ok", "triples": store.count(),
                    "update": bool(current_app.config["ALLOW_UPDATE"])})
