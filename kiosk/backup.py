"""Backups of the node's database: a consistent copy while serving, and a careful restore.

A copy is made with SQLite's online backup API, so scans go on while it runs and the copy is
one committed state. A restore refuses anything that is not a healthy Kiosk database of this
node and event, keeps the current file aside, and starts a new sync epoch so peers re-pull.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.db import DatabaseError, connect, migrations, open_db, transaction
from kiosk.files import create_private, rotate_key
from sync import peers

# Steps of 4 MB (of 4 KB pages), so a long copy can tell how far it is. The copy holds one
# read transaction across its steps: it is one snapshot while scans keep committing beside it
# in WAL mode, whereas steps that each read afresh start over whenever a scan commits.
PAGES_PER_STEP = 1024
KIOSK_TABLES = {"op", "setting", "event", "attendee", "checkin", "scan"}
LAST_BACKUP = ".last-backup"  # beside the database: where the newest copy went, for advice


# Told (step, pages copied, pages in all) while a file is copied: "copy" for a backup,
# "aside" and "restore" for the two copies a restore makes.
Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    """No one watches."""


class BackupError(RuntimeError):
    """A backup or restore that must not happen; the message is one line saying why."""


@dataclass(frozen=True)
class Info:
    """What a database file holds, as far as a restore cares."""

    path: Path
    schema: int
    node_id: str
    event: str
    ops: int
    checkins: int
    size: int


def describe(info: Info) -> str:
    """One line for people: what a file holds."""
    return (f"{info.path}: node {info.node_id or '?'}, event {info.event or '(unnamed)'!r},"
            f" schema {info.schema}, {info.ops} operations, {info.checkins} check-ins,"
            f" {info.size / 1e6:.1f} MB")  # fmt: skip


def inspect(path: str | Path, thorough: bool = True) -> Info:
    """Reads a file read-only and checks it is a healthy Kiosk database; BackupError if not."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _read_info(db, path, thorough)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not a database ({exc})") from None


def _read_info(db: sqlite3.Connection, path: Path, thorough: bool) -> Info:
    check = db.execute(f"PRAGMA {'integrity_check' if thorough else 'quick_check'}").fetchall()
    if [tuple(r) for r in check] != [("ok",)]:
        raise BackupError(f"{path} is damaged: {check[0][0]}")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables >= KIOSK_TABLES:
        raise BackupError(f"{path} is an SQLite file but not a Kiosk database")
    node = db.execute("SELECT value FROM setting WHERE key = 'node_id'").fetchone()
    event = db.execute("SELECT name FROM event WHERE id = 1").fetchone()
    return Info(path, db.execute("PRAGMA user_version").fetchone()[0],
                node[0] if node else "", event[0] if event else "",
                db.execute("SELECT count(*) FROM op").fetchone()[0],
                db.execute("SELECT count(*) FROM checkin").fetchone()[0],
                path.stat().st_size)  # fmt: skip


def _copy(source: sqlite3.Connection, target: Path, step: str, progress: Progress) -> None:
    """Online backup into `target` via a temporary file, fsynced and renamed into place."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)  # a copy holds what the database holds: its owner reads it only
    out = sqlite3.connect(partial)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts
        try:
            source.backup(out, pages=PAGES_PER_STEP, progress=lambda _s, left, total: progress(
                step, total - left, total))  # fmt: skip
        finally:
            source.execute("ROLLBACK")  # it only read
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        out.close()
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    partial.replace(target)
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    """A rename survives a power cut only once its directory is on disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(
    db_path: str | Path, target: str | Path, force: bool = False, progress: Progress = _quiet
) -> Info:
    """Copies the live database to `target` (a file); refuses to overwrite unless forced."""
    db_path, target = Path(db_path), Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name the backup file")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists (use --force to replace it)")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup cannot be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = open_db(db_path)
    try:
        _copy(source, target, "copy", progress)
    finally:
        source.close()
    info = inspect(target, thorough=False)
    Path(f"{db_path}{LAST_BACKUP}").write_text(str(target.resolve()) + "\n", encoding="utf-8")
    return info


def last_backup(db_path: str | Path) -> str | None:
    """Where the newest backup of this database was written, if one was made here."""
    note = Path(f"{db_path}{LAST_BACKUP}")
    return note.read_text(encoding="utf-8").strip() or None if note.is_file() else None


def _current(db_path: Path) -> Info | None:
    try:
        return inspect(db_path, thorough=False) if db_path.exists() else None
    except BackupError:
        return None  # a damaged database is exactly what a restore replaces


def check_restore(source: Info, current: Info | None, force: bool) -> None:
    """Refuses a newer schema always; another node or event unless forced."""
    newest = migrations()[-1][0]
    if source.schema > newest:
        raise BackupError(f"{source.path} was written by a newer Kiosk (schema {source.schema},"
                          f" this one knows {newest}): upgrade Kiosk first")  # fmt: skip
    if current is None or force:
        return
    if current.node_id and source.node_id != current.node_id:
        raise BackupError(
            f"{source.path} is a backup of node {source.node_id}, not of this"
            f" machine's {current.node_id} (use --force to restore it anyway)"
        )
    if current.event and source.event != current.event:
        raise BackupError(f"{source.path} holds event {source.event!r}, not {current.event!r}"
                          " (use --force to restore it anyway)")  # fmt: skip


def restore(db_path: str | Path, source_path: str | Path, force: bool = False,
            progress: Progress = _quiet) -> Path | None:  # fmt: skip
    """Replaces the database with a checked backup; returns where the old one was kept."""
    db_path = Path(db_path)
    source = inspect(source_path)
    check_restore(source, _current(db_path), force)
    _ensure_unused(db_path)
    aside = _set_aside(db_path, progress)
    reader = sqlite3.connect(f"file:{source.path}?mode=ro", uri=True, isolation_level=None)
    try:
        _copy(reader, db_path, "restore", progress)
    finally:
        reader.close()
    db = open_db(db_path)  # brings an older schema forward
    try:
        with transaction(db):
            peers.new_epoch(db)  # our log went back: peers must re-pull from the start
            db.execute("DELETE FROM staff_session")  # sign-ins of the backup's day end
    finally:
        db.close()
    rotate_key(db_path)  # and no cookie signed before the restore opens anything
    return aside


def _ensure_unused(db_path: Path) -> None:
    """Refuses while a server or sync holds the database: it would write into the old file."""
    if not db_path.exists():
        return
    probe = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")  # fails while any other connection is open
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError:
        raise BackupError(f"{db_path} is in use: stop kiosk serve and kiosk sync first") from None
    except sqlite3.DatabaseError:
        return  # damaged: nothing can be using it usefully
    finally:
        probe.close()


def aside_path(db_path: str | Path) -> Path:
    """Where a restore keeps the database it replaced."""
    return Path(f"{db_path}.before-restore")


def _set_aside(db_path: Path, progress: Progress) -> Path | None:
    """Moves the database and its -wal/-shm to *.before-restore (replacing an older one)."""
    if not db_path.exists():
        return None
    aside = aside_path(db_path)
    if _current(db_path) is not None:
        db = connect(db_path)
        try:
            _copy(db, aside, "aside", progress)  # folds in the WAL: one complete file
        finally:
            db.close()
    else:
        db_path.replace(aside)  # damaged: keep the bytes as they are
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return aside


def integrity_error(db_path: str | Path) -> DatabaseError:
    """The refusal to start on a damaged database, with the exact command that repairs it."""
    latest = last_backup(db_path) or "/media/usb/kiosk-backup.sqlite3"
    return DatabaseError(
        f"the database {db_path} is damaged. Stop here and restore the latest backup:"
        f" kiosk --db {db_path} restore {latest}"
    )


def check_health(db_path: str | Path) -> None:
    """PRAGMA quick_check at start-up: a damaged database refuses to serve, saying what to do."""
    if not Path(db_path).exists():
        return
    try:
        db = sqlite3.connect(db_path)
        try:
            found = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        found = [("unreadable",)]
    if [tuple(r) for r in found] != [("ok",)]:
        raise integrity_error(db_path)
