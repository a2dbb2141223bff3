"""The schedule and room changes for staff: sessions per day, move a session, undo, export.

Every step is a plain link or form post (303 after each post); htmx only swaps the impact
preview in place when a room is picked.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.rooms import moves, schedule
from kiosk.rooms import rules as rooms
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _today() -> str:
    from kiosk.desk.event import load as load_event

    return load_event(get_db()).local_date(clock.now()).isoformat()


def move_messages() -> dict[str, str]:
    """Sentences for people, by MoveError code."""
    return {
        "not_found": gettext("This session or change no longer exists."),
        "unknown_room": gettext("Pick a room from the list."),
        "changed": gettext("Someone changed this session's room meanwhile. Look again."),
        "no_previous_room": gettext("This change has no earlier room to go back to."),
    }


def _room_names() -> dict[str, str]:
    return {r.room_id: r.name for r in schedule.rooms(get_db())}


@bp.get("")
@staff_required("read_schedule")
def index() -> str:
    """Sessions of one day with their rooms, sign-ups and moves, and the day's double bookings."""
    db = get_db()
    days = schedule.days(db)
    day = request.args.get("day") or (_today() if _today() in days else (days[0] if days else ""))
    rows = schedule.session_rows(db, "WHERE s.day = ?", (day,))
    return render_template("rooms/index.html", day=day, days=days, sessions=rows,
                           counts=schedule.registered_counts(db, day),
                           changes=schedule.changes(db)[:10], room_names=_room_names(),
                           standing=rooms.double_bookings(schedule.slots_on(db, day)))  # fmt: skip


def _preview(session_id: str, room_id: str) -> moves.Preview | None:
    try:
        return moves.preview(get_db(), session_id, room_id) if room_id else None
    except moves.MoveError as exc:
        if exc.code == "not_found":
            abort(404)
        return None


@bp.get("/sessions/<session_id>/move")
@staff_required("room_change")
def move_form(session_id: str) -> Any:
    """Pick a new room; the impact shows before anything changes."""
    db = get_db()
    row = schedule.session(db, session_id)
    if row is None:
        abort(404)
    plan = _preview(session_id, request.args.get("room_id", "")[:100])
    context = {"session": row, "plan": plan, "rooms": schedule.rooms(db),
               "room_names": _room_names(), "registered": schedule.registered_count(db, session_id),
               "attendees": schedule.registered_attendees(db, session_id)[:12]
               if plan else []}  # fmt: skip
    template = "rooms/_preview.html" if _htmx() else "rooms/move.html"
    response = Response(render_template(template, **context))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/sessions/<session_id>/move")
@staff_required("room_change")
def move(session_id: str) -> Any:
    """Confirms a move with a reason; shows the change with its undo and export."""
    db = get_db()
    room_id = request.form.get("room_id", "")[:100]
    reason = " ".join(request.form.get("reason", "").split())[: moves.MAX_REASON]
    if not reason:
        flash(gettext("Say why the session moves: people will ask."), "error")
        return redirect(url_for(".move_form", session_id=session_id, room_id=room_id), 303)
    try:
        with transaction(db):
            moves.check_seen(db, session_id, request.form.get("seen", ""))
            plan = moves.preview(db, session_id, room_id)
            op_id = moves.move(db, get_node(), plan, g.principal.name, reason,
                               utc_iso(clock.now()))  # fmt: skip
    except moves.MoveError as exc:
        flash(move_messages()[exc.code], "error")
        return redirect(url_for(".move_form", session_id=session_id, room_id=room_id), 303)
    return redirect(url_for(".change", op_id=op_id), 303)


@bp.get("/changes/<op_id>")
@staff_required("room_change")
def change(op_id: str) -> str:
    """One change: what moved where, who is affected, undo and the list to tell them."""
    db = get_db()
    found = schedule.change(db, op_id)
    if found is None:
        abort(404)
    row = schedule.session(db, found["session_id"])
    return render_template("rooms/change.html", change=found, session=row,
                           registered=schedule.registered_count(db, found["session_id"]),
                           latest=schedule.changes(db, found["session_id"])[0][
                               "op_id"])  # fmt: skip


@bp.post("/changes/<op_id>/undo")
@staff_required("room_change")
def undo(op_id: str) -> Any:
    """Puts the session back where this change found it (a new change, with its own undo)."""
    db = get_db()
    try:
        with transaction(db):
            new_id = moves.undo(db, get_node(), op_id, g.principal.name, utc_iso(clock.now()))
    except moves.MoveError as exc:
        flash(move_messages()[exc.code], "error")
        return redirect(url_for(".index"), 303)
    flash(gettext("Undone: the session is back in its earlier room."), "ok")
    return redirect(url_for(".change", op_id=new_id), 303)


@bp.get("/changes/<op_id>/affected.csv")
@staff_required("room_change")
def affected_csv(op_id: str) -> Response:
    """Names and e-mails of the people signed up, for telling them."""
    out = io.StringIO()
    try:
        moves.export_affected(get_db(), op_id, out)
    except moves.MoveError:
        abort(404)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="room-change-{op_id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
