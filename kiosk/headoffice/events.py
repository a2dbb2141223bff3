"""The events head office serves: add one, list them with their venues, record its ops.

Head office writes its own ops (an event's name and dates, imports, erasures) into the
event's log under its node id, so venues take them on their next pull like any other op.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.headoffice import fold, forget
from kiosk.headoffice.database import Database
from kiosk.headoffice.eventlog import EventLog
from kiosk.replication import fold as venue_fold
from kiosk.replication import scrub
from sync.hlc import Clock
from sync.ids import uuid7
from sync.oplog import Op
from sync.peers import now_iso

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
LANGUAGES = ("en", "id")


class EventError(ValueError):
    """A request about events that cannot be done; the message says why."""


@dataclass(frozen=True)
class Event:
    """One event as head office registers it."""

    event_id: int
    slug: str
    name: str
    starts_on: str
    days: int
    timezone: str
    language: str
    retention_days: int | None
    purged_at: str | None


_COLUMNS = "event_id, slug, name, starts_on, days, timezone, language, retention_days, purged_at"


def node_id(db: Database) -> str:
    """Head office's node id, made once: every op it writes carries it."""
    row = db.execute("SELECT value FROM ho_meta WHERE key = 'node_id'").fetchone()
    if row:
        return row[0]
    with db.transaction():
        db.execute("INSERT INTO ho_meta (key, value) VALUES ('node_id', ?) ON CONFLICT DO NOTHING",
                   (f"headoffice-{secrets.token_hex(3)}",))  # fmt: skip
    return db.execute("SELECT value FROM ho_meta WHERE key = 'node_id'").fetchone()[0]


def record(db: Database, event: Event, changes: list[tuple[str, str, dict[str, Any]]],
           after: str | None = None) -> list[Op]:  # fmt: skip
    """Writes head-office ops (kind, entity, payload) into an event's log and folds them.

    Call inside a transaction. The clock starts past the newest stamp of the event's log, so
    a restarted process never reuses a stamp; `after` puts the ops after a value they replace.
    """
    if get(db, event.event_id).purged_at:  # a purged event takes no personal data again
        raise EventError(f"{event.slug}'s personal data was purged: it takes no changes.")
    log = EventLog(db, event.event_id)
    clock = Clock(node_id(db))
    clock.observe(log.latest_stamp())
    clock.observe(after)
    ops = []
    for kind, entity, payload in changes:
        stamp = clock.tick()
        op = Op(uuid7(stamp.wall_ms), clock.node, str(stamp), kind, entity, payload)
        venue_fold.check(op)
        ops.append(op)
    ops = normalize(db, event.event_id, ops)
    log.insert_page(ops, None)
    fold.apply_page(db, event.event_id, ops)
    return ops


def normalize(db: Database, event_id: int, ops: list[Op]) -> list[Op]:
    """Ops about to enter an event's log, without the data of anyone erased there."""
    return scrub.normalize(ops, lambda ids: forget.erasures(db, event_id, ids))


def check_fields(slug: str, starts: str, days: int, timezone: str, language: str) -> None:
    """Refuses (EventError) what a venue could not take."""
    if not SLUG.fullmatch(slug):
        raise EventError("A slug is 1-63 lower-case letters, digits and '-' (e.g. jcon-2026).")
    try:
        date.fromisoformat(starts)
    except ValueError:
        raise EventError("--starts is a date, YYYY-MM-DD.") from None
    if not 1 <= days <= 60:
        raise EventError("--days is 1 to 60.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventError(f"Unknown time zone {timezone!r} (e.g. Asia/Jakarta).") from None
    if language not in LANGUAGES:
        raise EventError("--language is en or id.")


def register(db: Database, slug: str, name: str, starts: str, days: int = 1,
             timezone: str = "UTC", language: str = "en",
             retention_days: int | None = None) -> Event:  # fmt: skip
    """The event's row, and its own partitions on PostgreSQL (inside the caller's transaction)."""
    check_fields(slug, starts, days, timezone, language)
    if not name.strip():
        raise EventError("An event needs a name.")
    if find(db, slug) is not None:
        raise EventError(f"An event {slug!r} exists already.")
    event_id = db.execute(
        "INSERT INTO event (slug, name, starts_on, days, timezone, language, retention_days,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
        (slug, name.strip(), starts, days, timezone, language, retention_days, now_iso()),
    ).fetchone()[0]
    if db.dialect == "postgresql":
        for table in ("op", "attendee"):
            db.execute(f"CREATE TABLE {table}_{int(event_id)} PARTITION OF {table}"
                       f" FOR VALUES IN ({int(event_id)})")  # fmt: skip
    return get(db, event_id)


def add(db: Database, slug: str, name: str, starts: str, days: int = 1, timezone: str = "UTC",
        language: str = "en", retention_days: int | None = None) -> Event:  # fmt: skip
    """Registers an event and records its name and dates for its venues to take."""
    with db.transaction():
        event = register(db, slug, name, starts, days, timezone, language, retention_days)
        fields = {"name": event.name, "starts_on": starts, "days": days, "timezone": timezone}
        record(db, event, [("event_set", "event", {"fields": fields, "source": "headoffice"})])
    return event


def _event(row: Any) -> Event:
    return Event(*row)


def get(db: Database, event_id: int) -> Event:
    """One event by id."""
    row = db.execute(f"SELECT {_COLUMNS} FROM event WHERE event_id = ?", (event_id,)).fetchone()  # noqa: S608
    return _event(row)


def find(db: Database, slug: str) -> Event | None:
    """One event by slug, or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM event WHERE slug = ?", (slug,)).fetchone()  # noqa: S608
    return _event(row) if row else None


def need(db: Database, slug: str) -> Event:
    """One event by slug; EventError naming the slug if there is none."""
    found = find(db, slug)
    if found is None:
        raise EventError(f"No event {slug!r}: `kiosk headoffice events` lists them.")
    return found


def every(db: Database) -> list[Event]:
    """Every event, newest first."""
    return [_event(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM event ORDER BY starts_on DESC, slug")]  # noqa: S608  # fmt: skip


def listing(db: Database) -> list[dict[str, Any]]:
    """Every event with its people, arrivals and venues' last sync, newest first."""
    events = every(db)
    people = dict(db.execute("SELECT event_id, count(*) FROM attendee GROUP BY event_id"))
    arrived = dict(db.execute(
        "SELECT event_id, count(DISTINCT attendee_id) FROM arrival WHERE undone = 0"
        " GROUP BY event_id"))  # fmt: skip
    venues: dict[int, list[tuple[str, str]]] = {}
    for event_id, node, seen in db.execute(
        "SELECT event_id, node_id, last_seen_at FROM device ORDER BY node_id"
    ):
        venues.setdefault(event_id, []).append((node, seen))
    return [{"event": e, "attendees": people.get(e.event_id, 0),
             "arrived": arrived.get(e.event_id, 0), "venues": venues.get(e.event_id, [])}
            for e in events]  # fmt: skip
