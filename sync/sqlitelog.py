"""A venue's `sync.store.Log`: its own SQLite file, through `sync.oplog` and `sync.peers`.

The node's transaction helper (kiosk's `BEGIN IMMEDIATE` behind a process-wide write lock)
is passed in, so sync writes queue with every other writer of the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sync import oplog, peers
from sync.oplog import Op


class SqliteLog:
    """One node's log, epoch and devices in its SQLite file (`op`, `sync_state`, ...)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        transaction: Callable[[sqlite3.Connection], AbstractContextManager[Any]],
    ) -> None:
        self.db = db
        self._transaction = transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The node's write transaction; inside one already open here, that one."""
        if self.db.in_transaction:
            yield
            return
        with self._transaction(self.db):
            yield

    def high(self) -> int:
        return oplog.high(self.db)

    def count_from(self, origin: str) -> int:
        return oplog.count_from(self.db, origin)

    def op_at(self, seq: int) -> str | None:
        return oplog.op_at(self.db, seq)

    def latest_stamp(self) -> str | None:
        return oplog.latest_stamp(self.db)

    def get(self, op_id: str) -> Op | None:
        return oplog.get(self.db, op_id)

    def held_ops(self, op_ids: list[str]) -> list[Op]:
        return oplog.held(self.db, op_ids)

    def insert_page(self, ops: list[Op], received_from: str | None) -> list[Op]:
        return oplog.insert_page(self.db, ops, received_from)

    def replace(self, op: Op, received_from: str | None) -> None:
        oplog.replace(self.db, op, received_from)

    def after(self, seq: int, limit: int) -> list[tuple[int, Op]]:
        return oplog.after(self.db, seq, limit)

    def ids_under(self, prefix: str) -> list[str]:
        return oplog.ids_under(self.db, prefix)

    def held_ids(self, op_ids: Iterable[str]) -> set[str]:
        return oplog.held_ids(self.db, op_ids)

    def ready_epoch(self) -> str | None:
        return peers.ready_epoch(self.db)

    def epoch(self) -> str:
        return peers.epoch(self.db)

    def new_epoch(self) -> str:
        return peers.new_epoch(self.db)

    def rewound_at(self) -> int | None:
        return peers.rewound_at(self.db)

    def seal(self, epoch: str, seq: int, op_id: str) -> str:
        return peers.seal(self.db, epoch, seq, op_id)

    def role(self) -> str:
        return peers.role(self.db)

    def device_node(self, token_id: int) -> str | None:
        return peers.device_node(self.db, token_id)

    def bind_device(self, token_id: int, node_id: str) -> bool:
        return peers.bind_device(self.db, token_id, node_id)

    def bind_machine(self, node_id: str, machine: str) -> bool:
        return peers.bind_machine(self.db, node_id, machine)
