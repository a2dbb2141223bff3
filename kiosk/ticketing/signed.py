"""Signed pretix tickets at the desk: the event's keys on every machine, and offline admission.

A pull records pretix's public keys, revoked secrets and product names as `pretix_event` ops,
so they reach head office and every venue machine by sync: a machine that never talked to
pretix (or cannot now) still admits a ticket bought after the last pull. Keys and revocations
are grow-only sets (a revoked secret never becomes valid again); a product's name is last
writer wins. Any order of arrival folds to the same tables.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from typing import Any

from kiosk.desk import checkin
from kiosk.desk.checkin import Decision, Result
from kiosk.replication import fold, shapes
from kiosk.replication.codes import version_order
from kiosk.replication.node import Node
from kiosk.ticketing import sig1
from sync.oplog import Op

KIND = "pretix_event"
REVOKED_PER_OP = 1000  # a first pull of a large event has thousands: several ops, each small
PLACEHOLDER_NAME = "pretix ticket"  # until the next pull brings the attendee's name


def _text_list(limit: int) -> shapes.Check:
    one = shapes.text(4096)

    def check(value: object) -> str | None:
        if isinstance(value, list) and len(value) <= limit and all(one(v) is None for v in value):
            return None
        return f"must be a list of at most {limit} texts"

    return check


SHAPE: shapes.Shape = {"keys": _text_list(20), "revoked": _text_list(REVOKED_PER_OP),
                       "items": shapes.texts()}  # fmt: skip


def _apply(db: sqlite3.Connection, op: Op) -> None:
    p = op.payload
    db.executemany("INSERT INTO pretix_key (scope, key) VALUES (?, ?) ON CONFLICT DO NOTHING",
                   [(op.entity, k) for k in p.get("keys", [])])  # fmt: skip
    db.executemany("INSERT INTO pretix_revoked (secret, scope) VALUES (?, ?)"
                   " ON CONFLICT DO NOTHING",
                   [(s, op.entity) for s in p.get("revoked", [])])  # fmt: skip
    version = f"{op.hlc} {op.op_id}"
    for item_id, name in p.get("items", {}).items():
        if not item_id.isdigit():
            continue
        held = db.execute("SELECT version FROM pretix_item WHERE scope = ? AND item_id = ?",
                          (op.entity, int(item_id))).fetchone()  # fmt: skip
        if held is None or version_order(held[0]) < version_order(version):
            db.execute(
                "INSERT INTO pretix_item (scope, item_id, name, version) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (scope, item_id) DO UPDATE SET name = excluded.name,"
                " version = excluded.version",
                (op.entity, int(item_id), name, version),
            )


fold.register({KIND: _apply}, ("pretix_key", "pretix_revoked", "pretix_item"), {KIND: SHAPE})


def keep(db: sqlite3.Connection, node: Node, extras: dict[str, Any]) -> int:
    """Records what a pull found that this machine does not hold yet; returns the ops written.

    A pull that found nothing new writes nothing: the log grows only with pretix's changes.
    """
    scope = extras["scope"]
    keys = sorted(set(extras.get("keys", [])) - {r[0] for r in db.execute(
        "SELECT key FROM pretix_key WHERE scope = ?", (scope,))})  # fmt: skip
    held = db.execute("SELECT value FROM json_each(?) WHERE value IN (SELECT secret FROM"
                      " pretix_revoked)", (json.dumps(extras.get("revoked", [])),))  # fmt: skip
    revoked = sorted(set(extras.get("revoked", [])) - {r[0] for r in held})
    names = dict(db.execute("SELECT item_id, name FROM pretix_item WHERE scope = ?", (scope,)))
    items = {k: v for k, v in extras.get("items", {}).items() if names.get(int(k)) != v}
    written = 0
    chunks = [revoked[i : i + REVOKED_PER_OP] for i in range(0, len(revoked), REVOKED_PER_OP)]
    for number, chunk in enumerate(chunks or [[]]):
        payload = {"keys": keys, "items": items} if number == 0 else {}
        payload["revoked"] = chunk
        if any(payload.values()):
            node.record(db, KIND, scope, payload)
            written += 1
    return written


def attendee_id(scope: str, external_id: str) -> str:
    """The same id at every machine for one ticket of one event: two pulls make one attendee."""
    return "pretix-" + hashlib.sha256(f"{scope}\0{external_id}".encode()).hexdigest()[:32]


def admit(db: sqlite3.Connection, node: Node, code: str, now: datetime) -> Decision | None:
    """An unknown code that may be a signed ticket (kiosk.desk.checkin.UNKNOWN_CODE).

    A valid signature creates the attendee (product from the signature, name from the next
    pull) and answers checked_in, so the scan goes on as for any attendee; a revoked secret is
    refused with its reason; a bad signature is an unknown code saying so. None: not ours.
    """
    if len(code) < 80 or db.execute("SELECT 1 FROM pretix_key LIMIT 1").fetchone() is None:
        return None
    revoked = db.execute("SELECT 1 FROM pretix_revoked WHERE secret = ?", (code,)).fetchone()
    if revoked is not None:
        return Decision(Result.BLOCKED, note="pretix revoked this ticket (replaced or"
                        " cancelled). Please send the person to the help desk.")  # fmt: skip
    keys: dict[str, list[str]] = {}
    for scope, key in db.execute("SELECT scope, key FROM pretix_key ORDER BY scope, key"):
        keys.setdefault(scope, []).append(key)
    for scope, held in keys.items():
        try:
            ticket = sig1.verify(code, held)
        except sig1.NotSigned:
            return None
        if ticket is not None:
            return _admit(db, node, scope, code, ticket, now)
    return Decision(Result.UNKNOWN_CODE, note="The ticket's signature did not verify: it was"
                    " not issued by this event's pretix.")  # fmt: skip


def _admit(db: sqlite3.Connection, node: Node, scope: str, code: str, ticket: sig1.Signed,
           now: datetime) -> Decision:  # fmt: skip
    if not ticket.valid_at(now.timestamp()):
        return Decision(Result.NOT_VALID_NOW)
    row = db.execute("SELECT name FROM pretix_item WHERE scope = ? AND item_id = ?",
                     (scope, ticket.item)).fetchone()  # fmt: skip
    fields = {"code": code, "first_name": PLACEHOLDER_NAME, "last_name": "", "email": "",
              "company": "", "ticket_type": row[0] if row else "Attendee", "status": "valid",
              "note": "", "block_note": "", "source": f"pretix:{scope}"}  # fmt: skip
    node.record(db, "attendee_upsert", attendee_id(scope, f"sig1:{code}"),
                {"fields": fields, "source": "pretix signed ticket"})  # fmt: skip
    return Decision(Result.CHECKED_IN)


checkin.UNKNOWN_CODE.append(admit)
