"""Ops a node stored but could not apply because its version did not know their kind.

They are kept in the log and relayed like any other op. The node notes each such kind; once
it runs a version whose fold knows it (its first start or sync round after an upgrade, or a
domain package added), `catch_up` applies those ops, so they take effect here too.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Mapping

from kiosk.db import transaction
from sync.oplog import Op, OpError

HELD = "unapplied_kinds"  # sync_state: kinds of ops stored here that no applier knew yet


def _held(db: sqlite3.Connection) -> list[str]:
    row = db.execute("SELECT value FROM sync_state WHERE key = ?", (HELD,)).fetchone()
    return json.loads(row[0]) if row else []


def _put(db: sqlite3.Connection, kinds: list[str]) -> None:
    db.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (HELD, json.dumps(sorted(kinds))),
    )


def hold(db: sqlite3.Connection, kind: str) -> None:
    """Notes that an op of `kind` was stored unapplied (inside the caller's transaction)."""
    if kind not in (held := _held(db)):
        _put(db, [*held, kind])


def catch_up(db: sqlite3.Connection, appliers: Mapping[str, Callable[[sqlite3.Connection, Op],
             None]], check: Callable[[Op], None]) -> None:  # fmt: skip
    """Applies the held ops whose kind `appliers` now knows (idempotent, like the fold).

    What their editors saw was observed when they were stored; one that does not fit its
    kind's shape (it was stored unchecked) stays unapplied.
    """
    learned = [kind for kind in _held(db) if kind in appliers]
    if not learned:
        return
    with contextlib.nullcontext() if db.in_transaction else transaction(db):
        rows = db.execute("SELECT op_id, origin, hlc, kind, entity, payload FROM op"
                          " WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY seq",
                          (json.dumps(learned),))  # fmt: skip
        for row in rows.fetchall():
            op = Op(*row[:5], json.loads(row[5]))
            with contextlib.suppress(OpError):
                check(op)
                appliers[op.kind](db, op)
        _put(db, [kind for kind in _held(db) if kind not in learned])
