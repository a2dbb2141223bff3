"""Can this node save a check-in right now? The answer of GET /healthz.

Three things stop a node from saving, and each has its own reason so a monitor's alert says
what to fix: the disk is (nearly) full, another process holds the write lock, or the file is
damaged. The lock is tried for real (BEGIN IMMEDIATE, then an empty COMMIT: nothing is
written); the file's check reads every page, so it runs at most every INTEGRITY_EVERY seconds
per database while it passes.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.db import transaction

MIN_FREE_BYTES = 16 * 1024 * 1024  # below this a WAL checkpoint or a badge file may not fit
LOCK_WAIT_SECONDS = 2.0  # longer than any scan's write; shorter than a monitor's timeout
INTEGRITY_EVERY = 300.0
_checked: dict[str, tuple[float, str]] = {}  # database -> (when, quick_check's first line)
_checked_guard = threading.Lock()


@dataclass(frozen=True)
class Health:
    """The verdict: `reason` is a stable code (empty when healthy), `message` is for people."""

    reason: str
    message: str
    free_bytes: int

    @property
    def ok(self) -> bool:
        return not self.reason


def verdict(free_bytes: int, lock_error: str, integrity: str) -> Health:
    """The most urgent problem of the three, or none."""
    if integrity != "ok":
        return Health("integrity", f"The database is damaged ({integrity}): restore a backup"
                      " (docs/backups.md).", free_bytes)  # fmt: skip
    if free_bytes < MIN_FREE_BYTES or "full" in lock_error:
        return Health("disk_full", f"Only {free_bytes // 1024 // 1024} MB free on the disk of"
                      " the database: free some space.", free_bytes)  # fmt: skip
    if "locked" in lock_error or "busy" in lock_error:
        return Health("locked", "The database is locked by another program (an import, a"
                      " backup tool, a second server): stop it.", free_bytes)  # fmt: skip
    if lock_error:
        return Health("not_writable", f"The database cannot be written: {lock_error}.",
                      free_bytes)  # fmt: skip
    return Health("", "", free_bytes)


def probe(db_path: str | Path, now: float | None = None) -> Health:
    """Looks at the disk, the lock and (when due) the file; see the module's docstring."""
    path = Path(db_path)
    try:
        free = shutil.disk_usage(path.resolve().parent).free
    except OSError:
        free = 0
    return verdict(free, _try_lock(path), _integrity(path, time.monotonic() if now is None
                                                      else now))  # fmt: skip


def _try_lock(path: Path) -> str:
    """'' if a write transaction can begin now, else SQLite's error in lower case.

    It queues behind this process's own writers (kiosk.db.transaction) like any write, so a
    probe never makes a scan wait in SQLite's busy handler.
    """
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=LOCK_WAIT_SECONDS,
                             isolation_level=None)  # fmt: skip
        try:
            with transaction(db):  # BEGIN IMMEDIATE, then a COMMIT that writes nothing
                pass
        finally:
            db.close()
    except sqlite3.Error as exc:
        return str(exc).lower() or type(exc).__name__
    return ""


def _integrity(path: Path, now: float) -> str:
    """PRAGMA quick_check's verdict ('ok' if healthy), at most every INTEGRITY_EVERY s."""
    key = str(path.resolve())
    with _checked_guard:
        when, found = _checked.get(key, (None, ""))
    if when is not None and now - when < INTEGRITY_EVERY and found == "ok":
        return found
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=LOCK_WAIT_SECONDS)
        try:
            found = str(db.execute("PRAGMA quick_check").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        found = str(exc)
    with _checked_guard:
        _checked[key] = (now, found)
    return found
