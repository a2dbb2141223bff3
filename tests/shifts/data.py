"""A small day of shifts on the fixture event (day one, 2026-12-01 in Jakarta)."""

from __future__ import annotations

import sqlite3

from kiosk.replication.node import Node
from kiosk.shifts import importer

SHIFTS = """shift_id,person,badge_code,role,place,starts_at,ends_at
desk-am,Rahul Sharma,,desk,Registration,2026-12-01T08:00,2026-12-01T12:00
usher-kamboja,Dewi Lestari,KN-DEWI,usher,Kamboja,2026-12-01T10:00,2026-12-01T12:00
usher-anggrek,Putu Wijaya,,usher,anggrek,2026-12-01T10:30,2026-12-01T11:30
tech-pm,Sukarno,KN-SUKA01,technician,Kenanga,2026-12-01T11:30,2026-12-01T14:00
"""


def load(db: sqlite3.Connection, node: Node) -> None:
    """Imports the shifts through the real import path."""
    importer.import_shifts(db, node, SHIFTS.encode())
