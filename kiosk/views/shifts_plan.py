"""The supervisor's shift form: add a shift on the spot, change one, or take it off the board.

Each save is one `shift_set` op of the fields that changed; taking a shift off sets its status
to cancelled (it stays in the log and the day log's history).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.rooms import schedule
from kiosk.shifts import roster, rules, store
from kiosk.views.shifts import held, hm, role_names
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("shifts_plan", __name__, url_prefix="/shifts")
EDITED = ("person", "badge_code", "role", "place")


def _form(shift: rules.Shift | None, day: str) -> str:
    return render_template("shifts/edit.html", shift=shift, hm=hm, day=day,
                           rooms=schedule.rooms(get_db()), roles=role_names())  # fmt: skip


def _fields(day: date) -> dict[str, str] | None:
    """The form's fields as a shift's, or None when it lacks a person, a role or sane times."""
    fields = {k: " ".join(request.form.get(k, "").split())[:100] for k in EDITED}
    zone = load_event(get_db()).zone
    try:
        starts, ends = (datetime.combine(day, datetime.strptime(request.form.get(k, ""),
                        "%H:%M").time(), zone) for k in ("starts", "ends"))  # fmt: skip
    except ValueError:
        return None
    if not fields["person"] or not fields["role"] or not fields["place"] or ends <= starts:
        return None
    return {**fields, "role": fields["role"].casefold(), "starts_at": utc_iso(starts),
            "ends_at": utc_iso(ends), "day": day.isoformat()}  # fmt: skip


def _save(shift_id: str, fields: dict[str, str]) -> Any:
    db = get_db()
    with transaction(db):
        roster.set_shift(db, get_node(), shift_id, fields, g.principal.name)
    flash(gettext("Shift saved."), "ok")
    return redirect(url_for("shifts.board", day=fields["day"]), 303)


def _refuse(again: str) -> Any:
    flash(gettext("A shift needs a person, a role, a place, and an end after its start."), "error")
    return redirect(again, 303)


@bp.route("/<shift_id>/edit", methods=["GET", "POST"])
@staff_required("shifts_plan")
def edit(shift_id: str) -> Any:
    """One shift's person, badge, role, place and times (on its own day)."""
    shift = held(shift_id)
    day = load_event(get_db()).local_date(shift.starts_at)
    if request.method == "GET":
        return _form(shift, day.isoformat())
    fields = _fields(day)
    if fields is None:
        return _refuse(url_for(".edit", shift_id=shift_id))
    return _save(shift_id, fields)


@bp.route("/new", methods=["GET", "POST"])
@staff_required("shifts_plan")
def new() -> Any:
    """A shift added on the spot, on the day the board showed."""
    try:
        day = date.fromisoformat(request.values.get("day", "")[:10])
    except ValueError:
        day = load_event(get_db()).local_date(clock.now())
    if request.method == "GET":
        return _form(None, day.isoformat())
    fields = _fields(day)
    if fields is None:
        return _refuse(url_for(".new", day=day.isoformat()))
    shift_id = roster.shift_id_for(fields["day"], fields["role"], fields["place"],
                                   fields["starts_at"], fields["person"])  # fmt: skip
    return _save(shift_id, fields)


@bp.post("/<shift_id>/cancel")
@staff_required("shifts_plan")
def cancel(shift_id: str) -> Any:
    """Takes the shift off the board (status cancelled: one op, kept in the log)."""
    db, shift = get_db(), held(shift_id)
    with transaction(db):
        roster.set_shift(db, get_node(), shift_id, {"status": store.CANCELLED}, g.principal.name)
    flash(gettext("The shift of %(name)s is off the board.", name=shift.person), "ok")
    day = load_event(db).local_date(shift.starts_at).isoformat()
    return redirect(url_for("shifts.board", day=day), 303)
