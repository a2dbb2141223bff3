"""The dashboard's figures for one day: arrivals, desks, no-shows, sessions and the forecasts.

Counts come from the tally (kiosk.dashboard.tally); the schedule and the ticket types are read
from their tables, which are small. Every time is the event's local time; `now` is the app's.
"""

from __future__ import annotations

import bisect
import itertools
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kiosk.dashboard import headcount, queueing, tally
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import Event, parse_valid_days
from kiosk.desk.event import load as load_event
from kiosk.rooms import door, schedule
from kiosk.rooms import rules as rooms

RATE_WINDOW_MIN = 15  # λ and each desk's pace: check-ins of the last this many minutes
SERVICE_WINDOW_MIN = 30  # μ: each desk's scan gaps over the last this many minutes,
SERVICE_SCANS = 60  # and of at most this many of its latest scans
# The caterer's headcounts: the day's next meal and next plenary, known by their track.
HEADCOUNT_TRACKS = (("Break", "Meal", "Lunch"), ("Plenary", "Keynote"))
DEFAULT_FIRST_SESSION = time(9, 0)
UPCOMING_HOURS = 3  # today's dashboard lists sessions running or starting within this


@dataclass(frozen=True)
class Bucket:
    """Arrivals (first check-in of the day) in one slot of the day, and all up to its end."""

    start: datetime  # local
    checked_in: int
    cumulative: int


@dataclass(frozen=True)
class Desk:
    """One desk's check-ins: the day's total, per bucket, and its pace now."""

    desk: str
    scans: int
    per_bucket: tuple[int, ...]
    per_hour: float  # check-ins of the last RATE_WINDOW_MIN minutes, as an hourly pace
    service_seconds: float | None  # its median back-to-back gap; None: not known yet


@dataclass(frozen=True)
class TicketRow:
    ticket_type: str
    expected: int
    arrived: int

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.arrived)


@dataclass(frozen=True)
class SessionRow:
    """A session with its sign-ups and the people its room's door scanned in."""

    session_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room_name: str
    capacity: int
    registered: int
    attended: int

    @property
    def overflowing(self) -> bool:
        return self.capacity > 0 and max(self.attended, self.registered) > self.capacity


@dataclass(frozen=True)
class Meal:
    """The headcount forecast for the day's next meal, or its next plenary."""

    title: str
    starts_at: datetime
    forecast: headcount.Headcount


@dataclass(frozen=True)
class Arrivals:
    """The day's arrival figures: what the API answers and the dashboard draws."""

    day: date
    bucket_minutes: int
    checked_in: int
    expected: int
    buckets: tuple[Bucket, ...]
    desks: tuple[Desk, ...]
    tickets: tuple[TicketRow, ...]
    queue: queueing.Advice | None  # only for today
    meals: tuple[Meal, ...]  # the next meal and the next plenary, soonest first; only today


def _local_minute(event: Event, minute_key: str) -> datetime:
    return datetime.fromisoformat(minute_key + ":00+00:00").astimezone(event.zone)


def _slot(moment: datetime, day_start: datetime, size: int) -> datetime:
    minutes = int((moment - day_start).total_seconds() // 60)
    return day_start + timedelta(minutes=minutes - minutes % size)


def _expected(db: sqlite3.Connection, event: Event, t: tally.Tally, day: date) -> dict[str, int]:
    number = event.day_number(day)
    days = dict(db.execute("SELECT name, valid_days FROM ticket_type").fetchall())
    return {
        name: n
        for name, n in t.valid_by_type.items()
        if n and ((admits := parse_valid_days(days.get(name))) is None or number in admits)
    }


def upto(now: datetime) -> str:
    """The last stamp counted at `now`: the end of its minute (the tally counts by minute)."""
    return utc_iso(now)[:16] + ":59.999Z"


def _buckets(event: Event, t: tally.Tally, day: date, size: int, now: datetime) -> list[Bucket]:
    key, last_minute = day.isoformat(), upto(now)[:16]
    counts: dict[datetime, int] = {}
    day_start = datetime.combine(day, time(0), event.zone)
    for (d, minute), n in t.first_by_minute.items():
        if d == key and n and minute <= last_minute:
            slot = _slot(_local_minute(event, minute), day_start, size)
            counts[slot] = counts.get(slot, 0) + n
    if not counts:
        return []
    last = max(counts)
    if event.local_date(now) == day:
        last = max(last, _slot(now.astimezone(event.zone), day_start, size))
    out, slot, total = [], min(counts), 0
    while slot <= last:
        total += counts.get(slot, 0)
        out.append(Bucket(slot, counts.get(slot, 0), total))
        slot += timedelta(minutes=size)
    return out


def _seconds(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


def _desks(t: tally.Tally, day: date, buckets: list[Bucket], size: int,
           now: datetime) -> list[Desk]:  # fmt: skip
    key, since, end = day.isoformat(), utc_iso(now - timedelta(minutes=RATE_WINDOW_MIN)), upto(now)
    edges = [utc_iso(b.start) for b in buckets] + (
        [utc_iso(buckets[-1].start + timedelta(minutes=size))] if buckets else []
    )
    out = []
    for (d, desk), times in sorted(t.desk_times.items()):
        if d != key or not times:
            continue
        cuts = [bisect.bisect_left(times, e) for e in edges]
        per_bucket = tuple(b - a for a, b in itertools.pairwise(cuts))
        stop = bisect.bisect_right(times, end)
        if stop == 0:
            continue
        recent = stop - bisect.bisect_left(times, since)
        service_from = utc_iso(now - timedelta(minutes=SERVICE_WINDOW_MIN))
        start = max(bisect.bisect_left(times, service_from), stop - SERVICE_SCANS)
        rate = queueing.service_rate([_seconds(a) for a in times[start:stop]])
        out.append(Desk(desk, stop, per_bucket, recent * 60 / RATE_WINDOW_MIN,
                        1 / rate if rate else None))  # fmt: skip
    return out


def _queue(desks: list[Desk], threshold: float) -> queueing.Advice:
    open_desks = [d for d in desks if d.per_hour > 0]
    arrivals = sum(d.per_hour for d in open_desks) / 60
    rates = [60 / (d.service_seconds or queueing.DEFAULT_SERVICE_SECONDS) for d in open_desks]
    return queueing.advise(arrivals, rates, threshold)


def _meals(db: sqlite3.Connection, event: Event, t: tally.Tally, day: date, arrived: int,
           expected: int, now: datetime) -> tuple[Meal, ...]:  # fmt: skip
    rows = schedule.session_rows(db, "WHERE s.day = ? AND s.starts_at != ''", (day.isoformat(),))
    local = now.astimezone(event.zone)
    minute = local.hour * 60 + local.minute
    starts = [schedule.parse_utc(r["starts_at"]).astimezone(event.zone) for r in rows]
    upcoming = [(s, r) for s, r in zip(starts, rows, strict=True) if s > local]
    nexts = [next(((s, r) for s, r in upcoming if r["track"] in tracks), None)
             for tracks in HEADCOUNT_TRACKS]  # fmt: skip
    if not any(nexts):
        return ()
    earlier = [
        [
            _minute_of_day(event, m)
            for (d, m), n in t.first_by_minute.items()
            if d == e.isoformat()
            for _ in range(n)
        ]
        for e in event.dates()
        if e < day
    ]
    curve = headcount.own_curve(earlier)
    if curve is None:
        first = min(starts).time() if starts else DEFAULT_FIRST_SESSION
        curve = headcount.default_curve(first.hour * 60 + first.minute)
    return tuple(Meal(r["title"], at, headcount.forecast(arrived, expected, curve, minute,
                                                         at.hour * 60 + at.minute))
                 for at, r in sorted((n for n in nexts if n), key=lambda n: n[0]))  # fmt: skip


def _minute_of_day(event: Event, minute_key: str) -> int:
    local = _local_minute(event, minute_key)
    return local.hour * 60 + local.minute


def arrivals(db: sqlite3.Connection, key: str, day: date, size: int, now: datetime,
             threshold: float = 5.0) -> Arrivals:  # fmt: skip
    """The day's figures in `size`-minute buckets; the queue (lane past `threshold` minutes of
    wait) and the headcount only for today."""
    event = load_event(db)

    def figures(t: tally.Tally) -> Arrivals:
        buckets = _buckets(event, t, day, size, now)
        desks = _desks(t, day, buckets, size, now)
        by_type = _expected(db, event, t, day)
        key, end = day.isoformat(), upto(now)
        seen = {tt for (d, tt), times in t.firsts.items() if d == key and times}
        tickets = tuple(TicketRow(tt, by_type.get(tt, 0), t.arrived(key, end, tt))
                        for tt in sorted(by_type.keys() | seen))  # fmt: skip
        checked_in, expected = t.arrived(key, end), sum(by_type.values())
        today = event.local_date(now) == day
        return Arrivals(
            day,
            size,
            checked_in,
            expected,
            tuple(buckets),
            tuple(desks),
            tickets,
            _queue(desks, threshold) if today else None,
            _meals(db, event, t, day, checked_in, expected, now) if today else (),
        )

    return tally.read(db, key, figures)


def sessions(db: sqlite3.Connection, key: str, day: date, now: datetime) -> list[SessionRow]:
    """The day's sessions with sign-ups, people scanned in at the door by `now`, and seats."""
    end = upto(now)
    rows = schedule.session_rows(db, "WHERE s.day = ?", (day.isoformat(),))
    zone = load_event(db).zone

    def local(at: str) -> datetime:
        return schedule.parse_utc(at).astimezone(zone) if at else datetime.min.replace(tzinfo=UTC)

    def figures(t: tally.Tally) -> list[SessionRow]:
        return [SessionRow(r["session_id"], r["title"], local(r["starts_at"]),
                           local(r["ends_at"]), r["room_name"], r["capacity"],
                           t.registered.get(r["session_id"], 0),
                           t.scanned_in(r["session_id"], end))
                for r in rows]  # fmt: skip

    return tally.read(db, key, figures)


def around(rows: list[SessionRow], now: datetime, hours: int = UPCOMING_HOURS) -> list[SessionRow]:
    """What a supervisor acts on now: sessions running or starting within `hours`, and any
    session of the day over capacity."""
    soon = now + timedelta(hours=hours)
    return [s for s in rows if s.overflowing or (s.ends_at > now and s.starts_at <= soon)]


def occupancy(db: sqlite3.Connection, key: str, now: datetime) -> list[door.Occupancy]:
    """Every room's live count, as kiosk.rooms.door counts it, from the tally."""
    zone = load_event(db).zone
    local = now.astimezone(zone).date()
    slots = schedule.slots_on(db, local.isoformat())
    day_start = datetime.combine(local, time(0), zone)
    since = {r.room_id: utc_iso(rooms.occupancy_since(slots, r.room_id, now, day_start))
             for r in schedule.rooms(db)}  # fmt: skip

    def figures(t: tally.Tally) -> list[door.Occupancy]:
        return [door.Occupancy(room, t.in_room(room.room_id, since[room.room_id], upto(now)),
                               rooms.door_session(slots, room.room_id, now))
                for room in schedule.rooms(db)]  # fmt: skip

    return tally.read(db, key, figures)
