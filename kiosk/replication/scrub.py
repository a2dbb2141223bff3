"""An erased attendee's personal data scrubbed from the ops that carry it, the same at every node.

Once an `attendee_erase` op names an attendee, no op held anywhere may keep that person's
name, e-mail, company or notes: each op that carries them is rewritten in place without them
and marked `"erased": ERASE_OP_ID`. The rewrite is a pure function of the op and the erasure's
op id, so every node makes the same copy (one content hash), and an op that arrives later is
scrubbed on arrival. Of two erasures of one person the lower op id marks, so the order in which
a node learns of them does not matter. Head office and venues both use these rules.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from sync.oplog import Op, dumps

ERASE = "attendee_erase"
MARK = "erased"
PERSONAL = ("first_name", "last_name", "email", "company", "note", "block_note")
COPY_SEEN = "op_copy_seen"  # its payload may carry a whole copy of another op (replication.copies)
Payload = dict[str, Any]


def _fields(payload: Payload) -> Payload:
    fields = payload.get("fields")
    if not isinstance(fields, dict):
        return payload
    return {**payload, "fields": {k: v for k, v in fields.items() if k not in PERSONAL}}


def _printed(payload: Payload) -> Payload:
    return {k: v for k, v in payload.items() if k != "name"}  # the name as printed on the badge


# Per kind whose entity is an attendee: the payload without that attendee's personal data.
SCRUB: dict[str, Callable[[Payload], Payload]] = {
    "attendee_upsert": _fields,
    "badge_printed": _printed,
}


def about(op: Op) -> str | None:
    """The attendee whose personal data this op may carry, if any."""
    if op.kind in SCRUB:
        return op.entity
    inner = op.payload.get("entity")
    if op.kind == COPY_SEEN and op.payload.get("kind") in SCRUB and isinstance(inner, str):
        return inner
    return None


def _without(op: Op) -> Payload:
    if op.kind != COPY_SEEN:
        return SCRUB[op.kind](op.payload)
    carried = op.payload.get("payload")
    if not isinstance(carried, dict):
        return op.payload
    return {**op.payload, "payload": SCRUB[op.payload["kind"]](carried)}


def scrub(op: Op, erase_id: str) -> Op:
    """The op without the personal data of its attendee, erased by op `erase_id`.

    Ops that carry none (and were never marked) stay as they are; a marked op keeps the lower
    of its mark and `erase_id`, so scrubbing twice, or in another order, gives the same op.
    """
    payload = _without(op)
    marked = op.payload.get(MARK)
    if payload == op.payload and not isinstance(marked, str):
        return op
    mark = min(marked, erase_id) if isinstance(marked, str) else erase_id
    return replace(op, payload={**payload, MARK: mark})


def supersedes(newer: Op, older: Op) -> bool:
    """`newer` is `older` scrubbed: one op, not two copies; the scrubbed one is kept."""
    mark = newer.payload.get(MARK)
    return isinstance(mark, str) and newer != older and scrub(older, mark) == newer


def normalize(ops: list[Op], erased: Callable[[set[str]], Mapping[str, str]]) -> list[Op]:
    """Ops about to be stored, scrubbed for every attendee erased here or in the same batch.

    `erased(ids)` names the erasure op held for each of those attendees that has one.
    """
    concerned = {a for op in ops if (a := about(op)) is not None}
    if not concerned:
        return ops  # scans and most pages: no query
    marks = dict(erased(concerned))
    for op in ops:
        if op.kind == ERASE:
            marks[op.entity] = min(marks.get(op.entity, op.op_id), op.op_id)
    return [scrub(op, marks[a]) if (a := about(op)) in marks else op for op in ops]


def changed(ops: Iterable[Op], erase_id: str) -> list[Op]:
    """Those of `ops` that scrubbing changes, scrubbed: what a node rewrites in its log."""
    return [new for op in ops if (new := scrub(op, erase_id)) != op]


# A venue's own log (the `op` table of its SQLite file).
def erasures(db: sqlite3.Connection, attendee_ids: set[str]) -> dict[str, str]:
    """The (lowest) erasure op id held for each of these attendees that was erased."""
    rows = db.execute(
        "SELECT entity, min(op_id) FROM op WHERE kind = ? AND entity IN"
        " (SELECT value FROM json_each(?)) GROUP BY entity",
        (ERASE, json.dumps(sorted(attendee_ids))),
    )
    return dict(rows.fetchall())


def normalize_held(db: sqlite3.Connection, ops: list[Op]) -> list[Op]:
    """`normalize` against this node's log: sync's hook, and every op recorded here."""
    return normalize(ops, lambda ids: erasures(db, ids))


def scrub_log(db: sqlite3.Connection, attendee_id: str, erase_id: str) -> int:
    """Rewrites in place every op held that carries this attendee's personal data."""
    rows = db.execute(  # notes of copies of its ops name the attendee inside (index op_copy_note)
        "SELECT op_id, origin, hlc, kind, entity, payload FROM op WHERE entity = ?1 UNION ALL"
        " SELECT op_id, origin, hlc, kind, entity, payload FROM op"
        " WHERE kind = 'op_copy_seen' AND json_extract(payload, '$.entity') = ?1",
        (attendee_id,),
    )
    ops = (Op(*r[:5], json.loads(r[5])) for r in rows)
    found = changed((op for op in ops if about(op) == attendee_id), erase_id)
    db.executemany("UPDATE op SET payload = ? WHERE op_id = ?",
                   [(dumps(op.payload), op.op_id) for op in found])  # fmt: skip
    return len(found)
