"""The desk queue as an M/M/c system (Erlang C): how long people wait, and when to open a lane.

Arrivals are Poisson at rate λ (people a minute, measured over the last minutes), each open
desk serves at rate μ (from its recent back-to-back scan intervals), one queue feeds every desk
and people are served in turn. Erlang C gives the chance that a newcomer waits at all and the
mean wait Wq = C / (cμ − λ). When λ ≥ cμ the queue grows without bound.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

DEFAULT_SERVICE_SECONDS = 30.0  # one check-in with badge, before a desk has shown its own pace
IDLE_GAP_SECONDS = 120.0  # a longer gap between two scans at a desk is idle time, not service
MIN_INTERVALS = 3  # fewer back-to-back scans than this: the desk's pace is not known yet
MAX_DESKS = 50  # the most lanes the advice counts up to


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits, for `servers` desks and `offered` = λ/μ erlangs.

    Computed from Erlang B's recursion (stable for large c); 1.0 when the load is too high.
    """
    if servers < 1:
        return 1.0
    if offered <= 0:
        return 0.0
    if offered >= servers:
        return 1.0
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    rho = offered / servers
    return blocking / (1 - rho + rho * blocking)


def expected_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in the queue Wq (in the rates' time unit); infinity when λ ≥ cμ."""
    if arrival_rate <= 0:
        return 0.0
    if servers < 1 or service_rate <= 0 or arrival_rate >= servers * service_rate:
        return math.inf
    waits = erlang_c(servers, arrival_rate / service_rate)
    return waits / (servers * service_rate - arrival_rate)


def arrival_rate(times: Sequence[float], now: float, window: float) -> float:
    """λ: arrivals in the `window` before `now`, per unit of time (times in the same unit)."""
    if window <= 0:
        raise ValueError("the window must be longer than zero")
    return sum(1 for t in times if now - window < t <= now) / window


def service_rate(times: Sequence[float]) -> float | None:
    """μ of one desk, in scans a second, from its scan times (seconds, any order).

    The median of the gaps between consecutive scans that are short enough to be back-to-back
    service; None while there are too few of them (use DEFAULT_SERVICE_SECONDS).
    """
    ordered = sorted(times)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    busy = [g for g in gaps if 0 < g <= IDLE_GAP_SECONDS]
    if len(busy) < MIN_INTERVALS:
        return None
    return 1.0 / median(busy)


@dataclass(frozen=True)
class Advice:
    """The queue now: rates per minute, waits in minutes, and whether to open another lane."""

    arrival_rate: float  # λ, people a minute
    service_rate: float  # μ, mean of the open desks, people a minute
    desks: int  # c, desks that scanned someone in the window
    utilisation: float  # ρ = λ / (cμ); ≥ 1: the queue grows
    wait_probability: float
    expected_wait: float  # Wq in minutes; inf when the queue grows
    open_lane: bool
    desks_needed: int  # the fewest desks that keep Wq at or under the threshold


def advise(arrival_per_min: float, desk_rates_per_min: Sequence[float],
           threshold_min: float) -> Advice:  # fmt: skip
    """Erlang C for the desks open now; "open another lane" when Wq > threshold or ρ ≥ 1."""
    desks = len(desk_rates_per_min)
    mu = sum(desk_rates_per_min) / desks if desks else 60.0 / DEFAULT_SERVICE_SECONDS
    rho = arrival_per_min / (desks * mu) if desks else (math.inf if arrival_per_min else 0.0)
    wait = expected_wait(desks, arrival_per_min, mu) if arrival_per_min else 0.0
    probability = erlang_c(desks, arrival_per_min / mu) if desks else float(arrival_per_min > 0)
    enough = (c for c in range(1, MAX_DESKS + 1)
              if expected_wait(c, arrival_per_min, mu) <= threshold_min)  # fmt: skip
    needed = next(enough, MAX_DESKS)
    if arrival_per_min <= 0:
        needed = min(desks, 1)
    return Advice(arrival_per_min, mu, desks, rho, probability, wait,
                  wait > threshold_min or rho >= 1, needed)  # fmt: skip
