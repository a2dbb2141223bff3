"""A synced page applied in bulk gives exactly the state of applying its ops one by one."""

import json
import shutil
import sqlite3
from pathlib import Path

from kiosk.db import open_db, transaction
from kiosk.desk import search
from kiosk.replication import fold
from kiosk.replication.node import load_node
from sync.hlc import Clock
from sync.oplog import Op, all_ops, insert, insert_page, new_op
from tests.conftest import seed
from tests.test_fold import state

QUERIES = ("guðmundsdóttir", "gudmundsdottir", "gudmundsdotir", "siobhan", "o'brien", "brennan",
           "kavanagh", "kavanah", "trinity", "dublin.example", "galway", "ruiz", "rahmawati",
           "nurhaliza", "nurhaliza siti", "kn-siti01", "walk")  # fmt: skip


def _edit(db: sqlite3.Connection, clock: Clock, attendee_id: str, **fields: str) -> Op:
    row = db.execute("SELECT versions FROM attendee WHERE attendee_id = ?", (attendee_id,))
    held = json.loads(row.fetchone()[0])
    return new_op(clock, "attendee_upsert", attendee_id, {"fields": fields, "source": "edit",
                  "staff": "Ana", "seen": {k: held.get(k, "") for k in fields}})  # fmt: skip


def page(db: sqlite3.Connection) -> list[Op]:
    """Head office's page: renames (one twice, one a word that leaves the index and comes
    back), e-mail and company changes, a note and a status change, an attendee created and
    edited in the same page, and a walk-in."""
    clock = Clock("headoffice")
    return [
        _edit(db, clock, "a-obrien", last_name="Brennan"),
        _edit(db, clock, "a-obrien", email="siobhan@galway.example"),
        _edit(db, clock, "a-gudrun", last_name="Kavanagh"),
        _edit(db, clock, "a-siti", last_name="Rahmawati"),
        _edit(db, clock, "a-siti", last_name="Nurhaliza"),  # the word leaves and comes back
        _edit(db, clock, "a-josefina", company="Universidad de Galway"),
        _edit(db, clock, "a-jose", note="Speaker at 10:00"),
        _edit(db, clock, "a-wang", status="cancelled"),
        new_op(
            clock,
            "attendee_upsert",
            "a-new",
            {
                "fields": {
                    "code": "KN-NEW001",
                    "first_name": "Nadia",
                    "last_name": "Putri",
                    "status": "valid",
                }
            },
        ),
        new_op(clock, "attendee_upsert", "a-new", {"fields": {"last_name": "Kavanagh"}}),
        new_op(
            clock,
            "attendee_upsert",
            "a-walk",
            {
                "fields": {
                    "code": "W-WALK0001",
                    "first_name": "Walk",
                    "last_name": "In",
                    "source": "walkin",
                }
            },
        ),
    ]


def _copies(tmp_path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    first = open_db(tmp_path / "bulk.sqlite3")
    seed(first, load_node(first))
    first.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    first.close()
    shutil.copy(tmp_path / "bulk.sqlite3", tmp_path / "one.sqlite3")
    return open_db(tmp_path / "bulk.sqlite3"), open_db(tmp_path / "one.sqlite3")


def found(db: sqlite3.Connection) -> dict[str, list[str]]:
    return {q: [r["attendee_id"] for r in search.find(db, q)] for q in QUERIES}


def _from_scratch(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The search rows the attendee table calls for, as `state` lists them."""
    rows = db.execute("SELECT * FROM attendee").fetchall()
    by_id = {row["id"]: row["attendee_id"] for row in rows}
    return sorted((by_id[r[0]], "|".join(r[1:])) for r in map(search.index_row, rows))


def test_a_page_applied_in_bulk_equals_its_ops_applied_one_by_one(tmp_path: Path) -> None:
    bulk, one = _copies(tmp_path)
    ops = page(bulk)
    with transaction(bulk):
        fold.apply_many(bulk, insert_page(bulk, ops, received_from="headoffice"))
    with transaction(one):
        for op in ops:
            insert(one, op)
            fold.apply(one, op)
    assert state(bulk) == state(one)
    assert state(bulk)["search"] == _from_scratch(bulk)  # nothing an edit changed was skipped
    assert found(bulk) == found(one)
    assert found(bulk)["brennan"] == ["a-obrien"]  # the page really changed the index
    assert sorted(found(bulk)["kavanah"]) == ["a-gudrun", "a-new"]  # a new word, one typo away
    assert found(bulk)["o'brien"] == [] and found(bulk)["nurhaliza"] == ["a-siti"]


def test_rebuilding_after_a_bulk_page_gives_the_same_state(tmp_path: Path) -> None:
    bulk, _ = _copies(tmp_path)
    with transaction(bulk):
        fold.apply_many(bulk, insert_page(bulk, page(bulk), received_from="headoffice"))
    before = state(bulk), found(bulk)
    with transaction(bulk):
        fold.rebuild(bulk, all_ops(bulk))
    assert (state(bulk), found(bulk)) == before
