"""Merge flags for supervisors: what sync kept but a person should look at, and resolutions.

Flags are derived from the state tables, which are a function of the op set alone, so every
node shows the same flags with the same ids. A resolution is an op (`conflict_resolve`, plus
the domain ops it implies), so it syncs like everything else.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.replication import basis, shapes
from sync.hlc import sql_order
from sync.oplog import Op

Chooser = Callable[[sqlite3.Connection, "Recorder", str, Any, str, str], bool]
# Kinds whose chosen value is a domain action rather than a plain field write, e.g. a room move
# (kiosk/rooms registers it); the chooser returns False to fall back to the field write.
CHOICES: dict[str, Chooser] = {}


class Recorder(Protocol):
    """What resolving needs of the node: recording ops (so this module never imports it)."""

    def record(
        self,
        db: sqlite3.Connection,
        kind: str,
        entity: str,
        payload: dict[str, Any],
        op_id: str | None = None,
        after: str | None = None,
        observe: bool = True,
    ) -> Op: ...


ACTIONS = {
    "double_scan": ("keep_both", "undo_later"),
    "concurrent_edit": ("choose",),
    "cancelled_checked_in": ("keep", "undo_checkin", "reinstate"),
    "possible_duplicate": ("distinct", "merge"),
}
# Each detector takes an optional scope (a JSON list of attendee ids, or of [kind, entity]
# pairs for edits) and then finds only the flags of those: kiosk/replication/flagcount.py keeps
# the desk header's count up to date from the scopes new ops touch. `{only}`: that filter.
_DOUBLE_SCANS = """
SELECT attendee_id, day, group_concat(op_id, ' ') FROM (
  SELECT c.* FROM checkin c WHERE NOT EXISTS
    (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id) {only} ORDER BY op_id)
GROUP BY attendee_id, day HAVING count(DISTINCT origin) > 1
"""
_CANCELLED = """
SELECT a.attendee_id, json_extract(a.versions, '$.status'), group_concat(c.op_id, ' ')
FROM attendee a JOIN (
  SELECT c.* FROM checkin c WHERE NOT EXISTS
    (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id) {only} ORDER BY op_id) c
  ON c.attendee_id = a.attendee_id
WHERE a.status = 'cancelled' GROUP BY a.attendee_id
"""
Scope = str | None  # a JSON list the detector's `{only}` filter reads; None: everything


def _only(column: str, scope: Scope) -> tuple[str, tuple[str, ...]]:
    if scope is None:
        return "", ()
    return f"AND {column} IN (SELECT value FROM json_each(?))", (scope,)  # noqa: S608


_EDITS_IN = ("WHERE (kind, entity) IN"
             " (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?))")  # fmt: skip


@dataclass(frozen=True)
class Flag:
    """One thing to review. `flag_id` is a content hash: new information makes a new flag."""

    flag_id: str
    kind: str
    entity: str
    ops: tuple[str, ...]
    detail: dict[str, Any] = field(default_factory=dict)
    resolution: str | None = None


def flag_hash(*parts: str) -> str:
    """A flag id from what the flag is about: the same facts give the same id at every node."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


# -- the fold's side: remember what each editor saw ----------------------------------------


def observe(db: sqlite3.Connection, op: Op) -> None:
    """Keeps each field edit with the version its editor replaced (grow-only, idempotent)."""
    seen, fields = op.payload.get("seen"), op.payload.get("fields")
    if not isinstance(seen, dict) or not isinstance(fields, dict):
        return
    db.executemany(
        "INSERT INTO field_edit (op_id, kind, entity, field, base, value, origin, hlc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(op.op_id, op.kind, op.entity, name, str(seen[name]), json.dumps(value), op.origin,
          op.hlc) for name, value in fields.items() if name in seen],
    )  # fmt: skip


SHAPE = {"action": shapes.text(), "kind": shapes.text(), "staff": shapes.text(),
         "at": shapes.text()}  # fmt: skip  # the payload of `conflict_resolve`


def apply_resolution(db: sqlite3.Connection, op: Op) -> None:
    """The fold rule for `conflict_resolve`: a grow-only set of answers."""
    p = op.payload
    db.execute(
        "INSERT INTO conflict_resolution (op_id, flag_id, action, staff, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (op.op_id, op.entity, str(p.get("action", "")), str(p.get("staff", "")),
         str(p.get("at", ""))),
    )  # fmt: skip


# -- detection ---------------------------------------------------------------------------------


def _double_scans(db: sqlite3.Connection, scope: Scope = None) -> list[Flag]:
    only, args = _only("c.attendee_id", scope)
    rows = db.execute(_DOUBLE_SCANS.format(only=only), args).fetchall()
    return [Flag(flag_hash("scan", *r[2].split()), "double_scan", r[0], tuple(r[2].split()),
                 {"day": r[1]}) for r in rows]  # fmt: skip


def _concurrent_edits(db: sqlite3.Connection, scope: Scope = None) -> list[Flag]:
    only, args = ("", ()) if scope is None else (_EDITS_IN, (scope,))
    rows = db.execute(
        "SELECT kind, entity, field, base, group_concat(op_id, ' ') FROM"  # noqa: S608
        f" (SELECT * FROM field_edit {only} ORDER BY op_id) GROUP BY kind, entity, field, base"
        " HAVING count(DISTINCT value) > 1",
        args,
    ).fetchall()
    return [Flag(flag_hash("edit", r[0], r[1], r[2], r[3], *r[4].split()), "concurrent_edit", r[1],
                 tuple(r[4].split()), {"field": r[2], "kind": r[0]}) for r in rows]  # fmt: skip


def _cancelled_checked_in(db: sqlite3.Connection, scope: Scope = None) -> list[Flag]:
    only, args = _only("c.attendee_id", scope)
    rows = db.execute(_CANCELLED.format(only=only), args).fetchall()
    return [Flag(flag_hash("cancel", r[0], r[1] or "", *r[2].split()), "cancelled_checked_in", r[0],
                 tuple(r[2].split())) for r in rows]  # fmt: skip


_DUPLICATES = """
SELECT w.attendee_id, o.attendee_id FROM attendee w JOIN attendee o
  ON o.attendee_id != w.attendee_id AND o.source != 'walkin' AND o.status = 'valid' AND (
     (w.email != '' AND o.email = w.email COLLATE NOCASE)
     OR (o.last_name = w.last_name COLLATE NOCASE AND o.first_name = w.first_name COLLATE NOCASE
         AND o.company = w.company COLLATE NOCASE))
WHERE w.source = 'walkin' AND w.status = 'valid' {only}
ORDER BY 1, 2
"""


def _possible_duplicates(db: sqlite3.Connection, scope: Scope = None) -> list[Flag]:
    """Scoped, the pairs with the walk-in or the registration among the attendees."""
    if scope is None:
        rows = db.execute(_DUPLICATES.format(only="")).fetchall()
    else:
        rows = sorted({tuple(r) for column in ("w.attendee_id", "o.attendee_id")
                       for r in db.execute(_DUPLICATES.format(only=_only(column, scope)[0]),
                                           (scope,))})  # fmt: skip
    return [Flag(flag_hash("dup", r[0], r[1]), "possible_duplicate", r[0], (),
                 {"registered": r[1]}) for r in rows]  # fmt: skip


Detector = Callable[[sqlite3.Connection, Scope], list[Flag]]
DETECTORS: dict[str, Detector] = {"double_scan": _double_scans,
                                  "concurrent_edit": _concurrent_edits,
                                  "cancelled_checked_in": _cancelled_checked_in,
                                  "possible_duplicate": _possible_duplicates}  # fmt: skip


def flags(db: sqlite3.Connection, include_resolved: bool = False) -> list[Flag]:
    """Every flag, open first; resolved ones too when asked."""
    found = [flag for detect in DETECTORS.values() for flag in detect(db, None)]
    answers = dict(db.execute("SELECT flag_id, action FROM conflict_resolution ORDER BY op_id"))
    marked = [Flag(f.flag_id, f.kind, f.entity, f.ops, f.detail, answers.get(f.flag_id))
              for f in found]  # fmt: skip
    if not include_resolved:
        marked = [f for f in marked if f.resolution is None]
    return sorted(marked, key=lambda f: (f.resolution is not None, f.kind, f.entity, f.flag_id))


def find(db: sqlite3.Connection, flag_id: str) -> Flag | None:
    """One flag by id, open or resolved."""
    return next((f for f in flags(db, True) if f.flag_id == flag_id), None)


# -- resolution --------------------------------------------------------------------------------


class ResolveError(ValueError):
    """A resolution that does not fit the flag (unknown flag, action or value)."""


def candidates(db: sqlite3.Connection, flag: Flag) -> list[tuple[str, Any, str, str]]:
    """For a concurrent edit: (op_id, value, origin, hlc) of each competing edit."""
    marks = ",".join("?" * len(flag.ops))
    rows = db.execute(
        f"SELECT op_id, value, origin, hlc FROM field_edit WHERE field = ? AND op_id IN ({marks})"  # noqa: S608
        f" ORDER BY {sql_order('hlc')}",
        (flag.detail.get("field", ""), *flag.ops),
    ).fetchall()
    return [(r[0], json.loads(r[1]), r[2], r[3]) for r in rows]


def resolve(db: sqlite3.Connection, node: Recorder, flag_id: str, action: str, staff: str, at: str,
            value: str | None = None) -> None:  # fmt: skip
    """Writes the ops an answer implies, then the answer itself (in the caller's transaction)."""
    flag = find(db, flag_id)
    if flag is None:
        raise ResolveError("This flag is gone: another node may have resolved it.")
    if action not in ACTIONS[flag.kind]:
        raise ResolveError(f"{action} does not answer a {flag.kind} flag.")
    EFFECTS.get(action, _no_effect)(db, node, flag, staff, at, value)
    answered = [r[0] for r in db.execute(
        "SELECT op_id FROM conflict_resolution WHERE flag_id = ?", (flag.flag_id,))]  # fmt: skip
    node.record(db, "conflict_resolve", flag.flag_id,
                {"action": action, "kind": flag.kind, "staff": staff, "at": at},
                after=basis.of_ops(db, [*flag.ops, *answered]))  # after all it answers  # fmt: skip


def _no_effect(*_: Any) -> None:
    """Keeping what is there is an answer in itself."""


def _undo(db: sqlite3.Connection, node: Recorder, op_ids: list[str], staff: str, at: str) -> None:
    for op_id in op_ids:
        row = db.execute("SELECT attendee_id, hlc FROM checkin WHERE op_id = ?", (op_id,))
        attendee_id, hlc = row.fetchone()
        node.record(db, "checkin_undo", attendee_id, {"checkin_op_id": op_id, "at": at,
                    "staff": staff, "reason": "review"}, after=hlc)  # fmt: skip


def _standing(db: sqlite3.Connection, op_ids: tuple[str, ...]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(op_ids))
    sql = f"SELECT * FROM checkin WHERE op_id IN ({marks})"  # noqa: S608
    sql += f" ORDER BY {sql_order('hlc')}, op_id"
    return db.execute(sql, op_ids).fetchall()


def _undo_later(db, node, flag: Flag, staff: str, at: str, value: Any) -> None:
    _undo(db, node, [r["op_id"] for r in _standing(db, flag.ops)[1:]], staff, at)


def _undo_all(db, node, flag: Flag, staff: str, at: str, value: Any) -> None:
    _undo(db, node, list(flag.ops), staff, at)


def _seen(db: sqlite3.Connection, attendee_id: str, *names: str) -> dict[str, str]:
    row = db.execute("SELECT versions FROM attendee WHERE attendee_id = ?", (attendee_id,))
    return basis.of(row.fetchone()[0], names)


def _reinstate(db, node, flag: Flag, staff: str, at: str, value: Any) -> None:
    saw = _seen(db, flag.entity, "status")
    payload = {"fields": {"status": "valid"}, "seen": saw, "source": "review", "staff": staff}
    node.record(db, "attendee_upsert", flag.entity, payload, after=basis.after(saw))


def _choose(db, node, flag: Flag, staff: str, at: str, value: Any) -> None:
    options = candidates(db, flag)
    chosen = next((c for c in options if c[0] == value), None)
    if chosen is None:
        raise ResolveError("Choose one of the competing values.")
    act = CHOICES.get(flag.detail["kind"])
    if act is not None and act(db, node, flag.entity, chosen[1], staff, at):
        return
    name = flag.detail["field"]
    saw = {name: basis.shown(db, flag.detail["kind"], flag.entity, name)}
    node.record(db, flag.detail["kind"], flag.entity, {"fields": {name: chosen[1]},
                "seen": saw, "source": "review", "staff": staff},
                after=basis.after(saw))  # fmt: skip


def _merge(db, node, flag: Flag, staff: str, at: str, value: Any) -> None:
    """The walk-in's (or the code's other claimants') arrivals move to the registration (the
    code's holder); each is closed, not deleted."""
    registered = flag.detail.get("registered", flag.entity)
    for walkin in flag.detail.get("withheld", [flag.entity]):
        moved = db.execute(
            "SELECT c.* FROM checkin c WHERE attendee_id = ? AND NOT EXISTS"  # noqa: S608
            " (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)"
            f" ORDER BY {sql_order('hlc')}",
            (walkin,),
        ).fetchall()
        _undo(db, node, [r["op_id"] for r in moved], staff, at)
        days = {row[0] for row in db.execute(
            "SELECT day FROM checkin c WHERE attendee_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)",
            (registered,))}  # fmt: skip
        for row in moved:
            if row["day"] not in days:
                days.add(row["day"])
                node.record(db, "checkin", registered, {"at": row["at"], "day": row["day"],
                            "desk": row["desk"], "staff": staff,
                            "merged_from": walkin})  # fmt: skip
        code = db.execute("SELECT code FROM attendee WHERE attendee_id = ?", (registered,))
        saw = _seen(db, walkin, "status", "note")
        note = f"Merged into {(code.fetchone() or (registered,))[0]}"
        node.record(db, "attendee_upsert", walkin, {"fields": {"status": "cancelled",
                    "note": note}, "seen": saw, "source": "review", "staff": staff},
                    after=basis.after(saw))  # fmt: skip


EFFECTS = {"undo_later": _undo_later, "undo_checkin": _undo_all, "reinstate": _reinstate,
            "choose": _choose, "merge": _merge}  # fmt: skip
