"""Erasing one person at a venue: state, search, log, badge files and the file's bytes."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from pathlib import Path

from kiosk.db import open_db, transaction
from kiosk.desk import checkin, reports, search
from kiosk.replication import fold, peering
from kiosk.replication.node import Node
from sync import server
from sync.hlc import Clock
from sync.oplog import Op, all_ops, new_op
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


def _arrivals(tmp_path: Path, name: str, ops: list[Op], page: int) -> sqlite3.Connection:
    """A fresh node that receives `ops` in this order, `page` at a time, as sync hands them."""
    db = open_db(tmp_path / f"{name}.sqlite3")
    for start in range(0, len(ops), page):
        server.ingest(peering.local(db), ops[start : start + page], "peer")
    return db


def _everything(db: sqlite3.Connection) -> tuple:
    tables = ("SELECT * FROM attendee_erasure", "SELECT * FROM field_edit ORDER BY op_id, field")
    rows = [tuple(map(tuple, db.execute(sql))) for sql in tables]
    return (tuple(sorted(map(repr, all_ops(db)))), tuple(_state(db)), *rows)


def test_every_order_of_arrival_gives_the_same_scrubbed_log_and_state(tmp_path: Path) -> None:
    """Edits, a printed badge, a note of a copy and two erasures, in any order and paging."""
    clock = {node: Clock(node) for node in ("ho", "north", "south")}
    person = {"code": "S-1", "first_name": "Sri", "last_name": "Wahyuni", "email": "sri@x.id"}
    create = new_op(clock["ho"], "attendee_upsert", "a-sri", {"fields": person})
    ops = [
        create,
        new_op(clock["north"], "attendee_upsert", "a-sri", {"fields": {"company": "Batik Sri"},
                                                              "seen": {"company": ""}}),
        new_op(clock["south"], "badge_printed", "a-sri", {"name": "Sri Wahyuni", "at": "x"}),
        new_op(clock["north"], "checkin", "a-sri", {"at": "x", "day": "2026-12-01", "code": "S-1"}),
        new_op(clock["ho"], "attendee_erase", "a-sri", {"at": "x", "by": "Dewi", "reason": ""}),
        new_op(clock["south"], "attendee_upsert", "a-sri", {"fields": {"note": "Sri's sister",
                                                                       "ticket_type": "VIP"}}),
        new_op(clock["north"], "op_copy_seen", create.op_id, {"kind": "attendee_upsert",
               "entity": "a-sri", "hash": "ab", "origin": "ho", "hlc": create.hlc,
               "payload": create.payload}),
        new_op(clock["south"], "attendee_erase", "a-sri", {"at": "y", "by": "Ana", "reason": ""}),
    ]  # fmt: skip
    orders = [ops, ops[::-1], [*ops[4:], *ops[:4]], random.Random(7).sample(ops, len(ops))]
    seen = {_everything(_arrivals(tmp_path, f"n{i}-{page}", order, page))
            for i, order in enumerate(orders) for page in (1, len(ops))}  # fmt: skip
    assert len(seen) == 1
    [(log, state, erasures, _)] = seen
    assert not [t for t in ("Sri", "Wahyuni", "sri@x.id", "Batik") if t in " ".join(log)]
    assert [e[1] for e in erasures] == [min(ops[4].op_id, ops[7].op_id)]  # the lower one marks
    assert state[0][1:3] == ("", "")  # no first name, no e-mail
