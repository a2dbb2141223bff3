"""Two machines changing one incident and one delivery while apart end the same, every note kept."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

from kiosk.db import open_db, transaction
from kiosk.logistics import deliveries, incidents
from kiosk.replication import fold
from kiosk.replication.node import load_node
from sync.oplog import all_ops, insert_page
from tests.conftest import DAY1_MORNING

TABLES = ("incident", "incident_note", "incident_ack", "vendor", "delivery")


def _dump(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}")) for t in TABLES}  # noqa: S608


def _apart(tmp_path: Path) -> list:
    """Machine A reports; both then change the incident and the delivery while apart."""
    a, b = open_db(tmp_path / "a.sqlite3"), open_db(tmp_path / "b.sqlite3")
    na, nb = load_node(a), load_node(b)
    now = DAY1_MORNING
    with transaction(a):
        made = incidents.report(a, na, {"title": "Projector dead", "room_id": "melati",
                                        "area": "", "category": "av", "severity": "urgent"},
                                "Ana", now, "2026-12-01")  # fmt: skip
        parcel = deliveries.add(a, na, {"vendor": "Prima AV", "what": "Projector",
                                        "due_at": "2026-12-01T03:00:00.000Z", "room_id": "",
                                        "contact": ""}, "Budi", now, "2026-12-01")  # fmt: skip
    shared = list(all_ops(a))
    with transaction(b):
        fold.apply_many(b, shared)
    later = now + timedelta(minutes=5)
    with transaction(a):
        incidents.update(a, na, made, "assigned", "Budi", "Budi", later)
        incidents.add_note(a, na, made, "Called the rental", "Budi", later)
        deliveries.mark(a, na, parcel, "late", "Traffic", "Budi", later)
    with transaction(b):
        incidents.update(b, nb, made, "resolved", None, "Sari", later + timedelta(minutes=1))
        incidents.add_note(b, nb, made, "Spare projector from storage", "Sari", later)
        incidents.acknowledge(b, nb, made, "Sari", later)
        deliveries.mark(b, nb, parcel, "arrived", None, "Sari", later + timedelta(minutes=2))
    ops = {op.op_id: op for db in (a, b) for op in all_ops(db)}
    a.close()
    b.close()
    return list(ops.values())


def test_any_order_and_duplicates_give_one_state(tmp_path: Path) -> None:
    ops = _apart(tmp_path)
    states = []
    for seed in range(6):
        db = open_db(tmp_path / f"replica{seed}.sqlite3")
        order = ops[:]
        random.Random(seed).shuffle(order)
        with transaction(db):
            twice = order + order[: seed + 1]  # some arrive twice
            for start in range(0, len(twice), 3):
                fold.apply_many(db, twice[start : start + 3])
        states.append(_dump(db))
        incident = db.execute("SELECT status, assignee FROM incident").fetchone()
        notes = [r[0] for r in db.execute("SELECT text FROM incident_note ORDER BY text")]
        parcel = db.execute("SELECT status, note FROM delivery").fetchone()
        db.close()
        # Sari resolved last; Budi's assignment stays written; both notes are kept.
        assert tuple(incident) == ("resolved", "Budi")
        assert notes == ["Called the rental", "Spare projector from storage"]
        assert tuple(parcel) == ("arrived", "Traffic")  # the newer mark, the only note
    assert all(state == states[0] for state in states)


def test_rebuild_from_the_log_gives_the_same_tables(tmp_path: Path) -> None:
    ops = _apart(tmp_path)
    db = open_db(tmp_path / "r.sqlite3")
    with transaction(db):
        fold.apply_many(db, ops)
    before = _dump(db)
    with transaction(db):
        fold.rebuild(db, ops)
    assert _dump(db) == before


def test_the_photo_travels_inside_the_report(tmp_path: Path) -> None:
    """Another machine that receives the report shows its photo: no second transfer."""
    a, b = open_db(tmp_path / "a.sqlite3"), open_db(tmp_path / "b.sqlite3")
    jpeg = b"\xff\xd8\xff\xe0 a small jpeg"
    with transaction(a):
        made = incidents.report(a, load_node(a), {"title": "Leak", "room_id": "", "area": "lobby",
                                                  "category": "facilities",
                                                  "severity": "normal"},
                                "Ana", DAY1_MORNING, "2026-12-01", jpeg)  # fmt: skip
    with transaction(b):  # as a pulled page is taken: stored in the log, then folded
        fold.apply_many(b, insert_page(b, list(all_ops(a))))
    assert incidents.photo(b, made) == jpeg
    assert incidents.one(b, made)["photo"] == incidents.one(a, made)["photo"] != ""
