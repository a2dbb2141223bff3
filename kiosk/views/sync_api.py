"""/sync/v1 over HTTP: bearer tokens of role `sync`, then the plain protocol functions.

Every node serves this (`kiosk serve` and `kiosk headoffice serve`), so two venue machines can
sync with each other when the internet is down. GET /api/v1/sync/status shows sync at a glance.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from kiosk.replication import peering as replication
from kiosk.web import api_permission, bearer_principal, get_db, json_error
from sync.protocol import encode
from sync.server import Request, handle

log = logging.getLogger("kiosk.sync")
bp = Blueprint("sync_api", __name__, url_prefix="/sync/v1")
status_bp = Blueprint("sync_status", __name__, url_prefix="/api/v1")


def _serve() -> Response:
    """Passes the request through the protocol; answers gzip to clients that accept it."""
    local = replication.local(get_db(), current_app.config)
    local.max_body = current_app.config["SYNC_MAX_BODY"]
    body = request.get_data(cache=False) if request.method == "POST" else b""
    status, answer = handle(local, Request(request.method, request.path, dict(request.args), body,
                                           request.headers.get("Content-Encoding"),
                                           g.principal.ident))  # fmt: skip
    if request.path.endswith("/push") and status == 200:
        log.info("sync push from %s: %s ops accepted, %s duplicates", g.principal.name,
                 answer.get("accepted"), answer.get("duplicates"))  # fmt: skip
    elif request.path.endswith("/pull") and status == 200 and answer.get("ops"):
        log.info("sync pull by %s: %d ops sent", g.principal.name, len(answer["ops"]))
    compress = "gzip" in request.headers.get("Accept-Encoding", "")
    data = encode(answer, compress=compress)
    response = Response(data, status=status, mimetype="application/json")
    if data[:2] == b"\x1f\x8b":
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response


@bp.post("/hello")
@api_permission("sync")
def hello() -> Response:
    """Node id, epoch, log height, and how many of the caller's ops we hold."""
    return _serve()


@bp.post("/push")
@api_permission("sync")
def push() -> Response:
    """A batch of ops, gzip or plain JSON; all or nothing; each op_id stored once."""
    return _serve()


@bp.get("/pull")
@api_permission("sync")
def pull() -> Response:
    """Our ops after the caller's cursor, a page at a time."""
    return _serve()


@bp.post("/verify")
@api_permission("sync")
def verify() -> Response:
    """Which of the named op ids we hold, with their digest (for `kiosk sync --final`)."""
    return _serve()


@bp.post("/missing")
@api_permission("sync")
def missing() -> Response:
    """Where our op ids differ from the caller's, range by range (after a restore, --final)."""
    return _serve()


@status_bp.get("/sync/status")
def status() -> Any:
    """Sync state for scripts and dashboards: any desk, supervisor or sync token."""
    principal = bearer_principal()
    if principal is None:
        return json_error(401, "unauthorized", "A valid bearer token is required.")
    if not (principal.may("sync") or principal.may("read_attendees")):
        return json_error(403, "forbidden", f"The {principal.role} role may not do this.")
    return jsonify(replication.status(get_db(), current_app.config["SYNC_PEER"]))
