"""A pull's tickets and gate arrivals as ordinary attendee and check-in ops.

New tickets are created like an import's rows (one attendee_upsert each, in bulk), so they
reach head office and every venue; changed tickets write only the fields the system changed
since the last pull, so a name fixed at the desk stands until the system changes it too.
Attendee ids follow from the ticket's id in its system, so two venues pulling one event make
one attendee each, not two.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk.desk.attendees import arrivals, by_code
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.replication import basis
from kiosk.replication.node import Node
from kiosk.ticketing import signed
from kiosk.ticketing.records import GateArrival, Pulled, Ticket
from kiosk.ticketing.store import Connection

FIELDS = ("code", "first_name", "last_name", "email", "company", "ticket_type", "status")


@dataclass
class PullReport:
    """What a pull changed at Kiosk."""

    added: int = 0
    updated: int = 0
    cancelled: int = 0
    arrivals: int = 0


def fields_of(ticket: Ticket, source: str) -> dict[str, str]:
    """The attendee fields a ticket sets."""
    return {"code": ticket.code, "first_name": ticket.first_name, "last_name": ticket.last_name,
            "email": ticket.email, "company": ticket.company,
            "ticket_type": ticket.ticket_type or "Attendee",
            "status": "cancelled" if ticket.cancelled else "valid", "source": source}  # fmt: skip


def digests(fields: dict[str, str]) -> dict[str, str]:
    """What is kept of a pulled ticket: a digest per field, enough to see what changed, and no
    name or e-mail address on this machine beyond the attendee's own (which a purge blanks)."""
    return {k: hashlib.sha256(f"{k}\0{v}".encode()).hexdigest()[:16] for k, v in fields.items()}


def attendee_id_for(conn: Connection, external_id: str) -> str:
    """The deterministic attendee id of a ticket (pretix's is kiosk.ticketing.signed's)."""
    if conn.kind == "pretix":
        return signed.attendee_id(conn.scope, external_id)
    digest = hashlib.sha256(f"{conn.scope}\0{external_id}".encode()).hexdigest()[:32]
    return f"{conn.kind}-{digest}"


def apply(db: sqlite3.Connection, node: Node, conn: Connection, pulled: Pulled) -> PullReport:
    """Writes the pull's changes (inside the caller's transaction)."""
    report = PullReport()
    kept = {r[0]: (r[1], json.loads(r[2])) for r in db.execute(
        "SELECT external_id, attendee_id, fields FROM ticketing_ticket WHERE connection = ?",
        (conn.name,))}  # fmt: skip
    new: list[tuple[str, dict]] = []
    for ticket in _latest(pulled.tickets):
        fields = fields_of(ticket, conn.source)
        before = kept.get(ticket.external_id)  # (attendee id, digests) of the last pull
        attendee_id = _settle(db, conn, ticket, before, fields, new, report, node)
        if attendee_id is not None:
            db.execute(
                "INSERT INTO ticketing_ticket (connection, external_id, attendee_id, fields)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (connection, external_id) DO UPDATE SET"
                " attendee_id = excluded.attendee_id, fields = excluded.fields",
                (conn.name, ticket.external_id, attendee_id, json.dumps(digests(fields))),
            )
    node.create_attendees(db, new)
    report.arrivals = _arrivals(db, node, conn, pulled.arrivals)
    return report


def _latest(tickets: list[Ticket]) -> list[Ticket]:
    """One ticket per id, the last one listed (an order read twice while paging)."""
    return list({t.external_id: t for t in tickets}.values())


def _settle(db: sqlite3.Connection, conn: Connection, ticket: Ticket,
            before: tuple[str, dict] | None, fields: dict[str, str], new: list[tuple[str, dict]],
            report: PullReport, node: Node) -> str | None:  # fmt: skip
    """Creates or updates one ticket's attendee; returns its id (None: nothing to keep)."""
    if before is not None and before[1] == digests(fields):
        return None  # unchanged in the system since the last pull: nothing to write
    attendee_id = before[0] if before else attendee_id_for(conn, ticket.external_id)
    row = db.execute("SELECT * FROM attendee WHERE attendee_id = ?", (attendee_id,)).fetchone()
    if row is None:
        row = by_code(db, ticket.code)  # a signed ticket admitted offline, or an import
    if row is None:
        new.append((attendee_id, {"fields": fields, "source": conn.kind}))
        report.cancelled += ticket.cancelled
        report.added += not ticket.cancelled
        return attendee_id
    previous = before[1] if before else digests({k: row[k] or "" for k in fields})
    now = digests(fields)
    changed = {k: v for k, v in fields.items() if previous.get(k) != now[k] and row[k] != v}
    if ticket.cancelled:  # pretix revokes a cancelled ticket's secret for a new one: the old
        changed.pop("code", None)  # code, the one its holder has, must answer "cancelled"
    if changed:
        saw = basis.of(row["versions"], changed)
        node.record(db, "attendee_upsert", row["attendee_id"],
                    {"fields": changed, "seen": saw, "source": conn.kind},
                    after=basis.after(saw))  # fmt: skip
        if changed.get("status") == "cancelled":
            report.cancelled += 1
        else:
            report.updated += 1
    return row["attendee_id"]


def _arrivals(db: sqlite3.Connection, node: Node, conn: Connection,
              found: list[GateArrival]) -> int:  # fmt: skip
    """One check-in op at "<kind>: <gate>" per entry the system recorded, each taken in once.

    An attendee already in that day (our own pushed check-in, come back) gets none.
    """
    event, count = load_event(db), 0
    for arrival in found:
        taken = db.execute(
            "INSERT INTO ticketing_arrival (connection, code, at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (conn.name, digests({"code": arrival.code})["code"],
                                        arrival.at))  # fmt: skip
        row = by_code(db, arrival.code) if taken.rowcount else None
        if row is None or row["status"] == "cancelled":
            continue
        at = datetime.fromisoformat(arrival.at.replace("Z", "+00:00"))
        day = event.local_date(at).isoformat()
        if any(a.day == day for a in arrivals(db, row["attendee_id"])):
            continue
        node.record(db, "checkin", row["attendee_id"],
                    {"at": utc_iso(at), "day": day, "desk": f"{conn.kind}: {arrival.gate}",
                     "staff": "", "code": arrival.code, "ticketing": conn.kind})  # fmt: skip
        count += 1
    return count
