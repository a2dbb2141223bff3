"""In-process nodes for sync tests: each a real SQLite file, its own clock, the real protocol."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.db import open_db, transaction
from kiosk.replication import copies, fold
from kiosk.replication.node import Node, put_setting
from sync import peers
from sync.client import sync_once
from sync.hlc import Clock, wall_ms
from sync.server import Local
from sync.transport import LocalTransport

# Tables that are a function of the op set; `attendee.id` and FTS rowids are local row ids.
STATE_QUERIES = {
    "event": "SELECT name, starts_on, days, timezone, versions FROM event",
    "ticket_type": "SELECT * FROM ticket_type ORDER BY name",
    "attendee": "SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
    " status, note, block_note, source, versions FROM attendee ORDER BY attendee_id",
    "attendee_fts": "SELECT a.attendee_id, f.name, f.email, f.company, f.code FROM attendee_fts f"
    " JOIN attendee a ON a.id = f.rowid ORDER BY a.attendee_id",
    "checkin": "SELECT * FROM checkin ORDER BY op_id",
    "checkin_undo": "SELECT * FROM checkin_undo ORDER BY op_id",
    "field_edit": "SELECT * FROM field_edit ORDER BY op_id, field",
    "conflict_resolution": "SELECT * FROM conflict_resolution ORDER BY op_id",
}


@dataclass
class Replica:
    """One node: database, domain node (with a possibly skewed clock), and sync view."""

    name: str
    db: sqlite3.Connection
    node: Node
    skew_ms: int = 0

    @property
    def local(self) -> Local:
        return Local(
            self.db,
            self.name,
            fold.apply_many,
            transaction,
            now_ms=self.now_ms,
            settled=copies.settled,
        )

    def transport(self) -> LocalTransport:
        return LocalTransport(lambda: self.local)

    def now_ms(self) -> int:
        return wall_ms() + self.skew_ms

    def op_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT op_id FROM op")}

    def state(self) -> dict[str, list[tuple]]:
        return {t: [tuple(r) for r in self.db.execute(q)] for t, q in STATE_QUERIES.items()}


def make_replica(directory: Path, name: str, skew_ms: int = 0) -> Replica:
    """A fresh node with its own database file and a clock `skew_ms` off."""
    db = open_db(directory / f"{name}.sqlite3")
    with transaction(db):
        put_setting(db, "node_id", name)
    replica = Replica(name, db, Node(name, Clock(name)), skew_ms)
    replica.node = Node(name, Clock(name, now_ms=replica.now_ms))
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
