"""Erasing one person at a venue: state, search, log, badge files and the file's bytes."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from kiosk.db import transaction
from kiosk.desk import checkin, reports, search
from kiosk.replication import fold
from kiosk.replication.node import Node
from sync.oplog import all_ops
from tests.conftest import DAY1_MORNING

JOSE = ("José", "Ñúñez", "jose.nunez", "Café Ñandú")  # a-jose's personal data, as stored
ERASE = {"at": "2026-12-09T10:00:00Z", "by": "Dewi (privacy desk)", "reason": "art. 17"}


def _row(db: sqlite3.Connection, attendee_id: str = "a-jose") -> tuple:
    return tuple(db.execute("SELECT first_name, last_name, email, company, note, block_note,"
                            " code, status FROM attendee WHERE attendee_id = ?",
                            (attendee_id,)).fetchone())  # fmt: skip


def _log_holds(db: sqlite3.Connection, *texts: str) -> list[str]:
    return [t for t in texts if any(t in str(op.payload) for op in all_ops(db))]


def _file_holds(db: sqlite3.Connection, path: Path, *texts: str) -> list[str]:
    """Which texts the database file's bytes still hold once its WAL is copied in and emptied."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes() + Path(f"{path}-wal").read_bytes()
    return [t for t in texts if t.encode() in raw]


def test_an_erasure_blanks_the_person_everywhere_but_their_arrivals_still_count(
    db: sqlite3.Connection, db_path: Path, node: Node
) -> None:
    checkin.scan(db, node, "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    with transaction(db):
        node.record(db, "attendee_upsert", "a-jose", {"fields": {"note": "Vegan, José's pass"}})
    assert [r["attendee_id"] for r in search.find(db, "Ñúñez")] == ["a-jose"]
    assert _file_holds(db, db_path, *JOSE, "Vegan") == [*JOSE, "Vegan"]  # the check can see
    with transaction(db):
        erase = node.record(db, "attendee_erase", "a-jose", ERASE)
    assert _row(db) == ("", "", "", "", "", "", "KN-JOSE01", "valid")
    assert search.find(db, "Ñúñez") == [] and search.find(db, "jose.nunez") == []
    assert [r["attendee_id"] for r in search.find(db, "Josefina")] == ["a-josefina"]
    assert _log_holds(db, *JOSE, "Vegan") == []
    scrubbed = [op for op in all_ops(db) if op.payload.get("erased")]
    assert scrubbed and {op.payload["erased"] for op in scrubbed} == {erase.op_id}
    assert reports.arrived_on(db, "2026-12-01") == 1  # the arrival stands
    out = io.StringIO()
    reports.export_checkins(db, out)
    [row] = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["code"] == "KN-JOSE01"]
    assert (row["first_name"], row["status"], row["checkins"]) == ("", "erased", "1")
    assert _file_holds(db, db_path, *JOSE, "Vegan") == []


def test_a_later_edit_of_an_erased_person_keeps_their_fields_empty(
    db: sqlite3.Connection, node: Node
) -> None:
    with transaction(db):
        node.record(db, "attendee_erase", "a-jose", ERASE)
        node.record(db, "attendee_upsert", "a-jose", {"fields": {"first_name": "José",
                                                                "ticket_type": "VIP"}})  # fmt: skip
    assert _row(db)[:4] == ("", "", "", "") and _log_holds(db, "José") == []


def test_a_rebuild_from_the_scrubbed_log_gives_the_state_the_erasure_left(
    db: sqlite3.Connection, node: Node
) -> None:
    checkin.scan(db, node, "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    with transaction(db):
        node.record(db, "attendee_erase", "a-jose", ERASE)
    before = _state(db)
    with transaction(db):
        fold.rebuild(db, all_ops(db))
    assert _state(db) == before


def _state(db: sqlite3.Connection) -> list[tuple]:
    return [tuple(r) for r in db.execute(
        "SELECT a.attendee_id, a.first_name, a.email, a.versions, f.name FROM attendee a"
        " LEFT JOIN attendee_fts f ON f.rowid = a.id ORDER BY a.attendee_id")]  # fmt: skip
