"""Pull and push for one connection: the network between transactions, never inside one.

A system that cannot be reached, or that refuses the token, leaves its words on the connection
(`kiosk ticketing`, the supervisor's screen) and nothing else: the desk goes on with what it has.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.replication.node import load_node
from kiosk.replication.peering import purged
from kiosk.ticketing import pulling, pushing, records, signed, store
from kiosk.ticketing.pulling import PullReport

log = logging.getLogger("kiosk.ticketing")
Now = Callable[[], datetime]


class NoConnection(LookupError):
    """No connection of that name (or none at all)."""


def chosen(db: sqlite3.Connection, name: str | None) -> list[store.Connection]:
    """The named connection, or every one; NoConnection if there is none."""
    found = [store.get(db, name)] if name else store.all_connections(db)
    if not found or found[0] is None:
        raise NoConnection(f"no ticketing connection named {name!r}" if name else
                           "no ticketing connection: add one with kiosk ticketing add")  # fmt: skip
    return [c for c in found if c is not None]


def _failed(db: sqlite3.Connection, conn: store.Connection, exc: records.TicketingError,
            now: Now) -> None:  # fmt: skip
    log.warning("ticketing %s: %s", conn.name, exc.words)
    with transaction(db):
        store.mark_failed(db, conn.name, exc, utc_iso(now()))


def pull(db: sqlite3.Connection, conn: store.Connection, now: Now) -> PullReport:
    """One incremental pull; raises TicketingError (kept on the connection) on failure."""
    if purged(db):
        raise records.TicketingError("personal data was purged from this machine after the"
                                     " event: it pulls no more tickets.")  # fmt: skip
    connector = records.KINDS[conn.kind](conn.settings)
    try:
        pulled = connector.pull(conn.cursor)
    except records.TicketingError as exc:
        _failed(db, conn, exc, now)
        raise
    with transaction(db):
        node = load_node(db)
        report = pulling.apply(db, node, conn, pulled)
        if pulled.extras.get("scope") and conn.kind == "pretix":
            signed.keep(db, node, pulled.extras)
        store.mark_pulled(db, conn.name, pulled.cursor, utc_iso(now()))
    return report


def waiting(db: sqlite3.Connection, conn: store.Connection) -> int:
    """How many check-ins wait to go to the system (none for one that takes none)."""
    if conn.kind not in records.KINDS:
        return 0
    try:
        connector = records.KINDS[conn.kind](conn.settings)
    except (KeyError, ValueError, records.TicketingError):
        return 0
    return pushing.pending(db, conn) if getattr(connector, "pushes", True) else 0


@dataclass
class PushReport:
    """What a push sent: accepted and refused (final); both count as sent."""

    accepted: int = 0
    refused: int = 0

    @property
    def sent(self) -> int:
        return self.accepted + self.refused


def push(db: sqlite3.Connection, conn: store.Connection, now: Now) -> PushReport:
    """Sends everything waiting, a batch at a time; raises TicketingError on failure.

    A system whose API takes no check-ins (Eventbrite: `pushes = False`) is sent nothing.
    """
    connector = records.KINDS[conn.kind](conn.settings)
    report = PushReport()
    if not getattr(connector, "pushes", True):
        return report
    while batch := pushing.waiting(db, conn):
        to_send = [w.send for w in batch if not w.undone_by]
        try:
            answers = connector.push(to_send) if to_send else []
        except records.TicketingError as exc:
            _failed(db, conn, exc, now)
            raise
        with transaction(db):
            accepted, refused = pushing.record(db, conn, batch, answers, utc_iso(now()))
        report.accepted += accepted
        report.refused += refused
        if accepted + refused == 0 and len(to_send) == len(batch):
            break  # the connector answered none of them: they go out again next round
    with transaction(db):
        store.mark_pushed(db, conn.name, utc_iso(now()))
    return report
