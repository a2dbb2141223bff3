"""A walk-in who was registered after all: offered for merge, merged once, counted once."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

from kiosk.db import transaction
from kiosk.desk import attendees, checkin, reports
from kiosk.replication import conflicts

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def walk_in_who_was_registered(db: sqlite3.Connection, node) -> str:
    """Siobhán forgot her ticket: the desk registers her again, with her usual e-mail."""
    with transaction(db):
        walkin = attendees.create_walkin(
            db, node, {"first_name": "Siobhan", "last_name": "OBrien",
                       "email": "SIOBHAN@dublin.example"}, "Attendee", "Ana")  # fmt: skip
    code = attendees.get(db, walkin)["code"]
    assert checkin.scan(db, node, code, desk="North-1", now=NOW).decision.admitted
    return walkin


def arrivals_by_attendee(db: sqlite3.Connection) -> dict[str, str]:
    out = io.StringIO()
    reports.export_checkins(db, out)
    rows = [line.split(",") for line in out.getvalue().splitlines()[1:]]
    return {row[0]: row[9] for row in rows}


def test_walk_in_matching_a_registration_is_offered_for_merge(db, node) -> None:
    walkin = walk_in_who_was_registered(db, node)
    (flag,) = [f for f in conflicts.flags(db) if f.kind == "possible_duplicate"]
    assert flag.entity == walkin and flag.detail["registered"] == "a-obrien"


def test_merge_moves_the_arrival_and_counts_her_once(db, node) -> None:
    walkin = walk_in_who_was_registered(db, node)
    (flag,) = [f for f in conflicts.flags(db) if f.kind == "possible_duplicate"]
    with transaction(db):
        conflicts.resolve(db, node, flag.flag_id, "merge", "Budi", NOW.isoformat())
    assert [f for f in conflicts.flags(db) if f.kind == "possible_duplicate"] == []
    assert attendees.arrivals(db, "a-obrien") and not attendees.arrivals(db, walkin)
    assert attendees.get(db, walkin)["status"] == "cancelled"
    counts = arrivals_by_attendee(db)
    assert counts["a-obrien"] == "1" and counts[walkin] == "0"  # one person, one arrival


def test_different_people_keep_both_records(db, node) -> None:
    walkin = walk_in_who_was_registered(db, node)
    (flag,) = [f for f in conflicts.flags(db) if f.kind == "possible_duplicate"]
    with transaction(db):
        conflicts.resolve(db, node, flag.flag_id, "distinct", "Budi", NOW.isoformat())
    assert conflicts.flags(db) == []
    assert attendees.arrivals(db, walkin) and attendees.get(db, walkin)["status"] == "valid"


def test_merge_ignores_an_undone_arrival_of_the_registration(db, node) -> None:
    # Her ticket was scanned by mistake and undone earlier that day; the walk-in's arrival is
    # the real one and must survive the merge.
    mistaken = checkin.scan(db, node, "KN-OBRI01", desk="South-1", now=NOW)
    checkin.undo(db, node, mistaken.checkin_op_id, staff="Ana", now=NOW)
    walk_in_who_was_registered(db, node)
    (flag,) = [f for f in conflicts.flags(db) if f.kind == "possible_duplicate"]
    with transaction(db):
        conflicts.resolve(db, node, flag.flag_id, "merge", "Budi", NOW.isoformat())
    assert len(attendees.arrivals(db, "a-obrien")) == 1
