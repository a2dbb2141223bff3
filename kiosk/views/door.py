"""Room doors and occupancy for staff: a device bound to a room scans badges in and out, and
the coordinator watches every room's count against its capacity.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from kiosk import clock
from kiosk.rooms import door, schedule
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("door", __name__, url_prefix="/rooms")


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _room(room_id: str) -> Any:
    found = schedule.room(get_db(), room_id)
    if found is None:
        abort(404)
    return found


@bp.get("/occupancy")
@staff_required("read_schedule")
def occupancy() -> Response:
    """Live counts per room; the table refreshes itself every few seconds."""
    rows = door.all_occupancy(get_db(), clock.now())
    template = "rooms/_occupancy.html" if _htmx() else "rooms/occupancy.html"
    response = Response(render_template(template, rows=rows))
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/door", methods=["GET", "POST"])
@staff_required("door")
def pick() -> Any:
    """Binds this device to a room (remembered in its session)."""
    if request.method == "POST":
        room = _room(request.form.get("room_id", "")[:100])
        session["door_room"] = room.room_id
        return redirect(url_for(".door_page", room_id=room.room_id), 303)
    bound = session.get("door_room")
    return render_template("rooms/door_pick.html", rooms=schedule.rooms(get_db()), bound=bound)


def _door(room: Any, outcome: door.DoorOutcome | None, status: int = 200) -> Response:
    occ = door.occupancy(get_db(), room, clock.now())
    template = "rooms/_door_result.html" if _htmx() else "rooms/door.html"
    response = Response(render_template(template, room=room, outcome=outcome, occ=occ),
                        status=status)  # fmt: skip
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/door/<room_id>")
@staff_required("door")
def door_page(room_id: str) -> Response:
    """The door screen: one always-focused scan field, the answer, the live count."""
    return _door(_room(room_id), None)


@bp.post("/door/<room_id>/scan")
@staff_required("door")
def door_scan(room_id: str) -> Response:
    """A badge at the door: registered or not for the session now, and how full the room is."""
    room = _room(room_id)
    direction = "out" if request.form.get("direction") == "out" else "in"
    code = request.form.get("code", "")[:4096]
    device = f"{session.get('desk', '')} {room.room_id}".strip()
    outcome = door.scan(get_db(), get_node(), room, code, direction, device, clock.now())
    return _door(room, outcome)
