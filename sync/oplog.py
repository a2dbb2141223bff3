"""The operation log: immutable records of every change, stored in the node's `op` table.

The table itself is created by the node's migrations; this module reads and writes it.
An op is inserted at most once (by `op_id`), which is what makes every retry harmless.
Which of two copies under one op id to keep (`settle_copies`) is decided over any
`sync.store.Log`, so head office decides it as a venue does.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sync.hlc import Clock, Stamp, StampError
from sync.ids import is_uuid, uuid7

if TYPE_CHECKING:
    from sync.store import Log

MAX_KIND = 64
MAX_ENTITY = 200
MAX_PAYLOAD_BYTES = 64 * 1024


class OpError(ValueError):
    """An op that is malformed; a batch holding one is refused whole."""


@dataclass(frozen=True)
class Op:
    """One operation: who made it (origin), when (hlc), what (kind, entity, payload)."""

    op_id: str
    origin: str
    hlc: str
    kind: str
    entity: str
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The wire form of CONTRACT.md."""
        return {
            "op_id": self.op_id,
            "origin": self.origin,
            "hlc": self.hlc,
            "kind": self.kind,
            "entity": self.entity,
            "payload": self.payload,
        }


def dumps(payload: dict[str, Any]) -> str:
    """Canonical JSON: the same payload is always the same text."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(op: Op) -> str:
    """What an op says, as a hash: of two copies under one op id, every node keeps the lower."""
    return hashlib.sha256(dumps(op.to_dict()).encode()).hexdigest()


def copy_key(op: Op) -> str:
    """What a proof digest covers of an op's copy: its id and its content."""
    return f"{op.op_id} {content_hash(op)}"


def new_op(clock: Clock, kind: str, entity: str, payload: dict[str, Any]) -> Op:
    """A fresh op stamped by this node's clock."""
    stamp = clock.tick()
    return Op(uuid7(stamp.wall_ms), clock.node, str(stamp), kind, entity, payload)


def parse(obj: Any) -> Op:
    """Checks one op from the wire and returns it; raises OpError naming what is wrong."""
    if not isinstance(obj, dict):
        raise OpError("an op must be a JSON object")
    missing = {"op_id", "origin", "hlc", "kind", "entity", "payload"} - obj.keys()
    if missing:
        raise OpError(f"op lacks {', '.join(sorted(missing))}")
    if not is_uuid(obj["op_id"]):
        raise OpError("op_id must be a UUID")
    try:
        stamp = Stamp.parse(obj["hlc"])
    except StampError as exc:
        raise OpError(str(exc)) from None
    if obj["origin"] != stamp.node:
        raise OpError("origin does not match the clock stamp's node")
    for field, limit in (("kind", MAX_KIND), ("entity", MAX_ENTITY)):
        value = obj[field]
        if not isinstance(value, str) or not value or len(value) > limit:
            raise OpError(f"{field} must be a non-empty string of at most {limit} characters")
    if not isinstance(obj["payload"], dict):
        raise OpError("payload must be a JSON object")
    if len(dumps(obj["payload"]).encode()) > MAX_PAYLOAD_BYTES:
        raise OpError("payload is too large")
    return Op(obj["op_id"], obj["origin"], obj["hlc"], obj["kind"], obj["entity"], obj["payload"])


def insert(db: sqlite3.Connection, op: Op, received_from: str | None = None) -> int | None:
    """Stores an op unless it is already held; returns its local sequence number if new.

    `received_from` names the peer that handed it over, so it is not pushed back to that peer.
    """
    cur = db.execute(
        "INSERT INTO op (op_id, origin, hlc, kind, entity, payload, received_at, received_from)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING",
        (op.op_id, op.origin, op.hlc, op.kind, op.entity, dumps(op.payload), _utc_now(),
         received_from),
    )  # fmt: skip
    return cur.lastrowid if cur.rowcount else None


def insert_page(
    db: sqlite3.Connection, ops: list[Op], received_from: str | None = None
) -> list[Op]:
    """Stores the ops of a page not yet held, in one statement; returns those, in page order."""
    ids = json.dumps([op.op_id for op in ops])
    found = db.execute(
        "SELECT op_id FROM op WHERE op_id IN (SELECT value FROM json_each(?))", (ids,)
    )
    held = {row[0] for row in found}
    new: list[Op] = []
    for op in ops:
        if op.op_id not in held:
            held.add(op.op_id)  # a page that repeats an op stores it once
            new.append(op)
    now = _utc_now()
    db.executemany(
        "INSERT INTO op (op_id, origin, hlc, kind, entity, payload, received_at, received_from)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(op.op_id, op.origin, op.hlc, op.kind, op.entity, dumps(op.payload), now, received_from)
         for op in new],
    )  # fmt: skip
    return new


def insert_new(db: sqlite3.Connection, ops: list[Op]) -> None:
    """Stores ops just made here (ids never seen before) in one statement: bulk loads."""
    now = _utc_now()
    db.executemany(
        "INSERT INTO op (op_id, origin, hlc, kind, entity, payload, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(op.op_id, op.origin, op.hlc, op.kind, op.entity, dumps(op.payload), now) for op in ops],
    )


def settle_copies(
    log: Log,
    ops: list[Op],
    received_from: str | None,
    supersedes: Callable[[Op, Op], bool] | None = None,
) -> tuple[list[Op], list[Op], list[Op]]:
    """Ops held under the same id with other content: keeps the copy that sorts first.

    Of two copies, every node keeps the one with the lower `content_hash`, whatever order they
    came in, unless the domain says one `supersedes` the other (the same op in a later form,
    such as scrubbed of an erased person's data): that one is kept, and none is set aside.
    A copy that wins here takes a new seq, so it travels on to the peers that pull from us.
    (A held copy that wins stays: a round pushes before it pulls, so a peer that hands us
    another copy has been offered ours already, or will be at the next push.)
    Returns the copies now held for the ids that differed, those that replaced ours, and the
    copies set aside.
    """
    kept, replaced, losers = [], [], []
    for op in ops:
        held = log.get(op.op_id)
        if held is None or held == op:
            continue
        if supersedes is not None and supersedes(op, held):
            log.replace(op, received_from)
            replaced.append(op)
            kept.append(op)
            continue
        if supersedes is not None and supersedes(held, op):
            kept.append(held)
            continue
        winner, loser = sorted((held, op), key=content_hash)
        if winner is op:
            log.replace(op, received_from)
            replaced.append(op)
        kept.append(winner)
        losers.append(loser)
    return kept, replaced, losers


def replace(db: sqlite3.Connection, op: Op, received_from: str | None) -> None:
    """Drops the copy held under `op.op_id` and stores `op` at a new seq (AUTOINCREMENT)."""
    db.execute("DELETE FROM op WHERE op_id = ?", (op.op_id,))
    insert(db, op, received_from)


def high(db: sqlite3.Connection) -> int:
    """The highest local sequence number held, 0 when empty."""
    return db.execute("SELECT coalesce(max(seq), 0) FROM op").fetchone()[0]


def count_from(db: sqlite3.Connection, origin: str) -> int:
    """How many ops made by `origin` we hold."""
    return db.execute("SELECT count(*) FROM op WHERE origin = ?", (origin,)).fetchone()[0]


def op_at(db: sqlite3.Connection, seq: int) -> str | None:
    """The op id held at local sequence number `seq`, if any."""
    row = db.execute("SELECT op_id FROM op WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def latest_stamp(db: sqlite3.Connection) -> str | None:
    """The highest clock stamp held, so a restarted process never reuses a stamp."""
    row = db.execute("SELECT hlc FROM op ORDER BY hlc DESC LIMIT 1").fetchone()
    return row[0] if row else None


def get(db: sqlite3.Connection, op_id: str) -> Op | None:
    """One op by id, or None."""
    row = db.execute(
        "SELECT op_id, origin, hlc, kind, entity, payload FROM op WHERE op_id = ?", (op_id,)
    ).fetchone()
    return _from_row(row) if row else None


def held(db: sqlite3.Connection, op_ids: list[str]) -> list[Op]:
    """The ops held of those named, in local log order (one statement)."""
    rows = db.execute(
        "SELECT op_id, origin, hlc, kind, entity, payload FROM op WHERE op_id IN"
        " (SELECT value FROM json_each(?)) ORDER BY seq",
        (json.dumps(op_ids),),
    )
    return [_from_row(row) for row in rows]


def held_ids(db: sqlite3.Connection, op_ids: Iterable[str]) -> set[str]:
    """Which of the named op ids we hold (500 to a statement)."""
    ids, found = list(op_ids), set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = f"SELECT op_id FROM op WHERE op_id IN ({','.join('?' * len(chunk))})"  # noqa: S608
        found |= {row[0] for row in db.execute(sql, chunk)}
    return found


def ids_under(db: sqlite3.Connection, prefix: str) -> list[str]:
    """Our op ids that start with `prefix`, sorted (the op_id index answers the range)."""
    rows = db.execute(
        "SELECT op_id FROM op WHERE op_id >= ? AND op_id < ? ORDER BY op_id",
        (prefix, prefix + "\U0010ffff"),
    )
    return [r[0] for r in rows]


def after(db: sqlite3.Connection, seq: int, limit: int) -> list[tuple[int, Op]]:
    """Ops in local log order after sequence number `seq`: the page a peer pulls."""
    rows = db.execute(
        "SELECT seq, op_id, origin, hlc, kind, entity, payload FROM op"
        " WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    ).fetchall()
    return [(row[0], _from_row(row[1:])) for row in rows]


def all_ops(db: sqlite3.Connection) -> list[Op]:
    """Every op held, in local log order (for rebuilding state)."""
    return [op for _, op in after(db, 0, -1)]


def _from_row(row: Any) -> Op:
    return Op(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
