"""The /sync/v1 protocol functions and their HTTP face: refusals, paging, gzip, binding."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from kiosk.desk import checkin
from sync import protocol
from sync.client import sync_once
from sync.hlc import Clock
from sync.oplog import new_op
from sync.retry import delays
from sync.server import Request, handle
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import make_replica

SYNC_DIR = Path(__file__).resolve().parents[2] / "sync"


def test_the_sync_package_knows_nothing_of_flask_or_the_domain() -> None:
    for path in SYNC_DIR.glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+(\w+)", path.read_text(), re.M)
        assert not {"flask", "kiosk", "werkzeug"} & set(imports), path.name


@pytest.fixture
def pair(tmp_path):
    ho, venue = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    seed(ho.db, ho.node)
    yield ho, venue
    ho.db.close()
    venue.db.close()


def _push(target, ops, node="venue", encoding=None, body=None):
    raw = body if body is not None else json.dumps({"node_id": node, "ops": ops}).encode()
    if encoding == "gzip":
        raw = gzip.compress(raw)
    return handle(target.local, Request("POST", "/sync/v1/push", {}, raw, encoding))


def _op(node="venue", kind="checkin", entity="a-jose"):
    return new_op(Clock(node), kind, entity, {"at": "2026-12-01T02:00:00.000Z",
                                              "day": "2026-12-01"}).to_dict()  # fmt: skip


def test_a_malformed_op_refuses_the_whole_batch(pair) -> None:
    ho, _ = pair
    before = len(ho.op_ids())
    bad = {**_op(), "hlc": "yesterday"}
    status, answer = _push(ho, [_op(), _op(), bad])
    assert status == 400 and answer["error"] == "bad_op"
    assert len(ho.op_ids()) == before  # the two good ops were not applied either


def test_a_push_naming_a_node_id_longer_than_hello_allows_is_refused(pair) -> None:
    """The same 1-64 characters as hello: an empty batch under such a name is no exception."""
    ho, _ = pair
    status, answer = _push(ho, [], node="n" * 65)
    assert status == 400 and "1-64 characters" in answer["message"]


def test_push_stores_each_op_once_gzip_or_plain(pair) -> None:
    ho, _ = pair
    ops = [_op() for _ in range(3)]
    assert _push(ho, ops, encoding="gzip") == (200, {"accepted": 3, "duplicates": 0,
                                                     "mismatched": []})  # fmt: skip
    assert _push(ho, ops)[1]["duplicates"] == 3
    assert ho.db.execute("SELECT count(*) FROM checkin").fetchone()[0] == 3


def test_a_body_that_inflates_too_far_is_refused(pair) -> None:
    ho, _ = pair
    bomb = json.dumps({"node_id": "venue", "ops": [], "pad": " " * (protocol.MAX_BODY + 10)})
    status, answer = _push(ho, [], body=bomb.encode(), encoding="gzip")
    assert status == 413 and answer["error"] == "too_large"
    status, _ = _push(ho, [], body=b"\x1f\x8b\x08\x00garbage", encoding="gzip")
    assert status == 400


def test_ops_from_another_origin_need_relay_and_nobody_speaks_for_the_receiver(pair) -> None:
    ho, _ = pair
    local = ho.local
    local.allow_relay = False
    raw = json.dumps({"node_id": "venue", "ops": [_op(node="south")]}).encode()
    assert handle(local, Request("POST", "/push", {}, raw))[0] == 403
    assert _push(ho, [_op(node="south")])[0] == 200  # relayed: allowed by default
    assert _push(ho, [_op(node="ho")])[1]["error"] == "wrong_origin"


def test_pull_pages_by_the_servers_log_order(pair) -> None:
    ho, _ = pair
    seen, after = [], "0"
    while True:
        status, page = handle(ho.local, Request("GET", "/pull", {"after": after, "limit": "4"}))
        assert status == 200
        seen += [op["op_id"] for op in page["ops"]]
        after = page["next"]
        if not page["more"]:
            break
    assert seen == [r[0] for r in ho.db.execute("SELECT op_id FROM op ORDER BY seq")]
    assert handle(ho.local, Request("GET", "/pull", {"after": "-1"}))[0] == 400


def test_a_restored_head_office_gets_everything_again(pair, tmp_path) -> None:
    """A backup taken before the venue's pushes: the venue notices and pushes them again."""
    ho, venue = pair
    sync_once(venue.local, "ho", ho.transport())
    ho.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(tmp_path / "ho.sqlite3", tmp_path / "backup.sqlite3")
    checkin.scan(venue.db, venue.node, "KN-JOSE01", now=DAY1_MORNING)
    assert sync_once(venue.local, "ho", ho.transport()).pushed == 1
    ho.db.close()
    shutil.copy(tmp_path / "backup.sqlite3", tmp_path / "ho.sqlite3")
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / 'ho.sqlite3'}{suffix}").unlink(missing_ok=True)
    restored = make_replica(tmp_path, "ho")
    done = sync_once(venue.local, "ho", restored.transport())
    assert done.reset and done.pushed == 1
    assert restored.op_ids() == venue.op_ids()
    restored.db.close()


def test_a_venue_far_ahead_in_time_does_not_drag_clocks_along(pair) -> None:
    ho, venue = pair
    venue.skew_ms = 6 * 3_600_000
    checkin.scan(venue.db, venue.node, "KN-JOSE01", now=DAY1_MORNING)
    sync_once(venue.local, "ho", ho.transport())
    stamp = ho.node.clock.tick()
    assert stamp.wall_ms < venue.now_ms() - 3_600_000  # kept the op, not its clock
    assert ho.op_ids() == venue.op_ids()


def test_backoff_grows_with_jitter_and_stays_capped() -> None:
    import random

    waits = delays(base=1, cap=60, rng=random.Random(1))
    firsts = [next(waits) for _ in range(12)]
    assert all(0 <= w <= 60 for w in firsts) and max(firsts[:2]) <= 2
