"""Incidents for staff: the report form, the supervisor's board, one incident, the alerts.

Every step is a plain form post (303 after each), so the screens work without JavaScript;
htmx refreshes the board and polls the urgent announcement that every staff page carries.
"""

from __future__ import annotations

import hashlib
import sqlite3
from types import SimpleNamespace
from typing import Any

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

from kiosk import auth, clock
from kiosk.db import transaction
from kiosk.desk.event import load as load_event
from kiosk.logistics import checks, deliveries, incidents, photos, rules
from kiosk.logistics.words import JINJA, area_label, category_label, refusal_message
from kiosk.replication import peering
from kiosk.rooms import schedule
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("logistics", __name__, url_prefix="/logistics")
bp.context_processor(lambda: JINJA)


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _today() -> str:
    return load_event(get_db()).local_date(clock.now()).isoformat()


def back(default: str) -> str:
    """Where a form came from, if it is one of our pages (never another site)."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def _plain(rows: list[sqlite3.Row]) -> list[SimpleNamespace]:
    """Rows as objects: a template reads `row.field` without a failed attribute lookup first."""
    return [SimpleNamespace(**dict(row)) for row in rows]


def board_context() -> dict[str, Any]:
    """What the board shows: open incidents, today's deliveries, the last resolved."""
    db, now, today = get_db(), clock.now(), _today()
    sync = peering.status(db, current_app.config["SYNC_PEER"])
    return {"incidents": _plain(incidents.listing(db, "open")), "now": now, "today": today,
            "resolved": sorted(incidents.listing(db, "resolved"), key=lambda r: r["resolved_at"],
                               reverse=True)[:5],
            "deliveries": _plain(deliveries.on_day(db, today)),
            "offline": sync["configured"] and not sync["online"]}  # fmt: skip


@bp.get("")
@staff_required("logistics")
def board() -> Response:
    """The supervisor's board (a fragment of it for htmx's refresh)."""
    template = "logistics/_board.html" if _htmx() else "logistics/board.html"
    response = Response(render_template(template, **board_context()))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/report")
@staff_required("logistics")
def report_form() -> str:
    """Two taps: where, then what (severity, a few words and a photo are optional)."""
    return render_template("logistics/report.html", rooms=schedule.rooms(get_db()),
                           areas=rules.AREAS, categories=rules.CATEGORIES)  # fmt: skip


@bp.post("/report")
@staff_required("logistics")
def report() -> Any:
    """Records the report; a photo is made small first."""
    db, form = get_db(), request.form
    place = form.get("place", "")
    kind, _, value = place.partition(":")
    text = rules.clean_text(form.get("text"), rules.TITLE)
    category = form.get("category", "other")
    data = {"room_id": value if kind == "room" else None,
            "area": value if kind == "area" else None, "category": category,
            "severity": form.get("severity") or "normal",
            "title": text or _default_title(category, kind, value)}  # fmt: skip
    try:
        fields = checks.report(data)
        photo = _photo()
    except checks.Refusal as exc:
        flash(refusal_message(exc.code), "error")
        return redirect(url_for(".report_form"), 303)
    now, node, staff = clock.now(), get_node(), g.principal.name
    with transaction(db):
        made = incidents.report(db, node, fields, staff, now,
                                load_event(db).local_date(now).isoformat(), photo)  # fmt: skip
        if fields["severity"] == "urgent":  # the reporter needs no announcement of it
            incidents.acknowledge(db, node, made, staff, now)
    flash(gettext("Reported: %(title)s. Supervisors see it on the board.", title=fields["title"]),
          "ok")  # fmt: skip
    return redirect(url_for(".report_form"), 303)


def _default_title(category: str, kind: str, value: str) -> str:
    """A title when the reporter typed none: the category and the place."""
    words = category_label(category) if category in rules.CATEGORIES else category
    if kind == "room":
        room = schedule.room(get_db(), value)
        return f"{words} · {room.name if room else value}"
    return f"{words} · {area_label(value)}" if kind == "area" else words


def _photo() -> bytes:
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return b""
    try:
        return photos.shrink(upload.read(photos.MAX_UPLOAD + 1))
    except photos.PhotoError:
        raise checks.Refusal("bad_photo", "not a photo") from None


@bp.get("/incidents/<incident_id>")
@staff_required("logistics")
def incident(incident_id: str) -> str:
    """One incident with its notes, its photo and (for supervisors) assign, note, resolve."""
    db = get_db()
    row = incidents.one(db, incident_id)
    if row is None:
        abort(404)
    return render_template("logistics/incident.html", incident=row, now=clock.now(),
                           notes=incidents.notes(db, [incident_id]).get(incident_id, []),
                           staff=auth.staff_names(db))  # fmt: skip


@bp.get("/incidents/<incident_id>/photo.jpg")
@staff_required("logistics")
def photo(incident_id: str) -> Response:
    """The report's photo."""
    data = incidents.photo(get_db(), incident_id)
    if data is None:
        abort(404)
    return Response(data, mimetype="image/jpeg")


@bp.post("/incidents/<incident_id>")
@staff_required("logistics_manage")
def change(incident_id: str) -> Any:
    """Assign, note, resolve or reopen; back to where the form was."""
    db, form = get_db(), request.form
    row = incidents.one(db, incident_id)
    if row is None:
        abort(404)
    data = {k: form[k] for k in ("status", "assignee", "note") if form.get(k, "").strip()}
    if data.get("assignee") == row["assignee"]:
        del data["assignee"]  # the form shows the assignee it has: only a change is one
    elif data.get("assignee") and "status" not in data:
        data["status"] = "assigned"
    target = back(url_for(".incident", incident_id=incident_id))
    try:
        status, assignee, note = checks.update(data)
    except checks.Refusal as exc:
        flash(refusal_message(exc.code), "error")
        return redirect(target, 303)
    now, node = clock.now(), get_node()
    with transaction(db):
        incidents.update(db, node, incident_id, status, assignee, g.principal.name, now)
        if note:
            incidents.add_note(db, node, incident_id, note, g.principal.name, now)
    flash(gettext("Saved."), "ok")
    return redirect(target, 303)


def _alerts_version(rows: list) -> str:
    return hashlib.sha256(" ".join(r["incident_id"] for r in rows).encode()).hexdigest()[:16]


@bp.get("/alerts")
@staff_required("logistics")
def alerts() -> Response:
    """The urgent announcement; 204 (nothing to swap) while it is what the page shows."""
    rows = incidents.alerts(get_db(), g.principal.name)
    version = _alerts_version(rows)
    if request.args.get("v") == version:
        return Response(status=204)
    return Response(render_template("logistics/_alerts.html", alerts=rows, version=version,
                                    now=clock.now()))  # fmt: skip


@bp.post("/alerts/<incident_id>/ack")
@staff_required("logistics")
def acknowledge(incident_id: str) -> Any:
    """This person has seen it: the banner goes away on every tablet they use."""
    db = get_db()
    with transaction(db):
        if incidents.one(db, incident_id) is not None:
            incidents.acknowledge(db, get_node(), incident_id, g.principal.name, clock.now())
    if _htmx():
        return alerts()
    return redirect(back(url_for(".board")), 303)
