"""Rows the fleet console reads, written as head office's sync and mail would leave them.

Venue machines are `device` rows (what hello and pull record), arrivals and mail are the rows
head office folds; tests state each figure they then expect to read back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.headoffice import tokens
from kiosk.headoffice.database import Database
from kiosk.headoffice.events import Event

ROSTER = (b"code,first_name,last_name,email,company\n"
          b"A1,Ana,Lim,ana@example.com,Acme\n"
          b"A2,Budi,Santoso,budi@example.com,\n"
          b"A3,Siti,Rahma,siti@example.com,Kopi Co\n")  # fmt: skip


def iso(at: datetime) -> str:
    """UTC text as head office writes it."""
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ago(**delta: float) -> str:
    """A moment that long before now, as head office writes it."""
    return iso(datetime.now(UTC) - timedelta(**delta))


def machine(db: Database, event: Event, name: str, node: str, *, seen: str, pulled: int = 0,
            pending: int | None = None, offset_ms: int | None = None, flags: int | None = None,
            quarantined: int | None = None, version: str = "2.4.0") -> int:  # fmt: skip
    """A venue machine that has synced: its token, and its device row as it last reported."""
    token_id = tokens.holder(db, tokens.create(db, "sync", name, event.event_id)).token_id
    with db.transaction():
        db.execute(
            "INSERT INTO device (event_id, token_id, node_id, bound_at, last_seen_at, version,"
            " pending_push, pulled_seq, clock_offset_ms, flags_open, quarantined)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event.event_id, token_id, node, seen, seen, version, pending, pulled, offset_ms,
             flags, quarantined),
        )  # fmt: skip
    return token_id


def arrival(db: Database, event: Event, op_id: str, attendee_id: str, at: str, origin: str,
            undone: bool = False) -> None:  # fmt: skip
    """One check-in as head office folded it."""
    with db.transaction():
        db.execute("INSERT INTO arrival (event_id, op_id, attendee_id, at, origin, undone)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (event.event_id, op_id, attendee_id, at, origin, int(undone)))  # fmt: skip


def mail(db: Database, event: Event, attendee_id: str, status: str, *, notification: str = "n1",
         error: str = "", queued_at: str = "2026-12-08T01:00:00Z",
         attempts: int = 1) -> None:  # fmt: skip
    """One mail row in a status, as the outbox leaves it."""
    with db.transaction():
        db.execute(
            "INSERT INTO mail (event_id, notification_op_id, attendee_id, address, facts,"
            " message_id, status, attempts, next_try_ms, last_error, queued_at)"
            " VALUES (?, ?, ?, ?, '{}', ?, ?, ?, 99, ?, ?)",
            (event.event_id, notification, attendee_id, f"{attendee_id}@example.com",
             f"<{notification}.{attendee_id}@example.com>", status, attempts, error, queued_at),
        )  # fmt: skip


def attendee_ids(db: Database, event: Event) -> dict[str, str]:
    """code → attendee id of the event's people."""
    rows = db.execute("SELECT code, attendee_id FROM attendee WHERE event_id = ?",
                      (event.event_id,))  # fmt: skip
    return {code: attendee_id for code, attendee_id in rows}
