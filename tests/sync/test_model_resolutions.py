"""The model of tests/sync/test_model.py, plus: a supervisor's answer takes effect everywhere.

Clocks are hours apart (SyncMachine skews every venue); what a supervisor chooses at any of
them must be the value in force at every node once they have synced, and the flag resolved.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from kiosk.db import transaction
from kiosk.replication import conflicts
from sync.client import sync_once
from tests.sync.test_convergence import SETTINGS
from tests.sync.test_model import ModelMachine

FIELDS = {
    "attendee_upsert": ("attendee", "attendee_id"),
    "session_room_set": ("session", "session_id"),
}


class ResolutionMachine(ModelMachine):
    """ModelMachine with answers whose effect is checked at every node."""

    def _sync_everyone(self) -> None:
        ho = self.replicas[0]
        for _ in range(2):
            for venue in self.replicas[1:]:
                sync_once(venue.local, ho.name, ho.transport(), page=7)

    @rule(who=st.integers(0, 9), choice=st.integers(0, 5))
    def resolve_and_see_it_everywhere(self, who: int, choice: int) -> None:
        """All synced; a supervisor answers one flag at a (skewed) node; all synced again."""
        self._sync_everyone()
        replica = self._pick(who)
        open_flags = [f for f in conflicts.flags(replica.db)
                      if f.kind in ("concurrent_edit", "cancelled_checked_in")]  # fmt: skip
        if not open_flags:
            return
        flag = open_flags[choice % len(open_flags)]
        value = chosen = None
        if flag.kind == "concurrent_edit":
            options = conflicts.candidates(replica.db, flag)
            value, chosen = options[choice % len(options)][:2]
        action = "choose" if value else "reinstate"
        with transaction(replica.db):
            conflicts.resolve(replica.db, replica.node, flag.flag_id, action, "sup", "t", value)
        self._sync_everyone()
        for node in self.replicas:
            found = conflicts.find(node.db, flag.flag_id)
            ended = found is None and action == "reinstate"  # a valid ticket has no such flag
            assert ended or (found and found.resolution == action), (
                f"{flag.kind} answered at {replica.name} is open at {node.name}")  # fmt: skip
            kind = flag.detail.get("kind", "attendee_upsert")
            if kind in node.unknown:
                continue  # an older version shows it once upgraded (the oracle checks that)
            table, key = FIELDS[kind]
            name, want = (flag.detail["field"], chosen) if value else ("status", "valid")
            row = node.db.execute(f"SELECT {name} FROM {table} WHERE {key} = ?",  # noqa: S608
                                  (flag.entity,)).fetchone()  # fmt: skip
            shown = row[0] if row else None
            assert shown == want, (f"{action} at {replica.name} (clock"
                                   f" {replica.skew_ms // 3_600_000:+d} h): {node.name} shows"
                                   f" {name} = {shown!r}, not {want!r}")  # fmt: skip


TestResolutions = ResolutionMachine.TestCase
TestResolutions.settings = settings(SETTINGS, max_examples=15)


def test_a_choice_made_after_a_fast_clocks_later_edit_is_in_force() -> None:
    """Found by ResolutionMachine: the value chosen in review beats an edit made before it."""
    machine = ResolutionMachine()
    machine.start(venues=2, skews=[1, 0, 0, 0, 0], older=0)  # venue0's clock is 1 h fast
    try:
        machine.upgrade()  # every node knows rooms
        machine.room_change(room="hall-a", who=0)  # head office
        machine.room_change(room="hall-b", who=1)  # venue0, apart: a concurrent edit
        machine.room_change(room="hall-a", who=1)  # venue0 again, after its own hall-b
        machine.resolve_and_see_it_everywhere(choice=1, who=0)  # head office chooses hall-b
    finally:
        machine.teardown()


def test_a_choice_between_two_moves_by_a_slow_clock_resolves_the_flag() -> None:
    """Found by ResolutionMachine: a venue two hours slow moves a session twice after head
    office moved it; each move is in force where it was made, and any flag an answer closes
    stays closed at every node."""
    machine = ResolutionMachine()
    machine.start(venues=2, skews=[-2, 0, 0, 0, 0], older=1)  # venue0's clock is 2 h slow
    try:
        machine.upgrade()  # every node knows rooms
        machine.room_change(room="hall-a", who=0)  # head office
        machine._sync_everyone()
        machine.room_change(room="room-3", who=1)  # venue0, after seeing hall-a
        venue0 = machine.replicas[1].db
        room = venue0.execute("SELECT room_id FROM session WHERE session_id = 'session-1'")
        assert room.fetchone()[0] == "room-3", "a slow clock's move is not in force where made"
        machine.room_change(room="hall-a", who=1)  # venue0 again, after its room-3
        machine.resolve_and_see_it_everywhere(choice=0, who=1)  # venue0 chooses room-3
    finally:
        machine.teardown()
