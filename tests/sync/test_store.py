"""The promises of `sync.store.Log` the protocol relies on, checked on every implementation.

`store` builds a fresh, empty log; another implementation (head office's shared database)
joins by adding a builder to BUILDERS, and must pass the same tests.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.db import open_db, transaction
from kiosk.headoffice import events
from kiosk.headoffice.database import Database, migrate
from kiosk.headoffice.eventlog import EventLog
from sync.hlc import Clock
from sync.oplog import Op, content_hash, new_op, settle_copies
from sync.sqlitelog import SqliteLog
from sync.store import Log
from tests.support import postgres


def _sqlite(tmp_path: Path) -> Iterator[Log]:
    db = open_db(tmp_path / "log.sqlite3")
    yield SqliteLog(db, transaction)
    db.close()


def _headoffice(url: str) -> Iterator[Log]:
    """One event's log in a head office that holds another event's ops beside it."""
    db = Database(url)
    migrate(db)
    with db.transaction():
        other = events.register(db, "other", "Other event", "2026-12-01")
        mine = events.register(db, "mine", "This event", "2026-12-01")
    neighbour = EventLog(db, other.event_id)
    with neighbour.transaction():
        neighbour.insert_page(_ops(3, "elsewhere"), None)
    yield EventLog(db, mine.event_id)
    db.close()


NUMBERS = itertools.count(1)
BUILDERS: dict[str, Callable[[Path], Iterator[Log]]] = {"sqlite": _sqlite}


@pytest.fixture(params=[*sorted(BUILDERS), "headoffice-sqlite", "headoffice-postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Log]:
    if request.param == "headoffice-sqlite":
        yield from _headoffice(str(tmp_path / "headoffice.sqlite3"))
    elif request.param == "headoffice-postgresql":
        base = request.getfixturevalue("postgres_cluster")
        yield from _headoffice(postgres.fresh_database(base, f"log_{next(NUMBERS)}"))
    else:
        yield from BUILDERS[request.param](tmp_path)


def _ops(count: int, node: str = "north") -> list[Op]:
    clock = Clock(node)
    return [new_op(clock, "attendee_upsert", f"a-{i}", {"fields": {"n": i}}) for i in range(count)]


def _put(store: Log, ops: list[Op], sender: str | None = None) -> list[Op]:
    with store.transaction():
        return store.insert_page(ops, sender)


def test_an_op_sent_twice_is_held_once(store: Log) -> None:
    op, other = _ops(2)
    assert _put(store, [op]) == [op]
    assert _put(store, [op, other, other]) == [other]  # a retry, and a page repeating an op
    assert (store.high(), store.count_from("north"), store.count_from("south")) == (2, 2, 0)
    assert store.get(op.op_id) == op
    assert store.held_ids([op.op_id, other.op_id, "0-not-held"]) == {op.op_id, other.op_id}


def test_pages_come_in_local_order_from_any_cursor(store: Log) -> None:
    ops = _ops(5)
    _put(store, ops[3:] + ops[:3])  # stored in the order received, not the order made
    first = store.after(0, 2)
    rest = store.after(first[-1][0], 10)
    assert [op for _, op in first + rest] == ops[3:] + ops[:3]
    seqs = [seq for seq, _ in first + rest]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert store.after(seqs[-1], 10) == []
    assert store.after(0, -1) == first + rest
    assert [store.op_at(seq) for seq in seqs] == [op.op_id for _, op in first + rest]
    assert store.op_at(seqs[-1] + 1) is None
    assert store.high() == seqs[-1]


def test_an_empty_log_has_nothing_to_page(store: Log) -> None:
    assert (store.high(), store.after(0, 10), store.latest_stamp()) == (0, [], None)


def test_a_replaced_copy_takes_a_new_seq_so_it_travels_on(store: Log) -> None:
    first, second = _ops(2)
    _put(store, [first, second])
    cursor = store.high()  # a peer has pulled both
    other = dataclasses.replace(first, payload={"fields": {"n": "other"}})
    with store.transaction():
        store.replace(other, "south")
    assert store.get(first.op_id) == other
    assert store.after(cursor, 10) == [(store.high(), other)]
    assert store.high() > cursor
    assert [op.op_id for _, op in store.after(0, -1)] == [second.op_id, first.op_id]


def test_every_log_keeps_the_same_copy_whatever_order_they_came_in(store: Log) -> None:
    op = _ops(1)[0]
    other = dataclasses.replace(op, payload={"fields": {"n": "other"}})
    low, high = sorted((op, other), key=content_hash)
    _put(store, [high])
    with store.transaction():
        assert settle_copies(store, [low], "south") == ([low], [low], [high])
        assert settle_copies(store, [high], "south") == ([low], [], [high])  # stays
    assert store.get(op.op_id) == low
    assert store.count_from(op.origin) == 1


def test_held_ops_and_ids_under_a_prefix(store: Log) -> None:
    ops = _ops(4)
    _put(store, ops[::-1])
    ids = sorted(op.op_id for op in ops)
    assert store.ids_under("") == ids
    assert store.ids_under(ids[0][:36]) == [ids[0]]
    assert store.ids_under("f" * 36) == []
    assert store.held_ops([ops[0].op_id, ops[3].op_id, "0-not-held"]) == [ops[3], ops[0]]


def test_the_latest_stamp_is_the_highest_held(store: Log) -> None:
    ops = _ops(3) + _ops(1, node="south")
    _put(store, ops[::-1])
    assert store.latest_stamp() == max(op.hlc for op in ops)


def test_a_failed_transaction_leaves_nothing_and_nested_ones_join(store: Log) -> None:
    op, other = _ops(2)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_page([op], None)
        with store.transaction():  # joins: the failure below undoes this page too
            store.insert_page([other], None)
        raise RuntimeError("the page's cursor could not be saved")
    assert store.high() == 0 and store.held_ids([op.op_id, other.op_id]) == set()


def test_the_epoch_stays_until_the_log_goes_back(store: Log) -> None:
    with store.transaction():
        epoch = store.epoch()
    assert store.ready_epoch() == epoch
    with store.transaction():
        assert store.epoch() == epoch
    assert store.rewound_at() is None
    before = time.time_ns() // 1_000_000
    with store.transaction():
        fresh = store.new_epoch()
    assert fresh != epoch
    assert store.ready_epoch() == fresh
    assert store.rewound_at() is not None and store.rewound_at() >= before


def test_a_seal_names_one_op_at_one_seq_in_one_epoch(store: Log) -> None:
    with store.transaction():
        epoch = store.epoch()
    seal = store.seal(epoch, 7, "op-a")
    assert seal and store.seal(epoch, 7, "op-a") == seal
    assert seal not in {store.seal(epoch, 7, "op-b"), store.seal(epoch, 8, "op-a"),
                        store.seal("another", 7, "op-a")}  # fmt: skip


def test_a_token_speaks_for_its_first_node_only(store: Log) -> None:
    assert store.device_node(1) is None
    with store.transaction():
        assert store.bind_device(1, "north")
        assert store.bind_device(1, "north")
        assert not store.bind_device(1, "south")
        assert store.bind_device(2, "south")
    assert (store.device_node(1), store.device_node(2)) == ("north", "south")


def test_a_node_id_belongs_to_its_first_machine(store: Log) -> None:
    with store.transaction():
        assert store.bind_machine("north", "machine-1")
        assert store.bind_machine("north", "machine-1")
        assert not store.bind_machine("north", "machine-2")  # a copy of north's database
        assert store.bind_machine("south", "machine-2")
