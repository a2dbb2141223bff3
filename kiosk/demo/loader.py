"""Loading the demo event: believable attendees, ticket types, staff and a few arrivals."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kiosk import auth, clock
from kiosk.dashboard import demo as dashboard_demo
from kiosk.db import transaction
from kiosk.demo import data as demo_data
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.desk.event import set_event, set_ticket_type
from kiosk.leads import demo as leads_demo
from kiosk.logistics import demo as logistics_demo
from kiosk.printing import setup as print_setup
from kiosk.replication.node import Node, put_setting
from kiosk.rooms import schedule_import
from kiosk.shifts import demo as shifts_demo

TIMEZONE = "Asia/Jakarta"
DAYS = 3
DESKS = ("Desk North-1", "Desk North-2", "Desk South-1")
# Demo staff, printed by `kiosk demo` so a newcomer can sign in at once.
STAFF = (("Ana", "desk", "1111"), ("Budi", "supervisor", "2222"))
ARRIVED_SHARE = 0.06
PERSON_FIELDS = ("code", "first_name", "last_name", "email", "company", "ticket_type", "status",
                 "note", "block_note")  # fmt: skip


def _payload(person: demo_data.DemoAttendee) -> dict:
    fields = {name: getattr(person, name) for name in PERSON_FIELDS}
    fields["share_email"] = leads_demo.share_email(person.attendee_id)
    return {"fields": {**fields, "source": "demo"}, "source": "demo"}


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_schedule(db: sqlite3.Connection, node: Node, seed: int, starts: date,
                  attendee_ids: list[str]) -> int:  # fmt: skip
    """Rooms, sessions and sign-ups of the demo programme (ops, as an import writes them)."""
    zone = load_event(db).zone
    rooms = demo_data.generate_rooms(seed)
    for room in rooms:
        node.record(db, "room_set", room.room_id, {"fields": {"name": room.name,
                    "capacity": room.capacity}, "source": "demo"})  # fmt: skip
    sessions = demo_data.generate_sessions(seed, DAYS, rooms)
    for s in sessions:
        day = starts + timedelta(days=s.day - 1)
        at = [datetime.combine(day, time.fromisoformat(t), zone) for t in (s.start, s.end)]
        node.record(db, "session_set", s.session_id, {"fields": {
            "title": s.title, "starts_at": utc_iso(at[0]), "ends_at": utc_iso(at[1]),
            "day": day.isoformat(), "room_id": s.room_id, "planned_room_id": s.room_id,
            "track": s.track, "speakers": ", ".join(s.speakers)}, "source": "demo"})  # fmt: skip
    pairs = demo_data.generate_registrations(seed, attendee_ids, sessions)
    return schedule_import.add_registrations(db, node, pairs)


@dataclass(frozen=True)
class DemoReport:
    """What `kiosk demo` made, for the message it prints."""

    attendees: int
    arrived: int
    registrations: int
    staff: tuple[tuple[str, str, str], ...]
    token: str


def badge_files(db: sqlite3.Connection, folder: Path) -> None:
    """A printer that writes PDF badges into a folder, auto-printing at the first demo desk.

    So a demo prints something real without hardware: open the PDFs to see the badges.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with transaction(db):
        print_setup.add_printer(db, "Badge files", f"{folder.resolve().as_uri()}?format=pdf",
                                default=True, now=clock.now())  # fmt: skip
        print_setup.set_desk(db, DESKS[0], "Badge files", auto_print=True)


def load(
    db: sqlite3.Connection,
    node: Node,
    attendees: int,
    seed: int,
    starts: date,
    progress: Callable[[int], None] = lambda n: None,
    badge_dir: Path | None = None,
) -> DemoReport:
    """Fills an empty database with the demo event in one transaction (all ops, as usual)."""
    arrived = 0
    with transaction(db):
        put_setting(db, "demo", "1")
        set_event(db, node, name=demo_data.EVENT_NAME, starts_on=starts.isoformat(), days=DAYS,
                  timezone=TIMEZONE)  # fmt: skip
        for ticket in demo_data.ticket_types(DAYS):
            set_ticket_type(db, node, ticket.name, list(ticket.valid_days or []), ticket.colour)
        event = load_event(db)
        rng = random.Random(seed)
        opening = datetime.combine(starts, time(7, 30), event.zone).astimezone(UTC)
        people = demo_data.generate_attendees(attendees, seed, DAYS)
        ids: list[str] = []
        for batch in _batches(people, 5000):
            node.create_attendees(db, [(p.attendee_id, _payload(p)) for p in batch])
            ids += [p.attendee_id for p in batch]
            for person in batch:
                if person.status != "valid" or person.block_note:
                    continue
                if rng.random() < ARRIVED_SHARE:
                    at = opening + timedelta(seconds=rng.randrange(0, 90 * 60))
                    node.record(db, "checkin", person.attendee_id, {
                        "at": utc_iso(at), "day": starts.isoformat(), "desk": rng.choice(DESKS),
                        "staff": rng.choice(STAFF)[0], "code": person.code})  # fmt: skip
                    arrived += 1
            progress(len(batch))
        signed_up = load_schedule(db, node, seed, starts, ids)
        arrived += dashboard_demo.morning(db, node, starts, seed, DESKS)
        logistics_demo.load(db, node, starts)
        shifts_demo.load(db, node, seed, starts, DAYS)
    leads_demo.load(db, node, rng, opening)
    for name, role, pin in STAFF:
        auth.add_staff(db, name, role, pin)
    if badge_dir is not None:
        badge_files(db, badge_dir)
    token = auth.create_token(db, "desk", "demo scanner")
    return DemoReport(attendees, arrived, signed_up, STAFF, token)
