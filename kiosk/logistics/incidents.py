"""Incidents as stored: reports, updates, notes and acknowledgements, and how ops fill them.

An incident's fields (status, assignee, ...) are last-writer-wins per field by clock stamp,
merged by the fold's field rule, so two machines changing one incident while apart end the
same. Notes are a grow-only set, one op each, so every note is kept, ordered by stamp.
Acknowledgements are per staff person (a name), grow-only and synced: whoever saw the urgent
announcement on one tablet does not see it again on another, and everyone else still does.
The incident id is the op id of its report, so a report sent twice is one incident.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from datetime import datetime
from typing import Any

from kiosk.desk.checkin import utc_iso
from kiosk.logistics import rules
from kiosk.replication import fold, shapes
from kiosk.replication.node import Node
from sync.hlc import sql_order
from sync.ids import uuid7
from sync.oplog import Op
from sync.oplog import get as get_op

FIELDS = ("title", "room_id", "area", "category", "severity", "status", "assignee",
          "reported_by", "reported_at", "assigned_at", "resolved_at", "day", "photo")  # fmt: skip
UPDATE_FIELDS = ("status", "assignee", "assigned_at", "resolved_at")
TABLES = ("incident", "incident_note", "incident_ack")
PHOTO_CHARS = 60_000  # base64 of a JPEG of at most 44 KB: far below the op log's 64 KiB
_TEXT = shapes.text()
_FIELD_SHAPES = {**dict.fromkeys(FIELDS, _TEXT), "title": shapes.text(rules.TITLE),
                 "category": rules.one_of(rules.CATEGORIES),
                 "severity": rules.one_of(rules.SEVERITIES),
                 "status": rules.one_of(rules.INCIDENT_STATUSES)}  # fmt: skip
PAYLOADS: dict[str, shapes.Shape] = {
    "incident_report": shapes.edit(_FIELD_SHAPES, photo=shapes.text(PHOTO_CHARS)),
    "incident_update": shapes.edit({k: _FIELD_SHAPES[k] for k in UPDATE_FIELDS}, at=_TEXT),
    "incident_note": {"text": shapes.text(rules.NOTE), "staff": _TEXT, "at": _TEXT},
    "incident_ack": {"staff": _TEXT, "at": _TEXT},
}  # fmt: skip


# -- fold rules (called by the fold inside the caller's transaction) -------------------------


def apply_report(db: sqlite3.Connection, op: Op) -> None:
    """A report's fields; its photo stays in the op, which the photo route reads."""
    fold.merge_fields(db, "incident", "incident_id", op.entity, FIELDS, op)


def apply_update(db: sqlite3.Connection, op: Op) -> None:
    """Status and assignee: last writer wins per field."""
    fold.merge_fields(db, "incident", "incident_id", op.entity, UPDATE_FIELDS, op)


def apply_note(db: sqlite3.Connection, op: Op) -> None:
    """Notes are a set: each op adds one, none is ever replaced."""
    p = op.payload
    db.execute(
        "INSERT INTO incident_note (op_id, incident_id, text, staff, at, hlc)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, p.get("text", ""), p.get("staff", ""), p.get("at", ""), op.hlc),
    )


def apply_ack(db: sqlite3.Connection, op: Op) -> None:
    """The earliest acknowledgement per person stands (min is order-free)."""
    p = op.payload
    db.execute(
        "INSERT INTO incident_ack (incident_id, staff, at) VALUES (?, ?, ?)"
        " ON CONFLICT (incident_id, staff) DO UPDATE SET at = min(at, excluded.at)",
        (op.entity, p.get("staff", ""), p.get("at", "")),
    )


fold.register(
    {"incident_report": apply_report, "incident_update": apply_update,
     "incident_note": apply_note, "incident_ack": apply_ack},
    TABLES,
    PAYLOADS,
)  # fmt: skip


# -- writing (inside the caller's transaction) -----------------------------------------------


def report(db: sqlite3.Connection, node: Node, fields: dict[str, str], staff: str,
           now: datetime, day: str, photo: bytes = b"",
           op_id: str | None = None) -> str:  # fmt: skip
    """Records a new incident (open); returns its id. `fields`: title, room_id, area,
    category, severity, as checked by the caller."""
    at = utc_iso(now)
    written = {**fields, "status": "open", "reported_by": staff, "reported_at": at, "day": day,
               "photo": hashlib.sha256(photo).hexdigest() if photo else ""}  # fmt: skip
    payload: dict[str, Any] = {"fields": written, "staff": staff}
    if photo:
        payload["photo"] = base64.b64encode(photo).decode("ascii")
    incident_id = op_id or uuid7()
    node.record(db, "incident_report", incident_id, payload, op_id=incident_id)
    return incident_id


def update(db: sqlite3.Connection, node: Node, incident_id: str, status: str | None,
           assignee: str | None, staff: str, now: datetime) -> None:  # fmt: skip
    """Changes status and assignee; a resolution or assignment keeps its time."""
    at, fields = utc_iso(now), {}
    if assignee is not None:
        fields["assignee"] = assignee
    if status is not None:
        fields["status"] = status
        fields["resolved_at"] = at if status == "resolved" else ""
    if assignee or status == "assigned":
        fields["assigned_at"] = at
    if fields:
        node.record(db, "incident_update", incident_id, {"fields": fields, "staff": staff,
                                                         "at": at})  # fmt: skip


def add_note(db: sqlite3.Connection, node: Node, incident_id: str, text: str, staff: str,
             now: datetime) -> None:  # fmt: skip
    """Adds one note."""
    node.record(db, "incident_note", incident_id, {"text": text, "staff": staff,
                                                   "at": utc_iso(now)})  # fmt: skip


def acknowledge(db: sqlite3.Connection, node: Node, incident_id: str, staff: str,
                now: datetime) -> None:  # fmt: skip
    """This person has seen the urgent announcement (once is enough)."""
    seen = db.execute("SELECT 1 FROM incident_ack WHERE incident_id = ? AND staff = ?",
                      (incident_id, staff)).fetchone()  # fmt: skip
    if seen is None:
        node.record(db, "incident_ack", incident_id, {"staff": staff, "at": utc_iso(now)})


# -- reading ---------------------------------------------------------------------------------

_SELECT = ("SELECT i.*, coalesce(r.name, i.room_id) AS room_name,"
           " (SELECT count(*) FROM incident_note n WHERE n.incident_id = i.incident_id)"
           " AS notes FROM incident i LEFT JOIN room r ON r.room_id = i.room_id")  # fmt: skip
_ORDER = (" ORDER BY CASE i.severity WHEN 'urgent' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END,"
          " i.reported_at, i.incident_id")  # fmt: skip
_WHERE = {"open": "WHERE i.status != 'resolved' AND i.reported_at != ''",
          "resolved": "WHERE i.status = 'resolved' AND i.reported_at != ''",
          "all": "WHERE i.reported_at != ''"}  # fmt: skip


def listing(db: sqlite3.Connection, status: str = "open") -> list[sqlite3.Row]:
    """Incidents by status (open includes assigned): urgent first, then longest open."""
    return db.execute(f"{_SELECT} {_WHERE[status]}{_ORDER}").fetchall()


def on_day(db: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """The incidents reported on an event day, in the order they were reported."""
    sql = f"{_SELECT} WHERE i.day = ? ORDER BY i.reported_at, i.incident_id"
    return db.execute(sql, (day,)).fetchall()


def one(db: sqlite3.Connection, incident_id: str) -> sqlite3.Row | None:
    """One reported incident, or None (updates of a report not yet received hide it)."""
    sql = f"{_SELECT} WHERE i.incident_id = ? AND i.reported_at != ''"
    return db.execute(sql, (incident_id,)).fetchone()


def notes(db: sqlite3.Connection, incident_ids: list[str]) -> dict[str, list[sqlite3.Row]]:
    """Each incident's notes, oldest first by clock stamp."""
    rows = db.execute(
        "SELECT * FROM incident_note WHERE incident_id IN (SELECT value FROM json_each(?))"  # noqa: S608
        f" ORDER BY {sql_order('hlc')}, op_id",
        (json.dumps(incident_ids),),
    )
    found: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        found.setdefault(row["incident_id"], []).append(row)
    return found


def alerts(db: sqlite3.Connection, staff: str) -> list[sqlite3.Row]:
    """Urgent incidents not resolved that this person has not acknowledged, oldest first."""
    return db.execute(
        f"{_SELECT} WHERE i.severity = 'urgent' AND i.status IN ('open', 'assigned')"  # noqa: S608
        " AND i.reported_at != '' AND NOT EXISTS (SELECT 1 FROM incident_ack a"
        " WHERE a.incident_id = i.incident_id AND a.staff = ?) ORDER BY i.reported_at",
        (staff,),
    ).fetchall()


def photo(db: sqlite3.Connection, incident_id: str) -> bytes | None:
    """The JPEG the report carried, or None."""
    op = get_op(db, incident_id)
    if op is None or op.kind != "incident_report" or not op.payload.get("photo"):
        return None
    return base64.b64decode(op.payload["photo"])


def to_api(
    row: sqlite3.Row, now: datetime, notes: list[sqlite3.Row] | None = None
) -> dict[str, Any]:
    """The API's incident object."""
    return {"incident_id": row["incident_id"], "title": row["title"],
            "room_id": row["room_id"] or None, "room_name": row["room_name"] or None,
            "area": row["area"] or None, "category": row["category"],
            "severity": row["severity"], "status": row["status"],
            "assignee": row["assignee"] or None, "reported_by": row["reported_by"],
            "reported_at": row["reported_at"], "assigned_at": row["assigned_at"] or None,
            "resolved_at": row["resolved_at"] or None,
            "minutes_open": rules.minutes_open(row["reported_at"], now),
            "photo": bool(row["photo"]),
            "notes": [{"text": n["text"], "staff": n["staff"], "at": n["at"]}
                      for n in notes or []]}  # fmt: skip
