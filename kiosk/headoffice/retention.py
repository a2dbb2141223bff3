"""Retention: an event's personal data is purged at head office once its time is up.

An event kept `retention_days` after its last day is purged the day after that: attendee rows
keep their arrivals but lose their personal fields, the log's payloads are scrubbed as an
erasure scrubs them, mail loses addresses and names, and `event.purged_at` is set. Venues of a
purged event can sync no more (409 `purged`). `kiosk headoffice serve` looks once an hour.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.headoffice import events, forget
from kiosk.headoffice.database import Database, open_database

log = logging.getLogger("kiosk.headoffice")
INTERVAL = 3600.0  # seconds between two looks while head office serves
MARK = "retention"  # what a payload scrubbed by retention is marked with


@dataclass(frozen=True)
class Purge:
    """What retention purged of one event (or, in a dry run, would purge)."""

    slug: str
    until: date  # the last day its personal data was kept
    attendees: int
    ops: int
    mail: int


class _DryRun(Exception):
    """Rolls a dry run's purge back."""


def kept_until(event: events.Event) -> date | None:
    """The last day an event's personal data is kept; None: kept until purged by hand."""
    if event.retention_days is None:
        return None
    last_day = date.fromisoformat(event.starts_on) + timedelta(days=event.days - 1)
    return last_day + timedelta(days=event.retention_days)


def due(event: events.Event, now: datetime) -> bool:
    """Its retention has passed (by the date in the event's time zone) and it is not purged."""
    until = kept_until(event)
    return (
        until is not None
        and event.purged_at is None
        and now.astimezone(ZoneInfo(event.timezone)).date() > until
    )


def purge(db: Database, event: events.Event, now: datetime, dry_run: bool = False) -> Purge:
    """Purges one event's personal data (all of it in one transaction; none of it if dry)."""
    until = kept_until(event) or now.date()
    try:
        with db.transaction():
            done = Purge(event.slug, until, forget.blank_attendees(db, event.event_id),
                         forget.scrub_event_ops(db, event.event_id, MARK),
                         forget.forget_mail(db, event.event_id))  # fmt: skip
            db.execute("UPDATE event SET purged_at = ? WHERE event_id = ?",
                       (now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                        event.event_id))  # fmt: skip
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return done


def run(db: Database, now: datetime, dry_run: bool = False) -> list[Purge]:
    """Purges every event whose retention has passed; returns what it purged."""
    chosen = [item["event"] for item in events.listing(db) if due(item["event"], now)]
    return [purge(db, event, now, dry_run) for event in chosen]


class RetentionThread(threading.Thread):
    """Runs retention every `interval` seconds while head office serves."""

    def __init__(self, url: str, interval: float = INTERVAL) -> None:
        super().__init__(name="kiosk-retention", daemon=True)
        self.url, self.interval = url, interval
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                for done in run(open_database(self.url), datetime.now(UTC)):
                    log.warning("retention: purged the personal data of %s (kept until %s):"
                                " %d attendees, %d ops, %d mails dropped", done.slug,
                                done.until, done.attendees, done.ops, done.mail)  # fmt: skip
            except Exception:
                log.exception("retention could not run; trying again in %.0f s", self.interval)
            self.stop.wait(self.interval)


def start(url: str) -> RetentionThread:
    """Starts the retention thread of this process."""
    thread = RetentionThread(url)
    thread.start()
    return thread
