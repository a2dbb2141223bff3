"""This machine as a node: its id, its clock, and writing operations with their effect."""

from __future__ import annotations

import secrets
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync.hlc import MAX_COUNTER, Clock, Stamp
from sync.ids import uuid7
from sync.oplog import Op, insert, insert_new, latest_stamp

# The fold registers its functions here (kiosk/replication/__init__.py imports it),
# so this module never imports the fold, which imports the rules that use the node.
FOLD: dict[str, Callable[..., None]] = {}


_clocks: dict[str, Clock] = {}
_clocks_guard = threading.Lock()


def get_setting(db: sqlite3.Connection, key: str) -> str | None:
    """A local setting, or None."""
    row = db.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def put_setting(db: sqlite3.Connection, key: str, value: str) -> None:
    """Stores a local setting (never synced)."""
    db.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _new_node_id() -> str:
    host = "".join(c for c in socket.gethostname().lower() if c.isalnum())[:20] or "node"
    return f"{host}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Node:
    """The local node: writes ops stamped by its clock and applies them in one transaction."""

    node_id: str
    clock: Clock

    def record(
        self,
        db: sqlite3.Connection,
        kind: str,
        entity: str,
        payload: dict[str, Any],
        op_id: str | None = None,
        after: str | None = None,
        observe: bool = True,
    ) -> Op:
        """Writes an op and its effect; call inside `db.transaction` so both commit together.

        `after` is the newest stamp of a value this change replaces: the op sorts after it even
        when that stamp came from a clock hours fast, so a correction always beats what it
        corrects (without dragging this node's clock forward for everything else).
        `observe=False`: the clock already saw the newest stamp in this transaction (no other
        writer can add one while it lasts).
        """
        if observe:
            self.clock.observe(latest_stamp(db))
        stamp = self.clock.tick()
        if after and str(stamp) <= after:
            seen = Stamp.parse(after)
            stamp = Stamp(seen.wall_ms, seen.counter + 1, self.node_id)
            if stamp.counter > MAX_COUNTER:
                stamp = Stamp(seen.wall_ms + 1, 0, self.node_id)
        op = Op(op_id or uuid7(stamp.wall_ms), self.node_id, str(stamp), kind, entity, payload)
        FOLD["check"](op)  # our own ops fit their kinds' shapes as a peer's must
        insert(db, op)
        FOLD["apply"](db, op)
        return op

    def create_attendees(
        self, db: sqlite3.Connection, records: list[tuple[str, dict[str, Any]]]
    ) -> list[Op]:
        """One attendee_upsert op per new attendee (id, payload), written and applied in bulk.

        The same ops and state as `record` one by one, at a fraction of the cost: imports and
        the demo create up to hundreds of thousands of attendees in one transaction.
        """
        self.clock.observe(latest_stamp(db))
        ops = []
        for attendee_id, payload in records:
            stamp = self.clock.tick()
            ops.append(Op(uuid7(stamp.wall_ms), self.node_id, str(stamp), "attendee_upsert",
                          attendee_id, payload))  # fmt: skip
        for op in ops:
            FOLD["check"](op)
        insert_new(db, ops)
        FOLD["create_attendees"](db, ops)
        return ops


def load_node(db: sqlite3.Connection) -> Node:
    """This database's node, creating its stable id on first use."""
    node_id = get_setting(db, "node_id")
    if node_id is None:
        db.execute("INSERT OR IGNORE INTO setting (key, value) VALUES ('node_id', ?)",
                   (_new_node_id(),))  # fmt: skip
        node_id = get_setting(db, "node_id")
    with _clocks_guard:
        clock = _clocks.setdefault(node_id, Clock(node_id))
    return Node(node_id, clock)
