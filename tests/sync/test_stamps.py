"""Clock stamps stay in range, order as numbers, and no token can push one far into the future."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.replication import fold
from sync.hlc import (
    MAX_AHEAD_MS,
    MAX_COUNTER,
    MAX_WALL_MS,
    Clock,
    Stamp,
    StampError,
    sql_order,
    wall_ms,
)
from sync.ids import uuid7
from sync.oplog import Op, get, insert
from sync.server import Request, handle
from tests.conftest import seed
from tests.sync.replicas import make_replica

HOUR_MS = 3_600_000
HIGH = f"{MAX_WALL_MS}-{MAX_COUNTER:05d}-relay"  # the highest stamp the format can hold


@pytest.fixture
def venue(tmp_path):
    replica = make_replica(tmp_path, "venue")
    seed(replica.db, replica.node)
    yield replica
    replica.db.close()


def _rename(origin: str, hlc: str, first_name: str) -> dict:
    fields = {"first_name": first_name, "email": "attacker@example.org"}
    return Op(uuid7(wall_ms()), origin, hlc, "attendee_upsert", "a-jose",
              {"fields": fields}).to_dict()  # fmt: skip


def _push(replica, node: str, ops: list[dict]) -> tuple[int, dict]:
    raw = json.dumps({"node_id": node, "ops": ops}).encode()
    return handle(replica.local, Request("POST", "/sync/v1/push", {}, raw))


def test_a_clock_at_the_top_of_the_range_never_makes_a_fourteen_digit_stamp() -> None:
    clock = Clock("venue", now_ms=lambda: MAX_WALL_MS)
    assert clock.observe(Stamp(MAX_WALL_MS, MAX_COUNTER - 1, "relay"))
    for _ in range(3):
        stamp = clock.tick()
        assert Stamp.parse(str(stamp)) == stamp  # still a stamp every peer accepts
    with pytest.raises(StampError):
        Stamp(MAX_WALL_MS + 1, 0, "venue")


def test_stamps_order_as_numbers_wall_then_counter_then_node() -> None:
    low, high = Stamp.parse("0000000000999-99999-b"), Stamp.parse("0000000001000-00000-a")
    assert low < high
    assert Stamp(5, MAX_COUNTER, "a").successor("b") == Stamp(6, 0, "b")
    assert Stamp(MAX_WALL_MS, MAX_COUNTER, "a").successor("b").wall_ms == MAX_WALL_MS


def test_a_far_future_stamp_does_not_drag_the_clock() -> None:
    now = 1_800_000_000_000
    clock = Clock("venue", now_ms=lambda: now)
    assert not clock.observe(f"{MAX_WALL_MS}-00000-relay")
    assert clock.tick().wall_ms == now


def test_an_op_stamped_beyond_the_window_is_refused_naming_it(venue) -> None:
    far = Stamp(wall_ms() + MAX_AHEAD_MS + HOUR_MS, 0, "north")
    op = _rename("north", str(far), "Mallory")
    status, answer = _push(venue, "north", [op])
    assert status == 400 and answer["error"] == "bad_op"
    assert op["op_id"] in answer["message"]
    assert attendees.get(venue.db, "a-jose")["first_name"] != "Mallory"
    near = Stamp(wall_ms() + HOUR_MS, 0, "north")  # a clock an hour fast still syncs
    assert _push(venue, "north", [_rename("north", str(near), "Jose")])[0] == 200


def test_the_window_is_configurable(venue) -> None:
    local = venue.local
    local.max_ahead_ms = HOUR_MS
    op = _rename("north", str(Stamp(wall_ms() + 2 * HOUR_MS, 0, "north")), "Mallory")
    raw = json.dumps({"node_id": "north", "ops": [op]}).encode()
    assert handle(local, Request("POST", "/sync/v1/push", {}, raw))[0] == 400


def test_a_desk_correction_beats_a_stamp_accepted_before_the_window(venue) -> None:
    poisoned = Op(**{k: v for k, v in _rename("relay", HIGH, "Mallory").items()})
    with transaction(venue.db):
        insert(venue.db, poisoned)
        fold.apply(venue.db, poisoned)
    assert attendees.get(venue.db, "a-jose")["first_name"] == "Mallory"
    with transaction(venue.db):
        attendees.update(venue.db, venue.node, "a-jose",
                         {"first_name": "Jose", "email": "jose@example.org"})  # fmt: skip
    row = attendees.get(venue.db, "a-jose")
    assert (row["first_name"], row["email"]) == ("Jose", "jose@example.org")
    newest = venue.db.execute("SELECT hlc FROM op ORDER BY seq DESC LIMIT 1").fetchone()[0]
    Stamp.parse(newest)  # head office can still read it


def test_sql_orders_stamps_as_numbers_even_a_wider_one_written_before_the_bound() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (hlc TEXT)")
    stamps = ["10000000000000-00000-desk", "9999999999999-00001-relay", "9999999999999-00000-a"]
    db.executemany("INSERT INTO t VALUES (?)", [(s,) for s in stamps])
    rows = [r[0] for r in db.execute(f"SELECT hlc FROM t ORDER BY {sql_order('hlc')}")]  # noqa: S608
    assert rows == stamps[::-1]


def test_the_correction_of_an_earlier_accepted_high_stamp_still_reaches_head_office(
    tmp_path, venue
) -> None:
    ho = make_replica(tmp_path, "ho")
    poisoned = Op(**_rename("relay", HIGH, "Mallory"))
    for replica in (ho, venue):
        with transaction(replica.db):
            insert(replica.db, poisoned)
            fold.apply(replica.db, poisoned)
    with transaction(venue.db):
        attendees.update(venue.db, venue.node, "a-jose", {"first_name": "Jose"})
    newest = venue.db.execute("SELECT op_id FROM op ORDER BY seq DESC LIMIT 1").fetchone()[0]
    op = get(venue.db, newest).to_dict()
    status, answer = _push(ho, "venue", [op])
    assert status == 200 and answer["accepted"] == 1
    ho.db.close()
