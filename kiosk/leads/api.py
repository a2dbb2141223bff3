"""Leads in the JSON API: a booth's phone posts scans and reads its own sponsor's leads.

Only exhibitor tokens reach these routes, and each reads and writes its own sponsor's leads:
the sponsor comes from the token, never from the request.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from flask import Blueprint, g, jsonify

from kiosk import auth, clock
from kiosk.leads import capture, sponsors
from kiosk.replication.node import Node
from kiosk.web import api_permission, get_db, get_node, json_body, json_error
from sync.ids import is_uuid

bp = Blueprint("leads_api", __name__, url_prefix="/api/v1")
_BODY = {"code", "note", "rating", "answers", "op_id"}


def _fields(db: sqlite3.Connection, sponsor_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The lead fields asked for, checked against the token's sponsor's questions."""
    found = sponsors.get(db, sponsor_id)
    questions = found.questions if found else ()
    answers = capture.clean_answers(data.get("answers"), questions)
    return capture.clean_fields(data.get("rating"), data.get("note"), answers)


def _error(status: int, error: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": error, "message": message}


def capture_answer(db: sqlite3.Connection, node: Node, principal: auth.Principal,
                   data: dict[str, Any], now: datetime) -> tuple[int, dict[str, Any]]:  # fmt: skip
    """A badge scanned at the booth, answered as (status, JSON body): 201 and the lead.

    The view below and the scanners' fast path (kiosk.views.api_scan) both answer with it, so
    a booth phone gets the same answer whichever path its request takes.
    """
    if unknown := sorted(set(data) - _BODY):
        return _error(400, "bad_request", f"Unknown field {unknown[0]!r}.")
    code, op_id = data.get("code"), data.get("op_id")
    if not isinstance(code, str) or not code.strip():
        return _error(400, "bad_request", "code must be a non-empty string.")
    if op_id is not None and not is_uuid(op_id):
        return _error(400, "bad_request", "op_id must be a UUID string.")
    try:
        fields = _fields(db, principal.sponsor, data)
        lead = capture.capture(db, node, principal.sponsor, code, principal.name, now, fields,
                               op_id)  # fmt: skip
    except capture.OpIdTaken:
        return _error(409, "op_id_taken", "This op_id was already used for something else.")
    except capture.LeadError as exc:
        return _error(400, "bad_request", str(exc))
    if lead is None:
        return _error(404, "unknown_code", "No attendee has this code.")
    return 201, lead.to_api()


@bp.post("/leads")
@api_permission("leads")
def create() -> Any:
    """A badge scanned at the booth: 201 and the lead (name and company; e-mail if agreed).
    Most are answered before they get here, by kiosk.views.api_scan.FastScan."""
    status, body = capture_answer(get_db(), get_node(), g.principal, json_body(), clock.now())
    return jsonify(body), status


@bp.post("/leads/<lead_id>")
@api_permission("leads")
def update(lead_id: str) -> Any:
    """A lead's rating, note or answers changed at the booth (not a new visit)."""
    data = json_body()
    if unknown := sorted(set(data) - (_BODY - {"code", "op_id"})):
        return json_error(400, "bad_request", f"Unknown field {unknown[0]!r}.")
    db, sponsor = get_db(), g.principal.sponsor
    try:
        lead = capture.edit(db, get_node(), sponsor, lead_id, g.principal.name,
                            _fields(db, sponsor, data))  # fmt: skip
    except capture.LeadError as exc:
        return json_error(400, "bad_request", str(exc))
    if lead is None:
        return json_error(404, "not_found", "This booth has no lead with this id.")
    return jsonify(lead.to_api())


@bp.get("/leads")
@api_permission("leads")
def listing() -> Any:
    """The token's own sponsor's leads, the latest visit first."""
    leads = capture.for_sponsor(get_db(), g.principal.sponsor)
    return jsonify({"leads": [lead.to_api() for lead in leads]})
