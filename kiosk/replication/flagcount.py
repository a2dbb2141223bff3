"""The desk header's review count, kept per database file and brought up to date from new ops.

Every tablet asks for the count every 10 s; deriving every flag from the state tables reads
every check-in and attendee. The flags found are kept with the log's high-water mark (the
newest op's seq): a call on a log that did not grow costs one small query, and after new ops
only the attendees and edits those ops touched are looked at again, with the same detectors
(`conflicts.DETECTORS`) scoped to them. So the count is always the one a full derivation gives:
flags stay a function of the op set. A kind of flag without a scope of its own is derived in
full whenever the log grows; a purge (which blanks state without an op) starts over.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field

from kiosk.replication import conflicts
from kiosk.replication.conflicts import Flag

ATTENDEE_KINDS = ("attendee_upsert", "checkin", "checkin_undo")  # ops whose entity is one
BY_ATTENDEE = ("double_scan", "cancelled_checked_in", "possible_duplicate")
BY_EDIT = ("concurrent_edit",)
FULL_AFTER = 5000  # more new ops than this (a roster pull): derive everything again
# The newest op (its seq and id: another file put in this one's place has other ids) and the
# purge, which changes state without an op.
Mark = tuple[int, str, str | None]
_MARK = ("SELECT coalesce(max(seq), 0), coalesce((SELECT op_id FROM op ORDER BY seq DESC LIMIT 1),"
         " ''), (SELECT value FROM sync_state WHERE key = 'purged_at') FROM op")  # fmt: skip


@dataclass
class _Held:
    """The flags of one database as of `mark`, and the ids supervisors answered."""

    mark: Mark
    found: dict[str, Flag] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)


_held: dict[str, _Held] = {}
_guard = threading.Lock()


def open_count(db: sqlite3.Connection) -> int:
    """Flags waiting for a supervisor (for the desk header and the sync status)."""
    key = db.execute("PRAGMA database_list").fetchone()[2]
    with _guard:
        if db.in_transaction or not key:  # may yet be rolled back, or no file: not kept
            held = _update(db, _held.get(key))
        else:
            db.execute("BEGIN")  # the mark and the state it stands for, from one snapshot
            try:
                held = _held[key] = _update(db, _held.get(key))
            finally:
                db.execute("COMMIT")
        return sum(1 for flag_id in held.found if flag_id not in held.answered)


def _update(db: sqlite3.Connection, held: _Held | None) -> _Held:
    mark: Mark = tuple(db.execute(_MARK).fetchone())  # type: ignore[assignment]
    if held is not None and held.mark == mark:
        return held
    if held is None or held.mark[2] != mark[2] or mark[0] < held.mark[0]:
        return _derive(db, mark)
    same = db.execute("SELECT op_id FROM op WHERE seq = ?", (held.mark[0],)).fetchone()
    new = db.execute("SELECT kind, entity, payload FROM op WHERE seq > ? ORDER BY seq LIMIT ?",
                     (held.mark[0], FULL_AFTER + 1)).fetchall()  # fmt: skip
    if (same[0] if same else "") != held.mark[1] or len(new) > FULL_AFTER:
        return _derive(db, mark)
    if any(row["kind"] == "op_copy_seen" for row in new):  # a copy replaced: state folded again
        return _derive(db, mark)
    attendees, edits = _touched(db, new)
    kept = {i: f for i, f in held.found.items() if not _within(f, attendees, edits)}
    scoped = {**dict.fromkeys(BY_ATTENDEE, json.dumps(sorted(attendees))),
              **dict.fromkeys(BY_EDIT, json.dumps(sorted(edits)))}  # fmt: skip
    for kind, detect in conflicts.DETECTORS.items():
        if kind not in scoped:  # no scope of its own: found again in full
            kept = {i: f for i, f in kept.items() if f.kind != kind}
        if kind not in scoped or (attendees if kind in BY_ATTENDEE else edits):
            kept.update((f.flag_id, f) for f in detect(db, scoped.get(kind)))
    resolved = any(row["kind"] == "conflict_resolve" for row in new)
    return _Held(mark, kept, _answered(db) if resolved else held.answered)


def _derive(db: sqlite3.Connection, mark: Mark) -> _Held:
    found = {f.flag_id: f for detect in conflicts.DETECTORS.values() for f in detect(db, None)}
    return _Held(mark, found, _answered(db))


def _answered(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT flag_id FROM conflict_resolution")}


def _touched(db: sqlite3.Connection, new: list[sqlite3.Row]) -> tuple[set[str], set[tuple]]:
    """The attendees new ops may have changed a flag of, and the (kind, entity) they edited.

    An undo changes the flags of the attendee of the check-in it names, whoever it names.
    """
    attendees = {row["entity"] for row in new if row["kind"] in ATTENDEE_KINDS}
    undone = [json.loads(row["payload"]).get("checkin_op_id") for row in new
              if row["kind"] == "checkin_undo"]  # fmt: skip
    if undone:
        attendees |= {r[0] for r in db.execute(
            "SELECT attendee_id FROM checkin WHERE op_id IN (SELECT value FROM json_each(?))",
            (json.dumps(undone),))}  # fmt: skip
    edits = {(row["kind"], row["entity"]) for row in new if "seen" in json.loads(row["payload"])}
    return attendees, edits


def _within(flag: Flag, attendees: set[str], edits: set[tuple]) -> bool:
    """Whether the scoped detectors look at this flag again."""
    if flag.kind in BY_EDIT:
        return (flag.detail.get("kind"), flag.entity) in edits
    if flag.kind == "possible_duplicate":
        return flag.entity in attendees or flag.detail.get("registered") in attendees
    return flag.kind in BY_ATTENDEE and flag.entity in attendees
