"""Group commit: scans that queue behind one another are saved together, each on its own terms."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk import groupcommit
from kiosk.db import open_db, transaction
from kiosk.desk import checkin
from kiosk.groupcommit import GroupCommit
from kiosk.replication.node import load_node

TABLE = "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    db = open_db(tmp_path / "g.sqlite3")
    db.execute(TABLE)
    db.close()
    return tmp_path / "g.sqlite3"


def names(path: Path) -> list[str]:
    db = open_db(path)
    try:
        return [r[0] for r in db.execute("SELECT name FROM item ORDER BY id")]
    finally:
        db.close()


def one_batch(path: Path, group: GroupCommit, calls: list) -> list:
    """Makes `calls` (each a function of a connection that goes through `group`) one batch:
    each, from its own thread, queues behind a leader held until all have queued; returns
    each caller's result or exception, in order."""
    held, release = threading.Event(), threading.Event()

    def holder(db: sqlite3.Connection, memo: dict) -> None:
        held.set()
        release.wait(10)

    def call(function):
        db = open_db(path)
        try:
            return function(db)
        except Exception as exc:  # the caller's own answer
            return exc
        finally:
            db.close()

    with ThreadPoolExecutor(len(calls) + 1) as pool:
        leader = pool.submit(call, lambda db: group.run(db, holder))
        assert held.wait(10)
        futures = []
        for function in calls:  # one at a time, so the batch keeps their order
            futures.append(pool.submit(call, function))
            queued = threading.Event()
            for _ in range(2000):  # 10 s, as long as the other waits here
                if len(group._queue) >= len(futures) or futures[-1].done():
                    break
                queued.wait(0.005)
            assert len(group._queue) == len(futures), "a call never joined the batch"
        release.set()
        assert leader.result(10) is None
        return [f.result(10) for f in futures]


def through(group: GroupCommit, works: list) -> list:
    """Each work as a call that runs it through `group`."""
    return [lambda db, work=work: group.run(db, work) for work in works]


def insert(name: str):
    def work(db: sqlite3.Connection, memo: dict) -> str:
        db.execute("INSERT INTO item (name) VALUES (?)", (name,))
        return name

    return work


def test_queued_work_shares_one_transaction_and_a_failure_stays_its_own(path):
    group = GroupCommit()
    results = one_batch(path, group, through(group, [
        insert("a"), insert("b"), insert("a"), insert("c"),  # the second "a" breaks UNIQUE
    ]))  # fmt: skip
    assert results[:2] == ["a", "b"] and results[3] == "c"
    assert isinstance(results[2], sqlite3.IntegrityError)
    assert names(path) == ["a", "b", "c"]  # the failed one left nothing behind


def test_a_commit_that_fails_fails_every_caller(path):
    db = open_db(path)
    db.executescript(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER"
        " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);"
    )
    db.close()

    def orphan(db: sqlite3.Connection, memo: dict) -> str:  # passes its statement, fails at COMMIT
        db.execute("INSERT INTO child (parent_id) VALUES (42)")
        return "orphan"

    group = GroupCommit()
    results = one_batch(path, group, through(group, [insert("x"), orphan, insert("y")]))
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
    assert names(path) == []  # nobody was acknowledged, nothing was kept


def test_a_caller_still_queued_when_time_runs_out_withdraws(path):
    group = GroupCommit(timeout=0.2)
    lock_holder = open_db(path)
    ran = []

    def work(db: sqlite3.Connection, memo: dict) -> None:
        ran.append(True)

    with ThreadPoolExecutor(2) as pool:
        with transaction(lock_holder):  # another writer of this process holds the file
            leader = pool.submit(lambda: group.run(open_db(path), work))
            while not group._leading:
                threading.Event().wait(0.01)
            follower = pool.submit(lambda: group.run(open_db(path), work))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                follower.result(10)
            assert not ran  # it withdrew before anyone ran it
        leader.result(10)  # the leader waited for the lock, then saved its own work
    assert ran == [True]
    lock_holder.close()


def test_concurrent_scans_check_each_person_in_once(db_path):
    """Eight desks scan the same six people at once, some twice with the same op_id."""
    codes = ["KN-JOSE01", "KN-OBRI01", "KN-WANG01", "KN-GUDM01", "KN-NGUY01", "KN-SUKA01"]
    sends = [(code, str(uuid.uuid4())) for code in codes for _ in range(4)]
    sends += sends[:6]  # retries of the first sends, same op_id

    def send(item):
        code, op_id = item
        db = open_db(db_path)
        try:
            outcome = checkin.scan(db, load_node(db), code, desk="D", request_id=op_id,
                                   device="token:1")  # fmt: skip
            return code, op_id, outcome
        finally:
            db.close()

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(send, sends))
    admitted = {}
    for code, op_id, outcome in outcomes:
        if outcome.decision.admitted:
            admitted.setdefault(code, set()).add(op_id)
    assert {c: len(ids) for c, ids in admitted.items()} == dict.fromkeys(codes, 1)
    db = open_db(db_path)
    stored = db.execute("SELECT count(*) FROM checkin WHERE desk = 'D'").fetchone()[0]
    db.close()
    assert stored == len(codes)


def scans_in_one_batch(db_path: Path, sends: list[tuple[str, str | None, str]]) -> list:
    """checkin.scan for each (code, op_id, device), all in a single batch."""

    def scan(code: str, op_id: str | None, device: str):
        return lambda db: checkin.scan(db, load_node(db), code, desk="D", request_id=op_id,
                                       device=device)  # fmt: skip

    db = open_db(db_path)
    group = groupcommit.group_of(db)
    db.close()
    return one_batch(db_path, group, [scan(*send) for send in sends])


def test_a_batch_decides_each_scan_as_if_alone(db_path):
    """In one batch: a second arrival, retries, an op_id another device used, a code that is
    no ticket. Each gets what it would get alone, and each person arrives once."""
    first, retry = str(uuid.uuid4()), str(uuid.uuid4())
    outcomes = scans_in_one_batch(db_path, [
        ("KN-JOSE01", first, "token:1"),
        ("KN-JOSE01", None, "token:2"),  # a second arrival the same day
        ("KN-OBRI01", retry, "token:1"),
        ("KN-OBRI01", retry, "token:1"),  # the scanner sent it again
        ("KN-OBRI01", retry, "token:2"),  # another device reusing that op_id
        ("KN-NOPE99", None, "token:1"),
        ("KN-WANG01", first, "token:1"),  # the same device reusing an op_id: a replay
    ])  # fmt: skip
    jose, again, obrien, resent, stolen, nope, reused = outcomes
    assert jose.decision.result is checkin.Result.CHECKED_IN and jose.checkin_op_id == first
    assert again.decision.result is checkin.Result.ALREADY_CHECKED_IN
    assert again.decision.previous.op_id == first
    assert obrien.decision.admitted and obrien.checkin_op_id == retry
    assert resent.replayed and resent.checkin_op_id == retry and resent.scan_id == obrien.scan_id
    assert isinstance(stolen, checkin.OpIdTaken)
    assert reused.replayed and reused.attendee_id == "a-jose" and reused.checkin_op_id == first
    assert nope.decision.result is checkin.Result.UNKNOWN_CODE
    db = open_db(db_path)
    arrived = db.execute("SELECT attendee_id, count(*) FROM checkin GROUP BY 1").fetchall()
    journal = db.execute("SELECT id, result FROM scan ORDER BY id").fetchall()
    ops = db.execute("SELECT count(*) FROM op WHERE kind = 'checkin'").fetchone()[0]
    db.close()
    assert sorted(tuple(r) for r in arrived) == [("a-jose", 1), ("a-obrien", 1)]
    assert ops == 2
    assert [r["id"] for r in journal] == sorted(
        {o.scan_id for o in (jose, again, obrien, nope)}
    )  # the replays wrote nothing, the refused op_id nothing
