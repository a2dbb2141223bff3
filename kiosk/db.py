"""The node's one SQLite file: connections with every PRAGMA set, transactions, migrations."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from kiosk.files import create_private, make_private

BUSY_TIMEOUT_MS = 5000
CHECKPOINT_TRIES = 100  # a running server's requests end within moments
CHECKPOINT_PAUSE = 0.1
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


class DatabaseError(RuntimeError):
    """The database cannot be opened or migrated; the message says what to do."""


class WipeError(RuntimeError):
    """Personal data a purge removed may still be in the database file; the message says why."""


class Connection(sqlite3.Connection):
    """A connection that remembers its database's process-wide write lock."""

    write_lock: threading.Lock | None = None


def connect(path: str | Path, cache_mb: int = 0) -> sqlite3.Connection:
    """Opens the database with WAL, synchronous=FULL, foreign keys and a busy timeout.

    `cache_mb` enlarges the page cache for bulk work (imports, sync pulls); request threads
    keep SQLite's small default, since the server holds one connection per thread.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if str(path) != ":memory:":  # SQLite gives the -wal and -shm files the database's mode
        create_private(path)
        for suffix in ("", "-wal", "-shm"):
            make_private(f"{path}{suffix}")
    db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                         check_same_thread=False, factory=Connection)  # fmt: skip
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # an acknowledged check-in survives a power cut
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_size_limit=67108864")
    if cache_mb:
        db.execute(f"PRAGMA cache_size={-int(cache_mb) * 1024}")
    db.write_lock = write_lock(db)
    return db


def write_lock(db: sqlite3.Connection) -> threading.Lock:
    """The write lock of the file behind `db`, shared by every connection of this process."""
    lock = getattr(db, "write_lock", None)
    if lock is not None:
        return lock
    key = db.execute("PRAGMA database_list").fetchone()[2]
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.Lock())


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: two scanners racing on one ticket cannot both win.

    Threads of one process queue on a lock first, so they never sleep in SQLite's busy handler.
    Each waits at most the busy timeout there too: behind another process's long write (an
    import), a queue of scans answers "cannot save" in turn instead of waiting 5 s per scan.
    """
    lock = write_lock(db)
    if not lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        raise sqlite3.OperationalError("database is locked (writers of this process queued)")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")  # on a full disk it is COMMIT that fails, writing the WAL
        except BaseException:
            if db.in_transaction:  # else the next BEGIN on this connection fails for good
                db.execute("ROLLBACK")
            raise
    finally:
        lock.release()


class Checkpointer(threading.Thread):
    """Copies the WAL back into the database twice a second, outside any request, and sees
    that each round finishes so the WAL starts again from its beginning.

    SQLite otherwise checkpoints inside whichever commit crosses 1,000 WAL pages, and that scan
    waits for a write and fsync scattered over the whole file. But a checkpoint beside busy
    writers never finishes (each commit adds pages behind it), and an unfinished WAL is never
    reused: it grew past 200 MB in a few thousand scans, slowing every read and every commit
    (appending to a file costs more per fsync than overwriting it). So a round copies what it
    can beside the writers, pass after pass until a few pages are left, then holds this
    process's write lock for a moment (a millisecond or two) to copy those and start the WAL
    again from its beginning: a RESTART checkpoint, which does not wait for readers still in
    the WAL (it tries again next round).
    """

    LEFT_FOR_LOCKED_ROUND = 32  # WAL pages left for the locked pass: its copy and fsync are short
    READERS_WAIT_MS = 0  # a locked pass never waits for readers: it tries again next round

    def __init__(self, path: str | Path, interval: float = 0.5) -> None:
        super().__init__(name=f"checkpoint {path}", daemon=True)
        self.path, self.interval = path, interval
        self.stop = threading.Event()

    def run(self) -> None:
        db = connect(self.path)
        db.execute(f"PRAGMA busy_timeout={self.READERS_WAIT_MS}")
        try:
            while not self.stop.wait(self.interval):
                try:
                    self.round(db)
                except sqlite3.Error as exc:  # a busy or full disk: try again next round
                    logging.getLogger("kiosk").warning("checkpoint failed: %s", exc)
        finally:
            db.close()

    def round(self, db: sqlite3.Connection) -> bool:
        """One checkpoint round; True if the WAL was copied and starts again from its beginning."""
        for _ in range(6):  # each pass copies what was added while the last one copied
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            _busy, pages, copied = db.execute("PRAGMA wal_checkpoint(NOOP)").fetchall()[0]
            if pages - copied <= self.LEFT_FOR_LOCKED_ROUND:
                break
        if pages <= 0:  # an empty WAL: nothing to start again
            return True
        lock = write_lock(db)
        if not lock.acquire(timeout=0.05):  # writers are queued: try again next round
            return False
        try:  # RESTART: copy the rest, then start the WAL again once no reader is in it
            busy, _pages, _copied = db.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()[0]
        finally:
            lock.release()
        return busy == 0


_checkpointers: dict[str, Checkpointer] = {}


def start_checkpointer(path: str | Path) -> Checkpointer:
    """The one background checkpointer of this process for a database (idempotent)."""
    key = str(Path(path).resolve())
    with _write_locks_guard:
        worker = _checkpointers.get(key)
        if worker is None or not worker.is_alive():
            worker = _checkpointers[key] = Checkpointer(path)
            worker.start()
        return worker


def migrations() -> list[tuple[int, str, str]]:
    """Every migration shipped with the package: (version, file name, SQL), in order."""
    found = []
    for entry in resources.files("kiosk.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(db: sqlite3.Connection) -> int:
    """Brings the schema forward; each file and its user_version bump commit together."""
    known = migrations()
    newest = known[-1][0] if known else 0
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > newest:
        raise DatabaseError(
            f"this database was written by a newer Kiosk (schema {current}, we know {newest}):"
            " upgrade Kiosk before using it"
        )
    for version, name, sql in known:
        if version <= current:
            continue
        try:
            db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if db.execute("PRAGMA user_version").fetchone()[0] >= version:
                continue  # another process migrated it a moment ago
            raise DatabaseError(f"migration {name} failed: {exc}") from exc
        current = version
    return current


def open_db(path: str | Path, cache_mb: int = 0) -> sqlite3.Connection:
    """A connection to a database that exists and is migrated to the newest schema."""
    try:
        db = connect(path, cache_mb)
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open database {path}: {exc}") from exc
    return db


def rewrite_database(db: sqlite3.Connection, db_path: str | Path) -> None:
    """VACUUM rebuilds the file without the old rows; a TRUNCATE checkpoint copies the rebuilt
    pages into it and empties the WAL, whose old frames still held the rows."""
    db.execute("VACUUM")
    wal = Path(f"{db_path}-wal")
    for _ in range(CHECKPOINT_TRIES):
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy == 0 and (not wal.exists() or wal.stat().st_size == 0):
            return
        time.sleep(CHECKPOINT_PAUSE)
    raise WipeError(f"{wal} could not be emptied while kiosk serve was busy: stop kiosk serve"
                    " and run kiosk purge --yes again")  # fmt: skip
