"""Sponsors: who pays for a booth, the track whose sessions are theirs, their questions.

A sponsor is a `sponsor_set` op (last writer wins per field), so every venue machine and head
office know the same sponsors, and an exhibitor token can be made on any of them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from anyascii import anyascii

from kiosk.db import transaction
from kiosk.replication import fold, shapes
from kiosk.replication.node import Node
from sync.oplog import Op

FIELDS = ("name", "track", "questions")
MAX_QUESTIONS = 5
QUESTION = 200  # characters
# Questions travel as one text, a question per line (no line breaks inside one).
SHAPE: shapes.Shape = shapes.edit(
    {
        "name": shapes.text(200),
        "track": shapes.text(200),
        "questions": shapes.text(MAX_QUESTIONS * (QUESTION + 1)),
    }
)


class SponsorError(ValueError):
    """A sponsor that cannot be made as asked (words for the supervisor)."""


@dataclass(frozen=True)
class Sponsor:
    sponsor_id: str
    name: str
    track: str
    questions: tuple[str, ...]


def sponsor_id(name: str) -> str:
    """The id a sponsor's name folds to ("PT Telkom Indonesia" -> "pt-telkom-indonesia"), so
    two machines adding the same sponsor make one."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(name).casefold()).strip("-")[:80]


def _apply(db: sqlite3.Connection, op: Op) -> None:
    fold.merge_fields(db, "sponsor", "sponsor_id", op.entity, FIELDS, op)


def _row(row: sqlite3.Row) -> Sponsor:
    questions = tuple(q for q in row["questions"].split("\n") if q)
    return Sponsor(row["sponsor_id"], row["name"], row["track"], questions)


def get(db: sqlite3.Connection, sponsor: str) -> Sponsor | None:
    """A sponsor by id or by name."""
    row = db.execute(
        "SELECT * FROM sponsor WHERE sponsor_id = ?", (sponsor_id(sponsor),)
    ).fetchone()
    return _row(row) if row else None


def listing(db: sqlite3.Connection) -> list[Sponsor]:
    """Every sponsor, by name."""
    return [_row(r) for r in db.execute("SELECT * FROM sponsor ORDER BY name COLLATE NOCASE")]


def save(
    db: sqlite3.Connection,
    node: Node,
    name: str,
    track: str | None = None,
    questions: list[str] | None = None,
) -> Sponsor:
    """Adds a sponsor or changes what is given (None: keep)."""
    name = " ".join(name.split())
    ident = sponsor_id(name)
    if not ident:
        raise SponsorError("a sponsor needs a name with letters or digits")
    fields: dict[str, object] = {"name": name}
    if track is not None:
        fields["track"] = " ".join(track.split())
    if questions is not None:
        asked = [" ".join(q.split()) for q in questions if q.strip()]
        if len(asked) > MAX_QUESTIONS or any(len(q) > QUESTION for q in asked):
            raise SponsorError(f"at most {MAX_QUESTIONS} questions of {QUESTION} characters each")
        fields["questions"] = "\n".join(asked)
    with transaction(db):
        node.record(db, "sponsor_set", ident, {"fields": fields, "source": "kiosk"})
    found = get(db, ident)
    assert found is not None
    return found


fold.register({"sponsor_set": _apply}, ("sponsor",), {"sponsor_set": SHAPE})
