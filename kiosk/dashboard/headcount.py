"""How many people will be on site for the next meal or plenary, for the caterer.

The model: by a given time of day a steady share of the day's arrivals has come. That share
is read from the event's own earlier days when it has any (their arrivals by time of day,
pooled), else from a default curve around the day's first session. The day's total is the
arrivals so far divided by the share due by now; the headcount at the meal is that total times
the share due by the meal, never fewer than are here already nor more than are expected.
Early in the morning (under MIN_SHARE due) the total is the expected people × DEFAULT_TURNOUT.
People who leave before the meal are not modelled.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

# Minutes from the day's first session → share of the day's arrivals come by then.
DEFAULT_CURVE = ((-90, 0.0), (-60, 0.10), (-30, 0.35), (0, 0.65), (30, 0.82), (60, 0.90),
                 (120, 0.96), (240, 1.0))  # fmt: skip
MIN_SHARE = 0.10
DEFAULT_TURNOUT = 0.85  # share of expected people who come on a day, before any have


@dataclass(frozen=True)
class Curve:
    """Cumulative share of a day's arrivals by minute of the local day (0–1440), rising."""

    minutes: tuple[float, ...]
    shares: tuple[float, ...]
    source: str  # "own": the event's earlier days; "default": DEFAULT_CURVE

    def share(self, minute: float) -> float:
        """The share come by `minute`, linear between known points."""
        if not self.minutes:
            return 0.0
        i = bisect.bisect_right(self.minutes, minute)
        if i == 0:
            return self.shares[0] if minute >= self.minutes[0] else 0.0
        if i == len(self.minutes):
            return self.shares[-1]
        m0, m1, s0, s1 = self.minutes[i - 1], self.minutes[i], self.shares[i - 1], self.shares[i]
        return s0 + (s1 - s0) * (minute - m0) / (m1 - m0)


def default_curve(first_session_minute: float) -> Curve:
    """DEFAULT_CURVE placed around the day's first session (minute of the local day)."""
    return Curve(tuple(first_session_minute + m for m, _ in DEFAULT_CURVE),
                 tuple(s for _, s in DEFAULT_CURVE), "default")  # fmt: skip


def own_curve(days: Sequence[Sequence[float]]) -> Curve | None:
    """The pooled curve of earlier days, each a list of arrival minutes; None without any."""
    points = sorted((m, 1.0 / (len(day) * len([d for d in days if d])))
                    for day in days for m in day)  # fmt: skip
    if not points:
        return None
    minutes: list[float] = []
    shares: list[float] = []
    total = 0.0
    for minute, weight in points:  # each day weighs the same, however many came
        total += weight
        if minutes and minutes[-1] == minute:
            shares[-1] = total
        else:
            minutes.append(minute)
            shares.append(total)
    return Curve((minutes[0] - 1, *minutes), (0.0, *shares), "own")


@dataclass(frozen=True)
class Headcount:
    """The forecast for one meal or plenary."""

    people: int
    day_total: int  # arrivals forecast for the whole day
    share_now: float
    share_then: float
    source: str  # "own" or "default" curve


def forecast(arrived: int, expected: int, curve: Curve, now_minute: float,
             then_minute: float) -> Headcount:  # fmt: skip
    """People on site at `then_minute`, from `arrived` by `now_minute` on `curve`."""
    share_now, share_then = curve.share(now_minute), curve.share(max(then_minute, now_minute))
    total = arrived / share_now if share_now >= MIN_SHARE else expected * DEFAULT_TURNOUT
    total = min(max(total, arrived), max(expected, arrived))
    people = max(arrived, round(total * share_then))
    return Headcount(people, round(total), share_now, share_then, curve.source)
