"""What the serving half of sync needs from storage: one node's log, epoch and devices.

A venue keeps all of it in its SQLite file (`sync.sqlitelog.SqliteLog`); head office keeps
one `Log` per event in a shared database, SQLite or PostgreSQL, with the event as every
row's leading key.
The protocol functions in `sync.server` and `sync.reconcile` reach storage only through
this interface, so the same hello, push, pull, verify and missing serve both.

Every method runs inside the caller's transaction where it writes (`transaction()`), so a
page of ops, its cursor and its seal commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sync.oplog import Op


class Log(Protocol):
    """One node's op log as the protocol serves it."""

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction (nested calls join the outer one)."""
        ...

    # The log
    def high(self) -> int:
        """The highest local sequence number held, 0 when empty."""
        ...

    def count_from(self, origin: str) -> int:
        """How many ops made by `origin` we hold (hello's `held_from_you`)."""
        ...

    def op_at(self, seq: int) -> str | None:
        """The op id held at local sequence number `seq`, if any."""
        ...

    def latest_stamp(self) -> str | None:
        """The highest clock stamp held."""
        ...

    def get(self, op_id: str) -> Op | None:
        """One op by id."""
        ...

    def held_ops(self, op_ids: list[str]) -> list[Op]:
        """The ops held of those named, in local log order.

        Verify names 500 at a time; a comparison after a restore names all it found at once
        and pushes each origin's ops in this order.
        """
        ...

    def insert_page(self, ops: list[Op], received_from: str | None) -> list[Op]:
        """Stores the ops not yet held, each at a new sequence number; returns those."""
        ...

    def replace(self, op: Op, received_from: str | None) -> None:
        """Drops the copy held under `op.op_id` and stores `op` at a new sequence number."""
        ...

    def after(self, seq: int, limit: int) -> list[tuple[int, Op]]:
        """Ops after sequence number `seq` in local order, at most `limit` (-1: all)."""
        ...

    def ids_under(self, prefix: str) -> list[str]:
        """The op ids held that start with `prefix`, sorted."""
        ...

    def held_ids(self, op_ids: Iterable[str]) -> set[str]:
        """Which of the named op ids we hold."""
        ...

    # Epoch and seal: how a peer notices our log went back
    def ready_epoch(self) -> str | None:
        """The epoch if it and the seal key exist; None: call `epoch` in a transaction."""
        ...

    def epoch(self) -> str:
        """The epoch, made (with the seal key) on first use."""
        ...

    def new_epoch(self) -> str:
        """Starts a new epoch and remembers the moment (our log went back)."""
        ...

    def rewound_at(self) -> int | None:
        """Wall ms of the last time our log went back, or None."""
        ...

    def seal(self, epoch: str, seq: int, op_id: str) -> str:
        """What only this node can write: "in `epoch`, my op at `seq` was `op_id`"."""
        ...

    def role(self) -> str:
        """This node's role as hello tells it: "headoffice" or "venue"."""
        ...

    # Devices: one token, one node id; one node id, one machine
    def device_node(self, token_id: int) -> str | None:
        """The node a sync token is bound to, if it has spoken yet."""
        ...

    def bind_device(self, token_id: int, node_id: str) -> bool:
        """Binds a token to the first node id it names; False if it names another."""
        ...

    def bind_machine(self, node_id: str, machine: str) -> bool:
        """Binds a node id to the first machine it says hello from; False for another."""
        ...
