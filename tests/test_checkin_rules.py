"""The pure check-in rules: each refusal has its stable code, and a day counts once."""

from datetime import date

import pytest

from kiosk.desk.attendees import Arrival
from kiosk.desk.checkin import Result, Ticket, clean_code, decide

DAY1, DAY2 = date(2026, 12, 1), date(2026, 12, 2)
FULL = Ticket(status="valid", block_note="", valid_days=None)


def arrival(day: date, at: str = "2026-12-01T02:00:00.000Z", desk: str = "North-1") -> Arrival:
    return Arrival("0193f2c4-0000-7000-8000-000000000001", at, day.isoformat(), desk, "Ana")


def test_unknown_code() -> None:
    assert decide(None, [], DAY1, 1).result is Result.UNKNOWN_CODE


def test_first_scan_checks_in() -> None:
    decision = decide(FULL, [], DAY1, 1)
    assert decision.result is Result.CHECKED_IN and decision.admitted


def test_second_scan_same_day_names_the_first_arrival() -> None:
    first = arrival(DAY1, "2026-12-01T02:02:00.000Z", "South-2")
    later = arrival(DAY1, "2026-12-01T03:00:00.000Z", "North-1")
    decision = decide(FULL, [later, first], DAY1, 1)
    assert decision.result is Result.ALREADY_CHECKED_IN
    assert decision.previous == first  # the earliest arrival, wherever it happened
    assert not decision.admitted


def test_next_day_checks_in_again() -> None:
    # Check-in counts once per event day: yesterday's arrival does not refuse today.
    assert decide(FULL, [arrival(DAY1)], DAY2, 2).result is Result.CHECKED_IN


def test_cancelled_beats_everything_else() -> None:
    ticket = Ticket("cancelled", "See the organiser", frozenset({2}))
    assert decide(ticket, [arrival(DAY1)], DAY1, 1).result is Result.CANCELLED


def test_blocked_carries_the_head_office_note() -> None:
    decision = decide(Ticket("valid", "See the organiser", None), [], DAY1, 1)
    assert decision.result is Result.BLOCKED
    assert decision.note == "See the organiser"


@pytest.mark.parametrize(("today", "number", "expected"), [
    (DAY1, 1, Result.NOT_VALID_NOW),
    (DAY2, 2, Result.CHECKED_IN),
    (date(2026, 11, 30), None, Result.NOT_VALID_NOW),  # before the event: a day pass is no use
])  # fmt: skip
def test_one_day_ticket_only_on_its_day(today: date, number: int | None, expected: Result) -> None:
    assert decide(Ticket("valid", "", frozenset({2})), [], today, number).result is expected


def test_full_ticket_valid_outside_event_days() -> None:
    # Badge pick-up the evening before is common; only day passes are tied to a day.
    assert decide(FULL, [], date(2026, 11, 30), None).result is Result.CHECKED_IN


@pytest.mark.parametrize(("raw", "expected"), [
    ("  KN-ABC123\r\n", "KN-ABC123"),
    ("\tKN-ABC123 ", "KN-ABC123"),
    ("", None),
    ("   ", None),
    ("KN\x00ABC", None),
    ("KN\x1bABC", None),
    ("X" * 257, None),
    ("X" * 256, "X" * 256),
    ("王小明-1", "王小明-1"),
])  # fmt: skip
def test_clean_code(raw: str, expected: str | None) -> None:
    assert clean_code(raw) == expected
