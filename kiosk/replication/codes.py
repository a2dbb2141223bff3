"""One code, two attendees: which of them the code scans to, the same at every node.

An attendee's ops set the code it *claims* (`code_claim`, last writer wins like any field).
Two attendees may claim one code: the same file without an attendee_id column imported at
head office and at a venue makes each person twice. The scannable `code` (unique) belongs to
the claimant whose winning code write sorts first by (stamp, op id); the others' is withheld
(NULL) and a `duplicate_code` flag asks a supervisor to merge them or give them new codes.
Both follow from the op set alone, so no order of arrival can make a node refuse an op.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
from collections import Counter
from collections.abc import Iterable
from typing import Any

from kiosk.replication import conflicts
from sync.hlc import Stamp

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def version_order(version: str) -> tuple[Stamp, str] | tuple[()]:
    """A stored "hlc op_id" version in clock order: stamps compare as numbers, not text."""
    if not version:
        return ()
    hlc, _, op_id = version.partition(" ")
    return Stamp.parse(hlc), op_id


def key(code: str) -> str:
    """A code as SQLite's NOCASE compares it (ASCII letters only), for grouping in Python."""
    return code.translate(_ASCII_LOWER)


def settle(db: sqlite3.Connection, claimed: Iterable[str | None]) -> set[str]:
    """Gives each code to its first claimant and withholds it from everyone else.

    Returns the attendees whose scannable code changed (their search rows follow).
    """
    touched: set[str] = set()
    for code in {key(c): c for c in claimed if c}.values():
        rows = db.execute(
            "SELECT attendee_id, json_extract(versions, '$.code') FROM attendee"
            " WHERE code_claim = ?",
            (code,),
        ).fetchall()
        holder = min(rows, key=lambda r: (version_order(r[1] or ""), r[0])) if rows else None
        holder_id = holder[0] if holder else None
        losing = db.execute(
            "SELECT attendee_id FROM attendee WHERE code = ? AND attendee_id IS NOT ?",
            (code, holder_id),
        ).fetchall()
        db.execute("UPDATE attendee SET code = NULL WHERE code = ? AND attendee_id IS NOT ?",
                   (code, holder_id))  # fmt: skip
        touched |= {r[0] for r in losing}
        given = db.execute(
            "UPDATE attendee SET code = code_claim WHERE attendee_id = ?"
            " AND code IS NOT code_claim COLLATE BINARY",
            (holder_id,),
        )
        if given.rowcount:
            touched.add(holder_id)
    return touched


def contested(db: sqlite3.Connection, claims: list[str]) -> set[str]:
    """Keys of the codes among `claims` (new attendees') that another attendee claims too."""
    counts = Counter(key(c) for c in claims if c)
    held = db.execute(
        "SELECT code_claim FROM attendee WHERE code_claim IN (SELECT value FROM json_each(?))",
        (json.dumps(list(counts)),),
    )
    return {k for k, n in counts.items() if n > 1} | {key(r[0]) for r in held}


def new_code(db: sqlite3.Connection, prefix: str = "W") -> str:
    """A fresh code nobody claims, easy to read aloud (no I/L/O/U): walk-ins, reissues."""
    while True:
        code = prefix + "-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))
        if db.execute("SELECT 1 FROM attendee WHERE code_claim = ?", (code,)).fetchone() is None:
            return code


# -- the supervisor's side: the flag and its answers ------------------------------------------


def _duplicate_codes(db: sqlite3.Connection, scope: conflicts.Scope = None) -> list[conflicts.Flag]:
    """One flag per code two attendees claim (no scope of its own: found in full)."""
    found = []
    shared = db.execute(  # a shared code is withheld from someone: few rows, by attendee_code
        "SELECT DISTINCT code_claim FROM attendee WHERE code IS NULL AND code_claim != ''"
    ).fetchall()
    for (code,) in shared:
        rows = db.execute(
            "SELECT attendee_id, code FROM attendee WHERE code_claim = ? ORDER BY attendee_id",
            (code,),
        ).fetchall()
        if len(rows) < 2:
            continue
        holder = next((r for r in rows if r[1] is not None), rows[0])
        withheld = [r[0] for r in rows if r[0] != holder[0]]
        found.append(conflicts.Flag(
            conflicts.flag_hash("code", key(code), *(r[0] for r in rows)), "duplicate_code",
            holder[0], (), {"code": holder[1] or code, "withheld": withheld}))  # fmt: skip
    return found


def _new_codes(db, node, flag: conflicts.Flag, staff: str, at: str, value: Any) -> None:
    """Different people: each of the others gets a new code (and needs a new badge)."""
    for other in flag.detail["withheld"]:
        row = db.execute("SELECT versions FROM attendee WHERE attendee_id = ?", (other,))
        seen = json.loads(row.fetchone()[0]).get("code", "")
        node.record(db, "attendee_upsert", other, {"fields": {"code": new_code(db, "R")},
                    "seen": {"code": seen}, "source": "review", "staff": staff},
                    after=seen.split(" ")[0] or None)  # fmt: skip


conflicts.DETECTORS["duplicate_code"] = _duplicate_codes
conflicts.ACTIONS["duplicate_code"] = ("merge", "new_code")  # merge: conflicts._merge
conflicts.EFFECTS["new_code"] = _new_codes
