"""Shifts tests run on the fixture event with its schedule and a small day of shifts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.db import open_db
from kiosk.replication.node import load_node
from tests.shifts import data


@pytest.fixture
def shifts_loaded(db_path: Path, schedule_loaded: None) -> None:
    """The schedule and four shifts of day one; the clock at 10:05 in Jakarta."""
    conn = open_db(db_path)
    data.load(conn, load_node(conn))
    conn.close()
