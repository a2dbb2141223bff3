"""The shifts JSON routes: a day's shifts with their state, and check-in by shift id."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("shifts_loaded")


def test_a_days_shifts_with_their_state(client, make_token) -> None:
    answer = client.get("/api/v1/shifts?day=2026-12-01", headers=make_token("desk")).get_json()
    states = {s["shift_id"]: s["state"] for s in answer["shifts"]}
    assert states == {"desk-am": "no_show", "usher-kamboja": "due", "usher-anggrek": "upcoming",
                      "tech-pm": "upcoming"}  # fmt: skip
    assert answer["shifts"][0]["starts_at"] == "2026-12-01T01:00:00.000Z"


def test_check_in_by_id_keeps_the_first_arrival(client, make_token, clock) -> None:
    from datetime import timedelta

    desk = make_token("desk")
    first = client.post("/api/v1/shifts/desk-am/checkin", headers=desk).get_json()["shift"]
    assert (first["state"], first["checked_in_at"]) == ("on_shift", "2026-12-01T03:05:00.000Z")
    clock.advance(timedelta(minutes=5))
    again = client.post("/api/v1/shifts/desk-am/checkin", headers=desk).get_json()["shift"]
    assert again["checked_in_at"] == first["checked_in_at"]


def test_refusals(client, make_token) -> None:
    desk = make_token("desk")
    assert client.get("/api/v1/shifts?day=tomorrow", headers=desk).status_code == 400
    assert client.post("/api/v1/shifts/nope/checkin", headers=desk).status_code == 404
    assert client.get("/api/v1/shifts?day=2026-12-01").status_code == 401
    selfservice = make_token("selfservice")
    assert client.post("/api/v1/shifts/desk-am/checkin", headers=selfservice).status_code == 403
