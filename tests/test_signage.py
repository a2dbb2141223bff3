"""Signage: a token once, then a cookie; boards answer 204 until something they show changes."""

import re

import pytest

from kiosk import auth
from kiosk.db import transaction
from kiosk.rooms import moves, schedule
from tests.conftest import sign_in
from tests.rooms_data import AT_1040

pytestmark = pytest.mark.usefixtures("schedule_loaded")


@pytest.fixture
def token(db) -> str:
    return auth.create_token(db, "signage", "lobby tv")


def _key(html: bytes) -> str:
    return re.search(rb'data-key="([^"]+)"', html).group(1).decode()


def test_token_once_then_cookie(client, token) -> None:
    first = client.get(f"/signage?token={token}")
    assert first.status_code == 303 and first.headers["Location"] == "/signage"
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/signage" in cookie
    page = client.get("/signage")
    assert page.status_code == 200 and "Offline-first data sync" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["desk", "supervisor", "sync"])
def test_only_signage_tokens_open_screens(client, db, role) -> None:
    other = auth.create_token(db, role, "not a tv")
    assert client.get(f"/signage?token={other}").status_code == 401
    assert client.get("/signage").status_code == 401
    assert client.get("/signage/board", headers={"HX-Request": "true"}).status_code == 401


def test_a_revoked_token_stops_the_screen(client, db, token) -> None:
    client.get(f"/signage?token={token}")
    token_id = db.execute("SELECT token_id FROM api_token WHERE name = 'lobby tv'").fetchone()[0]
    auth.revoke_token(db, token_id)
    assert client.get("/signage").status_code == 401


def test_signed_in_staff_may_look(client) -> None:
    sign_in(client)
    assert client.get("/signage/door/kamboja").status_code == 200


def test_lobby_now_next_and_moved(client, db, node, token) -> None:
    client.get(f"/signage?token={token}")
    page = client.get("/signage")
    html = page.get_data(as_text=True)
    assert "Next · 10:30" in html and "No session is running" in html
    key = _key(page.data)
    assert client.get(f"/signage/board?v={key}").status_code == 204  # nothing changed
    with transaction(db):
        moves.move(db, node, moves.preview(db, "workshop", "kenanga"), "Budi", "projector", "t")
    board = client.get(f"/signage/board?v={key}")
    assert board.status_code == 200 and _key(board.data) != key
    text = board.get_data(as_text=True)
    assert "MOVED to Kenanga" in text and "was Kamboja" in text
    assert 'hx-trigger="every 3s"' in text and "<html" not in text


def test_board_changes_with_the_minute(client, token, clock) -> None:
    client.get(f"/signage?token={token}")
    key = _key(client.get("/signage").data)
    clock.set(AT_1040)
    board = client.get(f"/signage/board?v={key}").get_data(as_text=True)
    assert "10:40" in board and "Printing at scale" in board


def test_door_screen_says_where_the_session_went(client, db, node, token) -> None:
    client.get(f"/signage/door/kamboja?token={token}")
    with transaction(db):
        moves.move(db, node, moves.preview(db, "workshop", "kenanga"), "Budi", "projector", "t")
    kamboja = client.get("/signage/door/kamboja").get_data(as_text=True)
    assert "This session moved to Kenanga: Offline-first data sync, 10:30" in kamboja
    kenanga = client.get("/signage/door/kenanga").get_data(as_text=True)
    assert "Moved here from Kamboja" in kenanga and "0 / 200" in kenanga


def test_door_board_refreshes_on_a_scan(client, db, node, token, clock) -> None:
    from kiosk.rooms import door

    clock.set(AT_1040)
    client.get(f"/signage/door/kamboja?token={token}")
    key = _key(client.get("/signage/door/kamboja").data)
    door.scan(db, node, schedule.room(db, "kamboja"), "KN-JOSE01", "in", "door", AT_1040)
    board = client.get(f"/signage/door/kamboja/board?v={key}")
    assert board.status_code == 200 and "1 / 3" in board.get_data(as_text=True)


def test_signage_speaks_indonesian(client, token) -> None:
    client.get(f"/signage?token={token}")
    html = client.get("/signage?lang=id").get_data(as_text=True)
    assert "Berikutnya" in html
