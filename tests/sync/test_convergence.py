"""Venues and head office apart and together: every replica ends with the same ops and state.

A Hypothesis state machine drives 2-5 venue replicas plus head office, each a real SQLite
file with the real fold and the real protocol functions, through offline scans, undos, edits,
cancellations, walk-ins, room changes and resolutions, syncing in random order over a link
that drops, repeats and cuts messages, with crashes mid-page and clocks hours apart.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kiosk.db import open_db, transaction
from kiosk.desk import attendees, checkin
from kiosk.replication import conflicts, fold
from sync.client import SyncError, sync_once
from sync.hlc import Stamp
from sync.ids import uuid7
from sync.oplog import all_ops, dumps
from tests.conftest import DAY1_MORNING, seed
from tests.sync.faults import FaultyTransport
from tests.sync.reference import difference, reference
from tests.sync.replicas import Replica, make_replica

HOUR_MS = 3_600_000
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
NAMES = ("Ana", "Budi", "Chen", "José")


class Crash(Exception):
    """The process died in the middle of applying a page."""


class SyncMachine(RuleBasedStateMachine):
    """Replicas[0] is head office; the rest are venues."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="kiosk-sync-"))
        self.replicas: list[Replica] = []
        self.acknowledged: set[str] = set()  # check-in op ids a desk showed as green
        self.checked: dict[str, tuple[int, int, frozenset[str]]] = {}  # by the reference, when

    @initialize(
        venues=st.integers(2, 5), skews=st.lists(st.integers(-6, 6), min_size=5, max_size=5)
    )
    def start(self, venues: int, skews: list[int]) -> None:
        ho = make_replica(self.dir, "ho")
        seed(ho.db, ho.node)
        self.replicas = [ho] + [make_replica(self.dir, f"venue{i}", skews[i] * HOUR_MS)
                                for i in range(venues)]  # fmt: skip

    def teardown(self) -> None:
        try:
            if self.replicas:
                self._heal_and_check()
        finally:
            for replica in self.replicas:
                replica.db.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _pick(self, index: int) -> Replica:
        return self.replicas[index % len(self.replicas)]

    def _codes(self, replica: Replica) -> list[str]:
        """The codes a desk can scan (a code withheld from a second claimant is NULL)."""
        sql = "SELECT code FROM attendee WHERE code IS NOT NULL ORDER BY code"
        return [r[0] for r in replica.db.execute(sql)]

    # -- what happens at the desks and at head office -----------------------------------------

    @rule(who=st.integers(0, 9), pick=st.integers(0, 50), day=st.integers(0, 2))
    def scan(self, who: int, pick: int, day: int) -> None:
        replica = self._pick(who)
        codes = self._codes(replica)
        if codes:
            now = DAY1_MORNING + timedelta(days=day, milliseconds=replica.skew_ms)
            outcome = checkin.scan(replica.db, replica.node, codes[pick % len(codes)], now=now)
            if outcome.checkin_op_id:
                self.acknowledged.add(outcome.checkin_op_id)

    @rule(who=st.integers(0, 9), other=st.integers(0, 9), pick=st.integers(0, 50))
    def scan_retried_elsewhere(self, who: int, other: int, pick: int) -> None:
        """A tablet's scan times out at one machine and is sent again, same op id, to another:
        two ops under one id, with two origins, stamps and desks (maybe two attendees)."""
        request = uuid7()
        first, second = self._pick(who), self._pick(other)
        for replica in (first, second) if first is not second else (first,):
            codes = [c for c in self._codes(replica) if c]
            if codes:
                now = DAY1_MORNING + timedelta(milliseconds=replica.skew_ms)
                outcome = checkin.scan(replica.db, replica.node, codes[pick % len(codes)],
                                       desk=replica.name, request_id=request, now=now)  # fmt: skip
                if outcome.checkin_op_id:
                    self.acknowledged.add(outcome.checkin_op_id)

    @rule(who=st.integers(0, 9), pick=st.integers(0, 50))
    def undo(self, who: int, pick: int) -> None:
        replica = self._pick(who)
        rows = replica.db.execute(
            "SELECT op_id FROM checkin c WHERE NOT EXISTS (SELECT 1 FROM checkin_undo u"
            " WHERE u.checkin_op_id = c.op_id) ORDER BY op_id"
        ).fetchall()
        if rows:
            checkin.undo(replica.db, replica.node, rows[pick % len(rows)][0], reason="mistake")

    @rule(who=st.integers(0, 9), pick=st.integers(0, 50), name=st.sampled_from(NAMES),
          field=st.sampled_from(("first_name", "company")))  # fmt: skip
    def edit(self, who: int, pick: int, name: str, field: str) -> None:
        replica = self._pick(who)
        ids = [r[0] for r in replica.db.execute("SELECT attendee_id FROM attendee ORDER BY 1")]
        if ids:
            with transaction(replica.db):
                attendees.update(replica.db, replica.node, ids[pick % len(ids)], {field: name})

    @rule(pick=st.integers(0, 50), status=st.sampled_from(("cancelled", "valid")))
    def cancel_at_head_office(self, pick: int, status: str) -> None:
        ho = self.replicas[0]
        ids = [r[0] for r in ho.db.execute("SELECT attendee_id FROM attendee ORDER BY 1")]
        with transaction(ho.db):
            ho.node.record(ho.db, "attendee_upsert", ids[pick % len(ids)],
                           {"fields": {"status": status}, "source": "import"})  # fmt: skip

    @rule(who=st.integers(1, 9), name=st.sampled_from(("Ana Lima", "José Pérez", "Zed Zed")))
    def walk_in(self, who: int, name: str) -> None:
        replica = self._pick(who)
        first, last = name.split()
        with transaction(replica.db):
            fields = {"first_name": first, "last_name": last}
            attendees.create_walkin(replica.db, replica.node, fields, "Attendee")

    @rule(who=st.integers(0, 9), room=st.sampled_from(("hall-a", "hall-b", "room-3")))
    def room_change(self, who: int, room: str) -> None:
        """Rooms are another module's; their ops carry `seen` and `after` (as
        kiosk/rooms/moves.py writes them) and travel like any other kind."""
        replica = self._pick(who)
        if "session_room_set" in replica.unknown:
            return  # a version from before rooms cannot move a session
        row = replica.db.execute(
            "SELECT hlc || ' ' || op_id FROM field_edit WHERE entity = 'session-1' ORDER BY hlc"
            " DESC, op_id DESC LIMIT 1"
        ).fetchone()
        seen = row[0] if row else ""
        with transaction(replica.db):
            payload = {"fields": {"room_id": room}, "seen": {"room_id": seen}}
            replica.node.record(replica.db, "session_room_set", "session-1", payload,
                                after=seen.split(" ")[0] or None)  # fmt: skip

    @rule(who=st.integers(0, 9), choice=st.integers(0, 5))
    def resolve(self, who: int, choice: int) -> None:
        replica = self._pick(who)
        open_flags = conflicts.flags(replica.db)
        if not open_flags:
            return
        flag = open_flags[choice % len(open_flags)]
        action = conflicts.ACTIONS[flag.kind][choice % len(conflicts.ACTIONS[flag.kind])]
        options = conflicts.candidates(replica.db, flag) if action == "choose" else []
        value = options[choice % len(options)][0] if options else None
        with transaction(replica.db):
            conflicts.resolve(replica.db, replica.node, flag.flag_id, action, "sup", "t", value)

    # -- the network ---------------------------------------------------------------------------

    @rule(who=st.integers(1, 9), peer=st.integers(0, 9), seed_=st.integers(0, 2**16),
          rate=st.sampled_from((0.0, 0.3, 0.7)), page=st.sampled_from((1, 3, 50)))  # fmt: skip
    def sync(self, who: int, peer: int, seed_: int, rate: float, page: int) -> None:
        venue, other = self._pick(who), self._pick(peer)
        if venue is other:
            return
        link = FaultyTransport(other.transport(), random.Random(seed_), rate)
        with contextlib.suppress(OSError, SyncError):
            sync_once(venue.local, other.name, link, page)

    @rule(who=st.integers(1, 9), after=st.integers(0, 5))
    def crash_mid_pull(self, who: int, after: int) -> None:
        """Dies after applying a few ops of a page: the page and its cursor roll back together."""
        venue, ho = self._pick(who), self.replicas[0]
        local, count = venue.local, [0]

        def dying_apply(db, ops):
            for op in ops:
                count[0] += 1
                if count[0] > after:
                    raise Crash
                with venue.folding():
                    fold.apply(db, op)

        local.apply = dying_apply
        with contextlib.suppress(Crash, OSError, SyncError):
            sync_once(local, ho.name, ho.transport(), page=20)

    @invariant()
    def every_replica_holds_the_state_its_ops_mean(self) -> None:
        """The oracle: each replica's tables are the reference fold of the ops it holds."""
        for replica in self.replicas:
            if self.checked.get(replica.name) == (
                id(replica.db),
                replica.db.total_changes,
                replica.unknown,
            ):
                continue  # nothing was written there since its last check
            self.checked[replica.name] = (id(replica.db), replica.db.total_changes, replica.unknown)
            found, meant = replica.tables(), reference(replica.ops(), replica.unknown)
            for table, rows in meant.items():
                assert found[table] == rows, (
                    f"{replica.name}: {table} differs from the reference"
                    f" {difference(found[table], rows)}"
                )

    @invariant()
    def acknowledged_check_ins_stay(self) -> None:
        held = set()
        for replica in self.replicas:
            held |= {r[0] for r in replica.db.execute("SELECT op_id FROM checkin")}
        assert self.acknowledged <= held

    # -- healing -------------------------------------------------------------------------------

    def _heal_and_check(self) -> None:
        ho, venues = self.replicas[0], self.replicas[1:]
        for _ in range(2):
            for venue in venues:
                sync_once(venue.local, ho.name, ho.transport(), page=7)
        expected_ops = ho.op_ids()
        expected_state = ho.state()
        copies = {(o.op_id, o.origin, o.hlc, o.kind, o.entity, dumps(o.payload))
                  for o in all_ops(ho.db)}  # fmt: skip
        for venue in venues:
            assert venue.op_ids() == expected_ops, f"{venue.name} holds a different op set"
            held = {(o.op_id, o.origin, o.hlc, o.kind, o.entity, dumps(o.payload))
                    for o in all_ops(venue.db)}  # fmt: skip
            assert held == copies, f"{venue.name} holds another copy of an op"
            assert venue.state() == expected_state, f"{venue.name} folded to another state"
        self._check_check_ins(ho)
        self._check_rebuild(ho)

    def _check_check_ins(self, ho: Replica) -> None:
        rows = [r[0] for r in ho.db.execute("SELECT op_id FROM checkin")]
        logged = {r[0] for r in ho.db.execute("SELECT op_id FROM op WHERE kind = 'checkin'")}
        assert len(rows) == len(set(rows)) == len(logged), "a check-in was doubled or lost"
        assert self.acknowledged <= set(rows), "an acknowledged check-in was lost"

    def _check_rebuild(self, ho: Replica) -> None:
        """Folding the same ops shuffled and duplicated into a fresh file gives the same state."""
        ops = all_ops(ho.db)
        shuffled = ops + ops[: len(ops) // 3]
        random.Random(len(ops)).shuffle(shuffled)
        fresh = make_replica(self.dir, "rebuilt")
        try:
            with transaction(fresh.db):
                fold.rebuild(fresh.db, shuffled)
            assert fresh.state() == ho.state(), "the fold depends on the order of ops"
        finally:
            fresh.db.close()


TestSync = SyncMachine.TestCase
TestSync.settings = SETTINGS


def test_a_broken_merge_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """If attendee fields were "last applied wins", replicas would disagree and the test says so."""

    def last_applied_wins(db, op):
        fields = {
            k: v for k, v in op.payload.get("fields", {}).items() if k in fold.ATTENDEE_FIELDS
        }
        db.execute("INSERT INTO attendee (attendee_id) VALUES (?) ON CONFLICT DO NOTHING",
                   (op.entity,))  # fmt: skip
        for name, value in fields.items():
            db.execute(f"UPDATE attendee SET {name} = ? WHERE attendee_id = ?", (value, op.entity))  # noqa: S608

    monkeypatch.setitem(fold.APPLY, "attendee_upsert", last_applied_wins)
    broken = settings(SETTINGS, max_examples=60, database=None, derandomize=True,
                      report_multiple_bugs=False, phases=(Phase.generate,))  # fmt: skip
    from hypothesis.stateful import run_state_machine_as_test

    with pytest.raises(AssertionError):
        run_state_machine_as_test(SyncMachine, settings=broken)


def _rank(version: str) -> tuple[Stamp, str]:
    hlc, _, op_id = version.partition(" ")
    return Stamp.parse(hlc), op_id


def test_a_fold_that_converges_to_the_wrong_state_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """First writer wins: order-free, so every replica agrees, yet not what the ops mean."""

    def first_writer_wins(db, op):
        fields = {k: v for k, v in op.payload.get("fields", {}).items()
                  if k in fold.ATTENDEE_FIELDS}  # fmt: skip
        db.execute("INSERT INTO attendee (attendee_id) VALUES (?) ON CONFLICT DO NOTHING",
                   (op.entity,))  # fmt: skip
        row = db.execute("SELECT versions FROM attendee WHERE attendee_id = ?", (op.entity,))
        versions = json.loads(row.fetchone()[0])
        mine = f"{op.hlc} {op.op_id}"
        for name, value in fields.items():
            held = versions.get(name)
            if held is None or _rank(held) > _rank(mine):
                versions[name] = mine
                db.execute(f"UPDATE attendee SET {name} = ?, versions = ? WHERE attendee_id = ?",  # noqa: S608
                           (value, json.dumps(versions, sort_keys=True), op.entity))  # fmt: skip
        for reindex in fold.INDEX["reindex"]:
            reindex(db, op.entity)

    monkeypatch.setitem(fold.APPLY, "attendee_upsert", first_writer_wins)
    broken = settings(SETTINGS, max_examples=60, database=None, derandomize=True,
                      report_multiple_bugs=False, phases=(Phase.generate,))  # fmt: skip
    from hypothesis.stateful import run_state_machine_as_test

    with pytest.raises(AssertionError, match="differs from the reference"):
        run_state_machine_as_test(SyncMachine, settings=broken)


def test_replica_files_are_independent(tmp_path: Path) -> None:
    """Sanity: two replicas never share a database file (or the machine would prove nothing)."""
    a, b = make_replica(tmp_path, "a"), make_replica(tmp_path, "b")
    assert (
        open_db(tmp_path / "a.sqlite3").execute("PRAGMA database_list").fetchone()[2]
        != (b.db.execute("PRAGMA database_list").fetchone()[2])
    )
    a.db.close()
    b.db.close()
