"""The demo event's staff day: about forty shifts over three days (desk, ushers per room,
technicians, a runner), staff badges from the demo's Staff attendees, check-ins of the shifts
already begun (but two no-shows), and day one's readiness checklists partly ticked.

All of it is ops, written as the screens write them, inside the demo loader's transaction.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, time, timedelta

from kiosk import clock
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.replication.node import Node
from kiosk.rooms import schedule
from kiosk.runofshow import checklist
from kiosk.shifts import roster

# Staff without a badge in the attendee list (the demo's Staff attendees come first).
CREW = ("Dewi Lestari", "Putu Wijaya", "Rahul Sharma", "Mei Ling Tan", "Agus Salim",
        "Nur Aisyah", "Kevin Tanoto", "Sari Hartono", "Bayu Pratama", "Lina Marlina",
        "Joko Susilo", "Fitri Handayani", "Wayan Sudarsa", "Rina Kusuma")  # fmt: skip
USHER_ROOMS = ("ballroom", "melati", "anggrek", "kenanga")
# (role, place, start, end) of one day; ushers twice a day in each of the four large rooms.
DAY = (
    ("desk", "Registration", "07:00", "12:00"), ("desk", "Registration", "07:00", "12:00"),
    ("desk", "Registration", "12:00", "17:30"), ("technician", "ballroom", "07:30", "13:00"),
    ("technician", "AV desk", "13:00", "18:00"), ("runner", "Loading dock", "08:00", "14:00"),
    *(("usher", room, "10:30", "14:00") for room in USHER_ROOMS),
    *(("usher", room, "14:00", "17:45") for room in USHER_ROOMS),
)  # fmt: skip
NO_SHOWS = ((1, 1), (1, 9))  # (day, index in DAY): a desk and the Kenanga morning usher


def _people(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, badge code): the Staff attendees with their badges, then the crew without."""
    rows = db.execute(
        "SELECT first_name, last_name, code FROM attendee WHERE ticket_type = 'Staff'"
        " AND status = 'valid' AND block_note = '' ORDER BY last_name, first_name LIMIT 10"
    )
    badged = [(f"{r[0]} {r[1]}".strip(), r[2] or "") for r in rows]
    return badged + [(name, "") for name in CREW]


def load(db: sqlite3.Connection, node: Node, seed: int, starts: date, days: int = 3) -> int:
    """Writes the demo's shifts, check-ins and ticks; returns how many shifts."""
    rng, zone, now = random.Random(seed), load_event(db).zone, clock.now()
    people, count = _people(db), 0
    for day in range(1, days + 1):
        on = starts + timedelta(days=day - 1)
        for index, (role, place, start, end) in enumerate(DAY):
            name, code = people[(index + 3 * day) % len(people)]
            at = [datetime.combine(on, time.fromisoformat(t), zone) for t in (start, end)]
            shift_id = f"demo-{on.isoformat()}-{index:02d}"
            roster.set_shift(db, node, shift_id, {
                "person": name, "badge_code": code, "role": role, "place": place,
                "starts_at": utc_iso(at[0]), "ends_at": utc_iso(at[1]),
                "day": on.isoformat()}, "Budi", source="demo")  # fmt: skip
            count += 1
            arrived = at[0] - timedelta(minutes=rng.randrange(2, 15))
            if arrived <= now and (day, index) not in NO_SHOWS:
                payload = {"person": name, "at": utc_iso(arrived), "staff": "Ana", "code": code}
                node.record(db, "shift_checkin", shift_id, payload)
    _ticks(db, node, starts.isoformat(), people)
    return count


def _ticks(db: sqlite3.Connection, node: Node, day: str, people: list[tuple[str, str]]) -> None:
    """Day one's checklists partly ticked: the first item or two, or all, session by session."""
    for number, row in enumerate(schedule.session_rows(db, "WHERE s.day = ?", (day,))):
        at = schedule.parse_utc(row["starts_at"]) - timedelta(minutes=20)
        for item in checklist.ITEMS[: number % (len(checklist.ITEMS) + 1)]:
            checklist.tick(db, node, row["session_id"], item, True,
                           people[number % len(people)][0], utc_iso(at))  # fmt: skip
