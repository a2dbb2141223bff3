"""Head office restored from an older copy: what survives at any venue comes back to it.

Each node is a real SQLite file with the real fold and protocol; head office is restored with
`kiosk restore` (a new epoch) or by copying the file back (the same epoch).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import backup
from kiosk.db import transaction
from kiosk.desk import checkin
from kiosk.replication import peering
from sync.client import sync_once
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import Replica, make_headoffice, make_replica

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
