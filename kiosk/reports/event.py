"""The post-event report: registrations and arrivals, desks, sessions, room changes, printing
and the sync audit, each built by one function from the venue database.

SECTIONS is the report's table of contents: a part that records more adds its builder to the
list in one line (incidents and deliveries: kiosk/reports/logistics.py). Builders take a
translator so the page speaks the reader's language and the CLI writes English.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from kiosk.dashboard import figures
from kiosk.desk.event import load as load_event
from kiosk.documents.pdf import Section
from kiosk.reports import audit, logistics
from kiosk.reports.facts import Facts, Translate
from kiosk.rooms import schedule

Builder = Callable[[Facts], Section]


def registrations(f: Facts) -> Section:
    """Registered (valid) people of each ticket type against arrivals on each day."""
    _, days = f._, f.days()
    types = sorted({t.ticket_type for d in days for t in d.tickets})
    rows = []
    for name in types:
        cells = [next(((t.expected, t.arrived) for t in d.tickets if t.ticket_type == name), (0, 0))
                 for d in days]  # fmt: skip
        rows.append([name or "—", *(f"{a} / {e}" for e, a in cells)])
    rows.append([_("All"), *(f"{d.checked_in} / {d.expected}" for d in days)])
    return Section(_("Registrations and arrivals"),
                   [_("Each cell: people who arrived that day / people whose ticket admits them.")],
                   [_("Ticket type"), *(d.day.isoformat() for d in days)], rows)  # fmt: skip


def arrival_curve(f: Facts) -> Section:
    """Arrivals per hour of each day, with the running total."""
    _ = f._
    rows = [[d.day.isoformat(), b.start.strftime("%H:%M"), b.checked_in, b.cumulative]
            for d in f.days() for b in d.buckets]  # fmt: skip
    return Section(_("Arrival curve"), [_("First arrival of each person per day, per hour.")],
                   [_("Day"), _("From"), _("Arrived"), _("So far")], rows)  # fmt: skip


def desks(f: Facts) -> Section:
    """Each desk's check-ins a day and its busiest hour."""
    _ = f._
    rows = [[d.day.isoformat(), k.desk or "—", k.scans, max(k.per_bucket, default=0)]
            for d in f.days() for k in d.desks]  # fmt: skip
    return Section(_("Desk throughput"), [],
                   [_("Day"), _("Desk"), _("Check-ins"), _("Busiest hour")], rows)  # fmt: skip


def sessions(f: Facts) -> Section:
    """Every session: people scanned in at the door against sign-ups and seats."""
    _ = f._
    rows = [[s.starts_at.strftime("%Y-%m-%d %H:%M"), s.title, s.room_name, s.attended,
             s.registered, s.capacity, _("over capacity") if s.overflowing else ""]
            for d in f.event.dates() for s in figures.sessions(f.db, f.key, d, f.now)]  # fmt: skip
    return Section(_("Session attendance"), [],
                   [_("Starts"), _("Session"), _("Room"), _("Scanned in"), _("Signed up"),
                    _("Seats"), ""], rows, widths=(14, 34, 16, 9, 9, 8, 10))  # fmt: skip


def room_changes(f: Facts) -> Section:
    """Every room change: who moved what where and why, and whom it touched."""
    _, zone = f._, f.event.zone
    rows = []
    for c in reversed(schedule.changes(f.db)):
        told = f.db.execute("SELECT coalesce(sum(recipients), 0) FROM notification"
                            " WHERE change_op_id = ?", (c["op_id"],)).fetchone()[0]  # fmt: skip
        room = schedule.room(f.db, c["to_room"])
        signed = schedule.registered_count(f.db, c["session_id"])
        when = (
            schedule.parse_utc(c["at"]).astimezone(zone).strftime("%m-%d %H:%M") if c["at"] else ""
        )
        short = _(": too few seats") if room is not None and 0 < room.capacity < signed else ""
        seats = f"{signed} / {room.capacity if room else '?'}{short}"
        rows.append([when, c["title"] or c["session_id"], f"{c['from_name']} → {c['to_name']}",
                     c["reason"], c["staff"], told, seats])  # fmt: skip
    return Section(_("Room changes and their impact"),
                   [_("People told: sign-ups notified of the move. Signed up / seats of the new"
                     " room, with a word where it seats fewer than signed up.")],
                   [_("When"), _("Session"), _("Move"), _("Reason"), _("By"), _("People told"),
                    _("Signed up / seats")], rows, widths=(11, 25, 22, 16, 8, 8, 10))  # fmt: skip


SECTIONS: list[Builder] = [registrations, arrival_curve, desks, sessions, room_changes,
                           logistics.section, audit.printing, audit.sync]  # fmt: skip


def build(db: sqlite3.Connection, key: str, now: datetime,
          _: Translate) -> tuple[str, str, list[Section]]:  # fmt: skip
    """The report's title, subtitle and sections."""
    event = load_event(db)
    facts = Facts(db, key, event, now, _)
    days = event.dates()
    span = f"{days[0].isoformat()} – {days[-1].isoformat()}" if days else ""
    subtitle = _("%(span)s · %(zone)s · made %(at)s", span=span, zone=event.timezone,
                 at=now.astimezone(event.zone).strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    title = _("Post-event report: %(name)s", name=event.name or "Kiosk")
    return title, subtitle, [builder(facts) for builder in SECTIONS]
