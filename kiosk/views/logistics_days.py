"""Vendors, deliveries and the day log for staff: who brings what when, and what happened.

Supervisors add vendors and deliveries and mark them; everyone on staff reads. The day log is
one page per event day with its CSV and PDF, built from kiosk.logistics.daylog's sections.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.logistics import checks, daylog, deliveries, words
from kiosk.rooms import schedule
from kiosk.views.logistics import back as _back
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("logistics_days", __name__, url_prefix="/logistics")
bp.context_processor(lambda: words.JINJA)


@bp.get("/vendors")
@staff_required("logistics")
def vendors() -> str:
    """Vendors with whom to call, and the deliveries of the day picked (today by default)."""
    db = get_db()
    event = load_event(db)
    day = _day(request.args.get("day") or event.local_date(clock.now()).isoformat())
    days = sorted({*deliveries.days(db), day, *(d.isoformat() for d in event.dates())})
    return render_template("logistics/vendors.html", vendors=deliveries.vendors(db), day=day,
                           days=days, deliveries=deliveries.on_day(db, day),
                           rooms=schedule.rooms(db), now=clock.now())  # fmt: skip


@bp.post("/vendors")
@staff_required("logistics_manage")
def add_vendor() -> Any:
    """Adds a vendor (name, what they bring, whom to call)."""
    db = get_db()
    try:
        fields = checks.vendor(request.form)
    except checks.Refusal as exc:
        flash(words.refusal_message(exc.code), "error")
        return redirect(url_for(".vendors"), 303)
    with transaction(db):
        deliveries.set_vendor(db, get_node(), fields, g.principal.name)
    flash(gettext("Vendor %(name)s added.", name=fields["name"]), "ok")
    return redirect(url_for(".vendors"), 303)


@bp.post("/deliveries")
@staff_required("logistics_manage")
def add_delivery() -> Any:
    """Adds an expected delivery; the date and time fields are the venue's local time."""
    db, form = get_db(), request.form
    event = load_event(db)
    data = {**form, "due_at": f"{form.get('due_day', '')}T{form.get('due_time', '')}"}
    try:
        fields, due = checks.delivery(data, event.zone)
    except checks.Refusal as exc:
        flash(words.refusal_message(exc.code), "error")
        return redirect(url_for(".vendors", day=form.get("due_day") or None), 303)
    fields["due_at"] = utc_iso(due)
    day = event.local_date(due).isoformat()
    with transaction(db):
        deliveries.add(db, get_node(), fields, g.principal.name, clock.now(), day)
    flash(gettext("Delivery added: %(what)s.", what=fields["what"]), "ok")
    return redirect(url_for(".vendors", day=day), 303)


@bp.post("/deliveries/<delivery_id>")
@staff_required("logistics_manage")
def mark(delivery_id: str) -> Any:
    """Arrived, late or cancelled, now."""
    db = get_db()
    try:
        status, note = checks.mark(request.form)
    except checks.Refusal as exc:
        flash(words.refusal_message(exc.code), "error")
        return redirect(_back(url_for(".vendors")), 303)
    with transaction(db):
        if deliveries.one(db, delivery_id) is None:
            abort(404)
        deliveries.mark(db, get_node(), delivery_id, status, note or None, g.principal.name,
                        clock.now())  # fmt: skip
    flash(gettext("Saved."), "ok")
    return redirect(_back(url_for(".vendors")), 303)


def _day(day: str) -> str:
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        abort(404)


@bp.get("/day/<day>")
@staff_required("logistics")
def day_log(day: str) -> str:
    """One event day on one page: incidents and deliveries with their times."""
    db = get_db()
    event = load_event(db)
    day = _day(day)
    days = sorted({*deliveries.days(db), day, *(d.isoformat() for d in event.dates())})
    return render_template("logistics/day.html", day=day, days=days,
                           sections=daylog.sections(db, day, event.zone, clock.now()))  # fmt: skip


@bp.get("/day/<day>.csv")
@staff_required("logistics")
def day_csv(day: str) -> Response:
    """The day log as CSV (a block per section)."""
    db = get_db()
    day = _day(day)
    text = daylog.to_csv(daylog.sections(db, day, load_event(db).zone, clock.now()))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=daylog-{day}.csv"})  # fmt: skip


@bp.get("/day/<day>.pdf")
@staff_required("logistics")
def day_pdf(day: str) -> Response:
    """The day log as PDF, for the post-event report and for disputes."""
    db = get_db()
    event, day = load_event(db), _day(day)
    found = daylog.sections(db, day, event.zone, clock.now())
    name = f"attachment; filename=daylog-{day}.pdf"
    return Response(daylog.to_pdf(event.name, day, found), mimetype="application/pdf",
                    headers={"Content-Disposition": name})  # fmt: skip


@bp.get("/day")
@staff_required("logistics")
def today() -> Any:
    """Today's day log."""
    return redirect(url_for(".day_log", day=load_event(get_db()).local_date(clock.now())), 303)
