"""What the fleet console shows: each event's standing and each venue machine's, read only.

Venue figures are what each machine last told in hello (`device`); people and arrivals are
what head office folded from the event's log (an event's mail is kiosk.headoffice.outbox's).
A revoked machine stays listed on its event's page but no longer counts towards the event's
venues and problems.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.headoffice import events
from kiosk.headoffice.database import Database
from kiosk.headoffice.events import Event

CLOCK_WARN_MS = 60_000


@dataclass(frozen=True)
class Standing:
    """One event's row on the events page."""

    event: Event
    people: int
    arrived: int  # distinct people with an arrival not undone
    venues: int
    oldest_seen_at: str | None  # the venue that has been silent longest
    flags_open: int
    quarantined: int
    mail_problems: int

    @property
    def problems(self) -> int:
        """Open flags, ops set aside and mail that did not arrive: what needs someone."""
        return self.flags_open + self.quarantined + self.mail_problems


def _per_event(db: Database, sql: str) -> dict[int, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in db.execute(sql)}


def standings(db: Database, only: int | None = None) -> list[Standing]:
    """Every event (or only event `only`), those with the most problems first, then newest."""
    chosen = [e for e in events.every(db) if only is None or e.event_id == only]
    people = _per_event(db, "SELECT event_id, count(*) FROM attendee GROUP BY event_id")
    arrived = _per_event(db, "SELECT event_id, count(DISTINCT attendee_id) FROM arrival"
                             " WHERE undone = 0 GROUP BY event_id")  # fmt: skip
    venues = _per_event(db, "SELECT d.event_id, count(*), min(d.last_seen_at),"
                            " sum(coalesce(d.flags_open, 0)), sum(coalesce(d.quarantined, 0))"
                            " FROM device d JOIN token t ON t.token_id = d.token_id"
                            " WHERE t.revoked_at IS NULL GROUP BY d.event_id")  # fmt: skip
    mail = _per_event(db, "SELECT event_id, count(*) FROM mail"  # did not arrive: a problem
                          " WHERE status IN ('failed', 'bounced') GROUP BY event_id")  # fmt: skip
    rows = []
    for e in chosen:
        count, oldest, flags, quarantined = venues.get(e.event_id, (0, None, 0, 0))
        rows.append(Standing(e, int(people.get(e.event_id, (0,))[0]),
                             int(arrived.get(e.event_id, (0,))[0]), int(count), oldest,
                             int(flags), int(quarantined),
                             int(mail.get(e.event_id, (0,))[0])))  # fmt: skip
    return sorted(rows, key=lambda s: -s.problems)  # stable: newest first within a tie


@dataclass(frozen=True)
class Venue:
    """One venue machine of an event, as it last reported."""

    token_id: int
    name: str  # its token's name
    node_id: str
    last_seen_at: str
    version: str
    to_venue: int  # ops of the event's log it has not pulled yet
    from_venue: int | None  # ops it holds for head office, as it said; None: never said
    clock_offset_ms: int | None
    flags_open: int | None
    quarantined: int | None
    revoked: bool

    @property
    def clock_off(self) -> bool:
        """Its clock is more than a minute from head office's: its times may read wrong."""
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > CLOCK_WARN_MS


def venues(db: Database, event_id: int) -> list[Venue]:
    """The event's venue machines, live ones first, by name."""
    rows = db.execute(
        "SELECT d.token_id, t.name, d.node_id, d.last_seen_at, d.version,"
        " e.high - d.pulled_seq, d.pending_push, d.clock_offset_ms, d.flags_open,"
        " d.quarantined, t.revoked_at IS NOT NULL"
        " FROM device d JOIN token t ON t.token_id = d.token_id"
        " JOIN event e ON e.event_id = d.event_id WHERE d.event_id = ?"
        " ORDER BY t.revoked_at IS NOT NULL, t.name, d.node_id",
        (event_id,),
    )
    return [Venue(r[0], r[1], r[2], r[3], r[4], max(int(r[5]), 0), *r[6:10], bool(r[10]))
            for r in rows]  # fmt: skip


@dataclass(frozen=True)
class Enrolment:
    """A sync token made for the event whose machine has not synced yet."""

    token_id: int
    name: str
    created_at: str


def enrolments(db: Database, event_id: int) -> list[Enrolment]:
    """The event's live sync tokens no machine has used yet, oldest first."""
    rows = db.execute(
        "SELECT t.token_id, t.name, t.created_at FROM token t WHERE t.event_id = ?"
        " AND t.role = 'sync' AND t.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM device d"
        " WHERE d.event_id = t.event_id AND d.token_id = t.token_id) ORDER BY t.token_id",
        (event_id,),
    )
    return [Enrolment(*row) for row in rows]


@dataclass(frozen=True)
class Arrivals:
    """Arrivals by the node that recorded them: in all, and per local hour of one day."""

    day: date  # the event's local day the hours are of
    days: tuple[date, ...]
    origins: tuple[str, ...]  # most arrivals first
    totals: dict[str, int]
    hours: tuple[tuple[int, dict[str, int]], ...]  # (local hour, origin → arrivals), in order


def event_days(event: Event) -> tuple[date, ...]:
    """The event's days, in its own calendar."""
    first = date.fromisoformat(event.starts_on)
    return tuple(first + timedelta(days=n) for n in range(event.days))


def shown_day(days: tuple[date, ...], asked: str | None, today: date, busy: set[date]) -> date:
    """The day the hourly table shows: the one asked for, else today while the event runs,
    else its last day with arrivals, else its first day."""
    for day in days:
        if day.isoformat() == asked:
            return day
    if today in days:
        return today
    return max(busy & set(days), default=days[0])


def arrivals(db: Database, event: Event, asked: str | None, now: datetime) -> Arrivals:
    """Arrivals not undone, counted per origin and per hour of the event's local day."""
    zone = ZoneInfo(event.timezone)
    per_minute = db.execute(
        "SELECT origin, substr(at, 1, 16), count(*) FROM arrival"  # 'YYYY-MM-DDTHH:MM', UTC
        " WHERE event_id = ? AND undone = 0 GROUP BY origin, substr(at, 1, 16)",
        (event.event_id,),
    )
    totals: Counter[str] = Counter()
    local: Counter[tuple[date, int, str]] = Counter()
    for origin, minute, count in per_minute:
        totals[origin] += count
        try:
            at = datetime.fromisoformat(minute).replace(tzinfo=UTC).astimezone(zone)
        except ValueError:
            continue  # a stamp no venue writes: counted in all, on no hour
        local[(at.date(), at.hour, origin)] += count
    days = event_days(event)
    day = shown_day(days, asked, now.astimezone(zone).date(), {d for d, _, _ in local})
    hours: dict[int, dict[str, int]] = {}
    for (d, hour, origin), count in sorted(local.items()):
        if d == day:
            hours.setdefault(hour, {})[origin] = count
    origins = tuple(o for o, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0])))
    return Arrivals(day, days, origins, dict(totals), tuple(sorted(hours.items())))
