"""The shifts board as staff use it: no-shows red, check-in by badge scan, one-step reassign."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from sync.oplog import all_ops
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("shifts_loaded")


def row(html: bytes, shift_id: str) -> str:
    found = re.search(rf'<tr id="shift-{shift_id}" class="shift-(\w+)">(.*?)</tr>',
                      html.decode(), re.S)  # fmt: skip
    assert found, shift_id
    return found.group(1) + " " + " ".join(found.group(2).split())


def test_board_shows_no_shows_in_red_and_due_in_amber(desk) -> None:
    client, _ = desk
    page = client.get("/shifts").data
    # 10:05: the desk shift began at 08:00 with no one checked in; the usher's at 10:00.
    assert row(page, "desk-am").startswith("no_show") and "No-show" in row(page, "desk-am")
    assert row(page, "usher-kamboja").startswith("due")
    assert b"No-shows: 1" in page


def test_no_show_appears_when_the_grace_passes(desk, clock: FixedClock) -> None:
    client, _ = desk
    clock.advance(timedelta(minutes=6))  # 10:11
    assert row(client.get("/shifts").data, "usher-kamboja").startswith("no_show")


def test_no_show_grace_is_a_setting(desk, app) -> None:
    app.config["SHIFT_NO_SHOW_MINUTES"] = 3
    client, _ = desk
    assert row(client.get("/shifts").data, "usher-kamboja").startswith("no_show")


def test_scanning_a_staff_badge_checks_in_the_next_shift(desk, clock: FixedClock) -> None:
    client, csrf = desk
    clock.advance(timedelta(minutes=30))  # 10:35: the technician's shift starts at 11:30
    answer = client.post("/shifts/checkin", data={"code": "kn-suka01", "csrf_token": csrf},
                         headers={"HX-Request": "true"})  # fmt: skip
    assert b"Sukarno is checked in." in answer.data
    assert "Checked in 10:35" in row(answer.data, "tech-pm")  # the board is swapped along
    again = client.post("/shifts/checkin", data={"code": "KN-SUKA01", "csrf_token": csrf},
                        headers={"HX-Request": "true"})  # fmt: skip
    assert b"Already checked in" in again.data


def test_a_badge_without_a_shift_now_is_refused(desk) -> None:
    client, csrf = desk
    too_early = client.post("/shifts/checkin", data={"code": "KN-SUKA01", "csrf_token": csrf},
                            headers={"HX-Request": "true"})  # fmt: skip
    assert b"No shift starts within the hour" in too_early.data
    unknown = client.post("/shifts/checkin", data={"code": "NOPE", "csrf_token": csrf},
                          headers={"HX-Request": "true"})  # fmt: skip
    assert b"This badge has no shift" in unknown.data


def test_checking_in_from_the_row_ends_the_no_show(desk) -> None:
    client, csrf = desk
    answer = client.post("/shifts/desk-am/checkin", data={"csrf_token": csrf})
    assert answer.status_code == 303
    assert row(client.get("/shifts").data, "desk-am").startswith("on_shift")


def test_desk_may_not_reassign(desk) -> None:
    client, csrf = desk
    answer = client.post("/shifts/desk-am/reassign", data={"person": "Sukarno",
                                                           "csrf_token": csrf})  # fmt: skip
    assert answer.status_code == 403
    assert b"Reassign" not in client.get("/shifts").data


def test_supervisor_reassigns_in_one_step(client, db_path) -> None:
    csrf = sign_in(client, "Budi")
    client.post("/shifts/usher-kamboja/checkin", data={"csrf_token": csrf})
    answer = client.post("/shifts/usher-kamboja/reassign", data={"person": "Sukarno",
                                                                 "csrf_token": csrf})  # fmt: skip
    assert answer.status_code == 303
    board = row(client.get("/shifts").data, "usher-kamboja")
    # Dewi's check-in was hers: Sukarno has not arrived yet, so the shift is due again.
    assert "Sukarno" in board and board.startswith("due")
    db = sqlite3.connect(db_path)
    last = list(all_ops(db))[-1]
    assert (last.kind, last.payload["fields"]) == (
        "shift_set",
        {"person": "Sukarno", "badge_code": "KN-SUKA01"},
    )


def test_supervisor_edits_a_shift(client) -> None:
    csrf = sign_in(client, "Budi")
    assert b'value="10:00"' in client.get("/shifts/usher-kamboja/edit").data
    answer = client.post("/shifts/usher-kamboja/edit", data={
        "person": "Dewi Lestari", "badge_code": "KN-DEWI", "role": "Usher", "place": "melati",
        "starts": "10:15", "ends": "12:30", "csrf_token": csrf})  # fmt: skip
    assert answer.status_code == 303
    assert "10:15–12:30" in row(client.get("/shifts").data, "usher-kamboja")
    incomplete = {"person": "Dewi", "role": "usher", "place": "", "starts": "10:15",
                  "ends": "12:30", "csrf_token": csrf}  # fmt: skip
    refused = client.post("/shifts/usher-kamboja/edit", data=incomplete, follow_redirects=True)
    assert b"A shift needs a person, a role, a place" in refused.data


def test_supervisor_adds_a_shift_and_takes_one_off(client) -> None:
    csrf = sign_in(client, "Budi")
    assert b"Add a shift" in client.get("/shifts").data
    added = client.post("/shifts/new?day=2026-12-01", data={
        "person": "Agus Salim", "badge_code": "", "role": "runner", "place": "Loading dock",
        "starts": "13:00", "ends": "15:00", "csrf_token": csrf}, follow_redirects=True)  # fmt: skip
    assert b"Shift saved." in added.data and b"Agus Salim" in added.data
    gone = client.post("/shifts/tech-pm/cancel", data={"csrf_token": csrf}, follow_redirects=True)
    assert b"off the board" in gone.data and b'id="shift-tech-pm"' not in gone.data
    assert client.get("/shifts/tech-pm/edit").status_code == 404


def test_empty_day_says_how_to_import(desk) -> None:
    client, _ = desk
    assert b"No shifts on this day" in client.get("/shifts?day=2026-12-03").data


def test_indonesian_board(desk) -> None:
    client, _ = desk
    client.set_cookie("lang", "id")
    page = client.get("/shifts").data.decode()
    assert "Shift staf" in page and "Tidak hadir" in page


def test_a_badge_finds_a_shift_that_names_its_wearer(desk, db, node, clock) -> None:
    """A shift imported with a name but no badge code: the badge's attendee name finds it."""
    from kiosk.db import transaction
    from kiosk.shifts import roster

    fields = {"person": "Sukarno", "role": "runner", "place": "Loading dock",
              "starts_at": "2026-12-01T03:00:00.000Z", "ends_at": "2026-12-01T05:00:00.000Z",
              "day": "2026-12-01"}  # fmt: skip
    with transaction(db):
        roster.set_shift(db, node, "by-name", fields, "Budi")
    client, csrf = desk
    answer = client.post("/shifts/checkin", data={"code": "KN-SUKA01", "csrf_token": csrf},
                         headers={"HX-Request": "true"})  # fmt: skip
    assert b"Sukarno is checked in." in answer.data
    assert row(answer.data, "by-name").startswith("on_shift")


def test_the_board_says_when_this_machine_is_offline(desk, app) -> None:
    """The board carries the desk's live sync state; with head office unreachable it reads
    Offline, and a check-in still goes in, waiting to be sent."""
    app.config["SYNC_PEER"] = "http://127.0.0.1:9"  # nothing listens there
    client, csrf = desk

    def waiting() -> int:
        status = client.get("/desk/status").data.decode()
        assert "Offline" in status
        return int(re.search(r"(\d+) to send", status).group(1))

    assert 'hx-get="/desk/status"' in client.get("/shifts").data.decode()
    before = waiting()
    assert client.post("/shifts/desk-am/checkin", data={"csrf_token": csrf}).status_code == 303
    assert waiting() == before + 1
