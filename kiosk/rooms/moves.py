"""Moving a session to another room: the preview, the change (an op), undo, telling people.

A change is a `session_room_set` op carrying who, when and why, the room the supervisor saw,
and `seen` (the version of the room it replaces) so two devices changing one session while
apart are flagged for review after sync. Each change also queues a `notification_queued` op:
head office e-mails the people affected; the venue itself sends nothing.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from kiosk import clock
from kiosk.desk.reports import neutralise
from kiosk.replication import conflicts
from kiosk.replication.node import Node
from kiosk.rooms import rules as rooms
from kiosk.rooms import schedule

EXPORT_COLUMNS = ("attendee_id", "first_name", "last_name", "email", "session_id", "title",
                  "starts_at", "from_room", "to_room")  # fmt: skip
MAX_REASON = 200


class MoveError(ValueError):
    """A room change that cannot be made. `code` is for programs, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Preview:
    """A session, the room it would go to, and what that would do."""

    session: sqlite3.Row
    room: rooms.Room
    impact: rooms.Impact
    seen: str  # the version of the session's room now: a confirm must still match it


def preview(db: sqlite3.Connection, session_id: str, room_id: str,
            now: datetime | None = None) -> Preview:  # fmt: skip
    """The impact of moving a session, computed from this node's state at `now` (the clock's)."""
    row = schedule.session(db, session_id)
    if row is None:
        raise MoveError("not_found", "No session has this id.")
    target = schedule.room(db, room_id)
    if target is None:
        raise MoveError("unknown_room", "No room has this id.")
    day = schedule.slots_on(db, row["day"])
    found = rooms.impact(schedule.slot(row), target, schedule.registered_count(db, session_id), day,
                         now or clock.now())  # fmt: skip
    return Preview(row, target, found, schedule.room_version(db, session_id))


def move(db: sqlite3.Connection, node: Node, plan: Preview, staff: str, reason: str, at: str,
         undo_of: str = "") -> str:  # fmt: skip
    """Writes the change and its notification (inside the caller's transaction); the op id."""
    session_id = plan.session["session_id"]
    payload = {"fields": {"room_id": plan.room.room_id}, "seen": {"room_id": plan.seen},
               "from_room": plan.session["room_id"], "reason": reason[:MAX_REASON],
               "staff": staff, "at": at, "undo_of": undo_of}  # fmt: skip
    op = node.record(
        db, "session_room_set", session_id, payload, after=plan.seen.split(" ")[0] or None
    )
    node.record(db, "notification_queued", session_id, {
        "kind": "room_change", "change_op_id": op.op_id, "at": at,
        "from_room": plan.session["room_id"], "to_room": plan.room.room_id,
        "recipients": plan.impact.registered})  # fmt: skip
    return op.op_id


def check_seen(db: sqlite3.Connection, session_id: str, seen: str) -> None:
    """Refuses a confirm when the room changed here since the preview was shown."""
    if seen != schedule.room_version(db, session_id):
        raise MoveError("changed", "Someone changed this session's room meanwhile. Look again.")


def undo(db: sqlite3.Connection, node: Node, change_op_id: str, staff: str, at: str) -> str:
    """Undo is another change: back to the room the undone change left (inside a transaction)."""
    change = schedule.change(db, change_op_id)
    if change is None:
        raise MoveError("not_found", "No room change has this id.")
    if not change["from_room"]:
        raise MoveError("no_previous_room", "This change has no earlier room to go back to.")
    plan = preview(db, change["session_id"], change["from_room"])
    return move(db, node, plan, staff, f"undo: {change['reason']}"[:MAX_REASON], at, change_op_id)


def export_affected(db: sqlite3.Connection, change_op_id: str, out: TextIO) -> int:
    """The people to tell about one change, as CSV with formula cells neutralised."""
    change = schedule.change(db, change_op_id)
    if change is None:
        raise MoveError("not_found", "No room change has this id.")
    row = schedule.session(db, change["session_id"])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    people = schedule.registered_attendees(db, change["session_id"])
    for a in people:
        writer.writerow([neutralise(v) for v in (
            a["attendee_id"], a["first_name"], a["last_name"], a["email"], change["session_id"],
            row["title"] if row else "", row["starts_at"] if row else "", change["from_name"],
            change["to_name"])])  # fmt: skip
    return len(people)


def choose_room(db: sqlite3.Connection, node: Node, session_id: str, room_id: object, staff: str,
                at: str) -> bool:  # fmt: skip
    """A room chosen in review is a room change like any other: history, who moved it, notices.

    False when this node does not know the session or room yet: a plain field write then.
    """
    try:
        plan = preview(db, session_id, str(room_id))
    except MoveError:
        return False
    if plan.session["room_id"] != str(room_id):
        move(db, node, plan, staff, "review", at)
    return True


conflicts.CHOICES["session_room_set"] = choose_room
