"""One event's op log inside head office's shared database: the `sync.store.Log` of an event.

Every row carries the event as its leading key, so a venue's token reaches its event's log
and nothing else (partial sync), and PostgreSQL keeps each event in its own partition.
Writers of one event queue on that event's row (`high` is the log's top seq), so seqs are
handed out in commit order and a puller's cursor never skips an op committed late.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kiosk.headoffice.database import Database
from sync.oplog import Op, dumps
from sync.peers import HEAD_OFFICE, now_iso

_OP = "op_id, origin, hlc, kind, entity, payload"


def _op(row: Any) -> Op:
    return Op(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))


class EventLog:
    """The log of event `event_id`, as sync's server serves it."""

    def __init__(self, db: Database, event_id: int) -> None:
        self.db, self.event_id = db, event_id

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """The database's transaction (nested calls join it)."""
        with self.db.transaction() as db:
            yield db

    def _one(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, (self.event_id, *params)).fetchone()
        return row[0] if row else None

    # The log
    def high(self) -> int:
        """The top seq of this event's log."""
        return self._one("SELECT high FROM event WHERE event_id = ?") or 0

    def count_from(self, origin: str) -> int:
        """Ops made by `origin` held for this event."""
        return self._one("SELECT count(*) FROM op WHERE event_id = ? AND origin = ?", origin)

    def op_at(self, seq: int) -> str | None:
        """The op id at `seq`."""
        return self._one("SELECT op_id FROM op WHERE event_id = ? AND seq = ?", seq)

    def latest_stamp(self) -> str | None:
        """The highest stamp of this event's log."""
        return self._one("SELECT max(hlc) FROM op WHERE event_id = ?")

    def get(self, op_id: str) -> Op | None:
        """One op by id."""
        row = self.db.execute(f"SELECT {_OP} FROM op WHERE event_id = ? AND op_id = ?",  # noqa: S608
                              (self.event_id, op_id)).fetchone()  # fmt: skip
        return _op(row) if row else None

    def held_ops(self, op_ids: list[str]) -> list[Op]:
        """The ops held of those named, in this log's order."""
        rows = self.db.among(f"SELECT seq, {_OP} FROM op WHERE event_id = ? AND op_id IN ?list",  # noqa: S608
                             (self.event_id,), op_ids)  # fmt: skip
        return [_op(row[1:]) for row in sorted(rows, key=lambda row: row[0])]

    def held_ids(self, op_ids: Iterable[str]) -> set[str]:
        """Which of the named op ids are held."""
        rows = self.db.among("SELECT op_id FROM op WHERE event_id = ? AND op_id IN ?list",
                             (self.event_id,), list(op_ids))  # fmt: skip
        return {row[0] for row in rows}

    def _take_seqs(self, count: int) -> int:
        """Reserves `count` seqs (locking the event's row until commit); the first of them."""
        row = self.db.execute(
            "UPDATE event SET high = high + ? WHERE event_id = ? RETURNING high",
            (count, self.event_id),
        ).fetchone()
        return row[0] - count + 1

    def _lock(self) -> None:
        """Queues behind this event's other writers: what is held cannot change under us."""
        if self.db.dialect == "postgresql":
            self.db.execute("SELECT 1 FROM event WHERE event_id = ? FOR UPDATE", (self.event_id,))

    def insert_page(self, ops: list[Op], received_from: str | None) -> list[Op]:
        """Stores the ops not yet held (in bulk: COPY on PostgreSQL); returns those."""
        self._lock()
        held = self.held_ids(op.op_id for op in ops)
        new: list[Op] = []
        for op in ops:
            if op.op_id not in held:
                held.add(op.op_id)
                new.append(op)
        self._store(new, received_from)
        return new

    def _store(self, ops: list[Op], received_from: str | None) -> None:
        if not ops:
            return
        first, now = self._take_seqs(len(ops)), now_iso()
        self.db.copy(
            "op",
            ("event_id", "seq", "op_id", "origin", "hlc", "kind", "entity", "payload",
             "received_at", "received_from"),
            [(self.event_id, first + n, op.op_id, op.origin, op.hlc, op.kind, op.entity,
              dumps(op.payload), now, received_from) for n, op in enumerate(ops)],
        )  # fmt: skip

    def replace(self, op: Op, received_from: str | None) -> None:
        """Drops the copy held under this id; stores `op` at a new seq (it travels on)."""
        self._lock()
        self.db.execute("DELETE FROM op WHERE event_id = ? AND op_id = ?",
                        (self.event_id, op.op_id))  # fmt: skip
        self._store([op], received_from)

    def after(self, seq: int, limit: int) -> list[tuple[int, Op]]:
        """Ops after `seq` in this event's order."""
        rows = self.db.execute(
            f"SELECT seq, {_OP} FROM op WHERE event_id = ? AND seq > ? ORDER BY seq LIMIT ?",  # noqa: S608
            (self.event_id, seq, limit if limit >= 0 else 2**62),
        )
        return [(row[0], _op(row[1:])) for row in rows]

    def ids_under(self, prefix: str) -> list[str]:
        """Op ids that start with `prefix`, sorted."""
        rows = self.db.execute(
            "SELECT op_id FROM op WHERE event_id = ? AND op_id >= ? AND op_id < ? ORDER BY op_id",
            (self.event_id, prefix, prefix + "~"),  # op ids are hex digits and '-'
        )
        return [row[0] for row in rows]

    # Epoch and seal
    def _state(self, key: str) -> str | None:
        return self._one("SELECT value FROM sync_state WHERE event_id = ? AND key = ?", key)

    def _put_state(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO sync_state (event_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (event_id, key) DO UPDATE SET value = excluded.value",
            (self.event_id, key, value),
        )

    def ready_epoch(self) -> str | None:
        """The epoch once it and the seal key exist."""
        return self._state("epoch") if self._state("seal_key") else None

    def epoch(self) -> str:
        """This event log's epoch, made with its seal key on first use."""
        for key, value in (("epoch", secrets.token_hex(8)), ("seal_key", secrets.token_hex(16))):
            self.db.execute(
                "INSERT INTO sync_state (event_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (event_id, key) DO NOTHING",
                (self.event_id, key, value),
            )
        return self._state("epoch") or ""

    def new_epoch(self) -> str:
        """A new epoch: this log went back (a restore); the moment is kept."""
        value = secrets.token_hex(8)
        self._put_state("epoch", value)
        self._put_state("rewound_at_ms", str(time.time_ns() // 1_000_000))
        return value

    def rewound_at(self) -> int | None:
        """Wall ms of the last time this log went back."""
        raw = self._state("rewound_at_ms")
        return int(raw) if raw else None

    def seal(self, epoch: str, seq: int, op_id: str) -> str:
        """HMAC of (epoch, seq, op id) under this log's seal key."""
        key = self._state("seal_key")
        if key is None:
            return ""
        text = f"{epoch} {seq} {op_id}".encode()
        return hmac.new(bytes.fromhex(key), text, hashlib.sha256).hexdigest()[:32]

    def role(self) -> str:
        """Head office, always."""
        return HEAD_OFFICE

    # Devices
    def device_node(self, token_id: int) -> str | None:
        """The node a token speaks for."""
        return self._one("SELECT node_id FROM device WHERE event_id = ? AND token_id = ?", token_id)

    def bind_device(self, token_id: int, node_id: str) -> bool:
        """A token speaks for the first node id it names."""
        held = self.device_node(token_id)
        if held is None:
            now = now_iso()
            self.db.execute(
                "INSERT INTO device (event_id, token_id, node_id, bound_at, last_seen_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (self.event_id, token_id, node_id, now, now),
            )
            return self.device_node(token_id) == node_id
        return held == node_id

    def bind_machine(self, node_id: str, machine: str) -> bool:
        """A node id belongs to the first machine it says hello from."""
        self.db.execute(
            "INSERT INTO node_machine (event_id, node_id, machine, first_seen_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (self.event_id, node_id, machine, now_iso()),
        )
        return self._one("SELECT machine FROM node_machine WHERE event_id = ? AND node_id = ?",
                         node_id) == machine  # fmt: skip
