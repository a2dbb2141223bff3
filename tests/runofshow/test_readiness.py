"""Room readiness as ushers and supervisors see it: big toggles, the rooms page's panel of the
next hour's sessions that are not ready, and the JSON routes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("schedule_loaded")
HX = {"HX-Request": "true"}


def test_ticking_an_item_on_the_tablet(desk) -> None:
    client, csrf = desk
    page = client.get("/readiness/sessions/workshop").data
    assert page.count(b'aria-pressed="false"') == 5
    tick = {"done": "1", "csrf_token": csrf}
    answer = client.post("/readiness/sessions/workshop/mic", data=tick, headers=HX)
    assert b'data-item="mic"' in answer.data and answer.data.count(b'aria-pressed="true"') == 1
    assert b"Ana" in answer.data  # who ticked it
    client.post("/readiness/sessions/workshop/mic", data={"done": "0", "csrf_token": csrf})
    assert b'aria-pressed="true"' not in client.get("/readiness/sessions/workshop").data


def test_the_day_list_counts_ticked_items(desk) -> None:
    client, csrf = desk
    for item in ("room_open", "av_tested", "speaker", "mic", "slides"):
        client.post(f"/readiness/sessions/printing/{item}", data={"done": "1", "csrf_token": csrf})
    client.post("/readiness/sessions/workshop/mic", data={"done": "1", "csrf_token": csrf})
    page = client.get("/readiness").data
    assert b"1 of 5 ready" in page and b"Ready</span>" in page


def test_rooms_page_lists_the_next_hours_sessions_not_ready(desk, clock: FixedClock) -> None:
    client, csrf = desk
    page = client.get("/rooms").data.decode()
    panel = page[page.index("Next hour: not ready") : page.index("</section>")]
    # 10:05: the workshop and the printing talk start at 10:30; lunch at 12:00 is later.
    assert "Offline-first data sync" in panel and "Printing at scale" in panel
    assert "Lunch talk" not in panel
    for item in ("room_open", "av_tested", "speaker", "mic", "slides"):
        client.post(f"/readiness/sessions/printing/{item}", data={"done": "1", "csrf_token": csrf})
    page = client.get("/rooms").data.decode()
    panel = page[page.index("Next hour: not ready") : page.index("</section>")]
    assert "Printing at scale" not in panel and "missing: Room open, AV tested" in panel
    clock.set(clock.now() + timedelta(hours=1, minutes=30))  # 11:35: lunch is within the hour
    assert "Lunch talk" in client.get("/rooms").data.decode()


def test_a_room_change_asks_to_check_the_new_room_again(client, make_token) -> None:
    csrf = sign_in(client, "Budi")
    for item in ("room_open", "av_tested", "speaker", "mic", "slides"):
        client.post(f"/readiness/sessions/workshop/{item}", data={"done": "1", "csrf_token": csrf})
    supervisor = make_token("supervisor")
    moved = client.post("/api/v1/sessions/workshop/room", json={"room_id": "kenanga"},
                        headers=supervisor)  # fmt: skip
    assert moved.status_code == 200
    page = client.get("/readiness/sessions/workshop").data
    assert page.count(b"Check again: the room changed") == 2
    answer = client.get("/api/v1/sessions/workshop/readiness", headers=supervisor).get_json()
    assert {i["item"]: i["done"] for i in answer["items"]} == {
        "room_open": False,
        "av_tested": False,
        "speaker": True,
        "mic": True,
        "slides": True,
    }


def test_readiness_api(client, make_token) -> None:
    desk = make_token("desk")
    url = "/api/v1/sessions/workshop/readiness"
    answer = client.post(url, json={"item": "mic", "done": True}, headers=desk)
    assert answer.status_code == 200 and answer.get_json()["items"][3] == {
        "item": "mic",
        "done": True,
        "by": "test device",
        "at": "2026-12-01T03:05:00.000Z",
    }
    bad = client.post(url, json={"item": "coffee", "done": True}, headers=desk)
    assert bad.status_code == 400
    assert client.get("/api/v1/sessions/nope/readiness", headers=desk).status_code == 404
    signage = make_token("signage")
    assert client.get("/api/v1/sessions/workshop/readiness",
                      headers=signage).status_code == 403  # fmt: skip


def test_indonesian_checklist(desk) -> None:
    client, _ = desk
    client.set_cookie("lang", "id")
    page = client.get("/readiness/sessions/workshop").data.decode()
    assert "Ruangan dibuka" in page and "Pembicara sudah datang" in page
