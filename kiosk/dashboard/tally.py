"""The event's arrival counts, kept in step with the op log so a render reads only what changed.

Counting 70,000 arrivals in SQL takes longer than a dashboard may. So one Tally per database
holds, in memory, each attendee's ticket type, standing and standing check-ins, with the
counts they add up to, and each render first reads the ops that joined the log since the last
one (`op.seq` only grows) and reads again just the attendees, sign-ups and door scans they
touched. Nothing is older than the render that shows it. A log that went back (a restore or
`kiosk rebuild`) or a set-aside op that was applied later makes the next render count afresh.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from sys import intern
from typing import TypeVar

_CHUNK = 500
_STANDING = ("SELECT attendee_id, day, at, desk FROM checkin c WHERE {where} AND NOT EXISTS"
             " (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)")  # fmt: skip
_REGISTERED = ("SELECT g.session_id, count(*) FROM registration g JOIN attendee a"
               " ON a.attendee_id = g.attendee_id WHERE g.status = 'registered'"
               " AND a.status = 'valid' {where} GROUP BY g.session_id")  # fmt: skip
_ATTENDEES = "SELECT attendee_id, ticket_type, status FROM attendee"
_DOORS = "SELECT attendee_id, room_id, direction, session_id, at, hlc FROM door_scan"
SCHEDULE_SIGNUPS = ("registration_add", "registration_cancel")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Person:
    """What one attendee adds to the counts (a day, a desk or a ticket type is one shared
    string for all: 100,000 of these stay small)."""

    ticket_type: str
    valid: bool
    arrivals: tuple[tuple[str, str, str], ...] = ()  # (day, at, desk) of standing check-ins


@dataclass
class Tally:
    """Counts for every day of the event, and the log position they are true at."""

    seq: int = 0
    marker: str = ""  # op_id at `seq`: another op there means the log was rewritten
    held: int = 0  # ops set aside (quarantined): one fewer means one was applied late
    people: dict[str, Person] = field(default_factory=dict)
    valid_by_type: Counter = field(default_factory=Counter)
    firsts: dict = field(default_factory=lambda: defaultdict(list))  # (day, ticket type) → at
    first_by_minute: Counter = field(default_factory=Counter)  # (day, "YYYY-MM-DDTHH:MM" UTC)
    desk_times: dict = field(default_factory=lambda: defaultdict(list))  # (day, desk) → at
    registered: Counter = field(default_factory=Counter)  # session_id → sign-ups
    attended: dict = field(default_factory=lambda: defaultdict(dict))  # session → person → at
    attended_at: dict = field(default_factory=lambda: defaultdict(list))  # session → those, sorted
    last_door: dict = field(default_factory=dict)  # person → (order key, room, direction)
    inside: dict = field(default_factory=lambda: defaultdict(list))  # room → at of last "in"s

    def count(self, person: Person, sign: int) -> None:
        """Adds (1) or takes away (−1) what `person` contributes."""
        if person.valid:
            self.valid_by_type[person.ticket_type] += sign
        firsts: dict[str, str] = {}
        for day, at, desk in person.arrivals:
            _step(self.desk_times[(day, desk)], at, sign)
            firsts[day] = min(firsts.get(day, at), at)
        for day, at in firsts.items():
            self.first_by_minute[(day, at[:16])] += sign
            _step(self.firsts[(day, person.ticket_type)], at, sign)

    def scanned_in(self, session_id: str, upto: str) -> int:
        """People scanned in at the session's door at or before `upto`."""
        return bisect.bisect_right(self.attended_at.get(session_id, []), upto)

    def in_room(self, room_id: str, since: str, upto: str) -> int:
        """People whose latest door scan is an "in" at this room, made from `since` to `upto`:
        what kiosk.rooms.door.count counts, without reading every scan. (A scan stamped after
        `upto`, by a door whose clock runs ahead, takes its person out of the count until then.)
        """
        times = self.inside.get(room_id, [])
        return bisect.bisect_right(times, upto) - bisect.bisect_left(times, since)

    def arrived(self, day: str, upto: str, ticket_type: str | None = None) -> int:
        """People with a standing check-in on `day` at or before `upto` (of one ticket type)."""
        return sum(bisect.bisect_right(times, upto) for (d, tt), times in self.firsts.items()
                   if d == day and ticket_type in (None, tt))  # fmt: skip


def _step(times: list[str], at: str, sign: int) -> None:
    """Adds `at` to a sorted list, or takes it out."""
    if sign > 0:
        bisect.insort(times, at)
    else:
        times.remove(at)


def _people(db: sqlite3.Connection, ids: Iterable[str] | None) -> dict[str, Person]:
    """Attendees (all, or these) with their standing check-ins, read from the tables."""
    chosen = None if ids is None else sorted(set(ids))
    found, arrivals = [], defaultdict(list)
    for where, args in _wheres(chosen):
        rows = db.execute(_ATTENDEES + where, args)
        found += [(r[0], intern(r[1]), r[2] == "valid") for r in rows]
        cond = where.replace(" WHERE ", "") or "1"
        for r in db.execute(_STANDING.format(where=cond), args):
            arrivals[r[0]].append((intern(r[1]), r[2], intern(r[3])))
    return {attendee_id: Person(ticket_type, valid, tuple(sorted(arrivals.get(attendee_id, ()))))
            for attendee_id, ticket_type, valid in found}  # fmt: skip


def _wheres(ids: list[str] | None) -> Iterable[tuple[str, tuple]]:
    if ids is None:
        yield "", ()
        return
    for i in range(0, len(ids), _CHUNK):
        part = ids[i : i + _CHUNK]
        yield f" WHERE attendee_id IN ({', '.join('?' * len(part))})", tuple(part)


def _top(db: sqlite3.Connection) -> tuple[int, str, int]:
    row = db.execute("SELECT seq, op_id FROM op ORDER BY seq DESC LIMIT 1").fetchone()
    held = db.execute("SELECT count(*) FROM op_quarantine").fetchone()[0]
    return (row[0], row[1], held) if row else (0, "", held)


def load(db: sqlite3.Connection) -> Tally:
    """Counts everything afresh (once per process, and after the log went back)."""
    seq, marker, held = _top(db)
    tally = Tally(seq, marker, held)
    tally.people = _people(db, None)
    for person in tally.people.values():
        tally.count(person, 1)
    tally.registered.update(dict(db.execute(_REGISTERED.format(where="")).fetchall()))
    _door_scans(tally, db.execute(_DOORS))
    return tally


def _rewritten(db: sqlite3.Connection, tally: Tally, top: tuple[int, str, int]) -> bool:
    if top[0] < tally.seq or top[2] < tally.held:
        return True
    row = db.execute("SELECT op_id FROM op WHERE seq = ?", (tally.seq,)).fetchone()
    return tally.seq > 0 and (row is None or row[0] != tally.marker)


def catch_up(db: sqlite3.Connection, tally: Tally) -> Tally:
    """The tally moved on to the log's newest op; a fresh one if the log was rewritten."""
    top = _top(db)
    if _rewritten(db, tally, top):
        return load(db)
    if top[0] == tally.seq:
        tally.held = top[2]
        return tally
    ops = db.execute("SELECT kind, entity, op_id FROM op WHERE seq > ? AND seq <= ?",
                     (tally.seq, top[0])).fetchall()  # fmt: skip
    _reread(db, tally, {e for k, e, _ in ops if k not in SCHEDULE_SIGNUPS and k != "door_scan"})
    _signups(db, tally, {e for k, e, _ in ops if k in SCHEDULE_SIGNUPS})  # counted last: as stored
    _doors(db, tally, [o for k, _, o in ops if k == "door_scan"])
    tally.seq, tally.marker, tally.held = top
    return tally


def _signups(db: sqlite3.Connection, tally: Tally, sessions: set[str]) -> None:
    for session_id in sessions:
        found = db.execute(_REGISTERED.format(where="AND g.session_id = ?"), (session_id,))
        tally.registered[session_id] = dict(found.fetchall()).get(session_id, 0)


def _doors(db: sqlite3.Connection, tally: Tally, op_ids: list[str]) -> None:
    for i in range(0, len(op_ids), _CHUNK):
        part = op_ids[i : i + _CHUNK]
        marks = ", ".join("?" * len(part))
        _door_scans(tally, db.execute(f"{_DOORS} WHERE op_id IN ({marks})", part))


def _first_in(tally: Tally, session_id: str, attendee_id: str, at: str) -> None:
    seen, times = tally.attended[session_id], tally.attended_at[session_id]
    old = seen.get(attendee_id)
    if old is not None and old <= at:
        return
    if old is not None:
        times.remove(old)
    seen[attendee_id] = at
    bisect.insort(times, at)


def _door_scans(tally: Tally, rows: Iterable[tuple[str, str, str, str, str, str]]) -> None:
    """Each person's first scan in at a session's door, and their latest scan at any door.

    The latest is kiosk.rooms.door's: by time, then clock stamp (`sync.hlc.sql_order`). A person
    counts in a room while that latest scan is an "in" there (`Tally.in_room`).
    """
    for attendee_id, room_id, direction, session_id, at, hlc in rows:
        if direction == "in" and session_id:
            _first_in(tally, session_id, attendee_id, at)
        key = (at, hlc.find("-"), hlc)
        old = tally.last_door.get(attendee_id)
        if old is not None and old[0] >= key:
            continue
        if old is not None and old[2] == "in":
            tally.inside[old[1]].remove(old[0][0])
        tally.last_door[attendee_id] = (key, room_id, direction)
        if direction == "in":
            bisect.insort(tally.inside[room_id], at)


def _reread(db: sqlite3.Connection, tally: Tally, entities: set[str]) -> None:
    """Attendees among `entities` read again; a change of standing moves their sign-ups."""
    fresh = _people(db, entities)
    for attendee_id, person in fresh.items():
        old = tally.people.get(attendee_id)
        if old == person:
            continue
        if old is not None:
            tally.count(old, -1)
        tally.count(person, 1)
        tally.people[attendee_id] = person
        if (step := int(person.valid) - int(old is not None and old.valid)) != 0:
            for (session_id,) in db.execute(
                "SELECT session_id FROM registration WHERE attendee_id = ?"
                " AND status = 'registered'",
                (attendee_id,),
            ):
                tally.registered[session_id] += step


_TALLIES: dict[str, Tally] = {}
_LOCK = threading.Lock()


def read(db: sqlite3.Connection, key: str, figures: Callable[[Tally], T]) -> T:
    """`figures` of the tally of the database named `key`, brought up to its newest op.

    One lock: a render reads counts no other request is changing, and no older than itself.
    """
    with _LOCK:
        tally = _TALLIES.get(key)
        tally = load(db) if tally is None else catch_up(db, tally)
        _TALLIES[key] = tally
        return figures(tally)
