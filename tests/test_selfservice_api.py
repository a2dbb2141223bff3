"""A self-service token on the JSON API keeps the screen's rules: the screen's answer (first
name only, nothing of anyone on a refusal), its own desk, and the same guessing limit."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk import auth
from kiosk.db import open_db, transaction
from kiosk.printing import setup as print_setup
from tests.conftest import DAY1_MORNING, csrf_from

SCAN = "/api/v1/scan"


@pytest.fixture
def token(db_path: Path) -> str:
    db = open_db(db_path)
    try:
        return auth.create_token(db, "selfservice", "Lobby screen 1")
    finally:
        db.close()


def api_scan(client: FlaskClient, token: str, code: str, **extra: str):
    return client.post(SCAN, json={"code": code, **extra},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip


@pytest.mark.parametrize(
    ("code", "result", "words"),
    [
        ("KN-JOSE01", "checked_in", "Welcome, José!"),
        ("KN-CANC01", "cancelled", "This ticket is no longer valid"),
        ("KN-BLOC01", "blocked", "We need to check something with you"),
        ("KN-SITI01", "not_valid_now", "Your ticket is not valid today"),
        ("KN-NOPE99", "unknown_code", "We could not find this ticket"),
    ],
)
def test_the_answer_is_what_the_screen_shows(client, token, code, result, words) -> None:
    body = api_scan(client, token, code).get_json()
    assert (body["result"], body["message"]) == (result, words)
    if result == "checked_in":
        assert body["attendee"] == {"first_name": "José"}  # no last name, company or id
    else:
        assert body["attendee"] is None  # a refusal names nobody
    text = json.dumps(body, ensure_ascii=False)
    for private in (
        "Ñúñez",
        "Café",
        "Person",
        "Cancel",
        "See the organiser",
        "attendee_id",
        "a-jose",
        "a-cancel",
        "a-blocked",
        "a-siti",
        "KN-",
    ):
        assert private not in text


def test_already_checked_in_is_welcome_back_without_where_and_when(client, token) -> None:
    api_scan(client, token, "KN-JOSE01")
    body = api_scan(client, token, "KN-JOSE01").get_json()
    assert body["result"] == "already_checked_in"
    assert body == {**body, "attendee": {"first_name": "José"}, "message": "Welcome back, José!"}


def test_a_named_desk_is_ignored(client, token, db_path, tmp_path) -> None:
    """A staff desk that prints on check-in gets no job from a self-service device."""
    db = open_db(db_path)
    with transaction(db):
        print_setup.add_printer(db, "north", f"file://{tmp_path}/out", default=True,
                                now=DAY1_MORNING)  # fmt: skip
        print_setup.set_desk(db, "Desk North-1", "north", auto_print=True)
    db.close()
    body = api_scan(client, token, "KN-JOSE01", desk="Desk North-1").get_json()
    assert body["result"] == "checked_in" and body["print_job_id"] is None
    db = open_db(db_path)
    assert db.execute("SELECT desk FROM scan").fetchall()[0][0] == "Lobby screen 1"
    assert db.execute("SELECT count(*) FROM print_job").fetchone()[0] == 0
    db.close()


def test_wrong_codes_lock_the_api_and_the_screen(client, token, db_path) -> None:
    for n in range(5):
        assert api_scan(client, token, f"KN-GUES{n:02}").get_json()["result"] == "unknown_code"
    locked = api_scan(client, token, "KN-JOSE01")
    assert locked.status_code == 429 and locked.get_json()["error"] == "rate_limited"
    assert "Too many tries" in locked.get_json()["message"] and "José" not in locked.text
    assert int(locked.headers["Retry-After"]) > 0
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM checkin").fetchone()[0] == 0  # nobody checked in
    db.close()
    client.get(f"/self?token={token}")
    assert "Too many tries" in client.get("/self").text  # the screen shares the lock


def test_a_locked_screen_locks_the_api(client, token) -> None:
    client.get(f"/self?token={token}")
    csrf = csrf_from(client.get("/self").data)
    for n in range(5):
        form = {"csrf_token": csrf, "kind": "code", "key": f"KN-GUES{n:02}", "last_name": "X"}
        client.post("/self/lookup", data=form)
    api = FlaskClient(client.application)
    assert api_scan(api, token, "KN-JOSE01").status_code == 429


def test_the_lock_ends_after_the_cool_down(client, token, clock) -> None:
    for n in range(5):
        api_scan(client, token, f"KN-GUES{n:02}")
    assert api_scan(client, token, "KN-JOSE01").status_code == 429
    clock.advance(timedelta(seconds=61))
    assert api_scan(client, token, "KN-JOSE01").get_json()["result"] == "checked_in"
