"""The model of tests/sync/test_model.py, plus: what two nodes may each do alone, not both.

Two venues import different people under one ticket code (the code column is unique, case
aside), and two nodes record different scans under one client-made op id (a scanner app that
reuses request ids). Each node accepted its own; sync must neither wedge on the clash nor let
nodes keep different ops under one id, and no check-in a desk showed as green may be lost
without a review flag saying so.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from kiosk.desk import checkin, importer
from kiosk.replication import conflicts
from sync.ids import uuid7
from tests.conftest import DAY1_MORNING
from tests.sync.test_convergence import SETTINGS
from tests.sync.test_model import ModelMachine

HEADER = "attendee_id,code,first_name,last_name,ticket_type\n"


class ClashMachine(ModelMachine):
    """ModelMachine with codes and op ids that two nodes each took for their own."""

    def __init__(self) -> None:
        super().__init__()
        self.clashes: list[tuple[str, str]] = []  # desk and op id of green scans sharing an id

    @rule(a=st.integers(1, 9), b=st.integers(0, 9), code=st.sampled_from(("LATE-1", "late-1",
          "LATE-2")), other=st.sampled_from(("LATE-1", "Late-1", "LATE-2")))  # fmt: skip
    def one_code_two_people(self, a: int, b: int, code: str, other: str) -> None:
        """Each node imports its late registration; neither knew of the other's."""
        for who, name, taken in ((a, "Dewi", code), (b, "Eko", other)):
            replica = self._pick(who)
            row = f"{uuid7()[:8]}-{name.lower()},{taken},{name},Late,Attendee\n"
            with contextlib.suppress(importer.CsvError):  # the code is taken here already
                importer.import_attendees(replica.db, replica.node, (HEADER + row).encode())

    @rule(a=st.integers(0, 9), b=st.integers(0, 9), pick=st.integers(0, 50),
          day=st.integers(0, 2))  # fmt: skip
    def one_op_id_two_scans(self, a: int, b: int, pick: int, day: int) -> None:
        """Two nodes each admit a ticket under the same client-made op id."""
        first, second = self._pick(a), self._pick(b)
        if first is second:
            return
        shared = uuid7()
        for turn, replica in enumerate((first, second)):
            codes = self._codes(replica)
            if not codes:
                continue
            desk = f"clash-{shared[:8]}-{turn}"
            now = DAY1_MORNING + timedelta(days=day, milliseconds=replica.skew_ms)
            code = codes[(pick + turn) % len(codes)]
            done = checkin.scan(replica.db, replica.node, code, desk=desk, request_id=shared,
                                device="scanner-7", now=now)  # fmt: skip
            if done.checkin_op_id:
                self.acknowledged.add(done.checkin_op_id)
                self.clashes.append((desk, shared))

    def _heal_and_check(self) -> None:
        """After healing: one content per op id everywhere, and every green scan kept."""
        super()._heal_and_check()
        ho = self.replicas[0]
        held = {op.op_id: op for op in ho.ops()}
        for venue in self.replicas[1:]:
            for op in venue.ops():
                assert held[op.op_id] == op, f"{venue.name} and head office hold different ops"\
                    f" under {op.op_id}"  # fmt: skip
        desks = {r[0] for r in ho.db.execute("SELECT desk FROM checkin")}
        flagged = {op_id for f in conflicts.flags(ho.db, True) if f.kind == "recorded_twice"
                   for op_id in f.ops}  # fmt: skip
        lost = [desk for desk, op_id in self.clashes if desk not in desks and op_id not in flagged]
        assert not lost, f"check-ins shown as green at {lost} are gone, and nobody is told"


TestClashes = ClashMachine.TestCase
TestClashes.settings = settings(SETTINGS, max_examples=15)
