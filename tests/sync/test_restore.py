"""Head office restored from an older copy: what survives at any venue comes back to it.

Each node is a real SQLite file with the real fold and protocol; head office is restored with
`kiosk restore` (a new epoch) or by copying the file back (the same epoch).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from kiosk import backup
from kiosk.db import transaction
from kiosk.desk import checkin
from kiosk.replication import peering
from sync import oplog, peers
from sync.client import sync_once
from sync.server import Request, handle
from sync.transport import Reply
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import Replica, make_headoffice, make_replica, sync_final

HO = "http://ho:8000"


@pytest.fixture
def site(tmp_path: Path):
    ho = make_headoffice(tmp_path)
    seed(ho.db, ho.node)
    north, south = make_replica(tmp_path, "north"), make_replica(tmp_path, "south")
    for venue in (north, south):
        sync_once(peering.local(venue.db), HO, ho.transport())
    nodes = {"ho": ho, "north": north, "south": south}
    yield nodes
    for replica in nodes.values():
        replica.db.close()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ho-backup.sqlite3"
    backup.backup(tmp_path / "ho.sqlite3", target)
    return target


def _restore(tmp_path: Path, ho: Replica, copy: Path, by_hand: bool = False) -> Replica:
    """`kiosk restore` of head office, or its file copied back over it (no new epoch)."""
    ho.db.close()
    live = tmp_path / "ho.sqlite3"
    if by_hand:
        shutil.copyfile(copy, live)  # the same file (inode), as `cp` leaves it
        for suffix in ("-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
    else:
        backup.restore(live, copy)
    return make_headoffice(tmp_path)


def _cancel(ho: Replica, attendee: str) -> str:
    with transaction(ho.db):
        op = ho.node.record(ho.db, "attendee_upsert", attendee,
                            {"fields": {"status": "cancelled"}, "source": "import"})  # fmt: skip
    return op.op_id


def _status(replica: Replica, attendee: str) -> str:
    sql = "SELECT status FROM attendee WHERE attendee_id = ?"
    return replica.db.execute(sql, (attendee,)).fetchone()[0]


def _sync(venue: Replica, peer: Replica, url: str = HO, **options) -> None:
    sync_once(peering.local(venue.db), url, peer.transport(), **options)


def test_a_venue_hands_head_office_its_own_ops_got_over_the_lan(site, tmp_path) -> None:
    """A cancellation north got from south over the LAN goes back to a restored head office."""
    ho, north, south = site["ho"], site["north"], site["south"]
    copy = _copy(tmp_path)
    cancelled = _cancel(ho, "a-jose")
    _sync(south, ho)
    _sync(north, south, "http://south:5000")  # head office unreachable: the LAN
    assert cancelled in north.op_ids()
    site["ho"] = ho = _restore(tmp_path, ho, copy)
    _sync(north, ho)  # refused before: "An op claims to be from this node"
    checkin.scan(north.db, north.node, "KN-OBRI01", now=DAY1_MORNING)
    _sync(north, ho)
    assert cancelled in ho.op_ids() and _status(ho, "a-jose") == "cancelled"
    assert north.op_ids() <= ho.op_ids()


def test_a_node_never_restored_still_refuses_ops_in_its_name(site) -> None:
    ho, north = site["ho"], site["north"]
    forged = _cancel(north, "a-jose")  # stands for an op stamped under head office's name
    north.db.execute("UPDATE op SET origin = 'ho' WHERE op_id = ?", (forged,))
    north.db.execute("UPDATE op SET hlc = substr(hlc, 1, 20) || 'ho' WHERE op_id = ?", (forged,))
    done = sync_once(peering.local(north.db), HO, ho.transport(), compare=True)
    assert done.refused == 1 and forged not in ho.op_ids()
    assert peers.rewound_at(ho.db) is None
    status, answer = _push(ho, "north", [oplog.get(north.db, forged)])
    assert status == 403 and answer["message"] == "An op claims to be from this node."


def _push(target: Replica, sender: str, ops) -> tuple[int, dict]:
    body = json.dumps({"node_id": sender, "ops": [op.to_dict() for op in ops]}).encode()
    return handle(target.local, Request("POST", "/sync/v1/push", {}, body))


def test_a_restored_head_office_gets_back_what_only_a_venue_holds(site, tmp_path) -> None:
    """South's scan and head office's cancellation reached north through head office; then
    head office is restored from a copy older than both and south is gone: north hands both
    back, although head office itself gave them to it."""
    ho, north, south = site["ho"], site["north"], site["south"]
    copy = _copy(tmp_path)
    cancelled = _cancel(ho, "a-jose")
    scan = checkin.scan(south.db, south.node, "KN-OBRI01", now=DAY1_MORNING).checkin_op_id
    _sync(south, ho)
    _sync(north, ho)
    assert {cancelled, scan} <= north.op_ids()
    site["ho"] = ho = _restore(tmp_path, ho, copy)  # south never syncs again
    _sync(north, ho)
    assert {cancelled, scan} <= ho.op_ids()
    assert _status(ho, "a-jose") == "cancelled"
    assert ho.db.execute("SELECT count(*) FROM checkin WHERE op_id = ?", (scan,)).fetchone()[0]
    assert sync_final(north.db, HO, ho)  # never proven again before


def test_a_healthy_pair_compares_one_range(site) -> None:
    ho, north = site["ho"], site["north"]
    calls = []
    link = ho.transport()

    def counting(method, path, query, body, gzip):
        calls.append(path)
        return link(method, path, query, body, gzip)

    done = sync_once(peering.local(north.db), HO, counting, compare=True)
    assert calls.count("/sync/v1/missing") == 1 and done.pushed == done.refused == 0


def test_a_head_office_copied_back_is_noticed_at_the_cursor(site, tmp_path) -> None:
    """Copied back without a new epoch: its seqs are used again by other ops. North notices
    that head office holds another op at north's cursor, and both get what they lack."""
    ho, north, south = site["ho"], site["north"], site["south"]
    copy = _copy(tmp_path)
    checkin.scan(south.db, south.node, "KN-OBRI01", now=DAY1_MORNING)
    _sync(south, ho)
    lost = _cancel(ho, "a-jose")
    _sync(north, ho)  # north's cursor stands on `lost`
    site["ho"] = ho = _restore(tmp_path, ho, copy, by_hand=True)
    late = _cancel(ho, "a-nguyen")  # at the seq south's scan had
    _sync(south, ho)  # south sees head office lost its scan and sends it again
    _sync(north, ho)
    assert late in north.op_ids() and _status(north, "a-nguyen") == "cancelled"
    assert lost in ho.op_ids() and _status(ho, "a-jose") == "cancelled"
    assert sync_final(north.db, HO, ho)


def test_final_proves_both_ways_before_a_purge(site) -> None:
    """Head office holds all of north's ops, but north lacks one of head office's: no proof."""
    ho, north = site["ho"], site["north"]
    _cancel(ho, "a-nguyen")
    found = peering.final(north.db, HO, ho.transport())  # no sync first
    assert found.peer_has_ours and not found.we_have_theirs and not found.proven
    assert found.peer_count == found.held + 1
    assert peers.unproven(north.db) == len(north.op_ids())  # kiosk purge still refuses
    assert sync_final(north.db, HO, ho)
    assert peers.unproven(north.db) == 0


def test_a_peer_that_cannot_compare_op_ids_still_syncs(site, tmp_path) -> None:
    """An older head office answers 404 to /missing: a venue still syncs by its cursors."""
    ho, north = site["ho"], site["north"]
    copy = _copy(tmp_path)
    site["ho"] = ho = _restore(tmp_path, ho, copy)
    link = ho.transport()

    def older(method, path, query, body, gzip):
        if path.endswith("/missing"):
            return Reply(404, b'{"error": "not_found", "message": "No such sync endpoint."}')
        return link(method, path, query, body, gzip)

    checkin.scan(north.db, north.node, "KN-OBRI01", now=DAY1_MORNING)
    done = sync_once(peering.local(north.db), HO, older)
    assert done.reset and north.op_ids() <= ho.op_ids()
    assert peers.load(north.db, HO).reconcile == 0  # not asked again every round


def test_an_op_the_peer_took_during_the_comparison_is_pulled_not_the_whole_log(site) -> None:
    """--final on a busy head office: what arrived since our pull comes by the cursor."""
    ho, north = site["ho"], site["north"]
    link, reads, late = ho.transport(), [], []

    def busy(method, path, query, body, gzip):
        if path.endswith("/missing") and not late:
            late.append(_cancel(ho, "a-nguyen"))  # another venue's push lands meanwhile, say
        if path.endswith("/pull"):
            reads.append(query["after"])
        return link(method, path, query, body, gzip)

    sync_once(peering.local(north.db), HO, busy, compare=True)
    assert late[0] in north.op_ids()
    assert "0" not in reads  # the cursor stayed: head office's log was not read again


@pytest.mark.parametrize("seed_", range(6))
def test_whatever_the_order_nothing_any_venue_holds_is_lost(site, tmp_path, seed_) -> None:
    """Random scans, cancellations and syncs (LAN too); head office backed up, then restored
    by `kiosk restore` or by copying it back; then ordinary rounds: all hold the same ops, head
    office holds every op any venue held, and --final proves it both ways."""
    rng = random.Random(seed_)
    names, copy = ["north", "south"], None
    codes = [r[0] for r in site["ho"].db.execute("SELECT code FROM attendee ORDER BY code")]
    for step in range(40):
        ho = site["ho"]
        roll = rng.random()
        if step == 10:
            copy = _copy(tmp_path)
        elif step == 28:
            site["ho"] = _restore(tmp_path, ho, copy, by_hand=rng.random() < 0.5)
        elif roll < 0.3:
            venue = site[rng.choice(names)]
            checkin.scan(venue.db, venue.node, rng.choice(codes), now=DAY1_MORNING)
        elif roll < 0.4:
            _cancel(ho, rng.choice(["a-jose", "a-nguyen", "a-wang", "a-siti"]))
        elif roll < 0.85:
            _sync(site[rng.choice(names)], ho)
        else:
            a, b = rng.sample(names, 2)
            _sync(site[a], site[b], f"http://{b}:5000")
    held = site["north"].op_ids() | site["south"].op_ids()
    for _ in range(2):  # the background loop's rounds: nobody says head office was restored
        for name in names:
            _sync(site[name], site["ho"])
    assert held <= site["ho"].op_ids()
    assert site["north"].op_ids() == site["south"].op_ids() == site["ho"].op_ids()
    assert site["north"].state() == site["ho"].state()
    assert all(sync_final(site[name].db, HO, site["ho"]) for name in names)
