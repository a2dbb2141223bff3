"""The day's shifts as a section of the day log (kiosk.documents.pdf): who worked where, when
each person arrived, and who never came."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.documents.pdf import Section
from kiosk.shifts import roster, rules

COLUMNS = ("Person", "Role", "Place", "Start", "End", "Checked in at", "No-show")
WIDTHS = (26, 14, 18, 10, 10, 14, 10)


def _clock(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else ""


def section(db: sqlite3.Connection, day: str, now: datetime, zone: ZoneInfo,
            grace: timedelta = timedelta(minutes=10)) -> Section:  # fmt: skip
    """One row per standing shift of `day`, in start order; times in the event's zone."""
    rows = []
    for shift in roster.day_shifts(db, day):
        missed = rules.state(shift, now, grace) == rules.NO_SHOW
        rows.append((shift.person, shift.role, shift.place_name, _clock(shift.starts_at, zone),
                     _clock(shift.ends_at, zone), _clock(shift.checked_in_at, zone),
                     "yes" if missed else ""))  # fmt: skip
    return Section("Staff shifts", columns=COLUMNS, rows=rows, widths=WIDTHS,
                   empty="No shifts on this day.")  # fmt: skip
