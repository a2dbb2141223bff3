"""Changing shifts: create or edit, reassign in one step, and staff check-in (each one op).

Functions take the connection and node first and write inside the caller's transaction, as
the desk's do; the rules read shifts as `rules.Shift` values (`as_shift`, `day_shifts`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime

from kiosk.desk import attendees
from kiosk.desk.checkin import utc_iso
from kiosk.replication.node import Node
from kiosk.rooms.schedule import parse_utc
from kiosk.shifts import rules, store


def as_shift(row: sqlite3.Row) -> rules.Shift:
    """A stored shift as the rules' value."""
    arrived = parse_utc(row["checked_in_at"]) if row["checked_in_at"] else None
    return rules.Shift(row["shift_id"], row["person"], row["badge_code"], row["role"],
                       row["place"], row["place_name"], parse_utc(row["starts_at"]),
                       parse_utc(row["ends_at"]), arrived)  # fmt: skip


def standing(db: sqlite3.Connection, shift_id: str) -> rules.Shift | None:
    """One shift still on the board (not cancelled, with its times), or None."""
    row = store.shift(db, shift_id)
    if row is None or row["status"] != store.ACTIVE or not row["starts_at"]:
        return None
    return as_shift(row)


def day_shifts(db: sqlite3.Connection, day: str) -> list[rules.Shift]:
    """The day's standing shifts, in start order."""
    return [as_shift(r) for r in store.shifts_on(db, day) if r["starts_at"] and r["ends_at"]]


def shift_id_for(day: str, role: str, place: str, starts_at: str, person: str) -> str:
    """A stable id for a shift given without one, so importing a file again updates it."""
    raw = "\x1f".join((day, role.casefold(), place.casefold(), starts_at, person.casefold()))
    return "sh-" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def set_shift(db: sqlite3.Connection, node: Node, shift_id: str, fields: dict[str, str],
              staff: str, source: str = "") -> bool:  # fmt: skip
    """Writes the fields that differ from the stored shift as one shift_set op; False if none."""
    held = store.shift(db, shift_id)
    changed = {k: v for k, v in fields.items()
               if k in store.FIELDS and (held is None or held[k] != v)}  # fmt: skip
    if held is None:
        changed.setdefault("status", store.ACTIVE)
    if not changed:
        return False
    node.record(db, "shift_set", shift_id, {"fields": changed, "staff": staff, "source": source})
    return True


def reassign(db: sqlite3.Connection, node: Node, shift_id: str, person: str, staff: str) -> bool:
    """Gives the shift to another person (with their badge code, when known): one op."""
    code = store.people(db).get(person, "")
    return set_shift(db, node, shift_id, {"person": person, "badge_code": code}, staff)


def check_in(db: sqlite3.Connection, node: Node, shift: rules.Shift, staff: str,
             now: datetime) -> str:  # fmt: skip
    """Records the shift's person as arrived; the op id."""
    payload = {"person": shift.person, "at": utc_iso(now), "staff": staff,
               "code": shift.badge_code}  # fmt: skip
    return node.record(db, "shift_checkin", shift.shift_id, payload).op_id


def check_in_badge(db: sqlite3.Connection, node: Node, code: str, staff: str,
                   now: datetime) -> rules.Shift:  # fmt: skip
    """Checks in the shift a staff badge's scan starts; raises rules.Refusal (unknown_badge,
    no_shift, already). A shift imported without a badge code is found by the name of the
    attendee who wears the badge."""
    badge = attendees.by_code(db, code.strip())
    name = f"{badge['first_name']} {badge['last_name']}".strip() if badge else ""
    rows = store.shifts_of_badge(db, code.strip(), name)
    held = [as_shift(r) for r in rows if r["starts_at"]]
    if not held:
        raise rules.Refusal("unknown_badge", "This badge has no shift.")
    shift = rules.to_start(held, now)
    check_in(db, node, shift, staff, now)
    return shift
