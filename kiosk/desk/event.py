"""The event: its name, days and time zone, and the ticket types valid on each day."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.replication.node import Node


class EventError(ValueError):
    """A setting of the event that cannot be used; the message says which."""


@dataclass(frozen=True)
class Event:
    """What the check-in rules need to know about the event."""

    name: str
    starts_on: date | None
    days: int
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, now: datetime) -> date:
        """The calendar date at the venue for a UTC instant."""
        return now.astimezone(self.zone).date()

    def day_number(self, on: date) -> int | None:
        """1 for the first event day, 2 for the second…; None outside the event."""
        if self.starts_on is None:
            return None
        number = (on - self.starts_on).days + 1
        return number if 1 <= number <= self.days else None

    def plausible(self, on: date) -> bool:
        """False for a date more than a day before or after the event: the desk warns that
        its clock (or head office's) may be wrong before it records arrivals on such a day.
        """
        if self.starts_on is None:
            return True
        return timedelta(days=-1) <= on - self.starts_on <= timedelta(days=self.days)

    def dates(self) -> list[date]:
        """Every day of the event."""
        if self.starts_on is None:
            return []
        return [self.starts_on + timedelta(days=i) for i in range(self.days)]


def load(db: sqlite3.Connection) -> Event:
    """The event of this database (an unnamed one-day event in UTC until `kiosk init`)."""
    row = db.execute("SELECT name, starts_on, days, timezone FROM event WHERE id = 1").fetchone()
    if row is None:
        return Event("", None, 1, "UTC")
    starts = date.fromisoformat(row["starts_on"]) if row["starts_on"] else None
    return Event(row["name"], starts, row["days"], row["timezone"])


def check_timezone(name: str) -> str:
    """The zone name if the time-zone database knows it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventError(f"unknown time zone {name!r} (use a name like Asia/Jakarta)") from None
    return name


def set_event(db: sqlite3.Connection, node: Node, **fields: object) -> None:
    """Creates or changes the event (an op), inside the caller's transaction."""
    if "timezone" in fields:
        check_timezone(str(fields["timezone"]))
    if "days" in fields and not (isinstance(fields["days"], int) and 1 <= fields["days"] <= 60):
        raise EventError("days must be a whole number from 1 to 60")
    node.record(db, "event_set", "event", {"fields": fields})


def parse_valid_days(stored: str | None) -> frozenset[int] | None:
    """The event days a ticket type admits on, from its stored list ("1,3"); None: every day."""
    if not stored:
        return None
    return frozenset(int(d) for d in stored.split(",") if d.strip().isdigit())


def set_ticket_type(
    db: sqlite3.Connection, node: Node, name: str, days: list[int] | None, colour: str = ""
) -> None:
    """Defines a ticket type's valid days and badge colour (an op)."""
    days_text = ",".join(str(d) for d in sorted(set(days))) if days else ""
    node.record(
        db, "ticket_type_set", name, {"fields": {"valid_days": days_text, "colour": colour}}
    )
