"""The JSON API (/api/v1) for scanners, scripts and apps: bearer tokens and roles."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from kiosk import clock
from kiosk.desk import attendees, checkin, search, selfservice
from kiosk.views import api_scan, selfservice_visit
from kiosk.web import api_permission, get_db, get_node, json_body, json_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/scan")
@api_permission("scan")
def scan() -> Any:
    """One scan: the result code, the attendee, a sentence, and the check-in's op id.

    Most scans are answered before they get here (kiosk.views.api_scan.FastScan); this view
    answers the rest, the same way, and every refusal with its JSON error.
    """
    asked = api_scan.read_request(request.get_json(silent=True))
    if not isinstance(asked, api_scan.ScanRequest):
        return json_error(*asked)
    db = get_db()
    try:
        outcome = api_scan.scan(db, current_app, asked, g.principal)
    except checkin.OpIdTaken:
        return json_error(409, "op_id_taken", "This op_id was already used for something else.")
    except selfservice.Locked as exc:
        response = json_error(429, "rate_limited", selfservice_visit.lock_sentence(exc.until))
        wait = ceil((exc.until - clock.now()).total_seconds())
        response.headers["Retry-After"] = str(max(1, wait))
        return response
    return jsonify(api_scan.answer(db, outcome, g.principal))


@bp.post("/checkins/<op_id>/undo")
@api_permission("undo")
def undo(op_id: str) -> Any:
    """Cancels one check-in; the undo is itself an op that syncs."""
    data = json_body()
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    try:
        checkin.undo(get_db(), get_node(), op_id, staff=g.principal.name, reason=reason)
    except checkin.UndoError as exc:
        if exc.code == "not_found":
            return json_error(404, "not_found", "No check-in has this op_id.")
        return json_error(409, "already_undone", "This check-in was already undone.")
    return jsonify({"result": "undone"})


@bp.get("/attendees")
@api_permission("read_attendees")
def list_attendees() -> Any:
    """Search: prefixes of name, e-mail, company and code, best matches first."""
    try:
        limit = int(request.args.get("limit", 20))
    except ValueError:
        return json_error(400, "bad_request", "limit must be a whole number.")
    if not 1 <= limit <= search.MAX_LIMIT:
        return json_error(400, "bad_request", f"limit must be from 1 to {search.MAX_LIMIT}.")
    db = get_db()
    rows = search.find(db, request.args.get("q", ""), limit)
    return jsonify({"attendees": [attendees.to_api(db, r) for r in rows]})


@bp.get("/attendees/<attendee_id>")
@api_permission("read_attendees")
def get_attendee(attendee_id: str) -> Any:
    """One attendee with every check-in (undone ones marked)."""
    db = get_db()
    row = attendees.get(db, attendee_id)
    if row is None:
        return json_error(404, "not_found", "No attendee has this id.")
    data = attendees.to_api(db, row)
    data["checkins"] = [
        {"op_id": h.op_id, "at": h.at, "day": h.day, "desk": h.desk, "staff": h.staff,
         "undone": h.undone_at is not None, "undone_at": h.undone_at}
        for h in attendees.history(db, attendee_id)
    ]  # fmt: skip
    data.update(email=row["email"], note=row["note"], block_note=row["block_note"])
    return jsonify(data)
