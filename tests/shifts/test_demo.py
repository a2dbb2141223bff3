"""The demo event holds a realistic staff day: shifts of every role, staff badges that scan,
check-ins of the shifts begun, two no-shows, and day one's checklists partly ticked."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.db import open_db
from kiosk.demo import loader
from kiosk.replication.node import load_node
from kiosk.runofshow import checklist
from kiosk.shifts import roster, rules, store

START = date(2020, 3, 2)  # long before any run of the suite: every shift has begun


def test_demo_staff_day(tmp_path: Path) -> None:
    db = open_db(tmp_path / "demo.sqlite3")
    loader.load(db, load_node(db), 400, 7, START)
    day_one = roster.day_shifts(db, START.isoformat())
    assert len(store.days(db)) == 3 and 36 <= sum(
        len(store.shifts_on(db, d)) for d in store.days(db)) <= 45  # fmt: skip
    assert Counter(s.role for s in day_one) == {"usher": 8, "desk": 3, "technician": 2,
                                                "runner": 1}  # fmt: skip
    late = datetime(2020, 3, 2, 5, 0, tzinfo=UTC)  # noon in Jakarta
    missed = [s for s in day_one if rules.state(s, late, timedelta(minutes=10)) == rules.NO_SHOW]
    assert [(s.role, s.place) for s in missed] == [("desk", "Registration"), ("usher", "kenanga")]
    badged = [s for s in day_one if s.badge_code]
    assert badged and all(store.shifts_of_badge(db, s.badge_code) for s in badged)
    lists = [checklist.checklist(db, r["session_id"]) for r in db.execute(
        "SELECT session_id FROM session WHERE day = ?", (START.isoformat(),))]  # fmt: skip
    ticked = Counter(sum(t.done for t in ticks) for ticks in lists)
    assert ticked[0] and ticked[5] and ticked[2]  # some untouched, some ready, some halfway
