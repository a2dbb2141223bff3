"""An attendee's answer to "may sponsors whose booth scans my badge get my e-mail address?".

It is an attendee field (`share_email`: 'yes', 'no', or '' when never asked), so it comes with
an import's consent column, travels with the attendee to every machine and head office, and the
latest answer wins wherever it was given. Only 'yes' lets a sponsor see the address.
"""

from __future__ import annotations

import sqlite3

from kiosk.db import transaction
from kiosk.replication.node import Node


def answer(db: sqlite3.Connection, attendee_id: str) -> str:
    """'yes', 'no', or '' (never asked)."""
    row = db.execute("SELECT share_email FROM attendee WHERE attendee_id = ?", (attendee_id,))
    found = row.fetchone()
    return found[0] if found else ""


def record(db: sqlite3.Connection, node: Node, attendee_id: str, agreed: bool, source: str) -> None:
    """Keeps the attendee's own answer (from a self-service screen or the desk)."""
    fields = {"share_email": "yes" if agreed else "no"}
    with transaction(db):
        node.record(db, "attendee_upsert", attendee_id, {"fields": fields, "source": source})
