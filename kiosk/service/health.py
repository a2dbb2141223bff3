"""Whether this machine's database can take writes: what the watchdog and monitors ask."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

MIN_FREE_BYTES = 16 * 1024 * 1024  # below this a scan's write may fail half-way
LOCK_WAIT_S = 5.0


def database_problem(db_path: str | Path) -> str | None:
    """None while the database opens, takes the write lock and has room; else why not."""
    path = Path(db_path)
    if not path.is_file():
        return f"the database {path} is missing"
    try:
        free = shutil.disk_usage(path.resolve().parent).free
        if free < MIN_FREE_BYTES:
            return f"the disk holding {path} is full ({free // 1024 // 1024} MB free)"
        db = sqlite3.connect(path, timeout=LOCK_WAIT_S, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")  # the write lock: what a scan needs first
            db.execute("ROLLBACK")
        finally:
            db.close()
    except (OSError, sqlite3.Error) as exc:
        return f"the database {path} cannot be written ({exc})"
    return None
