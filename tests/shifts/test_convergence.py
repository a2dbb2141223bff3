"""Two venue machines change one shift and one checklist while apart: every order of arrival,
with duplicates, folds to one state, and that state is the plain reading of the ops."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.clock import FixedClock
from kiosk.db import open_db, transaction
from kiosk.replication import fold
from kiosk.replication.node import Node
from kiosk.rooms import moves
from kiosk.runofshow import checklist
from kiosk.shifts import roster, store
from sync.hlc import Clock, Stamp
from sync.oplog import Op, all_ops

pytestmark = pytest.mark.usefixtures("shifts_loaded")
DUMPS = {
    "shift": "SELECT shift_id, person, badge_code, role, place, starts_at, ends_at, status"
             " FROM shift ORDER BY shift_id",
    "shift_checkin": "SELECT op_id, shift_id, person FROM shift_checkin ORDER BY op_id",
    "readiness": "SELECT session_id, item, done, by_staff FROM readiness ORDER BY 1, 2",
}  # fmt: skip


def _copy(source: Path, target: Path) -> sqlite3.Connection:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return open_db(target)


def _apart(db_path: Path, tmp_path: Path, clock: FixedClock) -> tuple[Path, list[Op]]:
    """Venue A and venue B, each from the same start, change usher-kamboja and the workshop."""
    base = tmp_path / "base.sqlite3"
    _copy(db_path, base).close()
    before = {op.op_id for op in all_ops(open_db(base))}
    a, b = _copy(base, tmp_path / "a.sqlite3"), _copy(base, tmp_path / "b.sqlite3")
    venue_a, venue_b = Node("venue-a", Clock("venue-a")), Node("venue-b", Clock("venue-b"))
    now = clock.now()
    with transaction(a):
        shift = roster.as_shift(store.shift(a, "usher-kamboja"))
        roster.check_in(a, venue_a, shift, "Ana", now)
        roster.reassign(a, venue_a, "usher-kamboja", "Sukarno", "Budi")
        checklist.tick(a, venue_a, "workshop", "mic", True, "Ana", "t")
        checklist.tick(a, venue_a, "workshop", "av_tested", True, "Ana", "t")
    with transaction(b):
        roster.reassign(b, venue_b, "usher-kamboja", "Putu Wijaya", "Budi")
        roster.set_shift(
            b, venue_b, "usher-kamboja", {"ends_at": "2026-12-01T06:00:00.000Z"}, "Budi"
        )
        checklist.tick(b, venue_b, "workshop", "mic", False, "Rahul", "t")
        moves.move(
            b, venue_b, moves.preview(b, "workshop", "kenanga", now), "Budi", "projector", "t"
        )
        checklist.tick(b, venue_b, "workshop", "room_open", True, "Rahul", "t")
    new = [op for db in (a, b) for op in all_ops(db) if op.op_id not in before]
    return base, new


def _state(db: sqlite3.Connection) -> dict:
    found = {name: [tuple(r) for r in db.execute(sql)] for name, sql in DUMPS.items()}
    found["checklist"] = checklist.checklist(db, "workshop")
    return found


def _rank(op: Op) -> tuple[Stamp, str]:
    return Stamp.parse(op.hlc), op.op_id


def _meant(ops: list[Op]) -> dict[tuple[str, str], object]:
    """The plain reading: per shift field and per checklist item, the op ranked last wins."""
    winners: dict[tuple[str, str], Op] = {}
    for op in ops:
        names = op.payload["fields"] if op.kind == "shift_set" else (
            [op.payload["item"]] if op.kind == "readiness_tick" else [])  # fmt: skip
        for name in names:
            key = (op.entity, name)
            if key not in winners or _rank(winners[key]) < _rank(op):
                winners[key] = op
    return {k: (op.payload["fields"][k[1]] if op.kind == "shift_set" else op.payload["done"])
            for k, op in winners.items()}  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.randoms(use_true_random=False))
def test_any_order_with_duplicates_gives_one_state(db_path, tmp_path, clock, order) -> None:
    base, ops = _apart(db_path, tmp_path, clock)
    results = []
    for n in range(2):
        shuffled = ops + order.sample(ops, k=len(ops) // 2)  # some arrive twice
        order.shuffle(shuffled)
        db = _copy(base, tmp_path / f"replay{n}.sqlite3")
        with transaction(db):
            fold.apply_many(db, shuffled)
        results.append(_state(db))
        db.close()
    assert results[0] == results[1]
    meant = _meant(ops)
    person = meant[("usher-kamboja", "person")]
    assert ("usher-kamboja", person) in {(r[0], r[1]) for r in results[0]["shift"]}
    assert (
        results[0]["shift"][[r[0] for r in results[0]["shift"]].index("usher-kamboja")][6]
        == "2026-12-01T06:00:00.000Z"
    )  # B's edit of the end stands beside A's or B's person
    mic = next(t for t in results[0]["checklist"] if t.item == "mic")
    assert mic.done is meant[("workshop", "mic")]


def test_a_room_change_resets_room_open_and_av_tested(db, node, clock) -> None:
    with transaction(db):
        for item in checklist.ITEMS:
            checklist.tick(db, node, "workshop", item, True, "Ana", "t")
    with transaction(db):
        moves.move(db, node, moves.preview(db, "workshop", "kenanga", clock.now()), "Budi", "AV",
                   "t")  # fmt: skip
    ticks = {t.item: t for t in checklist.checklist(db, "workshop")}
    assert [i for i, t in ticks.items() if not t.done] == ["room_open", "av_tested"]
    assert ticks["av_tested"].reset_by_move and ticks["mic"].done  # the speaker came along
    with transaction(db):
        checklist.tick(db, node, "workshop", "room_open", True, "Ana", "t")
    assert [t.item for t in checklist.checklist(db, "workshop") if not t.done] == ["av_tested"]


def test_rebuilding_from_the_log_gives_the_same_shifts_and_checklists(db, node, clock) -> None:
    shift = roster.as_shift(store.shift(db, "usher-kamboja"))
    with transaction(db):
        roster.check_in(db, node, shift, "Ana", clock.now())
        roster.reassign(db, node, "desk-am", "Sukarno", "Budi")
        checklist.tick(db, node, "workshop", "slides", True, "Ana", "t")
    before = _state(db)
    with transaction(db):
        fold.rebuild(db, all_ops(db))
    assert _state(db) == before and before["shift_checkin"]
