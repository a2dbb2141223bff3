"""Schedule CSV import: rooms and sessions, then sign-ups; all or nothing, errors name the line.

Uses the attendee importer's reader (encoding, delimiter, line numbers). Re-importing writes
only what changed; a session moved on site keeps its new room unless the file moves it too.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.desk.sheets import MAX_CELL, CsvError, read_rows
from kiosk.replication.node import Node
from kiosk.rooms import schedule

SESSION_ALIASES = {
    "session id": "session_id", "id": "session_id", "title": "title", "starts at": "starts_at",
    "start": "starts_at", "starts": "starts_at", "ends at": "ends_at", "end": "ends_at",
    "ends": "ends_at", "room id": "room_id", "room name": "room_name", "room": "room_name",
    "capacity": "capacity", "track": "track", "speakers": "speakers", "speaker": "speakers",
}  # fmt: skip
SESSION_REQUIRED = ("session_id", "title", "starts_at", "ends_at", "room_id")
REGISTRATION_ALIASES = {"session id": "session_id", "attendee id": "attendee_id",
                        "code": "code", "status": "status"}  # fmt: skip
CANCELLED = {"cancelled", "canceled", "batal", "withdrawn"}


@dataclass
class ScheduleReport:
    """What a schedule import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rooms_added: int = 0
    rooms_updated: int = 0
    cancelled: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def _header(cells: list[str], aliases: dict[str, str]) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    for cell in cells:
        column = aliases.get(" ".join(cell.replace("_", " ").casefold().split()))
        if column is not None and column in mapped:
            raise CsvError(f"line 1: two columns mean {column} (one is {cell!r})")
        mapped.append(column)
    ignored = [c.strip() for c, m in zip(cells, mapped, strict=True) if m is None and c.strip()]
    return mapped, ignored


def _records(data: bytes, aliases: dict[str, str], required: Iterable[str]) -> tuple[
        Iterator[tuple[int, dict[str, str]]], list[str]]:  # fmt: skip
    """Named, trimmed, checked cells of each non-empty row, after a header with `required`."""
    rows = read_rows(data)
    mapped, ignored = _header(next(rows)[1], aliases)
    missing = [c for c in required if c not in mapped]
    if missing:
        raise CsvError(f"line 1: the header has no {' or '.join(missing)} column")

    def named() -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(mapped):
                raise CsvError(f"line {line}: {len(cells)} cells but the header has"
                               f" {len(mapped)} columns")  # fmt: skip
            values = {c: " ".join(v.split()) for c, v in zip(mapped, cells, strict=False) if c}
            for column, value in values.items():
                if len(value) > MAX_CELL:
                    raise CsvError(f"line {line}: {column} is longer than {MAX_CELL} characters")
            yield line, values

    return named(), ignored


def parse_time(text: str, zone: ZoneInfo, line: int, column: str) -> datetime:
    """ISO 8601 with an offset, or the event's local time when it has none."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CsvError(f"line {line}: {column} {text!r} is not a date and time like"
                       " 2026-12-01T10:30 or 2026-12-01T10:30+07:00") from None  # fmt: skip
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


@dataclass(frozen=True)
class SessionRow:
    """One checked session line and the room it names."""

    line: int
    session_id: str
    fields: dict[str, str]
    room: dict[str, object]


def _session_row(line: int, v: dict[str, str], zone: ZoneInfo) -> SessionRow:
    for column in SESSION_REQUIRED:
        if not v.get(column):
            raise CsvError(f"line {line}: {column} is empty")
    starts = parse_time(v["starts_at"], zone, line, "starts_at")
    ends = parse_time(v["ends_at"], zone, line, "ends_at")
    if ends <= starts:
        raise CsvError(f"line {line}: ends_at is not after starts_at")
    room: dict[str, object] = {"name": v["room_name"]} if v.get("room_name") else {}
    if v.get("capacity"):
        if not v["capacity"].isdigit() or not 0 < int(v["capacity"]) <= 100_000:
            raise CsvError(f"line {line}: capacity {v['capacity']!r} is not a number of seats")
        room["capacity"] = int(v["capacity"])
    fields = {"title": v["title"], "starts_at": utc_iso(starts), "ends_at": utc_iso(ends),
              "day": starts.astimezone(zone).date().isoformat(), "planned_room_id": v["room_id"],
              "track": v.get("track", ""), "speakers": v.get("speakers", "")}  # fmt: skip
    return SessionRow(line, v["session_id"], fields, room)


def parse_sessions(data: bytes, zone: ZoneInfo) -> tuple[
        list[SessionRow], dict[str, dict], list[str]]:  # fmt: skip
    """Checks a whole sessions file: rows, the rooms they name (first line wins), ignored."""
    records, ignored = _records(data, SESSION_ALIASES, SESSION_REQUIRED)
    rows, seen, rooms_seen = [], {}, {}
    for line, values in records:
        row = _session_row(line, values, zone)
        if row.session_id in seen:
            raise CsvError(f"line {line}: session_id {row.session_id!r} is also on line"
                           f" {seen[row.session_id]}")  # fmt: skip
        seen[row.session_id] = line
        room_id = row.fields["planned_room_id"]
        _same_room(rooms_seen.setdefault(room_id, {"line": (line, line)}), row, line)
        rows.append(row)
    return rows, {k: {c: v[0] for c, v in held.items()} for k, held in rooms_seen.items()}, ignored


def _same_room(held: dict[str, tuple[object, int]], row: SessionRow, line: int) -> None:
    """A room's name and capacity must agree on every line that gives them."""
    for column, value in row.room.items():
        first = held.setdefault(column, (value, line))
        if first[0] != value:
            raise CsvError(f"line {line}: room {row.fields['planned_room_id']!r} has {column}"
                           f" {value!r} here but {first[0]!r} on line {first[1]}")  # fmt: skip


def _write_rooms(db: sqlite3.Connection, node: Node, rooms: dict[str, dict],
                 report: ScheduleReport) -> None:  # fmt: skip
    for room_id, wanted in rooms.items():
        held, line = schedule.room(db, room_id), wanted.pop("line")
        if held is None and "capacity" not in wanted:
            raise CsvError(f"line {line}: room {room_id!r} is new and needs a capacity")
        if held is None:
            wanted = {"name": room_id, **wanted}
        current = {"name": held.name, "capacity": held.capacity} if held else {}
        changed = {k: v for k, v in wanted.items() if current.get(k) != v}
        if changed:
            node.record(db, "room_set", room_id, {"fields": changed, "source": "import"})
            report.rooms_added += held is None
            report.rooms_updated += held is not None


def _write_session(db: sqlite3.Connection, node: Node, row: SessionRow,
                   report: ScheduleReport) -> None:  # fmt: skip
    held = db.execute("SELECT * FROM session WHERE session_id = ?", (row.session_id,)).fetchone()
    changed = {k: v for k, v in row.fields.items() if held is None or held[k] != v}
    if "planned_room_id" in changed:  # the organisers moved it: that is where it happens now
        changed["room_id"] = changed["planned_room_id"]
    if changed:
        node.record(db, "session_set", row.session_id, {"fields": changed, "source": "import"})
    report.added += held is None
    report.updated += held is not None and bool(changed)
    report.unchanged += not changed


def import_sessions(db: sqlite3.Connection, node: Node, data: bytes) -> ScheduleReport:
    """Checks the whole file, then writes rooms and sessions in one transaction."""
    rows, rooms, ignored = parse_sessions(data, load_event(db).zone)
    report = ScheduleReport(ignored_columns=ignored)
    with transaction(db):
        _write_rooms(db, node, rooms, report)
        for row in rows:
            _write_session(db, node, row, report)
    return report


# -- sign-ups --------------------------------------------------------------------------------


def _registration(db: sqlite3.Connection, line: int, v: dict[str, str]) -> tuple[str, str, bool]:
    if not v.get("session_id"):
        raise CsvError(f"line {line}: session_id is empty")
    if schedule.session(db, v["session_id"]) is None:
        raise CsvError(f"line {line}: no session has id {v['session_id']!r}"
                       " (import the sessions first)")  # fmt: skip
    person = attendees.get(db, v["attendee_id"]) if v.get("attendee_id") else None
    if person is None and v.get("code"):
        person = attendees.by_code(db, v["code"])
    if person is None:
        who = v.get("attendee_id") or v.get("code") or ""
        raise CsvError(f"line {line}: no attendee has id or code {who!r}")
    return v["session_id"], person["attendee_id"], v.get("status", "").casefold() in CANCELLED


def parse_registrations(db: sqlite3.Connection, data: bytes) -> tuple[
        list[tuple[str, str, bool]], list[str]]:  # fmt: skip
    """Checks a sign-ups file against this node's sessions and attendees."""
    records, ignored = _records(data, REGISTRATION_ALIASES, ("session_id",))
    rows = [_registration(db, line, values) for line, values in records]
    return rows, ignored


def add_registrations(db: sqlite3.Connection, node: Node, pairs: Iterable[tuple[str, str]],
                      kind: str = "registration_add") -> int:  # fmt: skip
    """Writes sign-ups (or cancellations) as one op per session and chunk; returns the count."""
    by_session: dict[str, list[str]] = defaultdict(list)
    for session_id, attendee_id in pairs:
        by_session[session_id].append(attendee_id)
    for session_id, unsorted in by_session.items():
        ids = sorted(set(unsorted))  # in index order: bulk sign-ups append rather than scatter
        for start in range(0, len(ids), schedule.CHUNK):
            node.record(db, kind, session_id, {"attendee_ids": ids[start : start + schedule.CHUNK]})
    return sum(len(ids) for ids in by_session.values())


def import_registrations(db: sqlite3.Connection, node: Node, data: bytes) -> ScheduleReport:
    """Adds new sign-ups and cancels those marked cancelled; all or nothing."""
    rows, ignored = parse_registrations(db, data)
    report = ScheduleReport(ignored_columns=ignored)
    adds, cancels = {}, {}
    for session_id, attendee_id, cancel in rows:
        held = schedule.is_registered(db, session_id, attendee_id)
        if cancel and held:
            cancels[(session_id, attendee_id)] = True
        elif not cancel and not held:
            adds[(session_id, attendee_id)] = True
        else:
            report.unchanged += 1
    with transaction(db):
        report.added = add_registrations(db, node, adds)
        report.cancelled = add_registrations(db, node, cancels, "registration_cancel")
    return report
