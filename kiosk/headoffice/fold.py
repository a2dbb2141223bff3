"""What head office folds from each event's log: people, arrivals, the schedule, and mail.

Head office keeps only what its own screens and mail need, by the same rules as every venue
(last writer wins per field, sign-ups as a set); the log stays the truth and travels whole.
A page is folded in bulk (a few statements per page, not per op), so a venue's first push of
a 100k-person import costs seconds. Room-change notifications become one mail row per
affected attendee, keyed so that no refold, retry or restart ever queues a mail twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kiosk.headoffice import forget
from kiosk.headoffice.database import Database
from kiosk.replication.codes import version_order
from sync.oplog import Op
from sync.peers import now_iso

PEOPLE = (
    "code",
    "first_name",
    "last_name",
    "email",
    "company",
    "ticket_type",
    "status",
    "note",
    "block_note",
    "share_email",
)  # the fields of an import (kiosk.desk.importer.FIELDS)
PERSONAL = ("first_name", "last_name", "email", "company", "note", "block_note")  # erasure
ROOM = ("name",)
SESSION = ("title", "starts_at", "ends_at", "room_id")
STATE = ("attendee", "arrival", "room", "session", "registration")


def version(op: Op) -> str:
    """An op's version of the fields it writes: "hlc op_id"."""
    return f"{op.hlc} {op.op_id}"


def _winners(versions: dict[str, str], op: Op, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The fields of an edit op that beat the versions held (and marks them won)."""
    mine, stamp = version_order(version(op)), version(op)
    fields = op.payload.get("fields", {})
    won = {k: str(v) for k, v in fields.items()
           if k in allowed and version_order(versions.get(k, "")) < mine}  # fmt: skip
    versions.update(dict.fromkeys(won, stamp))
    return won


def _attendees(db: Database, event_id: int, ops: list[Op]) -> None:
    """attendee_upsert ops of a page, merged in memory and written in a few statements."""
    ids = sorted({op.entity for op in ops})
    held: dict[str, dict[str, Any]] = {}
    rows = db.among(f"SELECT attendee_id, {', '.join(PEOPLE)}, versions, erased_at FROM attendee"  # noqa: S608
                    " WHERE event_id = ? AND attendee_id IN ?list", (event_id,), ids)  # fmt: skip
    for row in rows:
        held[row[0]] = {**dict(zip(PEOPLE, row[1 : len(PEOPLE) + 1], strict=True)),
                        "versions": json.loads(row[-2]), "erased_at": row[-1]}  # fmt: skip
    existing, changed = set(held), set()
    for op in ops:
        row = held.setdefault(op.entity, {**dict.fromkeys(PEOPLE, ""), "status": "valid",
                                          "versions": {}, "erased_at": None})  # fmt: skip
        won = _winners(row["versions"], op, PEOPLE)
        if row["erased_at"]:
            won = {k: v for k, v in won.items() if k not in PERSONAL}
        if won:
            row.update(won)
            changed.add(op.entity)
    columns = ("event_id", "attendee_id", *PEOPLE, "versions")

    def values(attendee_id: str) -> tuple[Any, ...]:
        row = held[attendee_id]
        return (event_id, attendee_id, *(row[k] for k in PEOPLE),
                json.dumps(row["versions"], sort_keys=True))  # fmt: skip

    db.copy("attendee", columns, [values(a) for a in sorted(changed - existing)])
    sets = ", ".join(f"{name} = ?" for name in (*PEOPLE, "versions"))
    db.executemany(
        f"UPDATE attendee SET {sets} WHERE event_id = ? AND attendee_id = ?",  # noqa: S608
        [(*values(a)[2:], event_id, a) for a in sorted(changed & existing)],
    )


def _arrivals(db: Database, event_id: int, ops: list[Op]) -> None:
    db.copy(  # a page's ops are new to this log, and so are their arrivals
        "arrival",
        ("event_id", "op_id", "attendee_id", "at", "desk", "origin"),
        [(event_id, op.op_id, op.entity, str(op.payload.get("at", "")),
          str(op.payload.get("desk", "")), op.origin) for op in ops],
    )  # fmt: skip


def _undo(db: Database, event_id: int, op: Op) -> None:
    db.execute("UPDATE arrival SET undone = 1 WHERE event_id = ? AND op_id = ?",
               (event_id, str(op.payload.get("checkin_op_id", ""))))  # fmt: skip


def _merge(table: str, key: str, allowed: tuple[str, ...]) -> Callable[[Database, int, Op], None]:
    """Last writer wins per field for one row of a small table (rooms, sessions)."""

    def apply(db: Database, event_id: int, op: Op) -> None:
        row = db.execute(f"SELECT versions FROM {table} WHERE event_id = ? AND {key} = ?",  # noqa: S608
                         (event_id, op.entity)).fetchone()  # fmt: skip
        versions = json.loads(row[0]) if row else {}
        won = _winners(versions, op, allowed)
        if not won:
            return
        if row is None:
            db.execute(f"INSERT INTO {table} (event_id, {key}) VALUES (?, ?)",  # noqa: S608
                       (event_id, op.entity))  # fmt: skip
        sets = ", ".join(f"{name} = ?" for name in won)
        db.execute(
            f"UPDATE {table} SET {sets}, versions = ? WHERE event_id = ? AND {key} = ?",  # noqa: S608
            (*won.values(), json.dumps(versions, sort_keys=True), event_id, op.entity),
        )

    return apply


def _registrations(db: Database, event_id: int, op: Op) -> None:
    """Sign-ups are a set: per pair the newest add or cancel wins."""
    active = 0 if op.kind == "registration_cancel" else 1
    ids = [a for a in op.payload.get("attendee_ids", []) if isinstance(a, str)]
    db.executemany(
        "INSERT INTO registration (event_id, session_id, attendee_id, version, active)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, session_id, attendee_id) DO UPDATE"
        " SET active = excluded.active, version = excluded.version"
        " WHERE excluded.version > registration.version",
        [(event_id, op.entity, a, version(op), active) for a in ids],
    )


def _notification(db: Database, event_id: int, op: Op) -> None:
    """A room change to tell: one mail row per affected attendee with an address."""
    p = op.payload
    if p.get("kind", "room_change") != "room_change":
        return
    event = db.execute("SELECT name, timezone, language FROM event WHERE event_id = ?",
                       (event_id,)).fetchone()  # fmt: skip
    session = db.execute("SELECT title, starts_at, ends_at FROM session"
                         " WHERE event_id = ? AND session_id = ?",
                         (event_id, op.entity)).fetchone() or ("", "", "")  # fmt: skip
    names = dict(db.execute("SELECT room_id, name FROM room WHERE event_id = ?", (event_id,)))
    people = db.execute(
        "SELECT a.attendee_id, a.email, a.first_name, a.last_name FROM registration r"
        " JOIN attendee a ON a.event_id = r.event_id AND a.attendee_id = r.attendee_id"
        " WHERE r.event_id = ? AND r.session_id = ? AND r.active = 1"
        " AND a.status = 'valid' AND a.email != '' AND a.erased_at IS NULL",
        (event_id, op.entity),
    ).fetchall()
    rooms = {
        end: names.get(str(p.get(end, "")), str(p.get(end, ""))) for end in ("from_room", "to_room")
    }
    facts = {"event_name": event[0], "timezone": event[1], "session_title": session[0],
             "starts_at": session[1], "ends_at": session[2], **rooms}  # fmt: skip
    now = now_iso()
    db.executemany(
        "INSERT INTO mail (event_id, notification_op_id, attendee_id, address, language, facts,"
        " message_id, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(event_id, op.op_id, a, email, event[2],
          json.dumps({**facts, "first_name": first, "last_name": last}, sort_keys=True),
          f"<{op.op_id}.{a}@headoffice.kiosk.invalid>", now)
         for a, email, first, last in people],
    )  # fmt: skip


EACH: dict[str, Callable[[Database, int, Op], None]] = {
    "checkin_undo": _undo,
    "room_set": _merge("room", "room_id", ROOM),
    "session_set": _merge("session", "session_id", SESSION),
    "session_room_set": _merge("session", "session_id", ("room_id",)),
    "registration_add": _registrations,
    "registration_cancel": _registrations,
    "attendee_erase": forget.erase,
}
LAST: dict[str, Callable[[Database, int, Op], None]] = {"notification_queued": _notification}


def apply_page(db: Database, event_id: int, ops: list[Op]) -> None:
    """Folds a page of new ops (inside the caller's transaction); other kinds stay in the log.

    People and arrivals go in bulk, the schedule op by op, and notifications last, so a page
    that signs people up and then moves their session tells them.
    """
    _attendees(db, event_id, [op for op in ops if op.kind == "attendee_upsert"])
    _arrivals(db, event_id, [op for op in ops if op.kind == "checkin"])
    for table in (EACH, LAST):
        for op in ops:
            if op.kind in table:
                table[op.kind](db, event_id, op)


def rebuild(db: Database, event_id: int, ops: list[Op]) -> None:
    """Folds an event's state again from its whole log (a held copy was replaced)."""
    for table in STATE:
        db.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))  # noqa: S608
    apply_page(db, event_id, ops)
