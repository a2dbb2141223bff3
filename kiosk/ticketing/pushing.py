"""Which check-ins and undos a system has not been told yet, and what it answered.

Every check-in of the event's attendees in this machine's log goes out, whoever recorded it:
a venue machine without a connection (or offline) still reaches the system through one that
has it. Each goes with its op id as the idempotency key (pretix's nonce), so two machines
sending one check-in make one check-in there. Arrivals that came from a ticketing system are
never sent back. A refusal is final and kept for the supervisor; a network failure is not
recorded, so the next push tries again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.desk.importer import TICKET_SYSTEM_DESK
from kiosk.ticketing.records import CheckinToSend, Sent
from kiosk.ticketing.store import Connection

BATCH = 50  # sent, then recorded: a failure halfway loses at most this many answers

# Check-ins of the connection's attendees (?1 its name, ?2 their `source`) not yet sent,
# except arrivals a ticketing system reported or a ticketing system's import carried.
_CHECKINS = """
SELECT c.op_id, coalesce(a.code, json_extract(o.payload, '$.code'), '') AS code, c.at,
       c.attendee_id, 0 AS undo
FROM checkin c JOIN attendee a ON a.attendee_id = c.attendee_id JOIN op o ON o.op_id = c.op_id
WHERE a.source = ?2 AND c.desk != ?3 AND json_extract(o.payload, '$.ticketing') IS NULL
  AND NOT EXISTS (SELECT 1 FROM ticketing_push p WHERE p.connection = ?1 AND p.op_id = c.op_id)
ORDER BY c.hlc
"""
# Undos of check-ins the system accepted from us.
_UNDOS = """
SELECT u.op_id, coalesce(a.code, '') AS code, u.at, p.attendee_id, 1 AS undo,
       u.checkin_op_id
FROM checkin_undo u JOIN ticketing_push p ON p.connection = ?1 AND p.op_id = u.checkin_op_id
  AND p.accepted = 1 AND p.undo = 0
LEFT JOIN attendee a ON a.attendee_id = p.attendee_id
WHERE NOT EXISTS (SELECT 1 FROM ticketing_push q WHERE q.connection = ?1 AND q.op_id = u.op_id)
ORDER BY u.op_id
"""


@dataclass(frozen=True)
class Waiting:
    """A check-in or undo to send, and whose it is.

    An undo is sent under the op id of the check-in it undoes (the nonce pretix knows that
    check-in by) and kept under its own op id (`kept_as`).
    """

    send: CheckinToSend
    attendee_id: str
    kept_as: str
    undone_by: str = ""  # undone before it was sent: neither is sent, both are settled


def waiting(db: sqlite3.Connection, conn: Connection, limit: int = BATCH) -> list[Waiting]:
    """The next check-ins (then undos) not yet sent, read without a write lock, so the desk's
    scans never wait for it. A check-in undone before it was sent comes with `undone_by`."""
    found: list[Waiting] = []
    undone = dict(db.execute("SELECT checkin_op_id, op_id FROM checkin_undo"))
    for row in db.execute(_CHECKINS, (conn.name, conn.source, TICKET_SYSTEM_DESK)):
        send = CheckinToSend(row["op_id"], row["code"], row["at"])
        found.append(Waiting(send, row["attendee_id"], row["op_id"], undone.get(row["op_id"], "")))
        if len(found) >= limit:
            return found
    for row in db.execute(_UNDOS, (conn.name,)):
        send = CheckinToSend(row["checkin_op_id"], row["code"], row["at"], undo=True)
        found.append(Waiting(send, row["attendee_id"], row["op_id"]))
        if len(found) >= limit:
            break
    return found


def _keep(db: sqlite3.Connection, conn: Connection, op_id: str, undo: bool, attendee_id: str,
          now: str, sent: Sent) -> None:  # fmt: skip
    db.execute(
        "INSERT INTO ticketing_push (connection, op_id, undo, attendee_id, at, accepted, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (conn.name, op_id, int(undo), attendee_id, now, int(sent.accepted), sent.reason[:300]),
    )


def record(db: sqlite3.Connection, conn: Connection, sent: list[Waiting], answers: list[Sent],
           now: str) -> tuple[int, int]:  # fmt: skip
    """Keeps the system's answers (to the items sent, in order) and settles the check-ins undone
    before they were sent; returns how many the system accepted and refused."""
    accepted = refused = 0
    for item in sent:
        if item.undone_by:
            for op_id, undo in ((item.kept_as, False), (item.undone_by, True)):
                _keep(db, conn, op_id, undo, item.attendee_id, now,
                      Sent(op_id, True, "undone before it was sent"))  # fmt: skip
    answers_of = dict(zip((w.kept_as for w in sent if not w.undone_by), answers, strict=False))
    for item in sent:
        answer = answers_of.get(item.kept_as)
        if answer is None or answer.op_id != item.send.op_id:
            continue  # no answer: it goes out again next time
        _keep(db, conn, item.kept_as, item.send.undo, item.attendee_id, now, answer)
        accepted += answer.accepted
        refused += not answer.accepted
    return accepted, refused


@dataclass(frozen=True)
class Refusal:
    """A check-in or undo the system refused, for the supervisor."""

    connection: str
    op_id: str
    undo: bool
    attendee_id: str
    name: str
    at: str
    reason: str


def refusals(db: sqlite3.Connection, limit: int = 200) -> list[Refusal]:
    """The newest refusals of every connection."""
    rows = db.execute(
        "SELECT p.connection, p.op_id, p.undo, p.attendee_id, p.at, p.reason,"
        " trim(coalesce(a.first_name, '') || ' ' || coalesce(a.last_name, '')) AS name"
        " FROM ticketing_push p LEFT JOIN attendee a ON a.attendee_id = p.attendee_id"
        " WHERE p.accepted = 0 ORDER BY p.at DESC, p.op_id LIMIT ?",
        (limit,),
    )
    return [Refusal(r["connection"], r["op_id"], bool(r["undo"]), r["attendee_id"],
                    r["name"] or r["attendee_id"], r["at"], r["reason"]) for r in rows]  # fmt: skip


def pending(db: sqlite3.Connection, conn: Connection) -> int:
    """How many check-ins wait to be sent (undos aside)."""
    return sum(1 for _ in db.execute(_CHECKINS, (conn.name, conn.source, TICKET_SYSTEM_DESK)))
