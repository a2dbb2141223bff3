"""Room doors: scanning badges in and out, and live occupancy against capacity.

A door scan is a `door_scan` op (a grow-only set). A person counts in a room while their
latest scan since the room's current session opened is an "in" there: a scan at another
door, or out, takes them out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import clean_code, utc_iso
from kiosk.desk.event import load as load_event
from kiosk.replication.node import Node
from kiosk.rooms import rules as rooms
from kiosk.rooms import schedule
from sync.hlc import sql_order

_LATEST = ("SELECT room_id || ' ' || direction FROM door_scan d WHERE d.attendee_id = {who}"  # noqa: S608
           " AND d.at >= ? ORDER BY d.at DESC,"
           f" {sql_order('d.hlc', descending=True)} LIMIT 1")  # fmt: skip


@dataclass(frozen=True)
class Occupancy:
    """A room's live count, its session now, and how full it is."""

    room: rooms.Room
    count: int
    session: rooms.Slot | None

    @property
    def level(self) -> rooms.Level:
        return rooms.level(self.count, self.room.capacity)

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.room.capacity) if self.room.capacity else 0


@dataclass(frozen=True)
class DoorOutcome:
    """A door scan's answer and who it was."""

    decision: rooms.DoorDecision
    attendee: sqlite3.Row | None
    session: rooms.Slot | None


def _day(db: sqlite3.Connection, now: datetime) -> tuple[list[rooms.Slot], datetime]:
    zone = load_event(db).zone
    local = now.astimezone(zone).date()
    return schedule.slots_on(db, local.isoformat()), datetime.combine(local, time(0), zone)


def _since(db: sqlite3.Connection, room_id: str, now: datetime) -> tuple[str, rooms.Slot | None]:
    slots, day_start = _day(db, now)
    since = rooms.occupancy_since(slots, room_id, now, day_start)
    return utc_iso(since), rooms.door_session(slots, room_id, now)


def count(db: sqlite3.Connection, room_id: str, since: str) -> int:
    """People whose latest door scan since `since` is an "in" at this room."""
    latest = _LATEST.format(who="p.attendee_id")
    sql = (
        "SELECT count(*) FROM (SELECT DISTINCT attendee_id FROM door_scan WHERE room_id = ?"  # noqa: S608
        f" AND at >= ?) p WHERE ({latest}) = ?"
    )
    return db.execute(sql, (room_id, since, since, f"{room_id} in")).fetchone()[0]


def is_inside(db: sqlite3.Connection, attendee_id: str, room_id: str, since: str) -> bool:
    """Whether this person's latest scan since `since` is an "in" at this room."""
    row = db.execute(_LATEST.format(who="?"), (attendee_id, since)).fetchone()
    return row is not None and row[0] == f"{room_id} in"


def occupancy(db: sqlite3.Connection, room: rooms.Room, now: datetime) -> Occupancy:
    """One room's live count."""
    since, running = _since(db, room.room_id, now)
    return Occupancy(room, count(db, room.room_id, since), running)


def all_occupancy(db: sqlite3.Connection, now: datetime) -> list[Occupancy]:
    """Every room's live count, largest room first."""
    return [occupancy(db, r, now) for r in schedule.rooms(db)]


def scan(db: sqlite3.Connection, node: Node, room: rooms.Room, raw: str, direction: str,
         device: str, now: datetime) -> DoorOutcome:  # fmt: skip
    """Answers a badge at a door and records it (unless unknown or cancelled)."""
    code = clean_code(raw)
    with transaction(db):
        person = attendees.by_code(db, code) if code else None
        since, running = _since(db, room.room_id, now)
        inside = person is not None and is_inside(db, person["attendee_id"], room.room_id, since)
        registered = bool(person and running and schedule.is_registered(
            db, running.session_id, person["attendee_id"]))  # fmt: skip
        decision = rooms.door_decide(
            person is not None, bool(person and person["status"] != "valid"), running, registered,
            direction, inside, count(db, room.room_id, since), room.capacity)  # fmt: skip
        if person is not None and decision.result is not rooms.DoorResult.CANCELLED:
            node.record(db, "door_scan", room.room_id, {
                "attendee_id": person["attendee_id"], "direction": direction, "at": utc_iso(now),
                "device": device, "session_id": running.session_id if running else ""})  # fmt: skip
    return DoorOutcome(decision, person, running)
