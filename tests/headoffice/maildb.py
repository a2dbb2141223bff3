"""A head office database for the mail tests: plain sqlite3 in the shape outbox expects.

The schema is the `mail` table as head office's migrations create it; rows are queued the
way the fold queues them (one per change and attendee, a second insert does nothing).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE mail (
  event_id INTEGER NOT NULL,
  notification_op_id TEXT NOT NULL,
  attendee_id TEXT NOT NULL,
  address TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'en',
  facts TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_try_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  queued_at TEXT NOT NULL,
  sent_at TEXT,
  PRIMARY KEY (event_id, notification_op_id, attendee_id)
)
"""
# Session 09:30–10:15 in Jakarta (UTC+7) on Tuesday 8 December 2026.
FACTS = {
    "first_name": "Ana", "last_name": "Souza", "event_name": "PyCon ID 2026",
    "timezone": "Asia/Jakarta", "session_title": "Async in practice",
    "starts_at": "2026-12-08T02:30:00+00:00", "ends_at": "2026-12-08T03:15:00+00:00",
    "from_room": "Hall A", "to_room": "Room 2",
}  # fmt: skip


class SqliteDb:
    """sqlite3 with head office's database interface: execute, executemany, transaction."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA busy_timeout = 10000")

    def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def create(path: Path) -> SqliteDb:
    db = SqliteDb(path)
    db.execute(SCHEMA)
    return db


def queue(db: SqliteDb, attendee_id: str, address: str, language: str = "en",
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


def row(db: SqliteDb, key: tuple[int, str, str]) -> dict[str, object]:
    cursor = db.execute(
        "SELECT * FROM mail WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?",
        key,
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))
