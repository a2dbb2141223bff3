"""Leads in the JSON API: a booth's phone posts scans and reads its own sponsor's leads.

Only exhibitor tokens reach these routes, and each reads and writes its own sponsor's leads:
the sponsor comes from the token, never from the request.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from kiosk import clock
from kiosk.leads import capture, sponsors
from kiosk.web import api_permission, get_db, get_node, json_body, json_error
from sync.ids import is_uuid

bp = Blueprint("leads_api", __name__, url_prefix="/api/v1")
_BODY = {"code", "note", "rating", "answers", "op_id"}


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The lead fields asked for, checked against the token's sponsor's questions."""
    found = sponsors.get(get_db(), g.principal.sponsor)
    questions = found.questions if found else ()
    answers = capture.clean_answers(data.get("answers"), questions)
    return capture.clean_fields(data.get("rating"), data.get("note"), answers)


@bp.post("/leads")
@api_permission("leads")
def create() -> Any:
    """A badge scanned at the booth: 201 and the lead (name and company; e-mail if agreed)."""
    data = json_body()
    if unknown := sorted(set(data) - _BODY):
        return json_error(400, "bad_request", f"Unknown field {unknown[0]!r}.")
    code, op_id = data.get("code"), data.get("op_id")
    if not isinstance(code, str) or not code.strip():
        return json_error(400, "bad_request", "code must be a non-empty string.")
    if op_id is not None and not is_uuid(op_id):
        return json_error(400, "bad_request", "op_id must be a UUID string.")
    try:
        fields = _fields(data)
        lead = capture.capture(get_db(), get_node(), g.principal.sponsor, code, g.principal.name,
                               clock.now(), fields, op_id)  # fmt: skip
    except capture.OpIdTaken:
        return json_error(409, "op_id_taken", "This op_id was already used for something else.")
    except capture.LeadError as exc:
        return json_error(400, "bad_request", str(exc))
    if lead is None:
        return json_error(404, "unknown_code", "No attendee has this code.")
    return jsonify(lead.to_api()), 201


@bp.post("/leads/<lead_id>")
@api_permission("leads")
def update(lead_id: str) -> Any:
    """A lead's rating, note or answers changed at the booth (not a new visit)."""
    data = json_body()
    if unknown := sorted(set(data) - (_BODY - {"code", "op_id"})):
        return json_error(400, "bad_request", f"Unknown field {unknown[0]!r}.")
    try:
        lead = capture.edit(get_db(), get_node(), g.principal.sponsor, lead_id,
                            g.principal.name, _fields(data))  # fmt: skip
    except capture.LeadError as exc:
        return json_error(400, "bad_request", str(exc))
    if lead is None:
        return json_error(404, "not_found", "This booth has no lead with this id.")
    return jsonify(lead.to_api())


@bp.get("/leads")
@api_permission("leads")
def listing() -> Any:
    """The token's own sponsor's leads, the latest visit first."""
    leads = capture.for_sponsor(get_db(), g.principal.sponsor)
    return jsonify({"leads": [lead.to_api() for lead in leads]})
