"""Vendors and their deliveries as stored, and how ops fill them.

Both are last-writer-wins per field by clock stamp (the fold's field rule). A delivery's
status holds what a person marked (expected, arrived, late, cancelled) and when; "late" for a
delivery still expected after its due time is decided at read time from the clock
(kiosk.logistics.rules.delivery_state), so it turns amber by itself and never needs an op.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from kiosk.desk.checkin import utc_iso
from kiosk.logistics import rules
from kiosk.replication import fold, shapes
from kiosk.replication.node import Node
from sync.ids import uuid7
from sync.oplog import Op

VENDOR_FIELDS = ("name", "service", "contact", "phone")
FIELDS = ("vendor_id", "vendor", "what", "due_at", "day", "room_id", "contact", "status",
          "status_at", "note", "created_at")  # fmt: skip
STATUS_FIELDS = ("status", "status_at", "note")
TABLES = ("vendor", "delivery")
_TEXT = shapes.text()
_FIELD_SHAPES = {**dict.fromkeys(FIELDS, _TEXT), "what": shapes.text(rules.TITLE),
                 "status": rules.one_of(rules.DELIVERY_STATUSES),
                 "note": shapes.text(rules.NOTE)}  # fmt: skip
PAYLOADS: dict[str, shapes.Shape] = {
    "vendor_set": shapes.edit(dict.fromkeys(VENDOR_FIELDS, shapes.text(rules.TITLE))),
    "delivery_set": shapes.edit(_FIELD_SHAPES),
    "delivery_status": shapes.edit({k: _FIELD_SHAPES[k] for k in STATUS_FIELDS}),
}


def apply_vendor(db: sqlite3.Connection, op: Op) -> None:
    """A vendor's name and contact: last writer wins per field."""
    fold.merge_fields(db, "vendor", "vendor_id", op.entity, VENDOR_FIELDS, op)


def apply_delivery(db: sqlite3.Connection, op: Op) -> None:
    """A delivery's fields: last writer wins per field."""
    fold.merge_fields(db, "delivery", "delivery_id", op.entity, FIELDS, op)


def apply_status(db: sqlite3.Connection, op: Op) -> None:
    """A mark (arrived, late, cancelled) with its time and note: last writer wins."""
    fold.merge_fields(db, "delivery", "delivery_id", op.entity, STATUS_FIELDS, op)


fold.register(
    {"vendor_set": apply_vendor, "delivery_set": apply_delivery,
     "delivery_status": apply_status},
    TABLES,
    PAYLOADS,
)  # fmt: skip


# -- writing (inside the caller's transaction) -----------------------------------------------


def set_vendor(db: sqlite3.Connection, node: Node, fields: dict[str, str], staff: str,
               vendor_id: str | None = None) -> str:  # fmt: skip
    """Adds a vendor (no id) or changes one's fields; returns its id."""
    vendor_id = vendor_id or uuid7()
    node.record(db, "vendor_set", vendor_id, {"fields": fields, "staff": staff})
    return vendor_id


def vendor_named(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """The vendor of that name (case aside), or None."""
    return db.execute("SELECT * FROM vendor WHERE name = ? COLLATE NOCASE ORDER BY vendor_id",
                      (name,)).fetchone()  # fmt: skip


def add(db: sqlite3.Connection, node: Node, fields: dict[str, str], staff: str,
        now: datetime, day: str) -> str:  # fmt: skip
    """Records an expected delivery; `fields`: vendor, what, due_at, room_id, contact.

    A vendor not yet listed is added by its name, so the vendors page knows whom to call.
    """
    found = vendor_named(db, fields["vendor"])
    new = {"name": fields["vendor"], "contact": fields.get("contact", "")}
    vendor_id = found["vendor_id"] if found else set_vendor(db, node, new, staff)
    delivery_id = uuid7()
    written = {**fields, "vendor_id": vendor_id, "day": day, "status": "expected",
               "status_at": "", "note": "", "created_at": utc_iso(now)}  # fmt: skip
    node.record(db, "delivery_set", delivery_id, {"fields": written, "staff": staff})
    return delivery_id


def mark(db: sqlite3.Connection, node: Node, delivery_id: str, status: str, note: str | None,
         staff: str, now: datetime) -> None:  # fmt: skip
    """Marks a delivery arrived, late or cancelled, now; a note replaces the last one."""
    fields = {"status": status, "status_at": utc_iso(now)}
    if note is not None:
        fields["note"] = note
    node.record(db, "delivery_status", delivery_id, {"fields": fields, "staff": staff})


# -- reading ---------------------------------------------------------------------------------

_SELECT = ("SELECT d.*, coalesce(r.name, d.room_id) AS room_name,"
           " coalesce(v.name, d.vendor) AS vendor_name, coalesce(v.phone, '') AS phone,"
           " coalesce(nullif(d.contact, ''), v.contact, '') AS contact_name FROM delivery d"
           " LEFT JOIN vendor v ON v.vendor_id = d.vendor_id"
           " LEFT JOIN room r ON r.room_id = d.room_id")  # fmt: skip


def on_day(db: sqlite3.Connection, day: str | None) -> list[sqlite3.Row]:
    """The deliveries due on an event day (every day's for None), by due time."""
    where, args = ("d.day = ? AND", (day,)) if day is not None else ("", ())
    sql = f"{_SELECT} WHERE {where} d.due_at != '' ORDER BY d.due_at, d.delivery_id"
    return db.execute(sql, args).fetchall()


def one(db: sqlite3.Connection, delivery_id: str) -> sqlite3.Row | None:
    """One delivery, or None."""
    sql = f"{_SELECT} WHERE d.delivery_id = ? AND d.due_at != ''"
    return db.execute(sql, (delivery_id,)).fetchone()


def days(db: sqlite3.Connection) -> list[str]:
    """Every day with a delivery due."""
    rows = db.execute("SELECT DISTINCT day FROM delivery WHERE day != '' ORDER BY 1")
    return [r[0] for r in rows]


def vendors(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every vendor by name, with how many deliveries it has."""
    return db.execute(
        "SELECT v.*, (SELECT count(*) FROM delivery d WHERE d.vendor_id = v.vendor_id"
        " AND d.due_at != '') AS deliveries FROM vendor v WHERE v.name != ''"
        " ORDER BY v.name COLLATE NOCASE, v.vendor_id"
    ).fetchall()


def vendor(db: sqlite3.Connection, vendor_id: str) -> sqlite3.Row | None:
    """One vendor, or None."""
    return db.execute("SELECT * FROM vendor WHERE vendor_id = ?", (vendor_id,)).fetchone()


def to_api(row: sqlite3.Row, now: datetime) -> dict[str, Any]:
    """The API's delivery object; `status` is "late" once an expected one is overdue."""
    state = rules.delivery_state(row["status"], row["due_at"], now)
    arrived = row["status_at"] if row["status"] == "arrived" else ""
    return {"delivery_id": row["delivery_id"], "vendor": row["vendor_name"],
            "vendor_id": row["vendor_id"], "what": row["what"], "due_at": row["due_at"],
            "day": row["day"], "room_id": row["room_id"] or None,
            "room_name": row["room_name"] or None, "contact": row["contact_name"] or None,
            "phone": row["phone"] or None, "status": state, "marked": row["status"],
            "status_at": row["status_at"] or None, "note": row["note"] or None,
            "minutes_late": rules.minutes_late(row["due_at"], arrived)
            if arrived else None}  # fmt: skip
