"""One op id recorded at two machines with different content: a tablet that retried a scan
against a second machine. Every node must end with the same copy and the same state, the
supervisor must see it, and `kiosk sync --final` must not prove a peer holding the other copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.db import transaction
from kiosk.desk import attendees, checkin
from kiosk.replication import conflicts, peering
from sync.client import sync_once
from sync.ids import uuid7
from sync.oplog import content_hash, get
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import Replica, make_headoffice, make_replica


def _site(tmp_path: Path) -> tuple[Replica, Replica, Replica]:
    ho = make_headoffice(tmp_path)
    seed(ho.db, ho.node)
    north, south = make_replica(tmp_path, "north"), make_replica(tmp_path, "south")
    for venue in (north, south):
        sync_once(venue.local, ho.name, ho.transport())
    return ho, north, south


def _retried_at_both(north: Replica, south: Replica) -> str:
    """One scan, sent to the north machine and, after a timeout, again to the south one."""
    request = uuid7()
    for venue, desk in ((north, "North-1"), (south, "South-1")):
        outcome = checkin.scan(venue.db, venue.node, "KN-JOSE01", desk=desk, request_id=request,
                               now=DAY1_MORNING)  # fmt: skip
        assert outcome.checkin_op_id == request
    return request


def _copy(replica: Replica, op_id: str) -> tuple:
    op = get(replica.db, op_id)
    return op.origin, op.hlc, op.payload


@pytest.mark.parametrize("first", ["north", "south"])
def test_every_node_keeps_the_same_copy_whatever_syncs_first(tmp_path, first) -> None:
    ho, north, south = _site(tmp_path)
    op_id = _retried_at_both(north, south)
    expected = min((get(v.db, op_id) for v in (north, south)), key=content_hash)
    order = [north, south] if first == "north" else [south, north]
    for venue in [*order, *order]:
        sync_once(venue.local, ho.name, ho.transport())

    for replica in (ho, north, south):
        assert get(replica.db, op_id) == expected, replica.name
        assert [a.desk for a in attendees.arrivals(replica.db, "a-jose")] == [
            expected.payload["desk"]]  # fmt: skip
    assert north.state() == south.state() == ho.state()
    (flag,) = [f for f in conflicts.flags(ho.db) if f.kind == "recorded_twice"]
    assert flag.ops == (op_id,) and flag.detail["other_origins"] != [expected.origin]
    assert peering.status(ho.db)["divergent_ops"] == 1
    for replica in (ho, north, south):  # the header's kept count says the same
        assert peering.status(replica.db)["problems"] == len(conflicts.flags(replica.db))


def test_final_does_not_prove_a_peer_that_holds_another_copy(tmp_path) -> None:
    ho, north, south = _site(tmp_path)
    op_id = _retried_at_both(north, south)
    sync_once(north.local, ho.name, ho.transport())
    assert _copy(ho, op_id) != _copy(south, op_id)

    proof = peering.final(south.db, ho.name, ho.transport())  # no sync first: copies differ
    assert not proof.proven and proof.count == proof.held  # every id is held, not every copy

    sync_once(south.local, ho.name, ho.transport())
    assert _copy(ho, op_id) == _copy(south, op_id)
    assert peering.final(south.db, ho.name, ho.transport()).proven


def test_a_supervisor_sees_the_scan_recorded_twice(tmp_path) -> None:
    from tests.test_review_actions import _answer

    ho, north, south = _site(tmp_path)
    _retried_at_both(north, south)
    for venue in (north, south, north):
        sync_once(venue.local, ho.name, ho.transport())
    from kiosk import auth
    from tests.conftest import STAFF_PIN

    auth.add_staff(south.db, "Budi", "supervisor", STAFF_PIN)
    page = _answer(south, "recorded_twice", "accept_kept")
    assert "Nothing to review." in page
    sync_once(south.local, ho.name, ho.transport())
    assert [f for f in conflicts.flags(ho.db) if f.kind == "recorded_twice"] == []


def test_two_tickets_scanned_under_one_op_id_both_stand_once_the_supervisor_keeps_both(
    tmp_path,
) -> None:
    """A faulty scanner gave two scans of two tickets one id: sync keeps one copy, and the
    supervisor's "keep both" brings the other arrival back at every node."""
    ho, north, south = _site(tmp_path)
    request = uuid7()
    for venue, code in ((north, "KN-JOSE01"), (south, "KN-OBRI01")):
        outcome = checkin.scan(venue.db, venue.node, code, desk=venue.name, request_id=request,
                               now=DAY1_MORNING)  # fmt: skip
        assert outcome.checkin_op_id == request  # green at both desks
    for venue in (north, south, north):
        sync_once(venue.local, ho.name, ho.transport())
    arrived = {a for a in ("a-jose", "a-obrien") if attendees.arrivals(ho.db, a)}
    assert len(arrived) == 1  # one copy kept everywhere: the other ticket's arrival is set aside

    (flag,) = [f for f in conflicts.flags(south.db) if f.kind == "recorded_twice"]
    assert conflicts.ACTIONS["recorded_twice"] == ("accept_kept", "keep_both_copies")
    with transaction(south.db):
        conflicts.resolve(south.db, south.node, flag.flag_id, "keep_both_copies", "Budi", "now")
    for venue in (south, north, south):
        sync_once(venue.local, ho.name, ho.transport())
    for replica in (ho, north, south):
        assert all(attendees.arrivals(replica.db, a) for a in ("a-jose", "a-obrien")), replica.name
        assert [f for f in conflicts.flags(replica.db) if f.kind == "recorded_twice"] == []
    assert north.state() == south.state() == ho.state()
