"""The desk queue model against textbook values of M/M/1, M/M/2 and Erlang C tables."""

from __future__ import annotations

import math

import pytest

from kiosk.dashboard import queueing


def test_erlang_c_matches_known_table_values() -> None:
    assert queueing.erlang_c(1, 2 / 3) == pytest.approx(2 / 3)  # M/M/1: P(wait) = ρ
    assert queueing.erlang_c(2, 1.0) == pytest.approx(1 / 3)  # M/M/2, ρ = 0.5: 2ρ²/(1+ρ)
    assert queueing.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert queueing.erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)  # 10 erlangs, 11 agents


def test_expected_wait_is_the_textbook_wq() -> None:
    assert queueing.expected_wait(1, 2.0, 3.0) == pytest.approx(2 / 3)  # λ/(μ(μ−λ))
    assert queueing.expected_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)  # C/(cμ−λ)
    assert queueing.expected_wait(2, 2.0, 1.0) == math.inf  # λ = cμ: the queue never empties


def test_arrival_rate_counts_only_the_window() -> None:
    times = [0.0, 50.0, 100.0, 590.0, 600.0]
    assert queueing.arrival_rate(times, now=600.0, window=300.0) == pytest.approx(2 / 300)


def test_a_desks_pace_ignores_idle_gaps_and_needs_enough_scans() -> None:
    busy = [0, 20, 40, 62, 80, 500, 520]  # a gap of 420 s is the desk waiting for people
    assert 1 / queueing.service_rate(busy) == pytest.approx(20)
    assert queueing.service_rate([0, 20, 40]) is None  # two gaps: not known yet


def test_open_another_lane_when_the_wait_passes_the_threshold() -> None:
    calm = queueing.advise(3.0, [2.0, 2.0, 2.0], threshold_min=5)
    assert not calm.open_lane and calm.expected_wait < 1 and calm.desks_needed <= 3
    busy = queueing.advise(5.9, [2.0, 2.0, 2.0], threshold_min=5)  # ρ ≈ 0.98: Wq ≈ 8 min
    assert busy.open_lane and busy.expected_wait > 5 and busy.desks_needed == 4


def test_open_another_lane_when_people_come_faster_than_the_desks_serve() -> None:
    flood = queueing.advise(7.0, [2.0, 2.0, 2.0], threshold_min=60)
    assert flood.utilisation > 1 and flood.expected_wait == math.inf and flood.open_lane
    assert queueing.advise(1.0, [], threshold_min=5).open_lane  # people, and no desk open


def test_no_arrivals_no_queue() -> None:
    quiet = queueing.advise(0.0, [2.0], threshold_min=5)
    assert quiet.expected_wait == 0 and not quiet.open_lane
