"""The small fixture schedule: a workshop too big for its room, a clash, a lunch talk."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from kiosk.replication.node import Node
from kiosk.rooms import schedule_import

SESSIONS = """session_id,title,starts_at,ends_at,room_id,room_name,capacity,track
workshop,Offline-first data sync,2026-12-01T10:30,2026-12-01T12:00,kamboja,Kamboja,3,Workshop
printing,Printing at scale,2026-12-01T10:30+07:00,2026-12-01T11:15+07:00,anggrek,Anggrek,80,
lunch,Lunch talk,2026-12-01T12:00,2026-12-01T13:00,kenanga,Kenanga,200,
day2,Day two opening,2026-12-02T09:00,2026-12-02T09:30,kenanga,Kenanga,200,
"""
REGISTRATIONS = """session_id,attendee_id
workshop,a-jose
workshop,a-josefina
workshop,a-nguyen
workshop,a-obrien
workshop,a-cancel
printing,a-wang
"""
AT_1005 = datetime(2026, 12, 1, 3, 5, tzinfo=UTC)  # 10:05 in Jakarta, day one
AT_1040 = datetime(2026, 12, 1, 3, 40, tzinfo=UTC)


def load(db: sqlite3.Connection, node: Node) -> None:
    """Imports the schedule and sign-ups through the real import paths."""
    schedule_import.import_sessions(db, node, SESSIONS.encode())
    schedule_import.import_registrations(db, node, REGISTRATIONS.encode())
