"""Ops held in the log that this node could not apply: set aside with the reason, never lost.

A state table built from the log must never refuse an op the log accepted: one applier that
raises (a bug, or a rule this version gets wrong) would otherwise fail every push or pulled
page that holds the op, for ever, and the queue behind it with it. So a batch is applied in a
savepoint; if anything in it fails, it is applied again op by op, and each op that fails is
kept in `op_quarantine` with its reason while the rest go on. The op stays in the log (so it
still travels and counts in every proof); only its effect is missing here until it is tried
again: `kiosk rebuild` applies every op again, and `kiosk serve` tries the held ones at start,
so an upgrade that can apply them does.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sync.oplog import Op

log = logging.getLogger("kiosk.sync")
TABLE = "op_quarantine"  # derived: `rebuild` empties it and sets aside again what still fails
ApplyOne = Callable[[sqlite3.Connection, Op], None]
ApplyAll = Callable[[sqlite3.Connection, list[Op]], None]


@dataclass(frozen=True)
class Held:
    """One op set aside: what it is, and why this node could not apply it."""

    op_id: str
    kind: str
    entity: str
    origin: str
    reason: str
    at: str


@contextmanager
def _savepoint(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("SAVEPOINT fold_ops")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK TO fold_ops")
        db.execute("RELEASE fold_ops")
        raise
    db.execute("RELEASE fold_ops")


def _set_aside(db: sqlite3.Connection, op: Op, exc: Exception) -> None:
    reason = f"{type(exc).__name__}: {exc}"[:500]
    log.error("op %s (%s %s from %s) cannot be applied here, set aside: %s", op.op_id, op.kind,
              op.entity[:80], op.origin, reason)  # fmt: skip
    db.execute(
        f"INSERT INTO {TABLE} (op_id, kind, entity, origin, reason, at) VALUES (?, ?, ?, ?, ?, ?)"  # noqa: S608
        " ON CONFLICT (op_id) DO UPDATE SET reason = excluded.reason",
        (op.op_id, op.kind, op.entity, op.origin, reason,
         datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")),
    )  # fmt: skip


def apply_guarded(db: sqlite3.Connection, ops: list[Op], apply_all: ApplyAll,
                  apply_one: ApplyOne) -> None:  # fmt: skip
    """Applies a batch whole; if that fails, op by op, setting aside each op that fails."""
    try:
        with _savepoint(db):
            apply_all(db, ops)
        return
    except Exception:
        log.debug("a batch of %d ops failed to apply whole; applying op by op", len(ops))
    for op in ops:
        _try(db, op, apply_one)


def _try(db: sqlite3.Connection, op: Op, apply_one: ApplyOne) -> bool:
    """Applies one op in its own savepoint; an op that fails is set aside (False)."""
    try:
        with _savepoint(db):
            apply_one(db, op)
    except Exception as exc:
        _set_aside(db, op, exc)
        return False
    return True


def retry(db: sqlite3.Connection, ops: list[Op], apply_one: ApplyOne) -> int:
    """Tries the held ops again (inside the caller's transaction); returns how many now apply."""
    done = 0
    for op in ops:
        if _try(db, op, apply_one):
            db.execute(f"DELETE FROM {TABLE} WHERE op_id = ?", (op.op_id,))  # noqa: S608
            done += 1
    return done


def held(db: sqlite3.Connection) -> list[Held]:
    """Every op set aside here, oldest first."""
    rows = db.execute(
        f"SELECT op_id, kind, entity, origin, reason, at FROM {TABLE} ORDER BY at, op_id"  # noqa: S608
    )
    return [Held(*r) for r in rows]


def count(db: sqlite3.Connection) -> int:
    """How many ops are set aside here (for `kiosk sync`, the status API and the review)."""
    return db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]  # noqa: S608
