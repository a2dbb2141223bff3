"""The schedule in the JSON API: sessions per day, rooms, room changes and door scans."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import utc_iso
from kiosk.desk.messages import when
from kiosk.rooms import door, moves, schedule
from kiosk.web import api_permission, get_db, get_node, json_body, json_error

bp = Blueprint("rooms_api", __name__, url_prefix="/api/v1")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@bp.get("/sessions")
@api_permission("read_schedule")
def sessions() -> Any:
    """Sessions of one event day (`?day=YYYY-MM-DD`), or every session without it."""
    db = get_db()
    day = request.args.get("day")
    if day is not None and not _DAY.fullmatch(day):  # ?day= (empty) is not a day either
        return json_error(400, "bad_request", "day must be YYYY-MM-DD.")
    rows = (
        schedule.session_rows(db, "WHERE s.day = ?", (day,)) if day else schedule.session_rows(db)
    )
    counts = {d: schedule.registered_counts(db, d) for d in {r["day"] for r in rows}}
    return jsonify({"sessions": [schedule.to_api(r, counts[r["day"]].get(r["session_id"], 0))
                                 for r in rows]})  # fmt: skip


@bp.get("/rooms")
@api_permission("read_schedule")
def rooms() -> Any:
    """Every room with its seats."""
    found = schedule.rooms(get_db())
    return jsonify({"rooms": [{"room_id": r.room_id, "name": r.name, "capacity": r.capacity}
                              for r in found]})  # fmt: skip


def _warnings(plan: moves.Preview) -> list[str]:
    """A sentence per thing this move causes, in the asker's language."""
    found, warnings = plan.impact, []
    if found.shortfall:
        warnings.append(gettext("The new room seats %(capacity)d, but %(registered)d people"
                                " signed up.", capacity=found.capacity,
                                registered=found.registered))  # fmt: skip
    if found.clashes:
        warnings.append(gettext("The new room is already in use at an overlapping time: %(s)s.",
                                s=", ".join(s.title for s in found.clashes)))  # fmt: skip
    if found.underway:
        warnings.append(gettext("The session is under way: people in %(room)s must be sent to"
                                " the new room.", room=plan.session["room_name"]))  # fmt: skip
    return warnings


def _standing(plan: moves.Preview) -> list[str]:
    """The day's double bookings this move neither causes nor ends, one sentence each."""
    names = {r.room_id: r.name for r in schedule.rooms(get_db())}
    return [gettext("%(a)s and %(b)s share %(room)s from %(start)s.", a=a.title, b=b.title,
                    room=names.get(a.room_id, a.room_id), start=when(b.starts_at.isoformat()))
            for a, b in plan.impact.standing]  # fmt: skip


@bp.post("/sessions/<session_id>/room")
@api_permission("room_change")
def change_room(session_id: str) -> Any:
    """Moves a session; answers with the session, the people affected, what the move causes
    (`warnings`) and the day's problems it leaves as they were (`standing`)."""
    data, db = json_body(), get_db()
    room_id, reason = data.get("room_id"), data.get("reason", "")
    if not isinstance(room_id, str) or not room_id or not isinstance(reason, str):
        return json_error(400, "bad_request", "room_id must be a non-empty string.")
    try:
        with transaction(db):
            plan = moves.preview(db, session_id, room_id)
            if not plan.impact.same_room:
                moves.move(db, get_node(), plan, g.principal.name, reason or "api",
                           utc_iso(clock.now()))  # fmt: skip
    except moves.MoveError as exc:
        status = 404 if exc.code in ("not_found", "unknown_room") else 400  # both ids name nothing
        return json_error(status, exc.code, str(exc))
    row = schedule.session(db, session_id)
    registered = plan.impact.registered
    return jsonify({"session": schedule.to_api(row, registered), "affected_attendees": registered,
                    "warnings": _warnings(plan), "standing": _standing(plan),
                    "changed": not plan.impact.same_room})  # fmt: skip


@bp.post("/rooms/<room_id>/scan")
@api_permission("door")
def door_scan(room_id: str) -> Any:
    """A badge at a room door: `{"code", "direction": "in"|"out"}`."""
    data, db = json_body(), get_db()
    room = schedule.room(db, room_id)
    if room is None:
        return json_error(404, "not_found", "No room has this id.")
    code, direction = data.get("code"), data.get("direction", "in")
    if not isinstance(code, str) or direction not in ("in", "out"):
        return json_error(400, "bad_request", 'code must be a string, direction "in" or "out".')
    out = door.scan(db, get_node(), room, code, direction, g.principal.name, clock.now())
    d = out.decision
    return jsonify({
        "result": d.result.value, "occupancy": d.occupancy, "capacity": d.capacity,
        "level": d.level.value, "session_id": out.session.session_id if out.session else None,
        "attendee": attendees.to_api(db, out.attendee) if out.attendee else None})  # fmt: skip
