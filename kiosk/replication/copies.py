"""One op id recorded at two machines with different content: which copy every node keeps.

A tablet that retries one scan against a second machine makes two ops under one op id, from
two origins, with two stamps. Sync keeps, at every node, the copy whose content hash sorts
first (sync.oplog.settle_copies), replaces a held loser with it and folds the state again.
Each node that sets a copy aside records an `op_copy_seen` op naming it, so the supervisor's
flag and the counts are the same at every node, like every other flag.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kiosk.replication import conflicts, fold, shapes
from kiosk.replication.node import load_node
from sync.oplog import Op, content_hash, dumps, get

TABLE = "op_copy"
FIELDS = ("hash", "origin", "hlc", "kind", "entity")
CARRIED = 16 * 1024  # bytes of a copy's payload its note carries, so "keep both" can bring it back


def settled(db: sqlite3.Connection, losers: list[Op], replaced: bool) -> None:
    """Sync's hook (in its transaction): folds again if a held copy was replaced, and notes
    each copy set aside that no node noted before as an op of this node, so every node learns
    of it."""
    if replaced:
        fold.refold(db)
    node = load_node(db)
    for op in losers:
        noted = db.execute(f"SELECT 1 FROM {TABLE} WHERE op_id = ? AND hash = ?",  # noqa: S608
                           (op.op_id, content_hash(op))).fetchone()  # fmt: skip
        if noted:  # a copy sent again (a node that starts over) is not news
            continue
        note = {"hash": content_hash(op), "origin": op.origin, "hlc": op.hlc, "kind": op.kind,
                "entity": op.entity[:200]}  # fmt: skip
        if len(dumps(op.payload).encode()) <= CARRIED:
            note["payload"] = op.payload
        node.record(db, "op_copy_seen", op.op_id, note)


def _apply_seen(db: sqlite3.Connection, op: Op) -> None:
    """A grow-only set of the copies set aside anywhere (any node may note one)."""
    p = op.payload
    db.execute(
        f"INSERT INTO {TABLE} (op_id, hash, origin, hlc, kind, entity) VALUES (?, ?, ?, ?, ?, ?)"  # noqa: S608
        " ON CONFLICT DO NOTHING",
        (op.entity, *(str(p.get(name, "")) for name in FIELDS)),
    )


def _recorded_twice(db: sqlite3.Connection, scope: conflicts.Scope = None) -> list[conflicts.Flag]:
    """One flag per op id recorded twice (no scope of its own: found in full)."""
    rows = db.execute(
        "SELECT op_id, group_concat(hash, ' '), group_concat(origin, ' ') FROM"  # noqa: S608
        f" (SELECT * FROM {TABLE} ORDER BY op_id, hash) GROUP BY op_id ORDER BY op_id"
    ).fetchall()
    found = []
    for op_id, hashes, origins in rows:
        kept = get(db, op_id)
        if kept is None:
            continue
        found.append(conflicts.Flag(
            conflicts.flag_hash("copies", op_id, *hashes.split()), "recorded_twice",
            kept.entity, (op_id,), {"kind": kept.kind, "kept_origin": kept.origin,
                                    "other_origins": sorted(set(origins.split()))}))  # fmt: skip
    return found


def _accept(db, node, flag: conflicts.Flag, staff: str, at: str, value: Any) -> None:
    """The copy every node kept stands (for a scan: one arrival, as the desk showed it)."""


def _keep_both(db, node, flag: conflicts.Flag, staff: str, at: str, value: Any) -> None:
    """Each copy set aside is recorded again under an op id of its own, so both changes stand:
    a client that gave two scans of two tickets one id loses neither arrival."""
    (op_id,) = flag.ops
    kept = content_hash(get(db, op_id))
    rows = db.execute("SELECT payload FROM op WHERE kind = 'op_copy_seen' AND entity = ?",
                      (op_id,)).fetchall()  # fmt: skip
    again = {}
    for (raw,) in rows:
        note = json.loads(raw)
        if note.get("hash") != kept and isinstance(note.get("payload"), dict):
            again[note["hash"]] = note
    for note in again.values():
        node.record(db, note["kind"], note["entity"], note["payload"])


def count(db: sqlite3.Connection) -> int:
    """Op ids recorded twice with other content (for `kiosk sync` and the status API)."""
    return db.execute(f"SELECT count(DISTINCT op_id) FROM {TABLE}").fetchone()[0]  # noqa: S608


fold.register({"op_copy_seen": _apply_seen}, (TABLE,),
              {"op_copy_seen": {**dict.fromkeys(FIELDS, shapes.text()),
                                "payload": shapes.mapping({})}})  # fmt: skip
conflicts.DETECTORS["recorded_twice"] = _recorded_twice
conflicts.ACTIONS["recorded_twice"] = ("accept_kept", "keep_both_copies")
conflicts.EFFECTS.update(accept_kept=_accept, keep_both_copies=_keep_both)
