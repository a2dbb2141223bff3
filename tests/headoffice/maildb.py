"""A head office database for the mail tests: head office's own, on a SQLite file.

Rows are queued the way the fold queues them (one per change and attendee; a second insert
does nothing).
"""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.headoffice.database import Database, migrate

# Session 09:30–10:15 in Jakarta (UTC+7) on Tuesday 8 December 2026.
FACTS = {
    "first_name": "Ana", "last_name": "Souza", "event_name": "PyCon ID 2026",
    "timezone": "Asia/Jakarta", "session_title": "Async in practice",
    "starts_at": "2026-12-08T02:30:00+00:00", "ends_at": "2026-12-08T03:15:00+00:00",
    "from_room": "Hall A", "to_room": "Room 2",
}  # fmt: skip


def reopen(path: Path) -> Database:
    """Head office's own database on a SQLite file, as a worker process opens it."""
    return Database(str(path))


def create(path: Path) -> Database:
    """A migrated head-office database: the mail table exactly as head office has it."""
    db = Database(str(path))
    migrate(db)
    return db


def queue(db: Database, attendee_id: str, address: str, language: str = "en",
          op_id: str = "n1", event_id: int = 1, **facts: str) -> tuple[int, str, str]:  # fmt: skip
    """Queues one attendee's mail about one change, as the fold does; its key."""
    with db.transaction():
        db.execute(
            "INSERT INTO mail (event_id, notification_op_id, attendee_id, address, language,"
            " facts, message_id, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (event_id, op_id, attendee_id, address, language,
             json.dumps({**FACTS, **facts}), f"<{op_id}.{attendee_id}@kiosk.invalid>",
             "2026-12-03T08:00:00+00:00"),
        )  # fmt: skip
    return event_id, op_id, attendee_id


def row(db: Database, key: tuple[int, str, str]) -> dict[str, object]:
    cursor = db.execute(
        "SELECT * FROM mail WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?",
        key,
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))
