"""The caterer's headcount: arrivals so far scaled by the share of a day that usually has come."""

from __future__ import annotations

import pytest

from kiosk.dashboard import headcount

NINE = 9 * 60


def test_the_default_curve_sits_around_the_first_session() -> None:
    curve = headcount.default_curve(NINE)
    assert curve.share(NINE - 120) == 0 and curve.share(NINE) == pytest.approx(0.65)
    assert curve.share(NINE - 45) == pytest.approx((0.10 + 0.35) / 2)  # linear in between
    assert curve.share(NINE + 600) == 1


def test_lunch_forecast_scales_arrivals_so_far() -> None:
    curve = headcount.default_curve(NINE)
    found = headcount.forecast(arrived=650, expected=1000, curve=curve, now_minute=NINE,
                               then_minute=12 * 60 + 30)  # fmt: skip
    assert found.day_total == 1000 and found.source == "default"
    assert found.people == 990  # 12:30 is 3.5 h after the first session: 99 % have come
    thin = headcount.forecast(arrived=300, expected=1000, curve=curve, now_minute=NINE,
                              then_minute=NINE + 30)  # fmt: skip
    assert thin.day_total == round(300 / 0.65) and thin.people == round(300 / 0.65 * 0.82)


def test_never_fewer_than_are_here_nor_more_than_expected() -> None:
    curve = headcount.default_curve(NINE)
    early = headcount.forecast(arrived=5, expected=1000, curve=curve, now_minute=NINE - 100,
                               then_minute=NINE - 95)  # fmt: skip
    assert early.people == 5  # nobody is due yet, but five are here
    crowded = headcount.forecast(arrived=900, expected=1000, curve=curve,
                                 now_minute=NINE - 60, then_minute=NINE + 240)  # fmt: skip
    assert crowded.people == 1000


def test_too_early_to_tell_uses_the_expected_turnout() -> None:
    curve = headcount.default_curve(NINE)
    found = headcount.forecast(arrived=20, expected=1000, curve=curve, now_minute=NINE - 75,
                               then_minute=NINE + 240)  # fmt: skip
    assert found.day_total == 850 and found.people == 850


def test_the_events_own_days_make_the_curve() -> None:
    curve = headcount.own_curve([[480, 490, 500, 600], [485, 700]])
    assert curve is not None and curve.source == "own"
    assert curve.share(479) == 0 and curve.share(700) == pytest.approx(1)
    assert curve.share(490) == pytest.approx(0.25 + 0.25 + 0.5 * 0)  # each day weighs half
    assert headcount.own_curve([[], []]) is None
