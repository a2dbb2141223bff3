"""The day log: one event day's incidents and deliveries with their times, as sections.

One list of section builders feeds the page, the CSV and the PDF alike: the staff shifts
(kiosk.shifts.daylog) join all three as one entry of SECTIONS. Times are the venue's clock
times; the words are the asker's language.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext

from kiosk.desk.messages import clock_time
from kiosk.desk.reports import neutralise
from kiosk.documents.pdf import Section, report_pdf
from kiosk.logistics import deliveries, incidents, rules, words
from kiosk.shifts import daylog as shifts_daylog

Builder = Callable[[sqlite3.Connection, str, ZoneInfo, datetime], Section]


def _time(iso_utc: str, zone: ZoneInfo) -> str:
    return clock_time(iso_utc, zone) if iso_utc else ""


def incident_section(db: sqlite3.Connection, day: str, zone: ZoneInfo, now: datetime) -> Section:
    """Every incident reported that day: when reported, assigned, resolved, and every note."""
    rows = incidents.on_day(db, day)
    notes = incidents.notes(db, [r["incident_id"] for r in rows])
    table = []
    for r in rows:
        said = "; ".join(f"{_time(n['at'], zone)} {n['staff']}: {n['text']}"
                         for n in notes.get(r["incident_id"], []))  # fmt: skip
        assigned = f"{_time(r['assigned_at'], zone)} {r['assignee']}".strip()
        table.append([_time(r["reported_at"], zone), words.severity_label(r["severity"]),
                      words.category_label(r["category"]), words.place_label(r), r["title"],
                      r["reported_by"], assigned, _time(r["resolved_at"], zone), said])  # fmt: skip
    columns = [gettext("Reported"), gettext("Severity"), gettext("Category"), gettext("Place"),
               gettext("What"), gettext("Reported by"), gettext("Assigned"),
               gettext("Resolved"), gettext("Notes")]  # fmt: skip
    return Section(gettext("Incidents"), (), columns, table, (12, 12, 11, 11, 16, 9, 12, 9, 20),
                   gettext("No incidents on this day."))  # fmt: skip


def delivery_section(db: sqlite3.Connection, day: str, zone: ZoneInfo, now: datetime) -> Section:
    """Every delivery due that day: due, what became of it and when (for vendor disputes)."""
    table = []
    for r in deliveries.on_day(db, day):
        state = rules.delivery_state(r["status"], r["due_at"], now)
        late = rules.minutes_late(r["due_at"], r["status_at"]) if r["status"] == "arrived" else 0
        table.append([_time(r["due_at"], zone), r["vendor_name"], r["what"], r["room_name"],
                      words.status_label(state), _time(r["status_at"], zone),
                      str(late) if late else "", r["note"]])  # fmt: skip
    columns = [gettext("Due"), gettext("Vendor"), gettext("What"), gettext("Room"),
               gettext("Status"), gettext("Marked at"), gettext("Minutes late"),
               gettext("Note")]  # fmt: skip
    return Section(gettext("Deliveries"), (), columns, table, (9, 15, 20, 10, 10, 11, 11, 16),
                   gettext("No deliveries on this day."))  # fmt: skip


SECTIONS: list[Builder] = [
    incident_section,
    delivery_section,
    lambda db, day, zone, now: shifts_daylog.section(db, day, now, zone),
]


def sections(db: sqlite3.Connection, day: str, zone: ZoneInfo, now: datetime) -> list[Section]:
    """The day's sections, in SECTIONS order."""
    return [build(db, day, zone, now) for build in SECTIONS]


def to_csv(found: list[Section]) -> str:
    """Each section as a block: its heading, its columns, its rows, then an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for section in found:
        writer.writerow([neutralise(section.heading)])
        writer.writerow([neutralise(c) for c in section.columns])
        writer.writerows([[neutralise(v) for v in row] for row in section.rows])
        writer.writerow([])
    return out.getvalue()


def to_pdf(event_name: str, day: str, found: list[Section]) -> bytes:
    """The day log as a PDF of real, searchable text."""
    title = gettext("Day log %(day)s", day=day)
    return report_pdf(title, event_name, found)
