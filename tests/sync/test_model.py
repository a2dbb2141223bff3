"""More of what happens to venue machines, with what must hold after each step.

ModelMachine adds to the SyncMachine of tests/sync/test_convergence.py (whose reference-fold
oracle checks every replica after every step): a venue that may purge only once head office
proved it holds all its ops, a venue database copied to a second laptop, and a venue running
a fold from before rooms until it is upgraded.
"""

from __future__ import annotations

import contextlib
import random
import shutil
from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule, run_state_machine_as_test

from kiosk.db import open_db, transaction
from kiosk.desk import checkin
from kiosk.replication import conflicts, peering
from kiosk.replication.node import load_node
from sync import peers
from sync.client import SyncError, sync_once
from tests.conftest import DAY1_MORNING
from tests.sync.faults import FaultyTransport
from tests.sync.replicas import Replica, attach
from tests.sync.test_convergence import SETTINGS, SyncMachine

ROOMS = frozenset({"session_room_set"})  # what a version from before rooms does not know
MAX_REPLICAS = 7


class ModelMachine(SyncMachine):
    """Replicas[0] is head office (in the head-office role); the rest are venues."""

    def __init__(self) -> None:
        super().__init__()
        self.retired: list[Replica] = []  # purged and wiped: their ops live on elsewhere only
        self.copies: list[tuple[str, str]] = []  # one ticket's check-ins at an original and copy
        self.stale: set[str] = set()  # venues whose proof may predate a head-office restore

    @initialize(venues=st.integers(2, 4), skews=st.lists(st.integers(-6, 6), min_size=5,
                max_size=5), older=st.integers(0, 4))  # fmt: skip
    def start(self, venues: int, skews: list[int], older: int) -> None:
        SyncMachine.start(self, venues, skews)
        ho = self.replicas[0]
        with transaction(ho.db):
            peers.set_role(ho.db, peers.HEAD_OFFICE)
        self.replicas[1 + older % venues].unknown = ROOMS  # until an upgrade rule runs

    def _venue(self, who: int) -> Replica | None:
        replica = self._pick(who)
        return None if replica is self.replicas[0] else replica

    # -- after the event: prove, then purge --------------------------------------------------

    @rule(who=st.integers(1, 9), seed_=st.integers(0, 2**16), rate=st.sampled_from((0.0, 0.5)),
          wipe=st.booleans())  # fmt: skip
    def purge_once_proven(self, who: int, seed_: int, rate: float, wipe: bool) -> None:
        """`kiosk sync --final` with head office, then `kiosk purge` if it lets us; wiped after."""
        venue, ho = self._venue(who), self.replicas[0]
        if venue is None:
            return
        link = FaultyTransport(ho.transport(), random.Random(seed_), rate)
        with contextlib.suppress(OSError, SyncError):
            sync_once(venue.local, ho.name, link, page=5)  # `--final` syncs first
            self.stale.discard(venue.name)  # it has met head office as it is now
            with venue.folding():  # final reads this node (load_node) as its version would
                peering.final(venue.db, ho.name, link)
        known, lacks, _ = peering.headoffice_lacks(venue.db)
        if known is None or lacks or venue.name in self.stale:
            return  # a proof from before a restore it has not heard of: purge cannot tell
        missing = venue.op_ids() - ho.op_ids()
        assert not missing, f"{venue.name} may purge, but head office lacks {len(missing)} ops"
        if wipe and len(self.replicas) > 2:
            self.replicas.remove(venue)
            venue.db.close()
            self.retired.append(venue)

    # -- a prepared database copied to another laptop ----------------------------------------

    @rule(who=st.integers(1, 9), pick=st.integers(0, 50), day=st.integers(0, 2))
    def copy_venue_database(self, who: int, pick: int, day: int) -> None:
        """The copy takes its own node id, so one ticket scanned at both is a double scan."""
        source = self._venue(who)
        if source is None or source.path is None or len(self.replicas) >= MAX_REPLICAS:
            return
        folder = self.dir / f"laptop{len(self.replicas) + len(self.retired)}"
        folder.mkdir()
        source.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(source.path, folder / source.path.name)
        db = open_db(folder / source.path.name)
        with source.folding():
            node_id = load_node(db).node_id
        taken = {r.name for r in self.replicas + self.retired}
        assert node_id not in taken, f"a copy of {source.name} speaks as {node_id}"
        copy = attach(node_id, db, source.skew_ms, folder / source.path.name)
        copy.unknown = source.unknown
        self.replicas.append(copy)
        codes = self._codes(source)
        now = DAY1_MORNING + timedelta(days=day, milliseconds=source.skew_ms)
        turn = pick % max(len(codes), 1)
        for code in codes[turn:] + codes[:turn]:
            first = checkin.scan(source.db, source.node, code, now=now)
            if first.checkin_op_id:
                second = checkin.scan(copy.db, copy.node, code, now=now)
                assert second.checkin_op_id, "the copy refused a ticket its original admitted"
                self.acknowledged |= {first.checkin_op_id, second.checkin_op_id}
                self.copies.append((first.checkin_op_id, second.checkin_op_id))
                return

    # -- a node on the version before rooms --------------------------------------------------

    @precondition(lambda self: any(r.unknown for r in self.replicas))
    @rule()
    def upgrade(self) -> None:
        """The new version starts: the kinds it learned apply to the ops held meanwhile."""
        for replica in self.replicas:
            if replica.unknown:
                replica.unknown = frozenset()
                load_node(replica.db)

    # -- healing -----------------------------------------------------------------------------

    def _heal_and_check(self) -> None:
        self.upgrade()
        super()._heal_and_check()
        self.every_replica_holds_the_state_its_ops_mean()
        ho = self.replicas[0]
        for venue in self.replicas[1:]:
            assert venue.tables() == ho.tables(), f"{venue.name} shows another state"
        standing = {r[0] for r in ho.db.execute("SELECT op_id FROM checkin c WHERE NOT EXISTS"
                    " (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)")}  # fmt: skip
        doubles = [set(f.ops) for f in conflicts.flags(ho.db, True) if f.kind == "double_scan"]
        for pair in self.copies:
            if set(pair) <= standing:
                assert any(set(pair) <= ops for ops in doubles), "a copy's double scan is unflagged"

    def teardown(self) -> None:
        self.acknowledged_check_ins_stay()  # the wiped venues' too: head office holds them
        super().teardown()


TestModel = ModelMachine.TestCase
TestModel.settings = settings(SETTINGS, max_examples=20)


@pytest.mark.soak
def test_the_model_at_length() -> None:
    """The same machine, longer and more often (make soak)."""
    long = settings(SETTINGS, max_examples=400, stateful_step_count=80)
    run_state_machine_as_test(ModelMachine, settings=long)
