"""Erasing one attendee of an event on request (GDPR art. 17): head office records the op.

Requests reach head office, which records `attendee_erase` in the event's log: its own fold
forgets the person at once (kiosk/headoffice/forget), and each venue does the same when it
pulls the op (kiosk/privacy/erasure). The op names who asked for it and why, never the person.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.headoffice import events
from kiosk.headoffice.database import Database
from kiosk.replication import scrub
from sync.oplog import Op


def find(db: Database, event: events.Event, code: str | None, attendee_id: str | None) -> str:
    """The attendee named by their code or id; EventError if the event has none such."""
    column, value = ("code", code) if code else ("attendee_id", attendee_id)
    row = db.execute(f"SELECT attendee_id, erased_at FROM attendee WHERE event_id = ?"  # noqa: S608
                     f" AND {column} = ?", (event.event_id, value)).fetchone()  # fmt: skip
    if row is None:
        raise events.EventError(f"No attendee with {column} {value!r} in {event.slug}.")
    if row[1] is not None:
        raise events.EventError(f"Attendee {row[0]} was erased already, at {row[1]}.")
    return row[0]


def erase(db: Database, event: events.Event, attendee_id: str, by: str, reason: str,
          now: datetime) -> Op:  # fmt: skip
    """Records the erasure (venues take it on their next pull) and folds it here."""
    if not by.strip():
        raise events.EventError("--by names who asked for the erasure at head office.")
    if event.purged_at:
        raise events.EventError(f"{event.slug}'s personal data was purged at {event.purged_at}.")
    at = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    payload = {"at": at, "by": by.strip(), "reason": reason}
    with db.transaction():
        (op,) = events.record(db, event, [(scrub.ERASE, attendee_id, payload)])
    return op
