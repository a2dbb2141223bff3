"""Incidents and deliveries in the JSON API (CONTRACT.md "On-site logistics")."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, jsonify, request

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.logistics import checks, deliveries, incidents
from kiosk.web import api_permission, get_db, get_node, json_body, json_error
from sync.ids import is_uuid
from sync.oplog import get as get_op

bp = Blueprint("logistics_api", __name__, url_prefix="/api/v1")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _refused(exc: checks.Refusal) -> Any:
    return json_error(400, exc.code, str(exc))


def _incident(incident_id: str, status: int = 200) -> Any:
    db = get_db()
    row = incidents.one(db, incident_id)
    notes = incidents.notes(db, [incident_id]).get(incident_id, [])
    response = jsonify(incidents.to_api(row, clock.now(), notes))
    response.status_code = status
    return response


@bp.post("/incidents")
@api_permission("logistics")
def report() -> Any:
    """Reports an incident; the same op_id again answers with that incident, recorded once."""
    data, db = json_body(), get_db()
    op_id = data.get("op_id")
    if op_id is not None and not is_uuid(op_id):
        return json_error(400, "bad_request", "op_id must be a UUID string.")
    try:
        fields = checks.report(data)
    except checks.Refusal as exc:
        return _refused(exc)
    now = clock.now()
    with transaction(db):
        held = get_op(db, op_id) if op_id else None
        if held is not None and held.kind != "incident_report":
            return json_error(409, "op_id_taken", "This op_id names another change.")
        if held is None:
            op_id = incidents.report(db, get_node(), fields, g.principal.name, now,
                                     load_event(db).local_date(now).isoformat(),
                                     op_id=op_id)  # fmt: skip
    return _incident(op_id, 201)


@bp.get("/incidents")
@api_permission("logistics")
def listing() -> Any:
    """Incidents by status (open by default), urgent first."""
    status = request.args.get("status", "open")
    if status not in ("open", "resolved", "all"):
        return json_error(400, "bad_request", "status must be open, resolved or all.")
    db, now = get_db(), clock.now()
    rows = incidents.listing(db, status)
    notes = incidents.notes(db, [r["incident_id"] for r in rows])
    return jsonify({"incidents": [incidents.to_api(r, now, notes.get(r["incident_id"]))
                                  for r in rows]})  # fmt: skip


@bp.post("/incidents/<incident_id>")
@api_permission("logistics_manage")
def change(incident_id: str) -> Any:
    """Assigns, resolves or reopens an incident and/or adds a note."""
    data, db = json_body(), get_db()
    try:
        status, assignee, note = checks.update(data)
    except checks.Refusal as exc:
        return _refused(exc)
    now, node, staff = clock.now(), get_node(), g.principal.name
    with transaction(db):
        if incidents.one(db, incident_id) is None:
            return json_error(404, "not_found", "No incident has this id.")
        incidents.update(db, node, incident_id, status, assignee, staff, now)
        if note:
            incidents.add_note(db, node, incident_id, note, staff, now)
    return _incident(incident_id)


@bp.post("/deliveries")
@api_permission("logistics_manage")
def add_delivery() -> Any:
    """An expected delivery: who brings what, when, where."""
    data, db = json_body(), get_db()
    event = load_event(db)
    try:
        fields, due = checks.delivery(data, event.zone)
    except checks.Refusal as exc:
        return _refused(exc)
    fields["due_at"] = utc_iso(due)
    with transaction(db):
        delivery_id = deliveries.add(db, get_node(), fields, g.principal.name, clock.now(),
                                     event.local_date(due).isoformat())  # fmt: skip
    response = jsonify(deliveries.to_api(deliveries.one(db, delivery_id), clock.now()))
    response.status_code = 201
    return response


@bp.post("/deliveries/<delivery_id>")
@api_permission("logistics_manage")
def mark_delivery(delivery_id: str) -> Any:
    """Marks a delivery arrived, late or cancelled (with an optional note)."""
    data, db = json_body(), get_db()
    try:
        status, note = checks.mark(data)
    except checks.Refusal as exc:
        return _refused(exc)
    with transaction(db):
        if deliveries.one(db, delivery_id) is None:
            return json_error(404, "not_found", "No delivery has this id.")
        deliveries.mark(db, get_node(), delivery_id, status, note, g.principal.name,
                        clock.now())  # fmt: skip
    return jsonify(deliveries.to_api(deliveries.one(db, delivery_id), clock.now()))


@bp.get("/deliveries")
@api_permission("logistics")
def delivery_list() -> Any:
    """Deliveries of one event day (`?day=YYYY-MM-DD`), or of every day, by due time."""
    day = request.args.get("day")
    if day is not None and not _DAY.fullmatch(day):
        return json_error(400, "bad_request", "day must be YYYY-MM-DD.")
    now = clock.now()
    return jsonify({"deliveries": [deliveries.to_api(r, now)
                                   for r in deliveries.on_day(get_db(), day)]})  # fmt: skip
