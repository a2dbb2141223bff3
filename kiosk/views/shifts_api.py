"""Shifts and room readiness in the JSON API, for scripts and other screens.

Desk and supervisor tokens read shifts, check staff in and tick checklists (role `shifts`).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, jsonify, request

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.rooms import schedule
from kiosk.runofshow import checklist
from kiosk.shifts import roster, rules
from kiosk.views.shifts import grace
from kiosk.web import api_permission, get_db, get_node, json_body, json_error

bp = Blueprint("shifts_api", __name__, url_prefix="/api/v1")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _shift(shift: rules.Shift) -> dict[str, Any]:
    arrived = shift.checked_in_at
    return {"shift_id": shift.shift_id, "person": shift.person, "badge_code": shift.badge_code,
            "role": shift.role, "place": shift.place, "place_name": shift.place_name,
            "starts_at": utc_iso(shift.starts_at), "ends_at": utc_iso(shift.ends_at),
            "checked_in_at": utc_iso(arrived) if arrived else None,
            "state": rules.state(shift, clock.now(), grace())}  # fmt: skip


@bp.get("/shifts")
@api_permission("shifts")
def shifts() -> Any:
    """One day's standing shifts (`?day=YYYY-MM-DD`), in start order, with their state."""
    day = request.args.get("day", "")
    if not _DAY.fullmatch(day):
        return json_error(400, "bad_request", "day must be YYYY-MM-DD.")
    return jsonify({"shifts": [_shift(s) for s in roster.day_shifts(get_db(), day)]})


@bp.post("/shifts/<shift_id>/checkin")
@api_permission("shifts")
def check_in(shift_id: str) -> Any:
    """Checks in the shift's person; checking in twice keeps the first arrival."""
    db = get_db()
    shift = roster.standing(db, shift_id)
    if shift is None:
        return json_error(404, "not_found", "No shift has this id.")
    if shift.checked_in_at is None:
        with transaction(db):
            roster.check_in(db, get_node(), shift, g.principal.name, clock.now())
    return jsonify({"shift": _shift(roster.standing(db, shift_id))})


def _readiness(session_id: str) -> dict[str, Any]:
    ticks = checklist.checklist(get_db(), session_id)
    return {"session_id": session_id, "ready": all(t.done for t in ticks),
            "items": [{"item": t.item, "done": t.done, "by": t.by, "at": t.at or None}
                      for t in ticks]}  # fmt: skip


@bp.get("/sessions/<session_id>/readiness")
@api_permission("shifts")
def readiness(session_id: str) -> Any:
    """One session's checklist."""
    if schedule.session(get_db(), session_id) is None:
        return json_error(404, "not_found", "No session has this id.")
    return jsonify(_readiness(session_id))


@bp.post("/sessions/<session_id>/readiness")
@api_permission("shifts")
def tick(session_id: str) -> Any:
    """Ticks (`done: true`) or unticks one item of a session's checklist."""
    body, db = json_body(), get_db()
    if schedule.session(db, session_id) is None:
        return json_error(404, "not_found", "No session has this id.")
    item, done = body.get("item"), body.get("done")
    if item not in checklist.ITEMS or not isinstance(done, bool):
        return json_error(400, "bad_request", "item must be one of " + ", ".join(checklist.ITEMS)
                          + " and done true or false.")  # fmt: skip
    with transaction(db):
        checklist.tick(db, get_node(), session_id, item, done, g.principal.name,
                       utc_iso(clock.now()))  # fmt: skip
    return jsonify(_readiness(session_id))
