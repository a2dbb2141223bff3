"""The reference fold: the state an op set means, written as plainly as possible.

An oracle for tests/sync: it shares nothing with kiosk/replication/fold.py or kiosk/rooms but
the stamp parser, so a bug in the real fold (or in the paths that feed it: bulk creation,
pages, crashes, restores) shows as a difference between a replica's tables and this.

- event, ticket types, attendees, rooms, sessions: each field takes the value of the op with
  the greatest (stamp as numbers, op id) that names it; an op of the kind creates the row.
- check-ins: those no undo names; undos are a set.
- sign-ups: per (session, attendee) the newest add or cancel by "stamp op_id" text.
- room changes, door scans, notifications: sets.
- codes: two attendees claiming one code (case aside): it scans to the one whose code write
  sorts first; the others' is withheld (None).
- flags: computed from the above as docs/sync.md describes, with the supervisor's answer
  (the resolution with the greatest op id) when there is one; one per shared code, and one
  per op id whose other copy some node set aside (`op_copy_seen`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sync.hlc import Stamp
from sync.oplog import Op

EVENT = {"name": "", "starts_on": None, "days": 1, "timezone": "UTC"}
TICKET_TYPE = {"valid_days": "", "colour": ""}
ATTENDEE = {"code": None, "first_name": "", "last_name": "", "email": "", "company": "",
            "ticket_type": "", "status": "valid", "note": "", "block_note": "",
            "source": "", "share_email": ""}  # fmt: skip
ROOM = {"name": "", "capacity": 0}
SESSION = dict.fromkeys(("title", "starts_at", "ends_at", "day", "room_id", "planned_room_id",
                         "track", "speakers"), "")  # fmt: skip
# kind -> (table, defaults of its row, the fields it may write)
RECORDS = {
    "event_set": ("event", EVENT, tuple(EVENT)),
    "ticket_type_set": ("ticket_type", TICKET_TYPE, tuple(TICKET_TYPE)),
    "attendee_upsert": ("attendee", ATTENDEE, tuple(ATTENDEE)),
    "room_set": ("room", ROOM, tuple(ROOM)),
    "session_set": ("session", SESSION, tuple(SESSION)),
    "session_room_set": ("session", SESSION, ("room_id",)),
}
SCHEDULE_KINDS = ("room_set", "session_set", "session_room_set", "registration_add",
                  "registration_cancel")  # fmt: skip
KINDS = (*RECORDS, "checkin", "checkin_undo", "conflict_resolve", "registration_add",
         "registration_cancel", "door_scan", "notification_queued", "op_copy_seen")  # fmt: skip


def _rank(op: Op) -> tuple[Stamp, str]:
    return Stamp.parse(op.hlc), op.op_id


def _nocase(text: Any) -> Any:
    """SQLite's NOCASE: ASCII letters only."""
    return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
                          ) if isinstance(text, str) else text  # fmt: skip


def _flag_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def _records(ops: list[Op]) -> dict[str, dict[str, dict[str, Any]]]:
    """Last writer wins per field; each row also says which op won each field."""
    tables: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    winners: dict[tuple[str, str, str], Op] = {}
    for op in ops:
        table, defaults, allowed = RECORDS[op.kind]
        key = "1" if table == "event" else op.entity
        tables[table].setdefault(key, {**defaults, "versions": {}})
        fields = op.payload.get("fields")
        for name in fields if isinstance(fields, dict) else ():
            best = winners.get((table, key, name))
            if name in allowed and (best is None or _rank(best) < _rank(op)):
                winners[(table, key, name)] = op
    for (table, key, name), op in winners.items():
        row = tables[table][key]
        row[name] = op.payload["fields"][name]
        row["versions"][name] = f"{op.hlc} {op.op_id}"
    return tables


def _arrivals(ops: list[Op]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    undos = {op.op_id: str(op.payload.get("checkin_op_id", "")) for op in ops
             if op.kind == "checkin_undo"}  # fmt: skip
    undone = set(undos.values())
    standing = {
        op.op_id: {"attendee_id": op.entity, "origin": op.origin, "hlc": op.hlc,
                   **{k: str(op.payload.get(k, "")) for k in ("at", "day", "desk", "staff")}}
        for op in ops if op.kind == "checkin" and op.op_id not in undone
    }  # fmt: skip
    return standing, undos


def _schedule(ops: list[Op]) -> dict[str, Any]:
    changes, doors, notes, signups = {}, {}, {}, {}
    for op in ops:
        p = op.payload
        if op.kind == "session_room_set":
            changes[op.op_id] = {
                "session_id": op.entity, "to_room": str(p.get("fields", {}).get("room_id", "")),
                **{k: str(p.get(k, "")) for k in ("from_room", "reason", "staff", "at", "undo_of")},
                "origin": op.origin, "hlc": op.hlc}  # fmt: skip
        elif op.kind == "door_scan":
            doors[op.op_id] = {
                "room_id": op.entity, "direction": "out" if p.get("direction") == "out" else "in",
                **{k: str(p.get(k, "")) for k in ("attendee_id", "session_id", "at", "device")},
                "hlc": op.hlc}  # fmt: skip
        elif op.kind == "notification_queued":
            notes[op.op_id] = {"kind": str(p.get("kind", "room_change")), "session_id": op.entity,
                               "change_op_id": str(p.get("change_op_id", "")),
                               "recipients": int(p.get("recipients", 0) or 0),
                               "at": str(p.get("at", ""))}  # fmt: skip
        elif op.kind in ("registration_add", "registration_cancel"):
            status = "cancelled" if op.kind == "registration_cancel" else "registered"
            for attendee in p.get("attendee_ids", []):
                version = f"{op.hlc} {op.op_id}"
                held = signups.get((op.entity, attendee))
                if isinstance(attendee, str) and (held is None or held[1] < version):
                    signups[(op.entity, attendee)] = (status, version)
    versions = [f"{op.hlc} {op.op_id}" for op in ops if op.kind in SCHEDULE_KINDS]
    return {"room_changes": changes, "door_scans": doors, "notifications": notes,
            "registrations": {k: v[0] for k, v in signups.items()},
            "schedule_version": max(versions, default=None)}  # fmt: skip


def _code_rank(people: dict[str, dict[str, Any]], attendee: str) -> tuple[Stamp, str, str]:
    hlc, _, op_id = people[attendee]["versions"]["code"].partition(" ")
    return Stamp.parse(hlc), op_id, attendee


def _withhold(people: dict[str, dict[str, Any]]) -> dict[str, tuple[str, list[str]]]:
    """One code scans to one attendee: the claimant whose code write sorts first holds it, the
    others' code is withheld (None). Returns each shared code's holder and claimants."""
    claims: dict[str, list[str]] = defaultdict(list)
    for attendee, row in people.items():
        if row["code"]:
            claims[_nocase(row["code"])].append(attendee)
    shared = {}
    for key, ids in claims.items():
        holder = min(ids, key=lambda attendee: _code_rank(people, attendee))
        for attendee in ids:
            if attendee != holder:
                people[attendee]["code"] = None
        if len(ids) > 1:
            shared[key] = (holder, sorted(ids))
    return shared


def _edits(ops: Iterable[Op]) -> dict[tuple[str, str, str, str], dict[str, str]]:
    """(kind, entity, field, base) -> {op id: JSON of the value} for every edit that saw a base."""
    bases: dict[tuple[str, str, str, str], dict[str, str]] = defaultdict(dict)
    for op in ops:
        seen, fields = op.payload.get("seen"), op.payload.get("fields")
        if isinstance(seen, dict) and isinstance(fields, dict):
            for name in fields.keys() & seen.keys():
                base = (op.kind, op.entity, name, str(seen[name]))
                bases[base][op.op_id] = json.dumps(fields[name])
    return bases


def _flags(every: list[Op], applied: list[Op], state: dict[str, Any]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    standing = state["checkins"]
    by_day: dict[tuple[str, str], list[str]] = defaultdict(list)
    for op_id, c in standing.items():
        by_day[(c["attendee_id"], c["day"])].append(op_id)
    for (attendee, _), ids in by_day.items():
        if len({standing[i]["origin"] for i in ids}) > 1:
            found[_flag_id("scan", *sorted(ids))] = ("double_scan", attendee, tuple(sorted(ids)))
    for (kind, entity, name, base), values in _edits(every).items():
        if len(set(values.values())) > 1:
            ids = sorted(values)
            found[_flag_id("edit", kind, entity, name, base, *ids)] = (
                "concurrent_edit", entity, tuple(ids))  # fmt: skip
    people = state["attendee"]
    for attendee, row in people.items():
        ids = sorted(i for i, c in standing.items() if c["attendee_id"] == attendee)
        if row["status"] == "cancelled" and ids:
            status = row["versions"].get("status", "")
            found[_flag_id("cancel", attendee, status, *ids)] = (
                "cancelled_checked_in", attendee, tuple(ids))  # fmt: skip
    for w_id, w in people.items():
        for o_id, o in people.items():
            if w_id == o_id or w["source"] != "walkin" or o["source"] == "walkin":
                continue
            if w["status"] != "valid" or o["status"] != "valid":
                continue
            same_mail = w["email"] != "" and _nocase(o["email"]) == _nocase(w["email"])
            same_name = all(_nocase(o[k]) == _nocase(w[k])
                            for k in ("last_name", "first_name", "company"))  # fmt: skip
            if same_mail or same_name:
                found[_flag_id("dup", w_id, o_id)] = ("possible_duplicate", w_id, ())
    for key, (holder, ids) in state["shared_codes"].items():
        found[_flag_id("code", key, *ids)] = ("duplicate_code", holder, ())
    noted: dict[str, set[str]] = defaultdict(set)  # op id -> content hashes of copies set aside
    for op in applied:
        if op.kind == "op_copy_seen":
            noted[op.entity].add(str(op.payload.get("hash", "")))
    held = {op.op_id: op for op in every}
    for op_id, hashes in noted.items():
        if op_id in held:
            found[_flag_id("copies", op_id, *sorted(hashes))] = (
                "recorded_twice", held[op_id].entity, (op_id,))  # fmt: skip
    answers = sorted((op.op_id, op.entity, str(op.payload.get("action", ""))) for op in applied
                     if op.kind == "conflict_resolve")  # fmt: skip
    resolution = {flag: action for _, flag, action in answers}
    return {flag: (*found[flag], resolution.get(flag)) for flag in found}


def reference(ops: Iterable[Op], unknown: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The state of an op set; kinds in `unknown` are held but not applied (an older fold).

    What an editor saw (`seen`) counts for every kind: it is read from any op's payload.
    """
    held = {op.op_id: op for op in ops}  # an op id is stored once, whatever repeats
    every = sorted(held.values(), key=lambda op: op.op_id)
    applied = [op for op in every if op.kind in KINDS and op.kind not in unknown]
    records = _records([op for op in applied if op.kind in RECORDS])
    standing, undos = _arrivals(applied)
    state: dict[str, Any] = {
        "event": records.get("event", {}),
        "ticket_type": records.get("ticket_type", {}),
        "attendee": records.get("attendee", {}),
        "shared_codes": _withhold(records.get("attendee", {})),
        "checkins": standing,
        "undos": undos,
        "room": records.get("room", {}),
        "session": records.get("session", {}),
        **_schedule(applied),
    }
    state["flags"] = _flags(every, applied, state)
    del state["shared_codes"]
    return state


def difference(found: Any, meant: Any) -> str:
    """The first row where a replica's table and the reference part, for the failure message."""
    if not isinstance(found, dict) or not isinstance(meant, dict):
        return f"replica {found!r}, reference {meant!r}"
    for key in sorted(found.keys() | meant.keys(), key=str):
        if found.get(key) != meant.get(key):
            return f"{key!r}: replica {found.get(key)!r}, reference {meant.get(key)!r}"
    return ""
