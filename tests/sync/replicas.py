"""In-process nodes for sync tests: each a real SQLite file, its own clock, the real protocol."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.db import open_db, transaction
from kiosk.replication import conflicts, copies, fold, scrub
from kiosk.replication.node import Node, fingerprint, put_setting
from sync import peers
from sync.client import sync_once
from sync.hlc import Clock, wall_ms
from sync.oplog import Op, all_ops
from sync.server import Local
from sync.transport import LocalTransport

# Tables that are a function of the op set; `attendee.id` and FTS rowids are local row ids.
STATE_QUERIES = {
    "event": "SELECT name, starts_on, days, timezone, versions FROM event",
    "ticket_type": "SELECT * FROM ticket_type ORDER BY name",
    "attendee": "SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
    " status, note, block_note, source, share_email, versions FROM attendee"
    " ORDER BY attendee_id",
    "attendee_fts": "SELECT a.attendee_id, f.name, f.email, f.company, f.code FROM attendee_fts f"
    " JOIN attendee a ON a.id = f.rowid ORDER BY a.attendee_id",
    "checkin": "SELECT * FROM checkin ORDER BY op_id",
    "checkin_undo": "SELECT * FROM checkin_undo ORDER BY op_id",
    "field_edit": "SELECT * FROM field_edit ORDER BY op_id, field",
    "conflict_resolution": "SELECT * FROM conflict_resolution ORDER BY op_id",
}


@contextlib.contextmanager
def fold_without(kinds: frozenset[str]) -> Iterator[None]:
    """The fold of an older version, which does not know `kinds`, while the block runs."""
    hidden = {kind: fold.APPLY.pop(kind) for kind in kinds if kind in fold.APPLY}
    try:
        yield
    finally:
        fold.APPLY.update(hidden)


@dataclass(frozen=True)
class VersionedNode(Node):
    """A node whose own writes are folded by its replica's fold version."""

    unknown: Callable[[], frozenset[str]] = frozenset

    def record(self, db: sqlite3.Connection, *args: Any, **kwargs: Any) -> Op:
        with fold_without(self.unknown()):
            return super().record(db, *args, **kwargs)


@dataclass
class Replica:
    """One node: database, domain node (with a possibly skewed clock), and sync view.

    `unknown`: op kinds this node's (older) fold does not know; it stores them, never applies.
    """

    name: str
    db: sqlite3.Connection
    node: Node
    skew_ms: int = 0
    path: Path | None = None
    unknown: frozenset[str] = frozenset()

    @property
    def local(self) -> Local:
        return Local(self.db, self.name, self.apply_many, transaction, now_ms=self.now_ms,
                     settled=self.settled, machine=fingerprint(self.db),
                     normalize=scrub.normalize_held, supersedes=scrub.supersedes)  # fmt: skip

    def apply_many(self, db: sqlite3.Connection, ops: list[Op]) -> None:
        with fold_without(self.unknown):
            fold.apply_many(db, ops)

    def settled(self, db: sqlite3.Connection, losers: list[Op], replaced: bool) -> None:
        """Sync's hook after a copy was set aside: the state is folded again, by this fold."""
        with fold_without(self.unknown):
            copies.settled(db, losers, replaced)

    def folding(self) -> contextlib.AbstractContextManager[None]:
        """Runs a block (a scan, a resolution, a proof) with this node's fold version."""
        return fold_without(self.unknown)

    def transport(self) -> LocalTransport:
        return LocalTransport(lambda: self.local)

    def now_ms(self) -> int:
        return wall_ms() + self.skew_ms

    def op_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT op_id FROM op")}

    def state(self) -> dict[str, list[tuple]]:
        return {t: [tuple(r) for r in self.db.execute(q)] for t, q in STATE_QUERIES.items()}

    def ops(self) -> list[Op]:
        return all_ops(self.db)

    def tables(self) -> dict[str, Any]:
        """The state tables as plain dicts, in the shape of tests/sync/reference.py."""
        return dump(self.db)


def _rows(db: sqlite3.Connection, sql: str) -> dict[str, dict[str, Any]]:
    """Rows keyed by their first column; a `versions` column is read as JSON."""
    found = {}
    for row in db.execute(sql):
        values = {k: row[k] for k in row.keys()[1:]}
        if "versions" in values:
            values["versions"] = json.loads(values["versions"])
        found[str(row[0])] = values
    return found


# Each state table by its key (first column); check-ins: only those no undo names.
TABLES = {
    "event": "SELECT id, name, starts_on, days, timezone, versions FROM event",
    "ticket_type": "SELECT name, valid_days, colour, versions FROM ticket_type",
    "attendee": "SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
    " status, note, block_note, source, share_email, versions FROM attendee",
    "checkins": "SELECT op_id, attendee_id, origin, hlc, at, day, desk, staff FROM checkin c"
    " WHERE NOT EXISTS (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)",
    "room": "SELECT room_id, name, capacity, versions FROM room",
    "session": "SELECT session_id, title, starts_at, ends_at, day, room_id, planned_room_id,"
    " track, speakers, versions FROM session",
    "room_changes": "SELECT op_id, session_id, to_room, from_room, reason, staff, at, undo_of,"
    " origin, hlc FROM room_change",
    "door_scans": "SELECT op_id, room_id, direction, attendee_id, session_id, at, device, hlc"
    " FROM door_scan",
    "notifications": "SELECT op_id, kind, session_id, change_op_id, recipients, at"
    " FROM notification",
}


def dump(db: sqlite3.Connection) -> dict[str, Any]:
    """What a replica's tables say the state is, in the shape of tests/sync/reference.py."""
    found: dict[str, Any] = {name: _rows(db, sql) for name, sql in TABLES.items()}
    found["undos"] = dict(db.execute("SELECT op_id, checkin_op_id FROM checkin_undo").fetchall())
    signups = db.execute("SELECT session_id, attendee_id, status FROM registration")
    found["registrations"] = {(r[0], r[1]): r[2] for r in signups}
    schedule = db.execute("SELECT version FROM schedule_state WHERE id = 1").fetchone()
    found["schedule_version"] = schedule[0] if schedule else None
    flags = conflicts.flags(db, include_resolved=True)
    found["flags"] = {f.flag_id: (f.kind, f.entity, f.ops, f.resolution) for f in flags}
    return found


def make_replica(directory: Path, name: str, skew_ms: int = 0) -> Replica:
    """A fresh node with its own database file and a clock `skew_ms` off."""
    path = directory / f"{name}.sqlite3"
    db = open_db(path)
    with transaction(db):
        put_setting(db, "node_id", name)
        put_setting(db, "node_machine", fingerprint(db))  # as its first start records
    return attach(name, db, skew_ms, path)


def attach(name: str, db: sqlite3.Connection, skew_ms: int, path: Path | None) -> Replica:
    """A replica for an open database that is node `name`, its clock `skew_ms` off."""
    replica = Replica(name, db, Node(name, Clock(name)), skew_ms, path)
    clock = Clock(name, now_ms=replica.now_ms)
    replica.node = VersionedNode(name, clock, lambda: replica.unknown)
    return replica


def make_headoffice(directory: Path, name: str = "ho") -> Replica:
    """A fresh node that says it is head office in hello, as `kiosk headoffice serve` does."""
    replica = make_replica(directory, name)
    with transaction(replica.db):
        peers.set_role(replica.db, peers.HEAD_OFFICE)
    return replica


def sync_final(db: sqlite3.Connection, url: str, peer: Replica) -> bool:
    """`kiosk sync --final` in process: one round with `peer`, then its proof."""
    from kiosk.replication import peering

    sync_once(peering.local(db), url, peer.transport(), compare=True)
    return peering.final(db, url, peer.transport()).proven
