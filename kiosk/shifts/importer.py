"""Shifts CSV import: who works where when; all or nothing, errors name the line.

Reads files with the schedule import's reader (encoding, delimiter, .xlsx, line numbers) and
its time rule (ISO 8601 with an offset, or the event's local time). A room named by its id or
its name becomes that room; any other place is an area ("Registration", "Loading dock").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.desk.sheets import CsvError
from kiosk.replication.node import Node
from kiosk.rooms import schedule
from kiosk.rooms.schedule_import import _records as records
from kiosk.rooms.schedule_import import parse_time
from kiosk.shifts import roster, store

ALIASES = {
    "shift id": "shift_id", "id": "shift_id", "person": "person", "name": "person",
    "staff": "person", "badge code": "badge_code", "badge": "badge_code", "code": "badge_code",
    "role": "role", "place": "place", "room": "place", "room id": "place", "area": "place",
    "starts at": "starts_at", "start": "starts_at", "starts": "starts_at",
    "ends at": "ends_at", "end": "ends_at", "ends": "ends_at", "status": "status",
}  # fmt: skip
REQUIRED = ("role", "place", "starts_at", "ends_at")
MAX_ROLE = 40
CANCELLED = {"cancelled", "canceled", "batal"}


@dataclass
class ShiftReport:
    """What a shifts import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def _places(db: sqlite3.Connection) -> dict[str, str]:
    """Room ids and names (case aside) to room ids."""
    found = {}
    for room in schedule.rooms(db):
        found[room.name.casefold()] = room.room_id
        found[room.room_id.casefold()] = room.room_id
    return found


def _row(db: sqlite3.Connection, line: int, v: dict[str, str], places: dict[str, str]) -> tuple[
        str, dict[str, str]]:  # fmt: skip
    for column in REQUIRED:
        if not v.get(column):
            raise CsvError(f"line {line}: {column} is empty")
    person, code = v.get("person", ""), v.get("badge_code", "")
    if not person and code:
        badge = attendees.by_code(db, code)
        person = f"{badge['first_name']} {badge['last_name']}".strip() if badge else ""
    if not person:
        raise CsvError(f"line {line}: person is empty (give a name or a known badge code)")
    if len(v["role"]) > MAX_ROLE:
        raise CsvError(f"line {line}: role is longer than {MAX_ROLE} characters")
    zone = load_event(db).zone
    starts = parse_time(v["starts_at"], zone, line, "starts_at")
    ends = parse_time(v["ends_at"], zone, line, "ends_at")
    if ends <= starts:
        raise CsvError(f"line {line}: ends_at is not after starts_at")
    fields = {"person": person, "badge_code": code, "role": v["role"].casefold(),
              "place": places.get(v["place"].casefold(), v["place"]), "starts_at": utc_iso(starts),
              "ends_at": utc_iso(ends), "day": starts.astimezone(zone).date().isoformat(),
              "status": store.CANCELLED if v.get("status", "").casefold() in CANCELLED
              else store.ACTIVE}  # fmt: skip
    shift_id = v.get("shift_id") or roster.shift_id_for(
        fields["day"], fields["role"], fields["place"], fields["starts_at"], person
    )
    return shift_id, fields


def parse_shifts(db: sqlite3.Connection, data: bytes) -> tuple[list[tuple[str, dict]], list[str]]:
    """Checks a whole shifts file: (shift id, fields) per row, and the ignored columns."""
    rows, ignored = records(data, ALIASES, REQUIRED)
    places, seen, found = _places(db), {}, []
    for line, values in rows:
        shift_id, fields = _row(db, line, values, places)
        if shift_id in seen:
            raise CsvError(f"line {line}: the same shift as on line {seen[shift_id]}")
        seen[shift_id] = line
        found.append((shift_id, fields))
    return found, ignored


def import_shifts(db: sqlite3.Connection, node: Node, data: bytes, staff: str = "import"
                  ) -> ShiftReport:  # fmt: skip
    """Checks the whole file, then writes every new or changed shift in one transaction."""
    rows, ignored = parse_shifts(db, data)
    report = ShiftReport(ignored_columns=ignored)
    with transaction(db):
        for shift_id, fields in rows:
            held = store.shift(db, shift_id) is not None
            changed = roster.set_shift(db, node, shift_id, fields, staff, source="import")
            report.added += not held
            report.updated += held and changed
            report.unchanged += held and not changed
    return report
