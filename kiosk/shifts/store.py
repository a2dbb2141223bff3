"""Shifts as stored: their fold rules and the queries the board, the API and the day log read.

A shift's fields are last-writer-wins per field by clock stamp, like an attendee's, so two
machines that edit or reassign one shift while apart end with the same shift. Staff check-ins
are a grow-only set of events; each names the person who arrived, so a shift reassigned after
someone checked in waits for its new person.
"""

from __future__ import annotations

import sqlite3

from kiosk.replication import fold, shapes
from sync.oplog import Op

FIELDS = ("person", "badge_code", "role", "place", "starts_at", "ends_at", "day", "status")
TABLES = ("shift", "shift_checkin")
ACTIVE = "active"
CANCELLED = "cancelled"


def apply_shift(db: sqlite3.Connection, op: Op) -> None:
    """A shift's fields: last writer wins per field."""
    fold.merge_fields(db, "shift", "shift_id", op.entity, FIELDS, op)


def apply_checkin(db: sqlite3.Connection, op: Op) -> None:
    """Staff arrivals are a set of events: a repeated op is one arrival."""
    p = op.payload
    db.execute(
        "INSERT INTO shift_checkin (op_id, shift_id, person, at, by_staff, hlc)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, str(p.get("person", "")), str(p.get("at", "")),
         str(p.get("staff", "")), op.hlc),
    )  # fmt: skip


_TEXT = shapes.text()
PAYLOADS: dict[str, shapes.Shape] = {
    "shift_set": shapes.edit(dict.fromkeys(FIELDS, _TEXT)),
    "shift_checkin": {"person": _TEXT, "at": _TEXT, "staff": _TEXT, "code": _TEXT},
}
fold.register({"shift_set": apply_shift, "shift_checkin": apply_checkin}, TABLES, PAYLOADS)


# -- reading ---------------------------------------------------------------------------------

_SHIFTS = (
    "SELECT s.shift_id, s.person, s.badge_code, s.role, s.place, s.starts_at, s.ends_at, s.day,"
    " s.status, coalesce(r.name, s.place) AS place_name, (SELECT min(c.at) FROM shift_checkin c"
    " WHERE c.shift_id = s.shift_id AND c.person = s.person) AS checked_in_at"
    " FROM shift s LEFT JOIN room r ON r.room_id = s.place"
)


def shifts_on(db: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """The day's shifts that stand, in start order, with when their person checked in."""
    return db.execute(
        f"{_SHIFTS} WHERE s.day = ? AND s.status = ? ORDER BY s.starts_at, s.role, s.person,"
        " s.shift_id",
        (day, ACTIVE),
    ).fetchall()


def shift(db: sqlite3.Connection, shift_id: str) -> sqlite3.Row | None:
    """One shift, cancelled or not, or None."""
    return db.execute(f"{_SHIFTS} WHERE s.shift_id = ?", (shift_id,)).fetchone()


def shifts_of_badge(db: sqlite3.Connection, code: str, name: str = "") -> list[sqlite3.Row]:
    """The standing shifts of the person who wears this badge: by its code (case aside), or by
    `name` on shifts that name no badge."""
    return db.execute(
        f"{_SHIFTS} WHERE s.status = ? AND (s.badge_code = ? COLLATE NOCASE OR (s.badge_code = ''"
        " AND ? != '' AND s.person = ? COLLATE NOCASE)) ORDER BY s.starts_at",
        (ACTIVE, code, name, name),
    ).fetchall()


def days(db: sqlite3.Connection) -> list[str]:
    """Every day with a standing shift."""
    rows = db.execute("SELECT DISTINCT day FROM shift WHERE day != '' AND status = ? ORDER BY 1",
                      (ACTIVE,))  # fmt: skip
    return [r[0] for r in rows]


def people(db: sqlite3.Connection) -> dict[str, str]:
    """Everyone who can take a shift, name to badge code: staff and crew badges, and anyone
    already on a shift (a shift's badge code wins over none)."""
    found: dict[str, str] = {}
    for name, code in db.execute(
        "SELECT trim(first_name || ' ' || last_name), coalesce(code, '') FROM attendee"
        " WHERE ticket_type IN ('Staff', 'Crew') AND status = 'valid'"
        " UNION ALL SELECT person, badge_code FROM shift WHERE person != ''"
    ):
        if name and (name not in found or (code and not found[name])):
            found[name] = code
    return dict(sorted(found.items(), key=lambda kv: kv[0].casefold()))
