"""The in-memory tally follows the log: after any mix of changes it equals a fresh count."""

from __future__ import annotations

from datetime import timedelta

from kiosk.dashboard import tally
from kiosk.db import transaction
from kiosk.desk import checkin
from kiosk.replication.node import Node

DAY, LATER = "2026-12-01", "2026-12-02T00:00:00.000Z"


def _same(a: tally.Tally, b: tally.Tally) -> None:
    def clean(counter):
        return {k: v for k, v in counter.items() if v}

    assert clean(a.valid_by_type) == clean(b.valid_by_type)
    assert {k: v for k, v in a.firsts.items() if v} == {k: v for k, v in b.firsts.items() if v}
    assert clean(a.first_by_minute) == clean(b.first_by_minute)
    assert {k: v for k, v in a.desk_times.items() if v} == {
        k: v for k, v in b.desk_times.items() if v
    }
    assert clean(a.registered) == clean(b.registered)
    assert {k: v for k, v in a.attended.items() if v} == {k: v for k, v in b.attended.items() if v}


def _codes(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT code FROM attendee WHERE status = 'valid'"
                                     " AND block_note = '' ORDER BY attendee_id")]  # fmt: skip


def test_check_ins_undos_and_cancellations_keep_it_exact(db, node: Node, clock) -> None:
    kept = tally.load(db)
    codes = _codes(db)
    outcomes = []
    for i, code in enumerate(codes[:5]):
        outcomes.append(checkin.scan(db, node, code, desk=f"Desk {i % 2}", now=clock.now()))
        clock.advance(timedelta(seconds=30))
    kept = tally.catch_up(db, kept)
    assert kept.arrived(DAY, LATER) == 5
    checkin.undo(db, node, outcomes[0].checkin_op_id, now=clock.now())
    who = outcomes[1].attendee_id
    with transaction(db):
        node.record(db, "attendee_upsert", who, {"fields": {"status": "cancelled"}})
        node.record(db, "registration_add", "s-1", {"attendee_ids": [who, outcomes[2].attendee_id]})
        for at in ("2026-12-01T03:05:00.000Z", "2026-12-01T03:01:00.000Z"):  # in twice: once
            node.record(db, "door_scan", "room-1", {"attendee_id": who, "direction": "in",
                        "at": at, "device": "door", "session_id": "s-1"})  # fmt: skip
    kept = tally.catch_up(db, kept)
    _same(kept, tally.load(db))
    assert kept.arrived(DAY, LATER) == 4  # the cancelled one still came
    assert kept.registered["s-1"] == 1  # a cancelled attendee's sign-up does not count
    assert kept.attended["s-1"] == {who: "2026-12-01T03:01:00.000Z"}  # their first scan in


def test_a_log_that_went_back_is_counted_afresh(db, node: Node, clock) -> None:
    checkin.scan(db, node, _codes(db)[0], desk="Desk 1", now=clock.now())
    kept = tally.load(db)
    with transaction(db):  # as a restore of an older copy would leave it
        db.execute("DELETE FROM checkin")
        db.execute("DELETE FROM op WHERE kind = 'checkin'")
    assert tally.catch_up(db, kept).arrived(DAY, LATER) == 0


def test_room_counts_match_the_doors_own_count(db, node: Node) -> None:
    """Random scans in and out at three doors: the tally counts each room as kiosk.rooms.door
    does, from any moment on, scan by scan."""
    import random

    from kiosk.rooms import door

    rng = random.Random(7)
    people = [r[0] for r in db.execute("SELECT attendee_id FROM attendee")]
    kept = tally.load(db)
    for i in range(120):
        with transaction(db):
            node.record(db, "door_scan", rng.choice(("r1", "r2", "r3")), {
                "attendee_id": rng.choice(people), "direction": rng.choice(("in", "in", "out")),
                "at": f"2026-12-01T02:{rng.randrange(60):02d}:00.000Z", "device": "d",
                "session_id": ""})  # fmt: skip
        if i % 10 == 0:
            kept = tally.catch_up(db, kept)
    kept = tally.catch_up(db, kept)
    for room in ("r1", "r2", "r3"):
        for since in ("2026-12-01T02:00:00.000Z", "2026-12-01T02:30:00.000Z"):
            assert kept.in_room(room, since, LATER) == door.count(db, room, since), (room, since)
    assert kept.inside == tally.load(db).inside
