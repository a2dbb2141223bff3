"""This machine as a node: its id, its clock, and writing operations with their effect."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk import config
from kiosk.db import transaction
from sync.hlc import Clock, Stamp
from sync.ids import uuid7
from sync.oplog import Op, insert, insert_new, latest_stamp

log = logging.getLogger("kiosk.node")
MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")

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
        if after and stamp <= Stamp.parse(after):
            stamp = Stamp.parse(after).successor(self.node_id)
        op = Op(op_id or uuid7(stamp.wall_ms), self.node_id, str(stamp), kind, entity, payload)
        FOLD["check"](op)  # our own ops fit their kinds' shapes as a peer's must
        (op,) = FOLD["normalize"](db, [op])  # an erased attendee's data never comes back
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
        ops = FOLD["normalize"](db, ops)
        insert_new(db, ops)
        FOLD["create_attendees"](db, ops)
        return ops


def machine_id() -> str:
    """This machine's stable id: KIOSK_MACHINE_ID when set (tests, or disk images that all
    carry one /etc/machine-id), else systemd's machine id, else the host name."""
    override = os.environ.get("KIOSK_MACHINE_ID", config.MACHINE_ID).strip()
    if override:
        return override
    for name in MACHINE_ID_FILES:
        try:
            with open(name, encoding="ascii") as handle:
                text = handle.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    return socket.gethostname()


def fingerprint(db: sqlite3.Connection) -> str:
    """Which machine and which file this database is: the machine id and the file's inode.

    A restart keeps both, and so does moving the file within its file system (`mv`), which
    keeps the inode. A copy (to another laptop, or beside the original) has a new inode or
    another machine id. The path is left out on purpose: a venue moved to another folder must
    not lose its node id and with it its sync token. "" for a database without a file.
    """
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return ""
    raw = f"{machine_id()}\0{os.stat(path).st_ino}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def adopt(db: sqlite3.Connection) -> None:
    """This file now is this machine's database under its node id (`kiosk restore`): a backup
    restored in place is not a copy, and must not cost the node its id and sync token."""
    with transaction(db):
        put_setting(db, "node_machine", fingerprint(db))


def _own_id(db: sqlite3.Connection, copied: bool = False) -> str:
    """The node id, a new one if this file is a copy made elsewhere (its ops keep the old one).

    Copies of one prepared database would otherwise speak as one node: head office would take
    their check-ins of one ticket for one machine's and never flag a double scan.
    """
    if db.in_transaction:
        return _settle_id(db, copied)
    with transaction(db):  # two processes opening one copy re-key it once
        return _settle_id(db, copied)


def _settle_id(db: sqlite3.Connection, copied: bool) -> str:
    here = fingerprint(db)
    node_id, seen = get_setting(db, "node_id"), get_setting(db, "node_machine")
    if node_id is None:
        node_id = _new_node_id()
        put_setting(db, "node_id", node_id)
    elif copied or (here and seen and seen != here):
        old, node_id = node_id, _new_node_id()
        put_setting(db, "node_id", node_id)
        log.warning(
            "This database was copied from another machine or folder: node id %s belongs"
            " to the original, so this copy is now node %s. Ops already in the log stay"
            " under %s; new ones are recorded as %s.", old, node_id, old, node_id)  # fmt: skip
    if here and seen != here:
        put_setting(db, "node_machine", here)
    return node_id


def rekey(db: sqlite3.Connection) -> Node:
    """A new node id for this database, when a peer says another machine syncs under ours."""
    _own_id(db, copied=True)
    return load_node(db)


def load_node(db: sqlite3.Connection) -> Node:
    """This database's node, creating its stable id on first use (and on a copy's first use)."""
    node_id = get_setting(db, "node_id")
    if node_id is None or get_setting(db, "node_machine") != fingerprint(db):
        node_id = _own_id(db)
    FOLD["catch_up"](db)  # ops this version learned to apply since they were stored
    with _clocks_guard:
        clock = _clocks.setdefault(node_id, Clock(node_id))
    return Node(node_id, clock)
