"""Where each peer and we stand: cursors, epochs, contact times; and token-to-node binding.

The tables are created by the node's migrations. Every write here happens inside the
caller's transaction, so a cursor always commits together with the page it follows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sync.protocol import digest

HEAD_OFFICE = "headoffice"  # the role `kiosk headoffice serve` gives its node; others: "venue"

_COLUMNS = (
    "url, node_id, epoch, pull_after, push_after, sent, received,"
    " last_contact_at, last_success_at, last_error, verified_at, pull_op_id, pull_seal, reconcile,"
    " clock_offset_ms, peer_high"
)
# A peer whose clock differs from ours by more than this is reported as a wrong clock.
CLOCK_TOLERANCE_MS = 60_000


@dataclass(frozen=True)
class Peer:
    """One node we sync with, as last seen."""

    url: str
    node_id: str = ""
    epoch: str = ""
    pull_after: int = 0
    push_after: int = 0
    sent: int = 0
    received: int = 0
    last_contact_at: str | None = None
    last_success_at: str | None = None
    last_error: str = ""
    verified_at: str | None = None
    pull_op_id: str = ""  # the peer's op at our pull cursor: its log went back if that changes
    pull_seal: str = ""  # the peer's seal of (epoch, pull_after, pull_op_id)
    reconcile: int = 0  # 1: compare every op id with the peer (it was restored)
    clock_offset_ms: int | None = None  # the peer's clock minus ours at the last hello
    peer_high: int = 0  # the top of the peer's log at the last hello

    @property
    def to_pull(self) -> int:
        """The peer's ops not pulled yet, as far as the last hello told."""
        return max(0, self.peer_high - self.pull_after)


def now_iso() -> str:
    """Wall time for people (ISO 8601 UTC); never used to order anything."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def load(db: sqlite3.Connection, url: str) -> Peer:
    """A peer's row, or a fresh one that starts both cursors from the beginning."""
    row = db.execute(f"SELECT {_COLUMNS} FROM peer WHERE url = ?", (url,)).fetchone()  # noqa: S608
    return Peer(*row) if row else Peer(url)


def all_peers(db: sqlite3.Connection) -> list[Peer]:
    """Every peer this node has talked to."""
    return [Peer(*r) for r in db.execute(f"SELECT {_COLUMNS} FROM peer ORDER BY url")]  # noqa: S608


def save(db: sqlite3.Connection, url: str, **fields: object) -> None:
    """Updates some of a peer's columns (inside the caller's transaction)."""
    db.execute("INSERT INTO peer (url) VALUES (?) ON CONFLICT DO NOTHING", (url,))
    names = ", ".join(f"{name} = ?" for name in fields)
    db.execute(f"UPDATE peer SET {names} WHERE url = ?", (*fields.values(), url))  # noqa: S608


def add_counts(db: sqlite3.Connection, url: str, sent: int = 0, received: int = 0) -> None:
    """Adds to a peer's running totals of ops exchanged."""
    db.execute(
        "UPDATE peer SET sent = sent + ?, received = received + ? WHERE url = ?",
        (sent, received, url),
    )


def epoch(db: sqlite3.Connection) -> str:
    """This node's epoch (made with its seal key): a peer that sees it change starts over."""
    for key, value in (("epoch", secrets.token_hex(8)), ("seal_key", secrets.token_hex(16))):
        db.execute("INSERT OR IGNORE INTO sync_state (key, value) VALUES (?, ?)", (key, value))
    return db.execute("SELECT value FROM sync_state WHERE key = 'epoch'").fetchone()[0]


def ready_epoch(db: sqlite3.Connection) -> str | None:
    """The epoch if it and the seal key exist; None: call `epoch` in a transaction first."""
    return _state(db, "epoch") if _state(db, "seal_key") else None


def seal(db: sqlite3.Connection, epoch_: str, seq: int, op_id: str) -> str:
    """What only this node can write: "in `epoch_`, my op at `seq` was `op_id`" (or "")."""
    key = _state(db, "seal_key")
    if key is None:
        return ""
    text = f"{epoch_} {seq} {op_id}".encode()
    return hmac.new(bytes.fromhex(key), text, hashlib.sha256).hexdigest()[:32]


def _state(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _put_state(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def new_epoch(db: sqlite3.Connection) -> str:
    """Starts a new epoch (our log went back): every peer re-pushes, re-pulls and compares.

    The moment is kept: ops stamped before it may be ones we held, lost and had handed out.
    """
    value = secrets.token_hex(8)
    _put_state(db, "epoch", value)
    _put_state(db, "rewound_at_ms", str(time.time_ns() // 1_000_000))
    return value


def rewound_at(db: sqlite3.Connection) -> int | None:
    """Wall ms of the last time this node's log went back (a restore), or None if never."""
    raw = _state(db, "rewound_at_ms")
    return int(raw) if raw else None


def role(db: sqlite3.Connection) -> str:
    """This node's role, told to every peer in hello: head office, or a venue."""
    return _state(db, "role") or "venue"


def set_role(db: sqlite3.Connection, value: str) -> None:
    """Gives this node its role (head office says so once it serves)."""
    _put_state(db, "role", value)


def note_headoffice(db: sqlite3.Connection, url: str, node_id: str) -> None:
    """Remembers which peer is head office: only its word counts before a purge."""
    known = headoffice(db)
    if known is None or known[1] != node_id:
        drop_proof(db)  # a proof from another head office proves nothing here
    _put_state(db, HEAD_OFFICE, json.dumps([url, node_id]))  # by any address, one node


def headoffice(db: sqlite3.Connection) -> tuple[str, str] | None:
    """(url, node id) of head office as last seen in hello, or None if we never met it."""
    raw = _state(db, HEAD_OFFICE)
    return tuple(json.loads(raw)) if raw else None  # type: ignore[return-value]


def save_proof(db: sqlite3.Connection, top: int) -> None:
    """Head office proved it holds every op up to our seq `top`: kept with their digest."""
    count, value = digest(_ids_upto(db, top))
    _put_state(db, "headoffice_proof", json.dumps({"seq": top, "count": count, "digest": value}))


def drop_proof(db: sqlite3.Connection) -> None:
    """Forgets head office's proof (it was restored, or another node answers)."""
    db.execute("DELETE FROM sync_state WHERE key = 'headoffice_proof'")


def unproven(db: sqlite3.Connection) -> int:
    """Local ops head office has not proven it holds: all of them without a valid proof.

    Ops only ever join the log at higher seqs, so a proof covers everything up to its seq,
    as long as those ops still give the digest proven (a restored log does not). After a
    proof, ops head office itself handed us are held there too.
    """
    raw, known = _state(db, "headoffice_proof"), headoffice(db)
    if raw is None or known is None:
        return db.execute("SELECT count(*) FROM op").fetchone()[0]
    proof = json.loads(raw)
    if digest(_ids_upto(db, proof["seq"])) != (proof["count"], proof["digest"]):
        return db.execute("SELECT count(*) FROM op").fetchone()[0]
    return db.execute(
        "SELECT count(*) FROM op WHERE seq > ? AND coalesce(received_from, '') != ?",
        (proof["seq"], known[1]),
    ).fetchone()[0]


def _ids_upto(db: sqlite3.Connection, top: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT op_id FROM op WHERE seq <= ?", (top,))]


def bind_device(db: sqlite3.Connection, token_id: int, node_id: str) -> bool:
    """Binds a sync token to the first node id it speaks for; False if it names another."""
    row = db.execute("SELECT node_id FROM sync_device WHERE token_id = ?", (token_id,)).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO sync_device (token_id, node_id, bound_at, last_seen_at)"
            " VALUES (?, ?, ?, ?)",
            (token_id, node_id, now_iso(), now_iso()),
        )
        return True
    if row[0] != node_id:
        return False
    db.execute("UPDATE sync_device SET last_seen_at = ? WHERE token_id = ?", (now_iso(), token_id))
    return True


def device_node(db: sqlite3.Connection, token_id: int) -> str | None:
    """The node a sync token is bound to, if it has spoken yet."""
    row = db.execute("SELECT node_id FROM sync_device WHERE token_id = ?", (token_id,)).fetchone()
    return row[0] if row else None


def bind_machine(db: sqlite3.Connection, node_id: str, machine: str) -> bool:
    """Binds a node id to the first machine fingerprint it says hello with; False for another."""
    db.execute(
        "INSERT OR IGNORE INTO node_machine (node_id, machine, first_seen_at) VALUES (?, ?, ?)",
        (node_id, machine, now_iso()),
    )
    row = db.execute("SELECT machine FROM node_machine WHERE node_id = ?", (node_id,)).fetchone()
    return row[0] == machine
