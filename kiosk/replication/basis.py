"""What a change was based on: the version of each field it replaces, and the newest stamp.

Every change made after looking at a value (a desk edit, an import, a review answer, a
cancellation) carries both: `seen` tells a concurrent edit from a correction (conflicts.observe),
and `after` makes the correction sort after what it replaced whatever the clocks say
(Node.record), so a slow clock cannot reverse someone's intent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from sync.hlc import Stamp


def of(versions: str, names: Iterable[str]) -> dict[str, str]:
    """The stored "hlc op_id" version of each named field ("" for one never written)."""
    held = json.loads(versions or "{}")
    return {name: held.get(name, "") for name in names}


def newest(stamps: Iterable[str]) -> str | None:
    """The latest of some clock stamps, by clock order (not as text); None if none."""
    return max((s for s in stamps if s), key=Stamp.parse, default=None)


def after(seen: dict[str, str]) -> str | None:
    """The newest stamp among the versions a change replaces: its `after` (Node.record)."""
    return newest(v.split(" ")[0] for v in seen.values())


def of_ops(db: sqlite3.Connection, op_ids: Iterable[str]) -> str | None:
    """The newest stamp among some ops held here (what an answer to a flag saw)."""
    wanted = json.dumps(list(op_ids))
    rows = db.execute("SELECT hlc FROM op WHERE op_id IN (SELECT value FROM json_each(?))",
                      (wanted,))  # fmt: skip
    return newest(r[0] for r in rows)


def shown(db: sqlite3.Connection, kind: str, entity: str, field: str) -> str:
    """The version ("hlc op_id") of the newest edit of a field made with `seen`: what a
    supervisor sees and replaces when answering a concurrent edit, which may be a later edit
    than the competing ones (made after one of them); "" if none is held."""
    rows = db.execute("SELECT hlc, op_id FROM field_edit WHERE kind = ? AND entity = ?"
                      " AND field = ?", (kind, entity, field)).fetchall()  # fmt: skip
    if not rows:
        return ""
    hlc, op_id = max(rows, key=lambda r: (Stamp.parse(r[0]), r[1]))
    return f"{hlc} {op_id}"
