"""A believable first morning for the demo: arrivals that peak before the opening, and the hall
filling at the door for the opening ceremony and the first keynote.

Ops written as the desks and doors write them, deterministic for a seed.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.replication.node import Node

SHARE = 0.35  # of those not yet arrived whose ticket admits day 1
PEAK, SPREAD = time(8, 5), 25  # most come around 08:05, give or take 25 minutes
LATE_SHARE = 0.12  # late-comers, spread over 09:00–11:00
EARLIEST, LATEST = time(7, 0), time(11, 0)
INTO_HALL = 0.75  # of those here before a hall session starts, who scan in at its door


def _arrival(rng: random.Random, day: datetime) -> datetime:
    if rng.random() < LATE_SHARE:
        return day + timedelta(hours=9, minutes=rng.uniform(0, 120))
    minutes = rng.gauss(PEAK.hour * 60 + PEAK.minute, SPREAD)
    lo, hi = EARLIEST.hour * 60, LATEST.hour * 60
    return day + timedelta(minutes=min(max(minutes, lo), hi), seconds=rng.randrange(60))


def _candidates(db: sqlite3.Connection) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT a.attendee_id, a.code FROM attendee a LEFT JOIN ticket_type t"
        " ON t.name = a.ticket_type WHERE a.status = 'valid' AND a.block_note = ''"
        " AND (coalesce(t.valid_days, '') = '' OR ',' || t.valid_days || ',' LIKE '%,1,%')"
        " AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id)"
        " ORDER BY a.id"
    ).fetchall()


def morning(db: sqlite3.Connection, node: Node, starts: date, seed: int,
            desks: Sequence[str]) -> int:  # fmt: skip
    """Adds day 1's morning arrivals and hall door scans (inside the caller's transaction);
    how many people it checked in."""
    rng = random.Random(f"kiosk-demo:morning:{seed}")
    zone = load_event(db).zone
    day = datetime.combine(starts, time(0), zone)
    came = []
    for attendee_id, code in _candidates(db):
        if rng.random() >= SHARE:
            continue
        at = _arrival(rng, day).astimezone(UTC)
        node.record(db, "checkin", attendee_id, {
            "at": utc_iso(at), "day": starts.isoformat(), "desk": rng.choice(desks),
            "staff": "Ana", "code": code})  # fmt: skip
        came.append((at, attendee_id))
    _hall(db, node, starts, rng, sorted(came))
    return len(came)


def _hall(db: sqlite3.Connection, node: Node, starts: date, rng: random.Random,
          came: list[tuple[datetime, str]]) -> None:  # fmt: skip
    """Door scans into the day's first two sessions in the largest room."""
    rows = db.execute(
        "SELECT s.session_id, s.room_id, s.starts_at FROM session s JOIN room r"
        " ON r.room_id = s.room_id WHERE s.day = ? ORDER BY r.capacity DESC, s.starts_at LIMIT 2",
        (starts.isoformat(),),
    ).fetchall()
    for session_id, room_id, starts_at in rows:
        opens = datetime.fromisoformat(starts_at.replace("Z", "+00:00"))
        for at, attendee_id in came:
            if at < opens and rng.random() < INTO_HALL:
                seen = max(at, opens - timedelta(minutes=10)) + timedelta(
                    seconds=rng.randrange(60, 900)
                )
                node.record(db, "door_scan", room_id, {
                    "attendee_id": attendee_id, "direction": "in", "at": utc_iso(seen),
                    "device": "demo door", "session_id": session_id})  # fmt: skip
