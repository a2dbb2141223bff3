"""The desk header's review count stays right as ops arrive, though it is kept between calls:
after every new op it equals the flags a full derivation lists, at both nodes alike."""

from __future__ import annotations

from pathlib import Path

from kiosk.db import transaction
from kiosk.desk import attendees, checkin
from kiosk.replication import conflicts, flagcount, peering
from sync.client import sync_once
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import Replica, make_replica

AT = "2026-12-01T03:00:00.000Z"


def _pair(tmp_path: Path) -> tuple[Replica, Replica]:
    ho, venue = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    seed(ho.db, ho.node)
    sync_once(venue.local, ho.name, ho.transport())
    return ho, venue


def _counts(ho: Replica, venue: Replica) -> list[int]:
    """Syncs, then each node's header count, checked against a full derivation."""
    sync_once(venue.local, ho.name, ho.transport())
    found = []
    for replica in (ho, venue):
        count = flagcount.open_count(replica.db)
        assert count == len(conflicts.flags(replica.db))
        assert peering.status(replica.db)["problems"] == count
        found.append(count)
    return found


def _edit(replica: Replica, attendee_id: str, **fields: str) -> None:
    with transaction(replica.db):
        attendees.update(replica.db, replica.node, attendee_id, fields, staff="Ana")


def _cancel(replica: Replica, attendee_id: str) -> None:
    """As the registration system cancels a ticket: a status the desk cannot edit."""
    with transaction(replica.db):
        replica.node.record(replica.db, "attendee_upsert", attendee_id,
                            {"fields": {"status": "cancelled"}, "source": "import"})  # fmt: skip


def _walkin(replica: Replica, **fields: str) -> str:
    with transaction(replica.db):
        return attendees.create_walkin(replica.db, replica.node, fields, "Attendee", staff="Ana")


def test_the_count_follows_every_new_op(tmp_path: Path) -> None:
    ho, venue = _pair(tmp_path)
    assert _counts(ho, venue) == [0, 0]  # kept from here on
    for replica, desk in ((ho, "HO-1"), (venue, "North-1")):
        checkin.scan(replica.db, replica.node, "KN-NGUY01", desk=desk, now=DAY1_MORNING)
    assert _counts(ho, venue) == [1, 1]  # a double scan
    _edit(ho, "a-jose", company="Café Ñandú")
    _edit(venue, "a-jose", company="Cafe Nandu")
    assert _counts(ho, venue) == [2, 2]  # a concurrent edit
    _cancel(venue, "a-siti")
    checkin.scan(ho.db, ho.node, "KN-SITI01", desk="HO-1", now=DAY1_MORNING.replace(day=2))
    assert _counts(ho, venue) == [3, 3]  # cancelled, yet checked in
    walkin = _walkin(venue, first_name="Gudrun", last_name="G", email="gudrun@hi.example")
    assert _counts(ho, venue) == [4, 4]  # a walk-in that looks registered
    stranger = _walkin(ho, first_name="Lone", last_name="Walker", email="lone@walk.example")
    assert _counts(ho, venue) == [4, 4]
    _edit(venue, "a-josefina", email="lone@walk.example")  # the registration moves to it
    assert _counts(ho, venue) == [5, 5]
    (double,) = [f for f in conflicts.flags(venue.db) if f.kind == "double_scan"]
    with transaction(venue.db):
        conflicts.resolve(venue.db, venue.node, double.flag_id, "keep_both", "Budi", AT)
    assert _counts(ho, venue) == [4, 4]  # answered
    (arrival,) = attendees.arrivals(ho.db, "a-siti")
    checkin.undo(ho.db, ho.node, arrival.op_id, staff="Budi", reason="cancelled")
    assert _counts(ho, venue) == [3, 3]  # the arrival of a cancelled attendee undone
    _edit(ho, "a-josefina", email="jruiz@unam.example")  # and moves away again
    assert _counts(ho, venue) == [2, 2]
    _edit(ho, walkin, email="gudrun@elsewhere.example")
    _cancel(venue, stranger)
    assert _counts(ho, venue) == [1, 1]  # neither walk-in looks registered any more


def test_a_purge_is_not_hidden_by_a_kept_count(tmp_path: Path) -> None:
    """A purge blanks names and e-mails without an op; the count is derived again."""
    ho, venue = _pair(tmp_path)
    _walkin(venue, first_name="Gudrun", last_name="G", email="gudrun@hi.example")
    assert _counts(ho, venue) == [1, 1]
    with transaction(venue.db):
        peering.purge_personal_data(venue.db, ("first_name", "last_name", "email"))
    assert flagcount.open_count(venue.db) == len(conflicts.flags(venue.db))
