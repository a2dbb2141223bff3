"""`kiosk headoffice import attendees --event SLUG FILE`: the venue's CSV rules, at head office.

The file is read and checked whole (kiosk.desk.importer.parse: any bad line, nothing
imported) and written as the same ops a venue's import writes, into the event's log, so
every venue of the event takes the people on its next pull.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.desk.importer import FIELDS, TICKET_SYSTEM_DESK, ImportReport, Row, parse
from kiosk.desk.sheets import CsvError
from kiosk.headoffice import events
from kiosk.headoffice.database import Database
from kiosk.headoffice.events import Event
from kiosk.headoffice.fold import PEOPLE
from kiosk.replication import basis
from sync.ids import uuid7

_HELD = ("attendee_id", *PEOPLE, "versions")


def _held(db: Database, event_id: int, column: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    rows = db.among(f"SELECT {', '.join(_HELD)} FROM attendee WHERE event_id = ?"  # noqa: S608
                    f" AND {column} IN ?list", (event_id,), keys)  # fmt: skip
    for row in rows:
        record = dict(zip(_HELD, row, strict=True))
        found[record[column]] = record
    return found


def _existing(by_id: dict, by_code: dict, row: Row) -> dict[str, Any] | None:
    holder = by_code.get(row.values["code"])
    if row.attendee_id is None:
        return holder
    if holder is not None and holder["attendee_id"] != row.attendee_id:
        raise CsvError(
            f"line {row.line}: code {row.values['code']!r} already belongs to another attendee"
        )
    return by_id.get(row.attendee_id)


def import_attendees(db: Database, event: Event, data: bytes) -> ImportReport:
    """Checks the whole file, then writes it in one transaction: all or nothing."""
    rows, ignored = parse(data)
    report = ImportReport(ignored_columns=ignored)
    with db.transaction():
        by_id = _held(db, event.event_id, "attendee_id", [r.attendee_id for r in rows
                                                           if r.attendee_id])  # fmt: skip
        by_code = _held(db, event.event_id, "code", [r.values["code"] for r in rows])
        arrived_ids = {r[0] for r in db.execute(
            "SELECT DISTINCT attendee_id FROM arrival WHERE event_id = ? AND undone = 0",
            (event.event_id,))}  # fmt: skip
        changes, afters, arrived = [], [], []
        for row in rows:
            existing = _existing(by_id, by_code, row)
            if existing is None:
                fields = {**dict.fromkeys(FIELDS, ""), "status": "valid",
                          "ticket_type": "Attendee", **row.values, "source": "import"}  # fmt: skip
                attendee_id = row.attendee_id or uuid7()
                changes.append(("attendee_upsert", attendee_id,
                                {"fields": fields, "source": "import"}))  # fmt: skip
                report.added += 1
            else:
                attendee_id = existing["attendee_id"]
                changed = {k: v for k, v in row.values.items() if existing[k] != v}
                if changed:
                    saw = basis.of(existing["versions"], changed)
                    afters.append(basis.after(saw))
                    edit = {"fields": changed, "seen": saw, "source": "import"}
                    changes.append(("attendee_upsert", attendee_id, edit))
                    report.updated += 1
                else:
                    report.unchanged += 1
            if row.arrived and attendee_id not in arrived_ids:
                arrived.append((attendee_id, row.values["code"]))
        changes.extend(_arrivals(event, arrived))
        report.arrivals = len(arrived)
        events.record(db, event, changes, after=basis.newest(a for a in afters if a))
    return report


def _arrivals(event: Event, arrived: list[tuple[str, str]]) -> list[tuple[str, str, dict]]:
    """A check-in at the ticket system's desk for each person the file says is already in."""
    now = datetime.now(UTC)
    payload = {"at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
               "day": now.astimezone(ZoneInfo(event.timezone)).date().isoformat(),
               "desk": TICKET_SYSTEM_DESK, "staff": ""}  # fmt: skip
    return [("checkin", a, {**payload, "code": code}) for a, code in arrived]
