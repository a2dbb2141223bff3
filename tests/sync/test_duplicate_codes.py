"""One bad op must never wedge a node: clashing codes resolve the same way everywhere, and an
op a node cannot apply is set aside with its reason instead of failing the whole sync.

The clash is the field's own: the same late-registration file (no attendee_id column) imported
at head office and at a venue makes two attendees per code, one at each node.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kiosk import auth
from kiosk.db import transaction
from kiosk.desk import attendees, checkin, importer
from kiosk.replication import conflicts, fold, quarantine
from kiosk.replication import peering as replication
from sync.client import sync_once
from sync.oplog import all_ops
from tests.conftest import DATA, DAY1_MORNING, STAFF_PIN, csrf_from, seed
from tests.sync.replicas import Replica, make_replica
from tests.test_review_actions import _answer, _supervisor

LATE = (DATA / "late_registrations.csv").read_bytes()


def _pair(tmp_path: Path) -> tuple[Replica, Replica]:
    ho, venue = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    seed(ho.db, ho.node)
    sync_once(venue.local, ho.name, ho.transport())
    return ho, venue


def _late_at_both(ho: Replica, venue: Replica) -> None:
    """Both import the file while apart; the venue admits Sari with her new badge."""
    importer.import_attendees(ho.db, ho.node, LATE)
    importer.import_attendees(venue.db, venue.node, LATE)
    outcome = checkin.scan(venue.db, venue.node, "KN-LATE01", desk="North-1", now=DAY1_MORNING)
    assert outcome.decision.admitted


def _holders(replica: Replica) -> dict[str, str]:
    rows = replica.db.execute("SELECT code, attendee_id FROM attendee WHERE code LIKE 'KN-LATE%'")
    return dict(rows.fetchall())


def _flags(replica: Replica, kind: str) -> list[conflicts.Flag]:
    return [f for f in conflicts.flags(replica.db) if f.kind == kind]


def test_a_file_imported_at_two_nodes_syncs_and_every_node_picks_the_same_holder(tmp_path):
    ho, venue = _pair(tmp_path)
    _late_at_both(ho, venue)
    arrival = attendees.arrivals(venue.db, venue.db.execute(
        "SELECT attendee_id FROM attendee WHERE code = 'KN-LATE01'").fetchone()[0])[0]  # fmt: skip

    sync_once(venue.local, ho.name, ho.transport())  # was a 500 on every push, for ever
    sync_once(venue.local, ho.name, ho.transport())

    assert venue.op_ids() == ho.op_ids()
    assert venue.state() == ho.state()
    assert ho.db.execute("SELECT 1 FROM checkin WHERE op_id = ?", (arrival.op_id,)).fetchone()
    assert len(_holders(ho)) == 3 and _holders(ho) == _holders(venue)
    assert sorted(f.detail["code"] for f in _flags(ho, "duplicate_code")) == [
        "KN-LATE01", "KN-LATE02", "KN-LATE03"]  # fmt: skip
    assert _flags(ho, "duplicate_code") == _flags(venue, "duplicate_code")
    assert quarantine.count(ho.db) == quarantine.count(venue.db) == 0
    for replica in (ho, venue):  # the header's kept count says the same
        assert replication.status(replica.db)["problems"] == len(conflicts.flags(replica.db))


def test_the_holder_does_not_depend_on_the_order_ops_arrive(tmp_path):
    ho, venue = _pair(tmp_path)
    _late_at_both(ho, venue)
    sync_once(venue.local, ho.name, ho.transport())
    expected, flags = ho.state(), conflicts.flags(ho.db)
    ops = all_ops(ho.db)
    for seed_ in range(5):
        shuffled = ops + ops[: len(ops) // 4]
        random.Random(seed_).shuffle(shuffled)
        fresh = make_replica(tmp_path, f"rebuilt{seed_}")
        with transaction(fresh.db):
            fold.rebuild(fresh.db, shuffled)
        assert fresh.state() == expected
        assert conflicts.flags(fresh.db) == flags


def test_a_code_changed_away_hands_it_to_the_other_claimant(tmp_path):
    ho, venue = _pair(tmp_path)
    _late_at_both(ho, venue)
    sync_once(venue.local, ho.name, ho.transport())
    holder = _holders(ho)["KN-LATE02"]
    (other,) = [r[0] for r in ho.db.execute(
        "SELECT attendee_id FROM attendee WHERE code_claim = 'KN-LATE02' AND attendee_id != ?",
        (holder,))]  # fmt: skip
    assert attendees.get(ho.db, other)["code"] is None  # withheld: scans go to the holder
    with transaction(ho.db):
        ho.node.record(ho.db, "attendee_upsert", holder, {"fields": {"code": "KN-LATE99"}})
    assert _holders(ho)["KN-LATE02"] == other
    assert _holders(ho)["KN-LATE99"] == holder


def test_an_op_that_cannot_be_applied_is_set_aside_and_sync_goes_on(tmp_path, monkeypatch):
    ho, venue = _pair(tmp_path)
    good = checkin.scan(venue.db, venue.node, "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    with transaction(venue.db):
        stuck = venue.node.record(
            venue.db, "checkin", "a-wang", {"at": "t", "day": "2026-12-01", "desk": "Broken-1"}
        )
    original = fold.APPLY["checkin"]

    def failing(db, op):
        if op.payload.get("desk") == "Broken-1":
            raise ValueError("this version cannot apply it")
        original(db, op)

    monkeypatch.setitem(fold.APPLY, "checkin", failing)  # head office runs a version with a bug

    sync_once(venue.local, ho.name, ho.transport())  # no exception: the push went through

    assert {stuck.op_id, good.checkin_op_id} <= ho.op_ids()
    (held,) = quarantine.held(ho.db)
    assert held.op_id == stuck.op_id and "cannot apply" in held.reason
    assert ho.db.execute("SELECT 1 FROM checkin WHERE op_id = ?", (good.checkin_op_id,)).fetchone()
    assert not ho.db.execute("SELECT 1 FROM checkin WHERE op_id = ?", (stuck.op_id,)).fetchone()
    assert replication.status(ho.db)["quarantined"] == 1
    with transaction(ho.db):
        fold.rebuild(ho.db, all_ops(ho.db))  # still set aside after a rebuild, same reason
    assert [q.op_id for q in quarantine.held(ho.db)] == [stuck.op_id]
    monkeypatch.setitem(fold.APPLY, "checkin", original)  # the upgrade that can apply it
    with transaction(ho.db):
        assert fold.retry_quarantined(ho.db) == 1
    assert quarantine.count(ho.db) == 0
    assert ho.db.execute("SELECT 1 FROM checkin WHERE op_id = ?", (stuck.op_id,)).fetchone()


@pytest.mark.parametrize("action", ["merge", "new_code"])
def test_a_supervisor_answers_a_duplicate_code(tmp_path, action):
    ho, venue = _pair(tmp_path)
    auth.add_staff(venue.db, "Budi", "supervisor", STAFF_PIN)
    sari_only = b"\n".join(LATE.splitlines()[:2])
    importer.import_attendees(ho.db, ho.node, sari_only)
    importer.import_attendees(venue.db, venue.node, sari_only)
    checkin.scan(venue.db, venue.node, "KN-LATE01", desk="North-1", now=DAY1_MORNING)
    sync_once(venue.local, ho.name, ho.transport())
    page = _supervisor(venue).get("/review").get_data(as_text=True)
    assert "One code on two attendees" in page and "KN-LATE01" in page
    indonesian = _supervisor(venue)
    csrf = csrf_from(indonesian.get("/review").data)
    indonesian.post("/lang", data={"lang": "id", "next": "/review", "csrf_token": csrf})
    assert "Satu kode pada dua peserta" in indonesian.get("/review").get_data(as_text=True)
    (flag,) = _flags(venue, "duplicate_code")
    (withheld,) = flag.detail["withheld"]
    desk = _supervisor(venue).get(f"/desk/attendees/{withheld}").get_data(as_text=True)
    assert "KN-LATE01" in desk and "withheld: the code belongs to another attendee" in desk
    _answer(venue, "duplicate_code", action)
    sync_once(venue.local, ho.name, ho.transport())
    for replica in (ho, venue):
        assert _flags(replica, "duplicate_code") == []
        sari = [
            r["attendee_id"]
            for r in replica.db.execute(
                "SELECT attendee_id FROM attendee WHERE first_name = 'Sari' AND status = 'valid'"
            )
        ]
        holder = _holders(replica)["KN-LATE01"]
        if action == "merge":  # one Sari, holding the code and the arrival
            assert sari == [holder]
            assert len(attendees.arrivals(replica.db, holder)) == 1
        else:  # two people: each has a code that scans
            assert len(sari) == 2
            codes = {attendees.get(replica.db, a)["code"] for a in sari}
            assert None not in codes and len(codes) == 2
    assert venue.state() == ho.state()
