"""Attendees: reading them, walk-ins and corrections (each change an op)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from kiosk.replication import basis, codes
from kiosk.replication.node import Node
from sync.hlc import sql_order
from sync.ids import uuid7

EDITABLE = ("first_name", "last_name", "email", "company", "note")
MAX_FIELD = 200


class AttendeeError(ValueError):
    """Input for an attendee that cannot be saved; the message says which field and why."""


def by_code(db: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    """The attendee whose QR text is `code` (case-insensitive)."""
    return db.execute("SELECT * FROM attendee WHERE code = ?", (code,)).fetchone()


# A check-in `c` that stands: no undo names it.
_STANDS = "NOT EXISTS (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)"
# What the check-in rules read of the attendee `a` whose code is ?2, with the ticket type `t`,
# as the end of one SELECT: its columns, its type's valid_days, its standing arrivals (read them
# with `arrivals_of`). A caller puts its own columns first; an unknown code gives NULLs.
TICKET_READ = (
    " a.*, t.valid_days, (SELECT json_group_array(json_array(c.hlc, c.op_id, c.at, c.day,"  # noqa: S608
    f" c.desk, c.staff)) FROM checkin c WHERE c.attendee_id = a.attendee_id AND {_STANDS})"
    " AS arrivals FROM (SELECT 1) LEFT JOIN attendee a ON a.code = ?2"
    " LEFT JOIN ticket_type t ON t.name = a.ticket_type"
)


def arrivals_of(ticket: sqlite3.Row) -> list[Arrival]:
    """The standing arrivals a TICKET_READ row carries, first by clock order."""
    return [Arrival(*found[1:]) for found in sorted(json.loads(ticket["arrivals"]))]


def get(db: sqlite3.Connection, attendee_id: str) -> sqlite3.Row | None:
    """One attendee by id."""
    return db.execute("SELECT * FROM attendee WHERE attendee_id = ?", (attendee_id,)).fetchone()


@dataclass(frozen=True)
class Arrival:
    """One check-in that stands (not undone)."""

    op_id: str
    at: str
    day: str
    desk: str
    staff: str


def arrivals(db: sqlite3.Connection, attendee_id: str) -> list[Arrival]:
    """Check-ins that stand (not undone), first by clock order."""
    rows = db.execute(
        f"SELECT op_id, at, day, desk, staff FROM checkin c WHERE attendee_id = ? AND {_STANDS}"  # noqa: S608
        f" ORDER BY {sql_order('hlc')}",
        (attendee_id,),
    ).fetchall()
    return [Arrival(r["op_id"], r["at"], r["day"], r["desk"], r["staff"]) for r in rows]


@dataclass(frozen=True)
class HistoryEntry:
    """A check-in as staff see it in the attendee's history, undone or not."""

    op_id: str
    at: str
    day: str
    desk: str
    staff: str
    undone_at: str | None
    undone_by: str | None
    undo_reason: str | None


def history(db: sqlite3.Connection, attendee_id: str) -> list[HistoryEntry]:
    """Every check-in of an attendee with its undo, newest first."""
    rows = db.execute(
        "SELECT c.op_id, c.at, c.day, c.desk, c.staff, u.at AS undone_at, u.staff AS undone_by,"  # noqa: S608
        " u.reason AS undo_reason FROM checkin c"
        " LEFT JOIN checkin_undo u ON u.checkin_op_id = c.op_id"
        f" WHERE c.attendee_id = ? ORDER BY {sql_order('c.hlc', descending=True)}",
        (attendee_id,),
    ).fetchall()
    return [HistoryEntry(*row) for row in rows]


def to_api(
    db: sqlite3.Connection,
    row: sqlite3.Row,
    with_code: bool = True,
    known: Sequence[Arrival] | None = None,
) -> dict[str, Any]:
    """The attendee object `A` of the JSON API; `known`: its arrivals, if already read."""
    found = arrivals(db, row["attendee_id"]) if known is None else known
    data: dict[str, Any] = {
        "attendee_id": row["attendee_id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "company": row["company"],
        "ticket_type": row["ticket_type"],
        "status": row["status"],
        "checked_in": bool(found),
        "first_checkin_at": found[0].at if found else None,
    }
    if with_code:
        data["code"] = row["code"]
    return data


def clean_fields(fields: dict[str, Any], allowed: tuple[str, ...] = EDITABLE) -> dict[str, str]:
    """Trimmed text fields; refuses unknown fields, control characters and absurd lengths."""
    cleaned = {}
    for name, value in fields.items():
        if name not in allowed or not isinstance(value, str):
            raise AttendeeError(_l("%(field)s cannot be changed here.", field=name))
        value = " ".join(value.split())
        if len(value) > MAX_FIELD:
            raise AttendeeError(_l("%(field)s is longer than %(n)d characters.", field=name,
                                   n=MAX_FIELD))  # fmt: skip
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise AttendeeError(_l("%(field)s contains control characters.", field=name))
        cleaned[name] = value
    return cleaned


def update(
    db: sqlite3.Connection, node: Node, attendee_id: str, fields: dict[str, Any], staff: str = ""
) -> bool:
    """Writes the fields that changed as one op (inside the caller's transaction)."""
    row = get(db, attendee_id)
    if row is None:
        raise AttendeeError(_l("No such attendee."))
    changed = {k: v for k, v in clean_fields(fields).items() if row[k] != v}
    if "first_name" in changed and not changed["first_name"]:
        raise AttendeeError(_l("A name is required."))
    if not changed:
        return False
    saw = basis.of(row["versions"], changed)  # tells concurrent edits from corrections
    node.record(db, "attendee_upsert", attendee_id,
                {"fields": changed, "source": "edit", "staff": staff, "seen": saw},
                after=basis.after(saw))  # fmt: skip
    return True


def create_walkin(
    db: sqlite3.Connection, node: Node, fields: dict[str, Any], ticket_type: str, staff: str = ""
) -> str:
    """Registers a walk-in with a new code (inside the caller's transaction); returns its id."""
    cleaned = clean_fields(fields)
    if not cleaned.get("first_name"):
        raise AttendeeError(_l("A name is required."))
    ticket = clean_fields({"ticket_type": ticket_type}, ("ticket_type",))["ticket_type"]
    attendee_id = uuid7()
    record = {**dict.fromkeys(EDITABLE, ""), **cleaned, "ticket_type": ticket or "Attendee",
              "code": codes.new_code(db), "status": "valid", "source": "walkin"}  # fmt: skip
    node.record(db, "attendee_upsert", attendee_id,
                {"fields": record, "source": "walkin", "staff": staff})  # fmt: skip
    return attendee_id
