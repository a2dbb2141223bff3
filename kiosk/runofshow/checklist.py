"""Each session's readiness checklist: ticks as ops, their fold rule, and what is not ready.

A tick (`readiness_tick`) names the session, the item and done true or false; per session and
item the newest tick by clock stamp wins, so ushers ticking one checklist on two tablets while
apart end with one checklist. The checklist is keyed by session, so a room change takes it
along; but a new room is neither open nor tested yet, so "room open" and "AV tested" count only
when ticked after the session's latest room change. That is read, not written: the ticks stay
in the log, and the answer is the same whatever order the change and the ticks arrive in.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.desk.checkin import utc_iso
from kiosk.replication import fold, shapes
from kiosk.replication.codes import version_order
from kiosk.rooms import schedule
from sync.hlc import Stamp
from sync.oplog import Op

if TYPE_CHECKING:
    from kiosk.replication.node import Node

ITEMS = ("room_open", "av_tested", "speaker", "mic", "slides")
ROOM_BOUND = frozenset({"room_open", "av_tested"})  # reset by a room change
TABLE = "readiness"


def _apply_tick(db: sqlite3.Connection, op: Op) -> None:
    """The newest tick of an item wins (by stamp, then op id)."""
    item = op.payload.get("item")
    if item not in ITEMS:
        return  # an item a newer version knows: kept in the log, not on this checklist
    mine = f"{op.hlc} {op.op_id}"
    held = db.execute(f"SELECT version FROM {TABLE} WHERE session_id = ? AND item = ?",  # noqa: S608
                      (op.entity, item)).fetchone()  # fmt: skip
    if held is not None and version_order(held[0]) >= version_order(mine):
        return
    p = op.payload
    db.execute(
        f"INSERT INTO {TABLE} (session_id, item, done, by_staff, at, hlc, version)"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, item) DO UPDATE SET"
        " done = excluded.done, by_staff = excluded.by_staff, at = excluded.at,"
        " hlc = excluded.hlc, version = excluded.version",
        (op.entity, item, int(p.get("done") is True), str(p.get("staff", "")),
         str(p.get("at", "")), op.hlc, mine),
    )  # fmt: skip


SHAPE: shapes.Shape = {"item": shapes.text(40), "done": shapes.flag(), "staff": shapes.text(),
                       "at": shapes.text()}  # fmt: skip
fold.register({"readiness_tick": _apply_tick}, (TABLE,), {"readiness_tick": SHAPE})


@dataclass(frozen=True)
class Tick:
    """One item of a checklist as people see it."""

    item: str
    done: bool
    by: str
    at: str
    reset_by_move: bool  # ticked, but before the room changed


def last_move(db: sqlite3.Connection, session_id: str) -> str:
    """The stamp of the session's latest room change that changed its room ('' if none)."""
    return last_moves(db, [session_id]).get(session_id, "")


def last_moves(db: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """The latest room change's stamp of each of these sessions that moved, in one query."""
    found: dict[str, Stamp] = {}
    for session_id, hlc in db.execute(
        "SELECT session_id, hlc FROM room_change WHERE to_room != from_room AND session_id IN"
        " (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ):
        stamp = Stamp.parse(hlc)
        if session_id not in found or found[session_id] < stamp:
            found[session_id] = stamp
    return {k: str(v) for k, v in found.items()}


def ticks_from(rows: list[sqlite3.Row], moved: str) -> list[Tick]:
    """A whole checklist from its stored ticks and the stamp of the last room change."""
    held = {r["item"]: r for r in rows}
    moved_at = Stamp.parse(moved) if moved else None
    found = []
    for item in ITEMS:
        r = held.get(item)
        stale = bool(r and r["done"] and item in ROOM_BOUND and moved_at is not None
                     and Stamp.parse(r["hlc"]) < moved_at)  # fmt: skip
        found.append(Tick(item, bool(r and r["done"]) and not stale, r["by_staff"] if r else "",
                          r["at"] if r else "", stale))  # fmt: skip
    return found


def checklist(db: sqlite3.Connection, session_id: str) -> list[Tick]:
    """One session's checklist, every item in its fixed order."""
    return checklists(db, [session_id])[session_id]


def checklists(db: sqlite3.Connection, ids: list[str]) -> dict[str, list[Tick]]:
    """The checklists of these sessions, in two queries whatever their number."""
    held: dict[str, list[sqlite3.Row]] = {i: [] for i in ids}
    for r in db.execute(f"SELECT * FROM {TABLE} WHERE session_id IN"  # noqa: S608
                        " (SELECT value FROM json_each(?))", (json.dumps(ids),)):  # fmt: skip
        held[r["session_id"]].append(r)
    moves = last_moves(db, ids)
    return {i: ticks_from(rows, moves.get(i, "")) for i, rows in held.items()}


def tick(db: sqlite3.Connection, node: Node, session_id: str, item: str, done: bool, staff: str,
         at: str) -> Op:  # fmt: skip
    """Records one tick (inside the caller's transaction); it sorts after the last room change
    this node knows, so ticking the new room's items counts even when that change's clock ran
    fast."""
    if item not in ITEMS:
        raise ValueError(f"unknown checklist item {item!r}")
    payload = {"item": item, "done": done, "staff": staff, "at": at}
    return node.record(db, "readiness_tick", session_id, payload,
                       after=last_move(db, session_id) or None)  # fmt: skip


@dataclass(frozen=True)
class Pending:
    """A session starting soon, and the items not ticked yet."""

    session: sqlite3.Row
    missing: tuple[str, ...]


def not_ready(db: sqlite3.Connection, now: datetime, within: timedelta) -> list[Pending]:
    """Sessions running now or starting within `within`, with items not ticked."""
    rows = schedule.session_rows(db, "WHERE s.starts_at != '' AND s.ends_at > ? AND s.starts_at"
                                     " <= ?", (utc_iso(now), utc_iso(now + within)))  # fmt: skip
    lists = checklists(db, [r["session_id"] for r in rows])
    found = []
    for row in rows:
        missing = tuple(t.item for t in lists[row["session_id"]] if not t.done)
        if missing:
            found.append(Pending(row, missing))
    return found
