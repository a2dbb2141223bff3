"""The shifts board: now and next, no-shows in red, staff check-in by badge scan, reassignment
in one step, and the supervisor's CSV upload (the shift form is kiosk/views/shifts_plan.py).

Desk staff check staff in; supervisors also reassign and import. Every change is a form post
answered with 303 (htmx swaps the scan result in place and refreshes the board).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.desk.messages import when
from kiosk.desk.sheets import CsvError
from kiosk.shifts import importer, roster, rules, store
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("shifts", __name__, url_prefix="/shifts")
SOON = timedelta(hours=2)  # the board's "next": shifts starting within two hours


def grace() -> timedelta:
    """How long after its start a shift with no check-in turns into a no-show."""
    return timedelta(minutes=int(current_app.config.get("SHIFT_NO_SHOW_MINUTES", 10)))


def hm(moment: datetime | None) -> str:
    """An instant as the venue's clock time."""
    return when(utc_iso(moment)) if moment else ""


def role_names() -> dict[str, str]:
    """The usual roles in the screen's language; any other role shows as written."""
    return {"desk": gettext("Desk"), "usher": gettext("Usher"),
            "technician": gettext("Technician"), "runner": gettext("Runner"),
            "security": gettext("Security"), "supervisor": gettext("Supervisor")}  # fmt: skip


def refusals() -> dict[str, str]:
    """Sentences for people, by rules.Refusal code."""
    return {
        "unknown_badge": gettext("This badge has no shift. Check the name on the board."),
        "no_shift": gettext("No shift starts within the hour for this badge."),
        "already": gettext("Already checked in for this shift."),
    }


def _day(db: Any) -> str:
    days = store.days(db)
    today = load_event(db).local_date(clock.now()).isoformat()
    asked = request.args.get("day", "")[:10]
    return asked or (today if today in days or not days else days[0])


@dataclass(frozen=True)
class Row:
    """One board row, worked out before the template: the board has hundreds."""

    shift: rules.Shift
    state: str
    hours: str  # "10:00–12:00"
    arrived: str  # the clock time of the check-in, or ""
    url: str  # the shift's path under /shifts/


def _rows(shifts: list[rules.Shift], now: datetime) -> list[Row]:
    times: dict[datetime, str] = {}  # many shifts share a start or an end

    def clock_time(moment: datetime) -> str:
        return times.setdefault(moment, hm(moment))

    wait, rows = grace(), []
    for s in shifts:
        arrived = hm(s.checked_in_at) if s.checked_in_at else ""
        hours = f"{clock_time(s.starts_at)}–{clock_time(s.ends_at)}"
        rows.append(Row(s, rules.state(s, now, wait), hours, arrived, quote(s.shift_id, safe="")))
    return rows


def _context(day: str) -> dict[str, Any]:
    db, now = get_db(), clock.now()
    shifts = roster.day_shifts(db, day)
    groups = {k: _rows(v, now) for k, v in rules.board(shifts, now, SOON).items()}
    return {"day": day, "days": store.days(db), "groups": groups, "count": len(shifts),
            "no_shows": sum(r.state == rules.NO_SHOW for g in groups.values() for r in g),
            "people": list(store.people(db)), "hm": hm, "roles": role_names()}  # fmt: skip


def _page(template: str, **extra: Any) -> Response:
    day = _day(get_db())
    response = Response(render_template(template, **_context(day), **extra))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("")
@staff_required("shifts")
def board() -> Response:
    """The day's shifts; htmx refreshes the board part every 30 s so no-shows turn red."""
    if request.headers.get("HX-Request") == "true":
        return _page("shifts/_board.html")
    return _page("shifts/board.html")


def _back() -> Any:
    return redirect(url_for(".board", day=request.form.get("day", "")[:10] or None), 303)


@bp.post("/checkin")
@staff_required("shifts")
def scan() -> Any:
    """A staff badge scanned (or its code typed): checks in their current or next shift."""
    code = request.form.get("code", "").strip()[:200]
    result: dict[str, Any] = {"code": code}
    if code:
        db, now = get_db(), clock.now()
        try:
            with transaction(db):
                result["shift"] = roster.check_in_badge(db, get_node(), code, g.principal.name,
                                                        now)  # fmt: skip
        except rules.Refusal as exc:
            result.update(refusal=exc.code, message=refusals()[exc.code], shift=exc.shift)
    if request.headers.get("HX-Request") != "true":
        if result.get("refusal"):
            flash(result["message"], "error")
        elif code:
            flash(gettext("%(name)s is checked in.", name=result["shift"].person), "ok")
        return _back()
    return _page("shifts/_scan_result.html", result=result)


def held(shift_id: str) -> rules.Shift:
    """The shift a URL names, or 404 when it is not on the board."""
    shift = roster.standing(get_db(), shift_id)
    if shift is None:
        abort(404)
    return shift


@bp.post("/<shift_id>/checkin")
@staff_required("shifts")
def check_in(shift_id: str) -> Any:
    """Checks in the person of one shift (someone without their badge)."""
    db, shift = get_db(), held(shift_id)
    if shift.checked_in_at is None:
        with transaction(db):
            roster.check_in(db, get_node(), shift, g.principal.name, clock.now())
    flash(gettext("%(name)s is checked in.", name=shift.person), "ok")
    return _back()


@bp.post("/<shift_id>/reassign")
@staff_required("shifts_plan")
def reassign(shift_id: str) -> Any:
    """Gives the shift to someone else in one step (one op)."""
    db, shift = get_db(), held(shift_id)
    person = " ".join(request.form.get("person", "").split())[:100]
    if not person or person == shift.person:
        flash(gettext("Pick another person for this shift."), "error")
        return _back()
    with transaction(db):
        roster.reassign(db, get_node(), shift_id, person, g.principal.name)
    flash(gettext("The shift is now %(name)s's.", name=person), "ok")
    return _back()


@bp.post("/import")
@staff_required("shifts_plan")
def upload() -> Any:
    """A shifts CSV or .xlsx file: all or nothing; the error names the line."""
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        flash(gettext("Choose a CSV or Excel file of shifts first."), "error")
        return _back()
    try:
        report = importer.import_shifts(get_db(), get_node(), data, g.principal.name)
    except CsvError as exc:
        flash(gettext("Nothing was imported: %(problem)s", problem=str(exc)), "error")
        return _back()
    flash(gettext("Shifts: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.",
                  added=report.added, updated=report.updated,
                  unchanged=report.unchanged), "ok")  # fmt: skip
    return _back()
