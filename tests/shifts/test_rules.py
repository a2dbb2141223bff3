"""A shift's state is read from the clock: due, then no-show after the grace, unless checked in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.shifts import rules

START = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
GRACE = timedelta(minutes=10)


def shift(start: datetime = START, hours: int = 2, arrived: datetime | None = None,
          shift_id: str = "s1") -> rules.Shift:  # fmt: skip
    return rules.Shift(shift_id, "Dewi", "KN-DEWI", "usher", "kamboja", "Kamboja", start,
                       start + timedelta(hours=hours), arrived)  # fmt: skip


@pytest.mark.parametrize(("minutes", "expected"), [
    (-30, rules.UPCOMING), (0, rules.DUE), (9, rules.DUE), (10, rules.NO_SHOW),
    (200, rules.NO_SHOW)])  # fmt: skip
def test_no_show_after_the_grace(minutes: int, expected: str) -> None:
    assert rules.state(shift(), START + timedelta(minutes=minutes), GRACE) == expected


def test_a_check_in_ends_the_no_show() -> None:
    late = shift(arrived=START + timedelta(minutes=25))
    assert rules.state(late, START + timedelta(minutes=30), GRACE) == rules.ON_SHIFT
    assert rules.state(late, START + timedelta(hours=3), GRACE) == rules.DONE


def test_a_scan_an_hour_early_starts_the_next_shift() -> None:
    later = shift(START + timedelta(hours=3), shift_id="s2")
    assert rules.to_start([shift(), later], START + timedelta(hours=2, minutes=5)) == later


def test_a_scan_starts_the_earliest_waiting_shift() -> None:
    second = shift(START + timedelta(minutes=30), shift_id="s2")
    assert rules.to_start([second, shift()], START).shift_id == "s1"


def test_a_scan_too_early_names_the_next_shift() -> None:
    with pytest.raises(rules.Refusal) as refused:
        rules.to_start([shift()], START - timedelta(hours=2))
    assert refused.value.code == "no_shift"
    assert refused.value.shift.shift_id == "s1"


def test_a_second_scan_is_refused_as_already_in() -> None:
    with pytest.raises(rules.Refusal) as refused:
        rules.to_start([shift(arrived=START)], START + timedelta(minutes=5))
    assert refused.value.code == "already"


def test_board_groups_now_next_later_earlier() -> None:
    now = START + timedelta(minutes=30)
    shifts = [shift(START - timedelta(hours=3), shift_id="past"), shift(shift_id="now"),
              shift(START + timedelta(hours=1), shift_id="next"),
              shift(START + timedelta(hours=5), shift_id="later")]  # fmt: skip
    groups = rules.board(shifts, now, timedelta(hours=2))
    assert {k: [s.shift_id for s in v] for k, v in groups.items()} == {
        "now": ["now"],
        "next": ["next"],
        "later": ["later"],
        "earlier": ["past"],
    }
