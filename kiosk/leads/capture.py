"""Leads: a booth scans a badge, and its sponsor keeps who it met, a rating, a note and answers.

One lead per sponsor and attendee (its id derives from both), so the same badge scanned again,
here or at another machine of the booth, updates that lead instead of adding one. A scan is a
`lead_capture` op: a visit (every scan counts for the booth's traffic) and, like a later
`lead_edit`, fields that merge last-writer-wins. What a sponsor reads of the attendee is
decided in one place, `_visible`: name and company, the e-mail only where they agreed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import clean_code, utc_iso
from kiosk.replication import fold, shapes
from kiosk.replication.node import Node
from sync.oplog import Op

FIELDS = ("rating", "note", "answers", "captured_by")
NOTE = 2000  # characters
ANSWER = 500
_FIELD_SHAPE: shapes.Shape = {
    "rating": shapes.whole(1, 5),
    "note": shapes.text(NOTE),
    "answers": shapes.text(12 * ANSWER),
    "captured_by": shapes.text(200),
}
SHAPE = shapes.edit(
    _FIELD_SHAPE,
    sponsor_id=shapes.text(100),
    attendee_id=shapes.text(100),
    at=shapes.text(),
    device=shapes.text(200),
)
CAPTURE, EDIT = "lead_capture", "lead_edit"


class LeadError(ValueError):
    """Lead input that cannot be kept (words for the booth)."""


@dataclass(frozen=True)
class Lead:
    """A lead as its sponsor sees it."""

    lead_id: str
    first_name: str
    last_name: str
    company: str
    email: str  # empty unless the attendee agreed to share it
    rating: int | None
    note: str
    answers: dict[str, str]
    visits: int
    first_at: str
    last_at: str

    def to_api(self) -> dict[str, Any]:
        """The lead in the API's shape."""
        attendee = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company": self.company,
        }
        if self.email:
            attendee["email"] = self.email
        return {
            "lead_id": self.lead_id,
            "attendee": attendee,
            "rating": self.rating,
            "note": self.note,
            "answers": self.answers,
            "visits": self.visits,
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


def lead_id(sponsor_id: str, attendee_id: str) -> str:
    """The one lead of this sponsor and attendee, the same on every machine."""
    return "lead-" + hashlib.sha256(f"{sponsor_id}\n{attendee_id}".encode()).hexdigest()[:24]


def _apply(db: sqlite3.Connection, op: Op) -> None:
    p = op.payload
    db.execute(
        "INSERT INTO lead (lead_id, sponsor_id, attendee_id) VALUES (?, ?, ?)"
        " ON CONFLICT (lead_id) DO NOTHING",
        (op.entity, str(p.get("sponsor_id", "")), str(p.get("attendee_id", ""))),
    )
    fold.merge_fields(db, "lead", "lead_id", op.entity, FIELDS, op)
    if op.kind == CAPTURE:
        db.execute(
            "INSERT INTO lead_visit (op_id, lead_id, sponsor_id, attendee_id, at, device)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING",
            (
                op.op_id,
                op.entity,
                str(p.get("sponsor_id", "")),
                str(p.get("attendee_id", "")),
                str(p.get("at", "")),
                str(p.get("device", "")),
            ),
        )


def clean_answers(raw: object, questions: tuple[str, ...]) -> dict[str, str]:
    """The answers to the sponsor's own questions; anything else is refused, not kept."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LeadError("answers must be an object of question → answer")
    unknown = [q for q in raw if q not in questions]
    if unknown:
        raise LeadError(f"{unknown[0]!r} is not one of this sponsor's questions")
    answers = {}
    for question, answer in raw.items():
        if not isinstance(answer, str) or len(answer) > ANSWER:
            raise LeadError(
                f"the answer to {question!r} must be text of at most {ANSWER} characters"
            )
        answers[question] = " ".join(answer.split())
    return answers


def clean_fields(rating: object, note: object, answers: dict[str, str]) -> dict[str, Any]:
    """The lead fields a booth sent, checked; what it left out is kept as it was."""
    fields: dict[str, Any] = {}
    if rating not in (None, ""):
        if isinstance(rating, str) and rating.isdigit():
            rating = int(rating)
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise LeadError("the rating must be a whole number from 1 to 5")
        fields["rating"] = rating
    if note is not None:
        if not isinstance(note, str) or len(note) > NOTE:
            raise LeadError(f"the note must be text of at most {NOTE} characters")
        fields["note"] = note.strip()
    if answers:
        fields["answers"] = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    return fields


class OpIdTaken(LeadError):
    """A client op_id that names another sponsor's scan or another kind of op: never reused."""


def _replayed(db: sqlite3.Connection, sponsor_id: str, op_id: str | None) -> str | None:
    """The lead an earlier scan with this op_id wrote, if it was this sponsor's scan."""
    if not op_id:
        return None
    row = db.execute(
        "SELECT kind, entity, json_extract(payload, '$.sponsor_id') FROM op WHERE op_id = ?",
        (op_id,),
    ).fetchone()
    if row is None:
        return None
    if row[0] != CAPTURE or row[2] != sponsor_id:
        raise OpIdTaken("this op_id names another operation")
    return row[1]


def capture(
    db: sqlite3.Connection,
    node: Node,
    sponsor_id: str,
    raw_code: str,
    device: str,
    now: datetime,
    fields: dict[str, Any],
    op_id: str | None = None,
) -> Lead | None:
    """Records a booth's scan of a badge; None when the code is no attendee's.

    The same `op_id` again is the same scan: its lead comes back and nothing is recorded.
    """
    with transaction(db):
        done = _replayed(db, sponsor_id, op_id)
        if done is not None:
            return get(db, sponsor_id, done)
        code = clean_code(raw_code)
        person = attendees.by_code(db, code) if code else None
        if person is None:
            return None
        ident = lead_id(sponsor_id, person["attendee_id"])
        node.record(
            db,
            CAPTURE,
            ident,
            {
                "fields": {**fields, "captured_by": device},
                "sponsor_id": sponsor_id,
                "attendee_id": person["attendee_id"],
                "at": utc_iso(now),
                "device": device,
                "source": "booth",
            },
            op_id=op_id,
        )
    return get(db, sponsor_id, ident)


def edit(
    db: sqlite3.Connection,
    node: Node,
    sponsor_id: str,
    ident: str,
    device: str,
    fields: dict[str, Any],
) -> Lead | None:
    """Changes a lead's rating, note or answers (no new visit); None if not this sponsor's."""
    with transaction(db):
        row = db.execute(
            "SELECT attendee_id FROM lead WHERE lead_id = ? AND sponsor_id = ?", (ident, sponsor_id)
        ).fetchone()
        if row is None:
            return None
        if fields:
            node.record(
                db,
                EDIT,
                ident,
                {
                    "fields": {**fields, "captured_by": device},
                    "sponsor_id": sponsor_id,
                    "attendee_id": row[0],
                    "source": "booth",
                },
            )
    return get(db, sponsor_id, ident)


_READ = (
    "SELECT l.lead_id, l.rating, l.note, l.answers, coalesce(a.first_name, '') AS first_name,"
    " coalesce(a.last_name, '') AS last_name, coalesce(a.company, '') AS company,"
    " CASE WHEN a.share_email = 'yes' THEN a.email ELSE '' END AS email,"
    " (SELECT count(*) FROM lead_visit v WHERE v.lead_id = l.lead_id) AS visits,"
    " (SELECT min(at) FROM lead_visit v WHERE v.lead_id = l.lead_id) AS first_at,"
    " (SELECT max(at) FROM lead_visit v WHERE v.lead_id = l.lead_id) AS last_at"
    " FROM lead l LEFT JOIN attendee a ON a.attendee_id = l.attendee_id WHERE l.sponsor_id = ?"
)


def _visible(row: sqlite3.Row) -> Lead:
    """What a sponsor may see of a lead: the e-mail was already blanked unless agreed."""
    return Lead(
        row["lead_id"],
        row["first_name"],
        row["last_name"],
        row["company"],
        row["email"],
        row["rating"],
        row["note"],
        json.loads(row["answers"] or "{}"),
        row["visits"],
        row["first_at"] or "",
        row["last_at"] or "",
    )


def get(db: sqlite3.Connection, sponsor_id: str, ident: str) -> Lead | None:
    """One of this sponsor's leads (another sponsor's lead is None, as if it did not exist)."""
    row = db.execute(_READ + " AND l.lead_id = ?", (sponsor_id, ident)).fetchone()
    return _visible(row) if row else None


def for_sponsor(db: sqlite3.Connection, sponsor_id: str) -> list[Lead]:
    """This sponsor's leads, the latest visit first."""
    rows = db.execute(_READ + " ORDER BY last_at DESC, l.lead_id", (sponsor_id,)).fetchall()
    return [_visible(r) for r in rows]


fold.register(
    {CAPTURE: _apply, EDIT: _apply}, ("lead", "lead_visit"), {CAPTURE: SHAPE, EDIT: SHAPE}
)
