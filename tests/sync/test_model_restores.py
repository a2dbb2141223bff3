"""The model of tests/sync/test_model.py, plus: head office restored from an older backup.

Either with `kiosk backup` and `kiosk restore` (backup.backup, backup.restore, then adopt as
the command does), or by copying the backup over the database file by hand (same inode, same
epoch). Either way nothing may be lost: the venues still hold what head office lost, and after
healing every node must hold every op again (SyncMachine's checks) and show the same state.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from kiosk import backup
from kiosk.db import open_db
from kiosk.replication.node import adopt
from tests.support.processes import op_ids as _op_ids
from tests.sync.test_convergence import SETTINGS
from tests.sync.test_model import ModelMachine


class RestoreMachine(ModelMachine):
    """ModelMachine with head office backed up, and restored from one of its backups."""

    def __init__(self) -> None:
        super().__init__()
        self.backups: list[Path] = []  # of head office, oldest first

    @rule()
    def back_up_head_office(self) -> None:
        ho = self.replicas[0]
        self.backups.append(backup.backup(ho.path, self.dir / f"ho-{len(self.backups)}.bak").path)

    # A venue wiped after its purge holds nothing any more: restoring past it loses its ops
    # for good, whatever sync does (docs/sync.md: keep head office's backups after the event).
    @precondition(lambda self: self.backups and not self.retired)
    @rule(pick=st.integers(0, 9), by_hand=st.booleans())
    def restore_head_office(self, pick: int, by_hand: bool) -> None:
        ho, source = self.replicas[0], self.backups[pick % len(self.backups)]
        elsewhere = set().union(*(venue.op_ids() for venue in self.replicas[1:]))
        self.acknowledged &= elsewhere | _op_ids(source)  # what only head office held is gone
        ho.db.close()
        if by_hand:
            for suffix in ("-wal", "-shm"):
                Path(f"{ho.path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(source, ho.path)  # cp onto the file: same inode, same epoch
        else:
            backup.restore(ho.path, source)
        ho.db = open_db(ho.path)
        if not by_hand:
            adopt(ho.db)  # as `kiosk restore` does: the same node, a new file
        self.stale |= {venue.name for venue in self.replicas[1:]}  # their proofs predate it
        self.checked.pop(ho.name, None)  # a new connection: the oracle looks again


TestRestores = RestoreMachine.TestCase
TestRestores.settings = settings(SETTINGS, max_examples=15)


def test_head_office_copied_back_by_hand_takes_back_its_own_ops() -> None:
    """Found by RestoreMachine: head office's own edit, pulled by a venue, must come back."""
    machine = RestoreMachine()
    machine.start(venues=2, skews=[0] * 5, older=0)
    try:
        machine.back_up_head_office()
        machine.edit(field="first_name", name="Ana", pick=0, who=0)  # at head office
        machine.purge_once_proven(rate=0.0, seed_=0, who=1, wipe=False)  # the venue pulls it
        machine.restore_head_office(pick=0, by_hand=True)
        machine.teardown()  # heals: every node must hold every op
    finally:
        machine.replicas = []


def test_head_office_restored_takes_back_its_op_from_a_venue_it_pushed_to() -> None:
    """Found by RestoreMachine: head office scans and pushes to a venue (head office as the
    client), is restored from a backup from before the scan, then the venue syncs with it for
    the first time; after healing head office must hold the scan again."""
    machine = RestoreMachine()
    machine.start(venues=4, skews=[0, 0, 0, 0, 0], older=0)
    try:
        machine.back_up_head_office()
        machine.scan(day=0, pick=0, who=0)  # at head office
        machine.sync(page=1, peer=1, rate=0.0, seed_=0, who=5)  # head office pushes to venue0
        machine.restore_head_office(by_hand=False, pick=0)
    finally:
        machine.teardown()  # heals, then: venue0 holds a different op set
