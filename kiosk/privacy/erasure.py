"""`attendee_erase` at a venue: one person's personal data gone from state, search, log and disk.

Head office records the op when a person asks to be erased; every node applies it the same
way. The attendee row stays, so arrivals and counts still add up, but its personal fields are
blank and the stamps they were written with are dropped, so it folds exactly as a log that
never held them would. The log's ops that carried them are scrubbed in place
(kiosk/replication/scrub), and every op stored later is scrubbed on arrival, so no later or
concurrent edit brings a name back, whatever the clocks say.
"""

from __future__ import annotations

import json
import sqlite3

from kiosk.desk import search
from kiosk.printing.worker import badge_files
from kiosk.replication import fold, scrub, shapes
from sync.oplog import Op

TABLE = "attendee_erasure"
SHAPE: shapes.Shape = {"at": shapes.text(), "by": shapes.text(), "reason": shapes.text()}


def _blank(db: sqlite3.Connection, attendee_id: str) -> bool:
    """Empties the attendee's personal fields and their stamps; False if nothing was left."""
    row = db.execute(
        f"SELECT versions, {', '.join(scrub.PERSONAL)} FROM attendee WHERE attendee_id = ?",  # noqa: S608
        (attendee_id,),
    ).fetchone()
    if row is None:
        return False
    versions = json.loads(row[0])
    kept = {k: v for k, v in versions.items() if k not in scrub.PERSONAL}
    if kept == versions and not any(row[1:]):
        return False
    blanks = ", ".join(f"{name} = ''" for name in scrub.PERSONAL)
    db.execute(f"UPDATE attendee SET {blanks}, versions = ? WHERE attendee_id = ?",  # noqa: S608
               (json.dumps(kept, sort_keys=True), attendee_id))  # fmt: skip
    return True


def _apply(db: sqlite3.Connection, op: Op) -> None:
    """Folds an erasure; of two erasures of one person the lower op id marks the scrubbed ops."""
    p = op.payload
    db.execute(
        f"INSERT INTO {TABLE} (attendee_id, op_id, at, reason) VALUES (?, ?, ?, ?)"  # noqa: S608
        " ON CONFLICT (attendee_id) DO UPDATE SET op_id = excluded.op_id, at = excluded.at,"
        f" reason = excluded.reason WHERE excluded.op_id < {TABLE}.op_id",
        (op.entity, op.op_id, str(p.get("at", "")), str(p.get("reason", ""))),
    )
    db.execute("PRAGMA secure_delete = ON")  # what the rewrites below free is zeroed on disk
    mark = db.execute(f"SELECT op_id FROM {TABLE} WHERE attendee_id = ?",  # noqa: S608
                      (op.entity,)).fetchone()[0]  # fmt: skip
    scrub.scrub_log(db, op.entity, mark)
    marks = ", ".join("?" * len(scrub.PERSONAL))
    db.execute(f"DELETE FROM field_edit WHERE kind = 'attendee_upsert' AND entity = ?"  # noqa: S608
               f" AND field IN ({marks})", (op.entity, *scrub.PERSONAL))  # fmt: skip
    if _blank(db, op.entity):
        search.forget(db, [op.entity])
    for path in badge_files(db, [op.entity]):
        path.unlink(missing_ok=True)


fold.register({scrub.ERASE: _apply}, (TABLE,), {scrub.ERASE: SHAPE})
fold.ATTENDEE_ENTITY.add(scrub.ERASE)  # its entity is an attendee id, checked like a check-in's
