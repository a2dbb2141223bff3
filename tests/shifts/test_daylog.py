"""The day log's shifts section: every shift of the day with its arrival, no-shows marked."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.db import transaction
from kiosk.documents.pdf import report_pdf
from kiosk.shifts import daylog, roster, store

pytestmark = pytest.mark.usefixtures("shifts_loaded")
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_section_lists_the_days_shifts(db, node, clock) -> None:
    shift = roster.as_shift(store.shift(db, "usher-kamboja"))
    with transaction(db):
        roster.check_in(db, node, shift, "Ana", shift.starts_at + timedelta(minutes=3))
    section = daylog.section(db, "2026-12-01", clock.now(), JAKARTA)
    assert section.columns[-2:] == ("Checked in at", "No-show")
    assert section.rows[0] == ("Rahul Sharma", "desk", "Registration", "08:00", "12:00", "", "yes")
    assert section.rows[1][0] == "Dewi Lestari" and section.rows[1][5:] == ("10:03", "")
    assert report_pdf("Day log", "2026-12-01", [section]).startswith(b"%PDF")


def test_a_day_without_shifts_says_so(db, clock) -> None:
    section = daylog.section(db, "2026-12-03", clock.now(), JAKARTA)
    assert section.rows == [] and section.empty == "No shifts on this day."
