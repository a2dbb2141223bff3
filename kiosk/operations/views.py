"""GET /healthz, GET /metrics, the API description and its page.

/healthz and the description take no token: a health check and a document show no one's data.
/metrics needs a token of role `metrics` (or `supervisor`): its counts say how an event goes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from kiosk.operations import apidoc, assets, health
from kiosk.operations.gauges import DatabaseGauges
from kiosk.version import kiosk_version
from kiosk.web import api_permission, get_db

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while the database can be written; 503 with the reason when it cannot."""
    found = health.probe(current_app.config["DATABASE"])
    answer = {"version": kiosk_version(), "disk_free_bytes": found.free_bytes}
    if not found.ok:
        return jsonify(status="unavailable", reason=found.reason, message=found.message,
                       **answer), 503  # fmt: skip
    return jsonify(status="ok", **answer), 200


@bp.get("/metrics")
@api_permission("metrics")
def metrics() -> Response:
    """The process's counters, then what the database and the disk say right now."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(DatabaseGauges(get_db(), current_app.config["DATABASE"]))
    return Response(generate_latest(REGISTRY) + generate_latest(scrape),
                    content_type=CONTENT_TYPE_LATEST)  # fmt: skip


@bp.get("/api/v1/openapi.yaml")
def openapi() -> Response:
    """The API description (docs/openapi.yaml in the source)."""
    return Response(assets.openapi_file().read_bytes(), mimetype="application/yaml")


@bp.get("/api/v1/")
def api_page() -> Any:
    """Every route of the API, readable in a browser."""
    spec = apidoc.load(assets.openapi_file())
    return render_template("operations/api.html", spec=spec, operations=apidoc.operations(spec))
