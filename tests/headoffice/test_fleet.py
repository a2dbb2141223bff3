"""The fleet console's figures, read back from the rows sync, the fold and the outbox leave."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.headoffice import events, fleet, importing, tokens
from kiosk.headoffice.database import Database
from tests.headoffice.fleet_data import ROSTER, ago, arrival, attendee_ids, machine, mail

DURING = datetime(2026, 12, 9, 5, 0, tzinfo=UTC)  # noon of day two in Jakarta


@pytest.fixture
def jcon(ho: Database) -> events.Event:
    """A two-day event in Jakarta (UTC+7) with three people."""
    event = events.add(ho, "jcon", "JCon", "2026-12-08", 2, "Asia/Jakarta")
    importing.import_attendees(ho, event, ROSTER)
    return event


def test_an_event_counts_people_who_arrived_once_however_often_they_were_scanned(
    ho: Database, jcon: events.Event
) -> None:
    ids = attendee_ids(ho, jcon)
    arrival(ho, jcon, "op1", ids["A1"], "2026-12-08T02:00:00.000Z", "venue-a")
    arrival(ho, jcon, "op2", ids["A1"], "2026-12-09T02:00:00.000Z", "venue-b")  # day two
    arrival(ho, jcon, "op3", ids["A2"], "2026-12-08T02:05:00.000Z", "venue-a", undone=True)
    [standing] = fleet.standings(ho)
    assert (standing.people, standing.arrived) == (3, 1)


def test_problems_sum_open_flags_set_aside_ops_and_mail_that_did_not_arrive(
    ho: Database, jcon: events.Event
) -> None:
    machine(ho, jcon, "Desk 1", "venue-a", seen=ago(minutes=3), flags=2, quarantined=1)
    machine(ho, jcon, "Desk 2", "venue-b", seen=ago(hours=2), flags=None, quarantined=4)
    gone = machine(ho, jcon, "Old desk", "venue-c", seen=ago(days=9), flags=50, quarantined=50)
    ho.execute("UPDATE token SET revoked_at = '2026-12-01T00:00:00Z' WHERE token_id = ?", (gone,))
    for n, status in enumerate(("failed", "bounced", "uncertain", "sent", "queued")):
        mail(ho, jcon, f"p{n}", status)
    [standing] = fleet.standings(ho)
    # The revoked machine no longer counts: not as a venue, not in the oldest, not its flags.
    assert (standing.venues, standing.flags_open, standing.quarantined) == (2, 2, 5)
    assert standing.mail_problems == 2  # failed and bounced; uncertain waits for a person
    assert standing.problems == 9
    assert standing.oldest_seen_at == fleet.venues(ho, jcon.event_id)[1].last_seen_at  # Desk 2


def test_events_with_problems_come_first_then_the_newest(ho: Database) -> None:
    old = events.add(ho, "old", "Old", "2026-01-10")
    events.add(ho, "new", "New", "2026-12-20")
    events.add(ho, "mid", "Mid", "2026-06-01")
    assert [s.event.slug for s in fleet.standings(ho)] == ["new", "mid", "old"]
    machine(ho, old, "Desk", "venue-a", seen=ago(minutes=1), flags=1)
    assert [s.event.slug for s in fleet.standings(ho)] == ["old", "new", "mid"]
    assert [s.event.slug for s in fleet.standings(ho, only=old.event_id)] == ["old"]


def test_a_machine_shows_what_it_lacks_what_it_holds_and_whether_its_clock_is_off(
    ho: Database, jcon: events.Event
) -> None:
    high = ho.execute("SELECT high FROM event WHERE event_id = ?", (jcon.event_id,)).fetchone()[0]
    machine(ho, jcon, "Desk B", "venue-b", seen=ago(minutes=1), pulled=high, pending=None,
            offset_ms=-61_000)  # fmt: skip
    machine(ho, jcon, "Desk A", "venue-a", seen=ago(minutes=1), pulled=1, pending=7,
            offset_ms=59_000)  # fmt: skip
    a, b = fleet.venues(ho, jcon.event_id)
    assert (a.name, a.to_venue, a.from_venue, a.clock_off) == ("Desk A", high - 1, 7, False)
    assert (b.name, b.to_venue, b.from_venue, b.clock_off) == ("Desk B", 0, None, True)


def test_a_revoked_machine_is_listed_last_and_marked(ho: Database, jcon: events.Event) -> None:
    first = machine(ho, jcon, "A desk", "venue-a", seen=ago(minutes=1))
    machine(ho, jcon, "B desk", "venue-b", seen=ago(minutes=1))
    ho.execute("UPDATE token SET revoked_at = '2026-12-01T00:00:00Z' WHERE token_id = ?", (first,))
    assert [(v.name, v.revoked) for v in fleet.venues(ho, jcon.event_id)] == [
        ("B desk", False), ("A desk", True)]  # fmt: skip


def test_arrivals_count_per_machine_and_per_local_hour_of_the_day_shown(
    ho: Database, jcon: events.Event
) -> None:
    ids = attendee_ids(ho, jcon)
    arrival(ho, jcon, "op1", ids["A1"], "2026-12-08T02:10:00.000Z", "venue-a")  # 09:10 day 1
    arrival(ho, jcon, "op2", ids["A2"], "2026-12-08T02:50:00.000Z", "venue-b")  # 09:50 day 1
    arrival(ho, jcon, "op3", ids["A3"], "2026-12-08T03:01:00.000Z", "venue-a")  # 10:01 day 1
    arrival(ho, jcon, "op4", ids["A1"], "2026-12-08T17:30:00.000Z", "venue-a")  # 00:30 day 2
    arrival(ho, jcon, "op5", ids["A2"], "2026-12-09T02:00:00.000Z", "venue-b", undone=True)
    day1 = fleet.arrivals(ho, jcon, "2026-12-08", DURING)
    assert day1.origins == ("venue-a", "venue-b")
    assert day1.totals == {"venue-a": 3, "venue-b": 1}
    assert day1.hours == ((9, {"venue-a": 1, "venue-b": 1}), (10, {"venue-a": 1}))
    day2 = fleet.arrivals(ho, jcon, None, DURING)  # today, while the event runs
    assert (day2.day, day2.hours) == (date(2026, 12, 9), ((0, {"venue-a": 1}),))


@pytest.mark.parametrize(
    ("asked", "today", "busy", "shown"),
    [("2026-12-08", date(2026, 12, 9), set(), date(2026, 12, 8)),
     ("2027-01-01", date(2026, 12, 9), set(), date(2026, 12, 9)),  # not a day of the event
     (None, date(2026, 12, 20), {date(2026, 12, 8)}, date(2026, 12, 8)),  # after: last busy
     (None, date(2026, 11, 1), set(), date(2026, 12, 8))],  # before: the first day
)  # fmt: skip
def test_the_hourly_table_shows_the_day_asked_else_today_else_the_last_busy_day(
    asked: str | None, today: date, busy: set[date], shown: date
) -> None:
    days = (date(2026, 12, 8), date(2026, 12, 9))
    assert fleet.shown_day(days, asked, today, busy) == shown


def test_enrolments_list_sync_tokens_no_machine_has_used_yet(
    ho: Database, jcon: events.Event
) -> None:
    machine(ho, jcon, "Synced", "venue-a", seen=ago(minutes=1))
    tokens.create(ho, "sync", "Desk North", jcon.event_id)
    tokens.create(ho, "supervisor", "Dewi", jcon.event_id)
    assert [e.name for e in fleet.enrolments(ho, jcon.event_id)] == ["Desk North"]
