"""The schedule as stored: rooms, sessions, sign-ups and room changes, and how ops fill them.

Rooms and sessions are last-writer-wins per field (merged by the fold's field rule); sign-ups,
room-change history, door scans and notifications are grow-only. This module registers those
fold rules with kiosk.replication.fold and holds the queries every screen, the API and the rules
read.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from kiosk.replication import fold, shapes
from kiosk.rooms.rules import Room, Slot
from sync.hlc import sql_order
from sync.oplog import Op

ROOM_FIELDS = ("name", "capacity")
SESSION_FIELDS = ("title", "starts_at", "ends_at", "day", "room_id", "planned_room_id", "track",
                  "speakers")  # fmt: skip
TABLES = ("room", "session", "registration", "room_change", "door_scan", "notification",
          "schedule_state")  # fmt: skip
KINDS = ("room_set", "session_set", "session_room_set", "registration_add",
         "registration_cancel", "door_scan", "notification_queued")  # fmt: skip
REGISTERED = "registered"
CANCELLED = "cancelled"
CHUNK = 500  # attendee ids per sign-up op: keeps each op far below the log's payload limit
_S_COLUMNS = "s.session_id, s.title, s.starts_at, s.ends_at, s.day, s.room_id, s.planned_room_id," \
    " s.track, s.speakers, coalesce(r.name, s.room_id) AS room_name, coalesce(p.name," \
    " s.planned_room_id) AS planned_room_name, coalesce(r.capacity, 0) AS capacity"  # fmt: skip
_S_FROM = " FROM session s LEFT JOIN room r ON r.room_id = s.room_id" \
    " LEFT JOIN room p ON p.room_id = s.planned_room_id"  # fmt: skip


def _version(op: Op) -> str:
    return f"{op.hlc} {op.op_id}"


# -- fold rules (called by the fold inside the caller's transaction) -------------------------


def touch(db: sqlite3.Connection, op: Op) -> None:
    """Keeps the newest schedule stamp: the one number signage compares (max is order-free)."""
    db.execute(
        "INSERT INTO schedule_state (id, version) VALUES (1, ?) ON CONFLICT (id)"
        " DO UPDATE SET version = max(version, excluded.version)",
        (_version(op),),
    )


def apply_registrations(db: sqlite3.Connection, op: Op) -> None:
    """Sign-ups are a set; per pair the newest add or cancel wins, so any order gives one state."""
    status = CANCELLED if op.kind == "registration_cancel" else REGISTERED
    ids = [a for a in op.payload.get("attendee_ids", []) if isinstance(a, str)]
    db.executemany(
        "INSERT INTO registration (session_id, attendee_id, status, version) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (session_id, attendee_id) DO UPDATE SET status = excluded.status,"
        " version = excluded.version WHERE excluded.version > registration.version",
        [(op.entity, a, status, _version(op)) for a in ids],
    )
    touch(db, op)


def apply_room_change(db: sqlite3.Connection, op: Op) -> None:
    """Remembers every room change (who, when, why) for the history, undo and signage."""
    p, fields = op.payload, op.payload.get("fields", {})
    db.execute(
        "INSERT INTO room_change (op_id, session_id, from_room, to_room, reason, staff, at,"
        " undo_of, origin, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, str(p.get("from_room", "")), str(fields.get("room_id", "")),
         str(p.get("reason", "")), str(p.get("staff", "")), str(p.get("at", "")),
         str(p.get("undo_of", "")), op.origin, op.hlc),
    )  # fmt: skip
    touch(db, op)


def apply_door_scan(db: sqlite3.Connection, op: Op) -> None:
    """Door scans are a grow-only set of events; occupancy is derived from them."""
    p = op.payload
    db.execute(
        "INSERT INTO door_scan (op_id, room_id, attendee_id, direction, session_id, at, device,"
        " hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, str(p.get("attendee_id", "")),
         "out" if p.get("direction") == "out" else "in", str(p.get("session_id", "")),
         str(p.get("at", "")), str(p.get("device", "")), op.hlc),
    )  # fmt: skip


def apply_notification(db: sqlite3.Connection, op: Op) -> None:
    """A notification head office should send; the venue only queues it."""
    p = op.payload
    db.execute(
        "INSERT INTO notification (op_id, kind, session_id, change_op_id, recipients, at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, str(p.get("kind", "room_change")), op.entity,
         str(p.get("change_op_id", "")), int(p.get("recipients", 0) or 0), str(p.get("at", ""))),
    )  # fmt: skip


def apply_room(db: sqlite3.Connection, op: Op) -> None:
    """A room's name and capacity: last writer wins per field."""
    fold.merge_fields(db, "room", "room_id", op.entity, ROOM_FIELDS, op)
    touch(db, op)


def apply_session(db: sqlite3.Connection, op: Op) -> None:
    """A session's fields: last writer wins per field."""
    fold.merge_fields(db, "session", "session_id", op.entity, SESSION_FIELDS, op)
    touch(db, op)


def apply_session_room(db: sqlite3.Connection, op: Op) -> None:
    """Last writer wins on the room; every change is also kept for history and undo."""
    fold.merge_fields(db, "session", "session_id", op.entity, ("room_id",), op)
    apply_room_change(db, op)


_TEXT = shapes.text()
PAYLOADS: dict[str, shapes.Shape] = {
    "room_set": shapes.edit({"name": _TEXT, "capacity": shapes.whole(0, 100_000)}),
    "session_set": shapes.edit(dict.fromkeys(SESSION_FIELDS, _TEXT)),
    "session_room_set": shapes.edit({"room_id": _TEXT}, from_room=_TEXT, reason=_TEXT, at=_TEXT,
                                    undo_of=_TEXT),
    "registration_add": {"attendee_ids": shapes.attendee_ids(CHUNK)},
    "registration_cancel": {"attendee_ids": shapes.attendee_ids(CHUNK)},
    "door_scan": {"attendee_id": _TEXT, "direction": _TEXT, "session_id": _TEXT, "at": _TEXT,
                  "device": _TEXT},
    "notification_queued": {"kind": _TEXT, "change_op_id": _TEXT, "at": _TEXT,
                            "from_room": _TEXT, "to_room": _TEXT,
                            "recipients": shapes.whole(0, 10_000_000)},
}  # fmt: skip
fold.register(
    {
        "room_set": apply_room,
        "session_set": apply_session,
        "session_room_set": apply_session_room,
        "registration_add": apply_registrations,
        "registration_cancel": apply_registrations,
        "door_scan": apply_door_scan,
        "notification_queued": apply_notification,
    },
    TABLES,
    PAYLOADS,
)


# -- reading ---------------------------------------------------------------------------------


def version(db: sqlite3.Connection) -> str:
    """The newest schedule stamp on this node ('' before any schedule op)."""
    row = db.execute("SELECT version FROM schedule_state WHERE id = 1").fetchone()
    return row[0] if row else ""


def parse_utc(text: str) -> datetime:
    """A stored `*_at` value as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def rooms(db: sqlite3.Connection) -> list[Room]:
    """Every room, largest first."""
    rows = db.execute("SELECT room_id, name, capacity FROM room ORDER BY capacity DESC, name")
    return [Room(r[0], r[1] or r[0], r[2]) for r in rows]


def room(db: sqlite3.Connection, room_id: str) -> Room | None:
    """One room, or None."""
    r = db.execute("SELECT room_id, name, capacity FROM room WHERE room_id = ?", (room_id,))
    row = r.fetchone()
    return Room(row[0], row[1] or row[0], row[2]) if row else None


def session_rows(db: sqlite3.Connection, where: str = "", args: tuple = ()) -> list[sqlite3.Row]:
    """Sessions with their room names, in start order; `where` is a fixed SQL condition."""
    sql = f"SELECT {_S_COLUMNS}{_S_FROM} {where} ORDER BY s.starts_at, room_name, s.session_id"
    return db.execute(sql, args).fetchall()


def session(db: sqlite3.Connection, session_id: str) -> sqlite3.Row | None:
    """One session with its room names, or None."""
    rows = session_rows(db, "WHERE s.session_id = ?", (session_id,))
    return rows[0] if rows else None


def days(db: sqlite3.Connection) -> list[str]:
    """Every day that has a session."""
    return [r[0] for r in db.execute("SELECT DISTINCT day FROM session WHERE day != '' ORDER BY 1")]


def slot(row: sqlite3.Row) -> Slot:
    """A session row as the rules' plain value."""
    return Slot(row["session_id"], row["title"], parse_utc(row["starts_at"]),
                parse_utc(row["ends_at"]), row["room_id"])  # fmt: skip


def slots_on(db: sqlite3.Connection, day: str) -> list[Slot]:
    """The day's sessions for the rules."""
    return [slot(r) for r in session_rows(db, "WHERE s.day = ? AND s.starts_at != ''", (day,))]


_REGISTERED_SQL = (
    "SELECT {what} FROM registration g JOIN attendee a ON a.attendee_id = g.attendee_id"
    " WHERE g.session_id = ? AND g.status = 'registered' AND a.status = 'valid'"
)


def registered_count(db: sqlite3.Connection, session_id: str) -> int:
    """Sign-ups of attendees who are not cancelled (the contract's `registered`)."""
    sql = _REGISTERED_SQL.format(what="count(*)")
    return db.execute(sql, (session_id,)).fetchone()[0]


def registered_counts(db: sqlite3.Connection, day: str) -> dict[str, int]:
    """`registered` for every session of a day, in one query."""
    rows = db.execute(
        "SELECT g.session_id, count(*) FROM registration g JOIN session s USING (session_id)"
        " JOIN attendee a ON a.attendee_id = g.attendee_id WHERE s.day = ?"
        " AND g.status = 'registered' AND a.status = 'valid' GROUP BY g.session_id",
        (day,),
    )
    return dict(rows.fetchall())


def registered_attendees(db: sqlite3.Connection, session_id: str) -> list[sqlite3.Row]:
    """Who signed up (and is not cancelled), by name."""
    sql = _REGISTERED_SQL.format(what="a.*") + " ORDER BY a.last_name, a.first_name"
    return db.execute(sql, (session_id,)).fetchall()


def is_registered(db: sqlite3.Connection, session_id: str, attendee_id: str) -> bool:
    """Whether this attendee holds a standing sign-up for the session."""
    row = db.execute(
        "SELECT 1 FROM registration WHERE session_id = ? AND attendee_id = ? AND status = ?",
        (session_id, attendee_id, REGISTERED),
    ).fetchone()
    return row is not None


def room_version(db: sqlite3.Connection, session_id: str) -> str:
    """The stamp of the session's current room: what an editor saw, for conflict flags."""
    row = db.execute(
        "SELECT json_extract(versions, '$.room_id') FROM session WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    return (row[0] or "") if row else ""


def to_api(row: sqlite3.Row, registered: int) -> dict[str, Any]:
    """The contract's S object."""
    return {"session_id": row["session_id"], "title": row["title"],
            "starts_at": row["starts_at"], "ends_at": row["ends_at"], "room_id": row["room_id"],
            "room_name": row["room_name"], "registered": registered}  # fmt: skip


_CHANGES = (
    "SELECT c.*, s.title, coalesce(f.name, c.from_room) AS from_name,"
    " coalesce(t.name, c.to_room) AS to_name FROM room_change c"
    " LEFT JOIN session s ON s.session_id = c.session_id"
    " LEFT JOIN room f ON f.room_id = c.from_room LEFT JOIN room t ON t.room_id = c.to_room"
)


def changes(db: sqlite3.Connection, session_id: str | None = None) -> list[sqlite3.Row]:
    """Room changes, newest first (one session's, or all)."""
    where, args = ("WHERE c.session_id = ?", (session_id,)) if session_id else ("", ())
    return db.execute(
        f"{_CHANGES} {where} ORDER BY {sql_order('c.hlc', descending=True)}, c.op_id DESC", args
    ).fetchall()


def change(db: sqlite3.Connection, op_id: str) -> sqlite3.Row | None:
    """One room change with names, or None."""
    return db.execute(f"{_CHANGES} WHERE c.op_id = ?", (op_id,)).fetchone()
