"""Head office forgetting personal data: one erased attendee, or a whole event after retention.

The attendee rows stay (arrivals and counts still add up) with their personal fields blank,
the ops of the event's log that carried them are scrubbed by the same rule every venue uses
(kiosk/replication/scrub), and mail not yet sent to them is dropped; mail already sent keeps
its row for the counts, without address or name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kiosk.headoffice.database import Database, placeholders
from kiosk.replication import scrub
from sync.oplog import Op, dumps

CHUNK = 500
UNSENT = ("queued", "failed", "uncertain")  # never reached anyone: dropped, not kept
_OP = "op_id, origin, hlc, kind, entity, payload"


def _where(attendee_id: str | None) -> tuple[str, tuple[Any, ...]]:
    return ("", ()) if attendee_id is None else (" AND attendee_id = ?", (attendee_id,))


def _overwrite_freed(db: Database) -> None:
    """On SQLite, what the rewrites free is zeroed in the file (PostgreSQL's autovacuum
    reclaims the old row versions later)."""
    if db.dialect == "sqlite":
        db.execute("PRAGMA secure_delete = ON")


def blank_attendees(db: Database, event_id: int, attendee_id: str | None = None) -> int:
    """Empties personal fields and their stamps (one attendee, or all of the event)."""
    _overwrite_freed(db)
    where, args = _where(attendee_id)
    rows = db.execute(f"SELECT attendee_id, versions FROM attendee WHERE event_id = ?{where}",  # noqa: S608
                      (event_id, *args)).fetchall()  # fmt: skip
    blanks = ", ".join(f"{name} = ''" for name in scrub.PERSONAL)
    db.executemany(
        f"UPDATE attendee SET {blanks}, versions = ? WHERE event_id = ? AND attendee_id = ?",  # noqa: S608
        [(json.dumps({k: v for k, v in json.loads(raw).items() if k not in scrub.PERSONAL},
                     sort_keys=True), event_id, a) for a, raw in rows],
    )  # fmt: skip
    return len(rows)


def forget_mail(db: Database, event_id: int, attendee_id: str | None = None) -> int:
    """Drops unsent mail and strips address and names from the rest; returns how many dropped."""
    where, args = _where(attendee_id)
    dropped = db.execute(
        f"DELETE FROM mail WHERE event_id = ?{where} AND status IN ({placeholders(len(UNSENT))})",  # noqa: S608
        (event_id, *args, *UNSENT),
    ).rowcount
    kept = db.execute(f"SELECT notification_op_id, attendee_id, facts FROM mail"  # noqa: S608
                      f" WHERE event_id = ?{where}", (event_id, *args)).fetchall()  # fmt: skip
    db.executemany(
        "UPDATE mail SET address = '', facts = ? WHERE event_id = ? AND notification_op_id = ?"
        " AND attendee_id = ?",
        [(json.dumps({k: v for k, v in json.loads(facts).items() if k not in scrub.PERSONAL},
                     sort_keys=True), event_id, op_id, a) for op_id, a, facts in kept],
    )  # fmt: skip
    return dropped


def _ops(rows: Iterable[Any]) -> list[Op]:
    return [Op(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def _rewrite(db: Database, event_id: int, ops: list[Op]) -> int:
    db.executemany("UPDATE op SET payload = ? WHERE event_id = ? AND op_id = ?",
                   [(dumps(op.payload), event_id, op.op_id) for op in ops])  # fmt: skip
    return len(ops)


def scrub_attendee_ops(db: Database, event_id: int, attendee_id: str, erase_id: str) -> int:
    """Rewrites in place the event's ops that carry this attendee's personal data."""
    rows = db.execute(  # notes of copies (op_copy_seen) carry the attendee inside
        f"SELECT {_OP} FROM op WHERE event_id = ? AND (entity = ? OR kind = ?)",  # noqa: S608
        (event_id, attendee_id, scrub.COPY_SEEN),
    )
    found = [op for op in _ops(rows) if scrub.about(op) == attendee_id]
    return _rewrite(db, event_id, scrub.changed(found, erase_id))


def scrub_event_ops(db: Database, event_id: int, mark: str) -> int:
    """Rewrites in place every op of the event that carries anyone's personal data."""
    kinds = (*scrub.SCRUB, scrub.COPY_SEEN)
    rows = db.execute(f"SELECT {_OP} FROM op WHERE event_id = ?"  # noqa: S608
                      f" AND kind IN ({placeholders(len(kinds))})", (event_id, *kinds))  # fmt: skip
    return _rewrite(db, event_id, scrub.changed(_ops(rows), mark))


def erasures(db: Database, event_id: int, attendee_ids: set[str]) -> dict[str, str]:
    """The (lowest) erasure op id of each of these attendees that head office erased."""
    wanted, erased = sorted(attendee_ids), []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        sql = ("SELECT attendee_id FROM attendee WHERE event_id = ? AND erased_at IS NOT NULL"  # noqa: S608
               f" AND attendee_id IN ({placeholders(len(chunk))})")  # fmt: skip
        erased += [r[0] for r in db.execute(sql, (event_id, *chunk))]
    if not erased:
        return {}  # the common case: the log is not read
    rows = db.execute(
        f"SELECT entity, min(op_id) FROM op WHERE event_id = ? AND kind = ?"  # noqa: S608
        f" AND entity IN ({placeholders(len(erased))}) GROUP BY entity",
        (event_id, scrub.ERASE, *erased),
    )
    return dict(rows.fetchall())


def erase(db: Database, event_id: int, op: Op) -> None:
    """The fold of `attendee_erase` at head office (inside the caller's transaction)."""
    db.execute(
        "INSERT INTO attendee (event_id, attendee_id, erased_at) VALUES (?, ?, ?)"
        " ON CONFLICT (event_id, attendee_id) DO UPDATE"
        " SET erased_at = coalesce(attendee.erased_at, excluded.erased_at)",
        (event_id, op.entity, str(op.payload.get("at", "")) or op.hlc),
    )
    blank_attendees(db, event_id, op.entity)
    forget_mail(db, event_id, op.entity)
    mark = erasures(db, event_id, {op.entity}).get(op.entity, op.op_id)
    scrub_attendee_ops(db, event_id, op.entity, mark)
