"""Applying operations to the state tables: the domain's merge rules.

Applying the same set of ops in any order, any number of times, gives the same state:
fields are last-writer-wins per field by (clock stamp, op id); check-ins and undos are
grow-only sets. Unknown kinds are kept in the log and ignored here.

The domain packages own their tables: kiosk/rooms registers its kinds' appliers and tables with
`register`, kiosk/desk keeps its search index in step with `index_attendees`, each when it is
imported (the `kiosk` package imports both), so this package never imports a domain package.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from kiosk.replication import codes, conflicts, quarantine, scrub, shapes, unapplied
from kiosk.replication.codes import version_order
from kiosk.replication.ids import valid_attendee_id
from kiosk.replication.node import FOLD
from sync.oplog import Op, OpError, all_ops, get

EVENT_FIELDS = ("name", "starts_on", "days", "timezone")
TICKET_TYPE_FIELDS = ("valid_days", "colour")
ATTENDEE_FIELDS = (
    "code", "first_name", "last_name", "email", "company",
    "ticket_type", "status", "note", "block_note", "source", "share_email",
)  # fmt: skip
Applier = Callable[[sqlite3.Connection, Op], None]
Reindex = Callable[[sqlite3.Connection, list[str]], None]  # after these attendees' fields changed
AddRows = Callable[[sqlite3.Connection, list[dict[str, Any]]], None]  # after bulk creation
STATE_TABLES = ["event", "ticket_type", "attendee", "checkin", "checkin_undo", "field_edit",
                "conflict_resolution", quarantine.TABLE]  # fmt: skip
CLAIM = {"code": "code_claim"}  # an attendee's code field is its claim (kiosk/replication/codes)
INDEX: dict[str, list[Any]] = {"reindex": [], "add": [], "fields": []}  # by `index_attendees`
# Inside `apply_many`: the attendees whose indexed fields changed, reindexed once at its end.
_PENDING: ContextVar[set[str] | None] = ContextVar("pending_reindex", default=None)


def _version(op: Op) -> str:
    return f"{op.hlc} {op.op_id}"


def merge_fields(
    db: sqlite3.Connection,
    table: str,
    key: str,
    key_value: Any,
    allowed: tuple[str, ...],
    op: Op,
    columns: dict[str, str] | None = None,
) -> set[str]:
    """Last writer wins per field: writes each field whose stamp beats the stored one.

    Returns the fields written (empty: none); domain appliers use it for their own rows.
    `columns` names the column of a field stored under another name.
    """
    fields = {k: v for k, v in op.payload.get("fields", {}).items() if k in allowed}
    row = db.execute(f"SELECT versions FROM {table} WHERE {key} = ?", (key_value,)).fetchone()  # noqa: S608
    if row is None:  # an edit of a row held already, the common case, costs two statements
        db.execute(f"INSERT INTO {table} ({key}) VALUES (?)", (key_value,))  # noqa: S608
    versions = json.loads(row[0]) if row is not None else {}
    stamp = _version(op)
    mine = version_order(stamp)
    winners = {k: v for k, v in fields.items() if version_order(versions.get(k, "")) < mine}
    if not winners:
        return set()
    versions.update(dict.fromkeys(winners, stamp))
    assignments = ", ".join(f"{(columns or {}).get(name, name)} = ?" for name in winners)
    db.execute(
        f"UPDATE {table} SET {assignments}, versions = ? WHERE {key} = ?",  # noqa: S608
        (*winners.values(), json.dumps(versions, sort_keys=True), key_value),
    )
    return set(winners)


def _event_set(db: sqlite3.Connection, op: Op) -> None:
    merge_fields(db, "event", "id", 1, EVENT_FIELDS, op)


def _ticket_type_set(db: sqlite3.Connection, op: Op) -> None:
    merge_fields(db, "ticket_type", "name", op.entity, TICKET_TYPE_FIELDS, op)


def _attendee_upsert(db: sqlite3.Connection, op: Op) -> None:
    claims = op.payload.get("fields", {}).get("code"), None
    if claims[0] is not None:  # the code it claimed before may pass to another attendee
        row = db.execute("SELECT code_claim FROM attendee WHERE attendee_id = ?", (op.entity,))
        claims = claims[0], (row.fetchone() or (None,))[0]
    written = merge_fields(db, "attendee", "attendee_id", op.entity, ATTENDEE_FIELDS, op, CLAIM)
    moved = codes.settle(db, claims) if "code" in written else set()  # scans follow the code
    if moved or not written.isdisjoint(INDEX["fields"]):  # a note or status leaves it be
        _reindex(db, sorted(moved | {op.entity}))


def _reindex(db: sqlite3.Connection, attendee_ids: list[str]) -> None:
    pending = _PENDING.get()
    if pending is not None:
        pending.update(attendee_ids)
        return
    for reindex in INDEX["reindex"]:
        reindex(db, attendee_ids)


def _checkin(db: sqlite3.Connection, op: Op) -> None:
    p = op.payload
    db.execute(
        "INSERT INTO checkin (op_id, attendee_id, at, day, desk, staff, origin, hlc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, p.get("at", ""), p.get("day", ""), p.get("desk", ""),
         p.get("staff", ""), op.origin, op.hlc),
    )  # fmt: skip


def _checkin_undo(db: sqlite3.Connection, op: Op) -> None:
    p = op.payload
    db.execute(
        "INSERT INTO checkin_undo (op_id, checkin_op_id, at, staff, reason)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, p.get("checkin_op_id", ""), p.get("at", ""), p.get("staff", ""),
         p.get("reason", "")),
    )  # fmt: skip


_ARRIVAL = dict.fromkeys(("at", "day", "desk", "staff", "code", "merged_from"), shapes.text())
SHAPES: dict[str, shapes.Shape] = {
    "event_set": shapes.edit({"name": shapes.text(), "starts_on": shapes.text(),
                              "days": shapes.whole(1, 60), "timezone": shapes.text()}),
    "ticket_type_set": shapes.edit(dict.fromkeys(TICKET_TYPE_FIELDS, shapes.text())),
    "attendee_upsert": shapes.edit(dict.fromkeys(ATTENDEE_FIELDS, shapes.text())),
    "checkin": _ARRIVAL,
    "checkin_undo": {"checkin_op_id": shapes.text(), "at": shapes.text(),
                     "staff": shapes.text(), "reason": shapes.text()},
    "conflict_resolve": conflicts.SHAPE,
}  # fmt: skip
APPLY: dict[str, Applier] = {
    "event_set": _event_set,
    "ticket_type_set": _ticket_type_set,
    "attendee_upsert": _attendee_upsert,
    "checkin": _checkin,
    "checkin_undo": _checkin_undo,
    "conflict_resolve": conflicts.apply_resolution,
}


def register(
    appliers: dict[str, Applier], tables: tuple[str, ...], payloads: dict[str, shapes.Shape]
) -> None:
    """Lets a domain package fold its own kinds into its own tables (emptied by `rebuild`).

    `payloads` declares each kind's payload shape, which every op of that kind must fit.
    """
    taken = appliers.keys() & APPLY.keys()
    if taken:
        raise ValueError(f"op kinds already applied elsewhere: {sorted(taken)}")
    if appliers.keys() != payloads.keys():
        raise ValueError(f"each kind needs an applier and a shape: {sorted(appliers)}")
    APPLY.update(appliers)
    SHAPES.update(payloads)
    STATE_TABLES.extend(t for t in tables if t not in STATE_TABLES)


def index_attendees(
    reindex: Reindex, add: AddRows, tables: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    """Lets a derived index of some attendee `fields` follow the attendee table: attendees
    whose indexed fields changed (each once per batch), or many created."""
    INDEX["reindex"].append(reindex)
    INDEX["add"].append(add)
    INDEX["fields"].extend(f for f in fields if f not in INDEX["fields"])
    STATE_TABLES.extend(t for t in tables if t not in STATE_TABLES)


ATTENDEE_ENTITY = {"attendee_upsert", "checkin", "checkin_undo"}  # kinds whose entity is one


def declare(payloads: dict[str, shapes.Shape], about_attendee: bool) -> None:
    """Declares kinds kept only in the log (read from there, never folded into a table).

    They are checked like every other kind; `about_attendee`: their entity is an attendee id.
    """
    taken = payloads.keys() & SHAPES.keys()
    if taken:
        raise ValueError(f"op kinds already declared: {sorted(taken)}")
    SHAPES.update(payloads)
    if about_attendee:
        ATTENDEE_ENTITY.update(payloads)


def check(op: Op) -> None:
    """Refuses (OpError) an op whose entity or payload does not fit its kind.

    Runs on every op before it is stored: recorded here, pushed to us or pulled from a peer.
    Kinds this version does not know are kept (and ignored by the fold) unchecked.
    """
    if op.kind in ATTENDEE_ENTITY and not valid_attendee_id(op.entity):
        raise OpError(f"{op.kind} names {op.entity[:80]!r}, which is not an attendee id")
    shape = SHAPES.get(op.kind)
    found = shapes.fault(shape, op.payload) if shape is not None else None
    if found is not None:
        raise OpError(f"{op.kind}: {found}")


def apply(db: sqlite3.Connection, op: Op) -> None:
    """Applies one op to the state tables (inside the caller's transaction)."""
    handler = APPLY.get(op.kind)
    if handler is not None:
        handler(db, op)
    else:
        unapplied.hold(db, op.kind)
    conflicts.observe(db, op)  # remembers what an editor saw, to tell concurrent edits apart


def apply_many(db: sqlite3.Connection, ops: list[Op]) -> None:
    """Applies a batch (a pulled or pushed page, or the whole log); never raises for an op.

    An op this node cannot apply is set aside with its reason (kiosk/replication/quarantine).
    """
    quarantine.apply_guarded(db, ops, _apply_batch, apply)


def _apply_batch(db: sqlite3.Connection, ops: list[Op]) -> None:
    """New attendees in bulk, the rest one by one.

    The fold does not depend on order, so creating the batch's new attendees first gives the
    same state as applying every op in turn. The search index is a function of the attendee
    rows alone, so edited attendees are reindexed once, at the end, from their final rows.
    """
    token = _PENDING.set(set())
    try:
        fresh = _creations(db, ops)
        if fresh:
            create_attendees(db, fresh)
            for op in fresh:
                conflicts.observe(db, op)
        taken = {op.op_id for op in fresh}
        for op in ops:
            if op.op_id not in taken:
                apply(db, op)
        edited = _PENDING.get()
    finally:
        _PENDING.reset(token)
    if edited:
        _reindex(db, sorted(edited))


def _creations(db: sqlite3.Connection, ops: list[Op]) -> list[Op]:
    """The attendee_upsert ops that alone create an attendee not yet held."""
    upserts: dict[str, list[Op]] = {}
    for op in ops:
        if op.kind == "attendee_upsert":
            upserts.setdefault(op.entity, []).append(op)
    candidates = [ids[0] for ids in upserts.values() if len(ids) == 1]
    wanted = json.dumps([op.entity for op in candidates])
    held = {r[0] for r in db.execute(
        "SELECT attendee_id FROM attendee WHERE attendee_id IN (SELECT value FROM json_each(?))",
        (wanted,))}  # fmt: skip
    return [op for op in candidates if op.entity not in held]


def create_attendees(db: sqlite3.Connection, ops: list[Op]) -> None:
    """Applies attendee_upsert ops for attendees not yet held, one op each, in bulk.

    Gives exactly the state `apply` would, without a round of statements per attendee.
    """
    defaults = {**dict.fromkeys(ATTENDEE_FIELDS, ""), "status": "valid", "code": None}
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM attendee").fetchone()[0]
    claims = [op.payload.get("fields", {}).get("code") or "" for op in ops]
    shared = codes.contested(db, claims)  # those wait for `settle`, after the insert
    rows = []
    for number, (op, claim) in enumerate(zip(ops, claims, strict=True), next_id):
        fields = {k: v for k, v in op.payload.get("fields", {}).items() if k in ATTENDEE_FIELDS}
        versions = json.dumps(dict.fromkeys(fields, _version(op)), sort_keys=True)
        scannable = claim if claim and codes.key(claim) not in shared else None
        rows.append({**defaults, **fields, "id": number, "attendee_id": op.entity,
                     "code": scannable, "code_claim": fields.get("code"),
                     "versions": versions})  # fmt: skip
    columns = ("id", "attendee_id", *ATTENDEE_FIELDS, "code_claim", "versions")
    db.executemany(
        f"INSERT INTO attendee ({', '.join(columns)})"  # noqa: S608
        f" VALUES ({', '.join('?' * len(columns))})",
        [tuple(row[c] for c in columns) for row in rows],
    )
    for add in INDEX["add"]:
        add(db, rows)
    moved = codes.settle(db, [c for c in claims if codes.key(c) in shared])
    if moved:
        _reindex(db, sorted(moved))


def rebuild(db: sqlite3.Connection, ops: Iterable[Op]) -> None:
    """Empties the state tables and applies every op again (inside the caller's transaction).

    Ops that still cannot be applied are set aside again, with their reason.
    """
    for table in STATE_TABLES:
        db.execute(f"DELETE FROM {table}")  # noqa: S608
    apply_many(db, list(ops))


def refold(db: sqlite3.Connection) -> None:
    """Folds every state table again from the log: after sync replaced a held op's copy with
    the one every node keeps (rare: one op id recorded at two machines), whatever it touched."""
    rebuild(db, all_ops(db))


def retry_quarantined(db: sqlite3.Connection) -> int:
    """Tries the ops set aside here again (after an upgrade); returns how many now apply."""
    held = [get(db, h.op_id) for h in quarantine.held(db)]
    return quarantine.retry(db, [op for op in held if op is not None], apply)


FOLD.update(apply=apply, create_attendees=create_attendees, check=check,
            normalize=scrub.normalize_held,
            catch_up=lambda db: unapplied.catch_up(db, APPLY, check))  # fmt: skip
