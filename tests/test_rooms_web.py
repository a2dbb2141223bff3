"""Room changes, doors and occupancy through the screens (htmx and plain) and the API."""

import re

import pytest

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.replication import conflicts
from kiosk.rooms import schedule
from tests.conftest import csrf_from, sign_in
from tests.rooms_data import AT_1040

pytestmark = pytest.mark.usefixtures("schedule_loaded")


@pytest.fixture
def supervisor(client):
    return client, sign_in(client, "Budi")


def test_schedule_page_lists_the_day(desk) -> None:
    client, _ = desk
    html = client.get("/rooms?day=2026-12-01").get_data(as_text=True)
    assert "Offline-first data sync" in html and "10:30" in html and "Kamboja" in html
    assert "Change room" not in html  # a desk may read, only a supervisor moves


def test_desk_may_not_change_rooms(desk) -> None:
    client, token = desk
    assert client.get("/rooms/sessions/workshop/move").status_code == 403
    response = client.post(
        "/rooms/sessions/workshop/move",
        data={"room_id": "anggrek", "reason": "x", "csrf_token": token},
    )
    assert response.status_code == 403


def test_preview_shows_impact_htmx_and_plain(supervisor) -> None:
    client, _ = supervisor
    plain = client.get("/rooms/sessions/workshop/move?room_id=anggrek").get_data(as_text=True)
    fragment = client.get("/rooms/sessions/workshop/move?room_id=anggrek",
                          headers={"HX-Request": "true"}).get_data(as_text=True)  # fmt: skip
    for html in (plain, fragment):
        assert "4 people signed up" in html  # the cancelled attendee is not counted
        assert "Clash: Printing at scale" in html and "Move to Anggrek" in html
    assert "<html" in plain and "<html" not in fragment
    small = client.get("/rooms/sessions/workshop/move?room_id=kamboja").get_data(as_text=True)
    assert "already in this room" in small


def _confirm(client, token, room="anggrek", reason="projector broken"):
    page = client.get(f"/rooms/sessions/workshop/move?room_id={room}").data
    seen = re.search(rb'name="seen" value="([^"]*)"', page).group(1).decode()
    return client.post("/rooms/sessions/workshop/move", data={
        "room_id": room, "reason": reason, "seen": seen, "csrf_token": token})  # fmt: skip


def test_confirm_undo_and_export(supervisor, db) -> None:
    client, token = supervisor
    done = _confirm(client, token, "kenanga")
    assert done.status_code == 303
    change_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Kamboja → Kenanga" in change_page and "projector broken" in change_page
    assert schedule.session(db, "workshop")["room_id"] == "kenanga"
    op_id = done.headers["Location"].rsplit("/", 1)[1]
    queued = db.execute("SELECT recipients FROM notification WHERE change_op_id = ?", (op_id,))
    assert queued.fetchone()[0] == 4
    csv_text = client.get(f"/rooms/changes/{op_id}/affected.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("attendee_id,first_name,last_name,email")
    assert "jose.nunez@cafe-nandu.example" in csv_text and len(csv_text.splitlines()) == 5
    undone = client.post(f"/rooms/changes/{op_id}/undo", data={"csrf_token": token})
    assert undone.status_code == 303 and schedule.session(db, "workshop")["room_id"] == "kamboja"
    history = schedule.changes(db, "workshop")
    assert [c["to_room"] for c in history] == ["kamboja", "kenanga"]
    assert history[0]["undo_of"] == op_id


def test_export_neutralises_formulas(supervisor, db, node) -> None:
    client, token = supervisor
    from kiosk.db import transaction
    from kiosk.desk import attendees

    with transaction(db):
        attendees.update(db, node, "a-jose", {"first_name": "=HYPERLINK(1)"})
    op_id = _confirm(client, token, "kenanga").headers["Location"].rsplit("/", 1)[1]
    assert "'=HYPERLINK(1)" in client.get(f"/rooms/changes/{op_id}/affected.csv").get_data(
        as_text=True
    )


def test_confirm_needs_a_reason_and_a_fresh_view(supervisor, db) -> None:
    client, token = supervisor
    assert _confirm(client, token, reason=" ").status_code == 303
    assert schedule.session(db, "workshop")["room_id"] == "kamboja"
    stale = client.post("/rooms/sessions/workshop/move", data={
        "room_id": "anggrek", "reason": "x", "seen": "old", "csrf_token": token})  # fmt: skip
    assert stale.status_code == 303 and schedule.session(db, "workshop")["room_id"] == "kamboja"
    assert "meanwhile" in client.get(stale.headers["Location"]).get_data(as_text=True)


def test_forms_need_csrf(supervisor) -> None:
    client, _ = supervisor
    response = client.post(
        "/rooms/sessions/workshop/move", data={"room_id": "anggrek", "reason": "x"}
    )
    assert response.status_code == 400


# -- API ---------------------------------------------------------------------------------------


def test_api_sessions_rooms_and_change(client, make_token) -> None:
    signage, sup = make_token("signage"), make_token("supervisor")
    day = client.get("/api/v1/sessions?day=2026-12-01", headers=signage).get_json()["sessions"]
    assert [s["session_id"] for s in day] == ["printing", "workshop", "lunch"]
    assert set(day[1]) == {"session_id", "title", "starts_at", "ends_at", "room_id", "room_name",
                           "registered"} and day[1]["registered"] == 4  # fmt: skip
    rooms = client.get("/api/v1/rooms", headers=signage).get_json()["rooms"]
    assert {"room_id": "kamboja", "name": "Kamboja", "capacity": 3} in rooms
    answer = client.post("/api/v1/sessions/workshop/room", json={"room_id": "anggrek"},
                         headers=sup).get_json()  # fmt: skip
    assert answer["session"]["room_id"] == "anggrek" and answer["affected_attendees"] == 4
    assert any("Printing at scale" in w for w in answer["warnings"])
    back = client.post("/api/v1/sessions/workshop/room", json={"room_id": "kamboja"}, headers=sup)
    assert back.get_json()["warnings"] == ["The new room seats 3, but 4 people signed up."]


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/api/v1/sessions/nope/room", {"room_id": "anggrek"}, 404),
    ("/api/v1/sessions/workshop/room", {"room_id": "nope"}, 404),  # names no room
    ("/api/v1/sessions/workshop/room", {"room_id": 7}, 400),
])  # fmt: skip
def test_api_change_errors(client, make_token, path, body, status) -> None:
    response = client.post(path, json=body, headers=make_token("supervisor"))
    assert response.status_code == status and set(response.get_json()) == {"error", "message"}


def test_api_day_must_be_a_date(client, make_token) -> None:
    assert (
        client.get("/api/v1/sessions?day=tomorrow", headers=make_token("desk")).status_code == 400
    )


# -- doors and occupancy -----------------------------------------------------------------------


def test_door_scans_and_occupancy(desk, clock) -> None:
    client, token = desk
    clock.set(AT_1040)
    client.post("/rooms/door", data={"room_id": "kamboja", "csrf_token": token})

    def scan(code, direction="in"):
        data = {"code": code, "direction": direction, "csrf_token": token}
        response = client.post(
            "/rooms/door/kamboja/scan", headers={"HX-Request": "true"}, data=data
        )
        return response.get_data(as_text=True)

    assert "Registered for this session" in scan("KN-JOSE01")
    assert "Not signed up" in scan("KN-WANG01")
    assert "Unknown badge" in scan("NOPE-1")
    full = scan("KN-JOSE02")
    assert "3 / 3" in full and "Room full" in full
    assert "2 / 3" in scan("KN-WANG01", "out")
    assert "2 / 3" in scan("KN-JOSE01")  # already inside: counted once
    page = client.get("/rooms/occupancy").get_data(as_text=True)
    assert "Nearly full" not in page and "2 / 3" in page


def test_door_api(client, make_token, clock) -> None:
    clock.set(AT_1040)
    answer = client.post("/api/v1/rooms/kamboja/scan", json={"code": "KN-JOSE01"},
                         headers=make_token("desk")).get_json()  # fmt: skip
    assert answer["result"] == "registered" and answer["occupancy"] == 1
    assert answer["session_id"] == "workshop" and answer["level"] == "ok"
    refused = client.post("/api/v1/rooms/kamboja/scan", json={"code": "KN-JOSE01"},
                          headers=make_token("signage"))  # fmt: skip
    assert refused.status_code == 403


# -- concurrent changes while apart ------------------------------------------------------------


def test_concurrent_room_changes_are_flagged(db, node) -> None:
    from kiosk.db import transaction
    from kiosk.rooms import moves

    first = moves.preview(db, "workshop", "anggrek")
    second = moves.preview(db, "workshop", "kenanga")  # both saw Kamboja
    with transaction(db):
        moves.move(db, node, first, "Ana", "a", "t")
        moves.move(db, node, second, "Budi", "b", "t")
    flags = [f for f in conflicts.flags(db) if f.kind == "concurrent_edit"]
    assert len(flags) == 1 and flags[0].entity == "workshop"
    assert flags[0].detail == {"field": "room_id", "kind": "session_room_set"}


def test_csrf_token_comes_from_page(supervisor) -> None:
    client, _ = supervisor
    assert csrf_from(client.get("/rooms/sessions/workshop/move?room_id=anggrek").data)


# -- what a move causes, and what stands anyway -------------------------------------------------

EXTRA = """session_id,title,starts_at,ends_at,room_id,room_name,capacity,track
extra,Sponsor demo,2026-12-01T10:45,2026-12-01T11:00,anggrek,Anggrek,80,
"""


@pytest.fixture
def double_booked(db, node) -> None:
    """A sponsor demo booked into Anggrek while Printing at scale runs there."""
    from kiosk.rooms import schedule_import

    schedule_import.import_sessions(db, node, EXTRA.encode())


@pytest.mark.usefixtures("double_booked")
def test_api_move_into_a_free_room_warns_of_nothing_it_did_not_cause(client, make_token) -> None:
    answer = client.post("/api/v1/sessions/workshop/room", json={"room_id": "kenanga"},
                         headers=make_token("supervisor")).get_json()  # fmt: skip
    assert answer["changed"] and answer["warnings"] == []
    assert answer["standing"] == ["Printing at scale and Sponsor demo share Anggrek from 10:45."]


@pytest.mark.usefixtures("double_booked")
def test_preview_lists_standing_problems_apart(supervisor) -> None:
    client, _ = supervisor
    html = client.get("/rooms/sessions/workshop/move?room_id=kenanga").get_data(as_text=True)
    caused, _, standing = html.partition("Already on this day")
    assert "impact-warn" not in caused and "Left without" not in html
    assert "Printing at scale and Sponsor demo share Anggrek from 10:45." in standing
    page = client.get("/rooms?day=2026-12-01").get_data(as_text=True)
    assert "Double bookings on this day" in page
    assert "Printing at scale and Sponsor demo share Anggrek from 10:45." in page


def test_moving_a_session_under_way_warns_people_are_in_the_old_room(client, make_token,
                                                                     clock) -> None:  # fmt: skip
    clock.set(AT_1040)
    answer = client.post("/api/v1/sessions/workshop/room", json={"room_id": "kenanga"},
                         headers=make_token("supervisor")).get_json()  # fmt: skip
    assert answer["warnings"] == [
        "The session is under way: people in Kamboja must be sent to the new room."
    ]
    assert answer["standing"] == []


def test_preview_of_a_session_under_way_says_where_people_are(supervisor, clock) -> None:
    client, _ = supervisor
    clock.set(AT_1040)
    html = client.get("/rooms/sessions/workshop/move?room_id=kenanga").get_data(as_text=True)
    assert "Under way: people are in Kamboja now. Send them to Kenanga." in html
    assert "Already on this day" not in html  # nothing else stands on this day


def test_preview_lists_one_word_names_without_stray_commas(supervisor, db, node) -> None:
    """People known by one name (common in Indonesia) read "José, Josefina …", not "José ,"."""
    with transaction(db):
        attendees.update(db, node, "a-jose", {"last_name": ""}, "Ana")
    client, _ = supervisor
    html = client.get("/rooms/sessions/workshop/move?room_id=anggrek").get_data(as_text=True)
    (names,) = re.findall(r'<span class="muted">([^<]*)</span></li>', html)[:1]
    assert " ," not in names and "José" in names.split(", "), names
