"""Attendee ids from a file or a peer are checked: an id is one path segment of the desk's links,
so a '/' in one must never get in, and a link is built escaped whatever the id holds."""

from __future__ import annotations

import re

import pytest

from kiosk.db import transaction
from kiosk.replication import fold
from kiosk.replication import peering as replication
from sync.client import SyncError, sync_once
from sync.hlc import Clock
from sync.oplog import insert, new_op
from tests.sync.replicas import make_replica
from tests.test_cli import kiosk, query, refused, venue, write

__all__ = ["venue"]  # the fixture, shared with test_cli
BAD_IDS = ["../admin/printers", "a/b", "a?x=1", "a#b", ".hidden", "x" * 65]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_import_refuses_an_id_that_is_no_id(venue, tmp_path, bad):
    data = f'attendee_id,code,name\np-1,QR-1,Ana Lima\n"{bad}",QR-2,Budi\n'
    reason = refused(kiosk(venue, "import", "attendees", str(write(tmp_path, "a.csv", data))))
    assert re.search(r"\bline 3: attendee_id .* is not an id\b", reason), reason
    assert query(venue, "SELECT count(*) FROM attendee") == [(0,)]


def _push(client, headers, ops):
    return client.post("/sync/v1/push", json={"node_id": "venue-2", "ops": ops}, headers=headers)


def _op(kind, entity, payload):
    return new_op(Clock("venue-2"), kind, entity, payload).to_dict()


@pytest.mark.parametrize(
    ("kind", "entity", "payload"),
    [
        ("attendee_upsert", "../admin/printers", {"fields": {"first_name": "Eve", "code": "E"}}),
        ("checkin", "a/b", {"at": "2026-12-01T02:00:00.000Z", "day": "2026-12-01"}),
        ("checkin_undo", "a?x", {"checkin_op_id": "x"}),
        ("registration_add", "s-1", {"attendee_ids": ["a-jose", "../x"]}),
    ],
)
def test_sync_refuses_an_op_naming_no_attendee_id(client, db, make_token, kind, entity, payload):
    headers = make_token("sync")
    before = db.execute("SELECT count(*) FROM op").fetchone()[0]
    good = _op("checkin", "a-jose", {"at": "2026-12-01T02:00:00.000Z", "day": "2026-12-01"})
    answer = _push(client, headers, [good, _op(kind, entity, payload)])
    assert answer.status_code == 400 and answer.get_json()["error"] == "bad_op", answer.data
    assert "op 1" in answer.get_json()["message"]
    assert db.execute("SELECT count(*) FROM op").fetchone()[0] == before  # nothing applied
    assert _push(client, headers, [good]).status_code == 200


def _held_from_before(db, node, attendee_id, payload):
    """An attendee_upsert written by a version before the check (record() now refuses it)."""
    held = new_op(node.clock, "attendee_upsert", attendee_id, payload)
    with transaction(db):
        insert(db, held)
        fold.apply(db, held)


def test_desk_links_stay_on_the_attendee_whatever_the_id(desk, db, node):
    """An id held from before the check (or any odd one) is escaped, never a path of its own."""
    client, _ = desk
    _held_from_before(db, node, "../../admin/printers",
                      {"fields": {"first_name": "Evelyn", "last_name": "Odd", "code": "ODD-1",
                                  "status": "valid"}})  # fmt: skip
    html = client.get("/desk/search?q=evelyn").get_data(as_text=True)
    links = re.findall(r'href="([^"]*)"', html)
    assert "/desk/attendees/..%2F..%2Fadmin%2Fprinters" in links, links
    assert not [link for link in links if "admin/printers" in link]


def test_a_pulled_op_naming_no_attendee_id_is_refused(tmp_path):
    """A peer that holds such an op (from before the check) cannot hand it on either."""
    peer, venue_node = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    _held_from_before(
        peer.db, peer.node, "a/../../admin", {"fields": {"first_name": "Eve", "code": "EVE-1"}}
    )
    venue = replication.local(venue_node.db)
    with pytest.raises(SyncError) as refusal:
        sync_once(venue, "local:ho", peer.transport())
    assert refusal.value.code == "bad_op"
    assert venue_node.db.execute("SELECT count(*) FROM attendee").fetchone()[0] == 0
