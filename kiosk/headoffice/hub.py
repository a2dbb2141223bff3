"""An event's log as sync serves it at head office, and what venues tell of themselves.

A venue's token picks its event; everything it pushes lands in that event's log and nothing
it pulls comes from another event. Its hello carries how it stands (version, ops waiting,
open flags, ops set aside, its clock), which the fleet console shows.
"""

from __future__ import annotations

from typing import Any

from kiosk.headoffice import events, fold
from kiosk.headoffice.database import Database
from kiosk.headoffice.eventlog import EventLog
from kiosk.replication import fold as venue_fold
from kiosk.replication import scrub
from sync.hlc import wall_ms
from sync.oplog import Op
from sync.peers import now_iso
from sync.server import Local

# What a venue may report in hello's "status", and the device column each one fills.
REPORTED = {"version": "version", "pending_push": "pending_push", "flags_open": "flags_open",
            "quarantined": "quarantined"}  # fmt: skip


def local(db: Database, event_id: int) -> Local:
    """Event `event_id`'s log as a sync node: head office's id, folded by head office's fold.

    Venues of the event may relay each other's ops (they meet over the venue LAN); no token
    reaches another event, so no venue can write into one.
    """
    relays = frozenset(r[0] for r in db.execute(
        "SELECT node_id FROM device WHERE event_id = ?", (event_id,)))  # fmt: skip

    def apply(handle: Database, ops: list[Op]) -> None:
        """Folds a page into head office's state of the event."""
        fold.apply_page(handle, event_id, ops)

    def settled(handle: Database, losers: list[Op], replaced: bool) -> None:
        """A held copy was replaced: the event's state is folded again from its log."""
        if replaced:
            ops = [op for _, op in EventLog(handle, event_id).after(0, -1)]
            fold.rebuild(handle, event_id, ops)

    return Local(db, events.node_id(db), apply, lambda handle: handle.transaction(),
                 relays=relays, check=venue_fold.check, settled=settled,
                 normalize=lambda handle, ops: events.normalize(handle, event_id, ops),
                 supersedes=scrub.supersedes, log=EventLog(db, event_id))  # fmt: skip


def note_hello(db: Database, event_id: int, token_id: int, body: Any) -> None:
    """Keeps what a venue says of itself in hello, and when it last spoke."""
    status = body.get("status") if isinstance(body, dict) else None
    fields: dict[str, Any] = {"last_seen_at": now_iso(), "last_seen_ms": wall_ms()}
    if isinstance(status, dict):
        for key, column in REPORTED.items():
            value = status.get(key)
            if isinstance(value, str) and key == "version":
                fields[column] = value[:40]
            elif type(value) is int and 0 <= value < 2**53:
                fields[column] = value
        sent = status.get("clock_ms")
        if type(sent) is int and 0 < sent < 2**53:
            fields["clock_offset_ms"] = sent - wall_ms()
    _save(db, event_id, token_id, fields)


def note_pull(db: Database, event_id: int, token_id: int, after: str) -> None:
    """How far a venue has pulled: what it still lacks is the event's top seq minus that."""
    if after.isascii() and after.isdigit() and int(after) < 2**62:
        _save(db, event_id, token_id, {"pulled_seq": int(after), "last_seen_at": now_iso(),
                                       "last_seen_ms": wall_ms()})  # fmt: skip


def note_push(db: Database, event_id: int, token_id: int, taken: int) -> None:
    """A push took `taken` of the ops the venue said were waiting at its hello."""
    with db.transaction():
        db.execute(
            "UPDATE device SET pending_push = CASE WHEN pending_push > ? THEN pending_push - ?"
            " ELSE 0 END WHERE event_id = ? AND token_id = ? AND pending_push IS NOT NULL",
            (taken, taken, event_id, token_id),
        )


def _save(db: Database, event_id: int, token_id: int, fields: dict[str, Any]) -> None:
    names = ", ".join(f"{name} = ?" for name in fields)
    with db.transaction():
        db.execute(f"UPDATE device SET {names} WHERE event_id = ? AND token_id = ?",  # noqa: S608
                   (*fields.values(), event_id, token_id))  # fmt: skip
