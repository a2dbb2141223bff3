"""A node whose fold is older than some ops it holds: it keeps and relays them, and applies them
once an upgrade teaches its fold their kind."""

from __future__ import annotations

from pathlib import Path

from kiosk.db import transaction
from kiosk.replication.node import load_node
from kiosk.rooms import schedule
from sync.client import sync_once
from tests.sync.reference import reference
from tests.sync.replicas import make_replica

ROOMS = frozenset({"session_room_set"})  # a version from before rooms


def test_ops_of_a_kind_an_upgrade_teaches_the_fold_take_effect(tmp_path: Path) -> None:
    ho = make_replica(tmp_path, "ho")
    old = make_replica(tmp_path, "old")
    old.unknown = ROOMS
    with transaction(ho.db):
        ho.node.record(ho.db, "session_room_set", "session-1", {"fields": {"room_id": "hall-a"}})
    sync_once(old.local, "ho", ho.transport())
    held = {op.op_id for op in old.ops() if op.kind == "session_room_set"}
    assert len(held) == 1 and schedule.session(old.db, "session-1") is None

    later = make_replica(tmp_path, "later")  # it still travels through the older node
    sync_once(later.local, "old", old.transport())
    assert schedule.session(later.db, "session-1")["room_id"] == "hall-a"

    old.unknown = frozenset()  # the new version starts
    load_node(old.db)
    assert schedule.session(old.db, "session-1")["room_id"] == "hall-a"
    assert [c["to_room"] for c in schedule.changes(old.db, "session-1")] == ["hall-a"]
    assert old.tables() == reference(old.ops())
    for replica in (ho, old, later):
        replica.db.close()
