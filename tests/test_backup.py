"""Backups: a consistent copy while scans go on, a restore that refuses what it must, a re-sync
that doubles nothing, and a start-up that will not serve a damaged database."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk import backup, create_app
from kiosk.cli import main
from kiosk.db import DatabaseError, open_db, transaction
from kiosk.desk import checkin, reports
from kiosk.replication import peering as replication
from kiosk.replication.node import load_node, put_setting
from sync import client
from sync.transport import LocalTransport
from tests.conftest import DAY1_MORNING

CODES = ["KN-JOSE01", "KN-JOSE02", "KN-NGUY01", "KN-OBRI01", "KN-WANG01", "KN-ARAB01",
         "KN-GUDM01", "KN-SUKA01"]  # fmt: skip
KIOSK = str(Path(sys.executable).parent / "kiosk")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def consistent(path: Path) -> tuple[int, int]:
    """(check-in ops, check-in rows) of a copy that passes integrity_check."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ops = db.execute("SELECT count(*) FROM op WHERE kind = 'checkin'").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM checkin").fetchone()[0]
        scans = db.execute("SELECT count(*) FROM scan WHERE checkin_op_id IS NOT NULL")
        assert rows == scans.fetchone()[0]
        return ops, rows
    finally:
        db.close()


def test_a_backup_taken_during_scans_is_one_consistent_state(db_path: Path, tmp_path) -> None:
    stop, failures = threading.Event(), []

    def scanner() -> None:  # its own connection, as a server thread has
        db = open_db(db_path)
        node, day = load_node(db), 0
        while not stop.is_set() and day < 400:
            try:  # a new day each round, so every scan of a valid code checks in
                checkin.scan(db, node, CODES[day % 8], now=DAY1_MORNING + timedelta(days=day))
            except sqlite3.Error as exc:
                failures.append(exc)
            day += 1
        db.close()

    worker = threading.Thread(target=scanner)
    worker.start()
    try:
        copies = [backup.backup(db_path, tmp_path / f"copy{i}.sqlite3") for i in range(6)]
    finally:
        stop.set()
        worker.join()
    assert failures == []  # the copy never made a scan fail or wait past its timeout
    for info in copies:
        ops, rows = consistent(info.path)
        assert ops == rows  # each op came with its effect: no copy caught half a scan


def test_backup_command_says_what_it_wrote_and_will_not_overwrite(db_path: Path, tmp_path) -> None:
    target = tmp_path / "usb" / "kiosk.sqlite3"
    code, out = run("--db", str(db_path), "backup", str(target))
    assert code == 0, out
    assert str(target) in out and "Test Conference" in out and "operations" in out
    code, out = run("--db", str(db_path), "backup", str(target))
    assert code == 1 and "already exists (use --force" in out
    code, out = run("--db", str(db_path), "backup", str(target), "--force")
    assert code == 0, out
    assert backup.last_backup(db_path) == str(target.resolve())


def test_backup_of_a_missing_database_creates_nothing(tmp_path) -> None:
    code, out = run("--db", str(tmp_path / "none.sqlite3"), "backup", str(tmp_path / "b"))
    assert code == 1 and "no database" in out
    assert not (tmp_path / "none.sqlite3").exists()


def damage(path: Path) -> None:
    """Writes garbage over the middle pages, as a failing disk or a yanked stick might."""
    data = bytearray(path.read_bytes())
    size = 4096
    for page in range(2, len(data) // size - 1):
        data[page * size : page * size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


@pytest.fixture
def saved(db_path: Path, tmp_path: Path) -> Path:
    return backup.backup(db_path, tmp_path / "saved.sqlite3").path


def refusal(db_path: Path, source: Path, *extra: str) -> str:
    code, out = run("--db", str(db_path), "restore", str(source), *extra)
    assert code == 1, out
    assert len(out.strip().splitlines()) == 1  # one line that says why
    return out


def test_restore_refuses_a_damaged_file(db_path: Path, saved: Path) -> None:
    damage(saved)
    assert "damaged" in refusal(db_path, saved, "--force")


def test_restore_refuses_a_file_that_is_not_kiosk(db_path: Path, tmp_path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE photo (id)").connection.close()
    assert "not a Kiosk database" in refusal(db_path, other, "--force")
    (tmp_path / "notes.txt").write_text("hello " * 1000)
    assert "not a database" in refusal(db_path, tmp_path / "notes.txt")


def test_restore_refuses_a_newer_schema(db_path: Path, saved: Path) -> None:
    sqlite3.connect(saved).execute("PRAGMA user_version = 9999").connection.close()
    assert "newer Kiosk" in refusal(db_path, saved, "--force")


def test_restore_refuses_another_node_or_event_unless_forced(db_path: Path, saved: Path) -> None:
    db = sqlite3.connect(saved)
    db.execute("UPDATE setting SET value = 'venue-elsewhere' WHERE key = 'node_id'")
    db.commit()
    db.close()
    assert "backup of node venue-elsewhere" in refusal(db_path, saved)
    code, out = run("--db", str(db_path), "restore", str(saved), "--force")
    assert code == 0, out
    assert Path(f"{db_path}.before-restore").is_file()


def test_restore_refuses_another_event(db_path: Path, saved: Path) -> None:
    db = sqlite3.connect(saved)
    db.execute("UPDATE event SET name = 'Another Conference'")
    db.commit()
    db.close()
    assert "holds event 'Another Conference'" in refusal(db_path, saved)


def test_restore_refuses_while_the_database_is_in_use(db_path: Path, saved: Path) -> None:
    holder = open_db(db_path)  # as kiosk serve holds it
    try:
        assert "in use" in refusal(db_path, saved)
    finally:
        holder.close()


def test_restore_keeps_the_old_database_aside(db_path: Path, saved: Path) -> None:
    db = open_db(db_path)
    checkin.scan(db, load_node(db), "KN-JOSE01", now=DAY1_MORNING)
    epoch = db.execute("SELECT value FROM sync_state WHERE key = 'epoch'").fetchone()
    db.close()
    code, out = run("--db", str(db_path), "restore", str(saved))
    assert code == 0, out
    assert "kept as" in out and "Restored" in out
    assert consistent(Path(f"{db_path}.before-restore")) == (1, 1)  # the scan is kept there
    assert consistent(db_path) == (0, 0)
    db = open_db(db_path)
    fresh = db.execute("SELECT value FROM sync_state WHERE key = 'epoch'").fetchone()
    db.close()
    assert fresh is not None and fresh != epoch  # peers re-pull from the start


def _venue(path: Path) -> sqlite3.Connection:
    db = open_db(path)
    with transaction(db):
        put_setting(db, "node_id", "venue-north")
    return db


def _sync(venue: sqlite3.Connection, ho: sqlite3.Connection) -> client.Round:
    target = LocalTransport(lambda: replication.local(ho))
    return client.sync_once(replication.local(venue), "http://ho", target)


def _scan(db: sqlite3.Connection, code: str) -> str:
    outcome = checkin.scan(db, load_node(db), code, now=DAY1_MORNING)
    assert outcome.checkin_op_id
    return outcome.checkin_op_id


def test_a_restored_venue_resyncs_without_doubling(db_path: Path, tmp_path: Path) -> None:
    ho, venue_path = open_db(db_path), tmp_path / "venue.sqlite3"
    venue = _venue(venue_path)
    _sync(venue, ho)
    early = [_scan(venue, c) for c in CODES[:3]]
    _sync(venue, ho)
    backup.backup(venue_path, tmp_path / "venue-backup.sqlite3")
    later = [_scan(venue, c) for c in CODES[3:6]]  # synced, then lost with the disk
    _sync(venue, ho)
    venue.close()
    backup.restore(venue_path, tmp_path / "venue-backup.sqlite3")
    venue = open_db(venue_path)
    after = _scan(venue, CODES[6])
    done = _sync(venue, ho)
    assert done.new == len(later)  # head office gives back what the backup lacked
    ids = {r[0] for r in venue.execute("SELECT op_id FROM op")}
    assert ids == {r[0] for r in ho.execute("SELECT op_id FROM op")}
    assert set(early + later + [after]) <= ids
    out = io.StringIO()
    reports.export_checkins(ho, out)
    rows = csv.DictReader(io.StringIO(out.getvalue()))
    counts = {r["attendee_id"]: int(r["checkins"]) for r in rows}
    assert sorted(c for c in counts.values() if c) == [1] * 7  # each arrival once
    venue.close()
    ho.close()


def test_start_up_refuses_a_damaged_database_and_names_the_fix(db_path: Path, saved) -> None:
    damage(db_path)
    with pytest.raises(DatabaseError, match=f"kiosk --db {db_path} restore {saved}"):
        create_app({"DATABASE": str(db_path), "TESTING": True, "SECRET_KEY": "x"})
    done = subprocess.run([KIOSK, "--db", str(db_path), "serve", "--port", "1"],
                          capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert "damaged" in done.stderr and f"restore {saved}" in done.stderr
