"""The self-service screen through the Flask client: binding, each step, privacy and guessing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk import auth
from kiosk.db import open_db, transaction
from kiosk.printing import setup as print_setup
from kiosk.replication.node import load_node
from kiosk.views.selfservice import COOKIE
from tests.conftest import DAY1_MORNING, csrf_from, sign_in


def _token(db_path: Path, role: str = "selfservice", name: str = "Lobby screen 1") -> str:
    db = open_db(db_path)
    try:
        return auth.create_token(db, role, name)
    finally:
        db.close()


@pytest.fixture
def screen(client: FlaskClient, db_path: Path) -> tuple[FlaskClient, str]:
    """A browser bound as a self-service screen, with its CSRF token."""
    response = client.get("/self?token=" + _token(db_path))
    assert response.status_code == 303 and response.headers["Location"].endswith("/self")
    return client, csrf_from(client.get("/self").data)


@pytest.fixture
def printer(db_path: Path, tmp_path: Path) -> None:
    """A default file printer (nothing sends to it in these tests: the worker does not run)."""
    db = open_db(db_path)
    with transaction(db):
        print_setup.add_printer(
            db, "lobby", f"file://{tmp_path}/out", default=True, now=DAY1_MORNING
        )
    db.close()


def post(screen: tuple[FlaskClient, str], path: str, **data: str) -> str:
    """Posts a form like the screen does, follows the 303, and returns the page shown."""
    client, csrf = screen
    response = client.post(path, data={"csrf_token": csrf, **data})
    assert response.status_code == 303, response.data[:300]
    return client.get(response.headers["Location"]).data.decode()


def scanner_keys(code: str, gap_ms: int = 6) -> str:
    """The gaps the page reports for text that came from a keyboard-wedge scanner."""
    return ",".join([str(gap_ms)] * (len(code) - 1))


def scan(screen: tuple[FlaskClient, str], code: str) -> str:
    """A scan at the scanner's pace, as the page reports it; returns the page shown."""
    return post(screen, "/self/scan", code=code, keys=scanner_keys(code))


def test_binding_sets_an_httponly_cookie_and_hides_the_token(client, db_path) -> None:
    response = client.get("/self?token=" + _token(db_path))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie
    assert "token" not in response.headers["Location"]
    page = client.get("/self")
    assert page.status_code == 200 and 'id="ss-code"' in page.data.decode()
    assert page.headers["Cache-Control"] == "no-store"


def test_an_unbound_or_wrong_token_shows_no_screen(client, db_path) -> None:
    assert client.get("/self").status_code == 401
    assert client.get("/self?token=" + _token(db_path, "desk")).status_code == 401
    assert client.get("/self?token=nonsense").status_code == 401


def test_a_revoked_token_stops_the_screen(screen, db_path) -> None:
    client, _ = screen
    db = open_db(db_path)
    token_id = db.execute("SELECT max(token_id) FROM api_token").fetchone()[0]
    auth.revoke_token(db, token_id)
    db.close()
    assert client.get("/self").status_code == 401


def test_a_bound_screen_cannot_reach_staff_pages(client, db_path) -> None:
    sign_in(client)  # even a staff sign-in made earlier on this browser is dropped
    client.get("/self?token=" + _token(db_path))
    for path in ("/desk", "/login", "/", "/desk/find?q=jo", "/admin/printers", "/api/v1/attendees"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].endswith("/self")
    csrf = csrf_from(client.get("/self").data)
    response = client.post("/login", data={"name": "Ana", "pin": "4321", "csrf_token": csrf})
    assert (response.status_code, response.headers["Location"]) == (303, "/self")  # not signed in
    assert client.get("/desk").headers["Location"] == "/self"
    response = client.get("/self/../desk")
    assert response.status_code == 404  # no such page under /self: never the desk


def test_scan_welcome_preview_print_and_done(screen, printer, db_path) -> None:
    page = scan(screen, "KN-JOSE01")
    assert "Welcome, José!" in page and "Ñúñez" not in page  # first name only on screen
    client, _ = screen
    preview = client.get("/self/badge.png")
    assert preview.mimetype == "image/png" and preview.headers["Cache-Control"] == "no-store"
    page = post(screen, "/self/print")
    assert "Printing your badge" in page
    assert client.get("/self/status").status_code == 204  # still queued
    _mark_printed(db_path)
    assert client.get("/self/status", headers={"HX-Request": "true"}).headers["HX-Refresh"]
    page = client.get("/self").data.decode()
    assert "You are all set, José!" in page
    page = post(screen, "/self/reset")
    assert "José" not in page and 'id="ss-code"' in page
    assert client.get("/self/badge.png").status_code == 404  # the preview went with the visit


def _mark_printed(db_path: Path) -> None:
    db = open_db(db_path)
    with transaction(db):
        db.execute("UPDATE print_job SET status = 'printed'")
    db.close()


def test_nothing_personal_is_ever_in_a_url(screen, printer) -> None:
    client, csrf = screen
    response = client.post("/self/scan", data={"csrf_token": csrf, "code": "KN-JOSE01",
                                               "keys": scanner_keys("KN-JOSE01")})  # fmt: skip
    assert response.headers["Location"] == "/self"
    page = client.get("/self").data.decode()
    assert "a-jose" not in page and "KN-JOSE01" not in page
    assert 'hx-history="false"' in page


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("KN-CANC01", "no longer valid"),
        ("KN-NOPE99", "could not find this ticket"),
        ("KN-BLOC01", "check something with you"),
        ("KN-SITI01", "not valid today"),  # a day-2 pass on day 1... or any day but 2
    ],
)
def test_each_refusal_says_where_to_go(screen, code, words, monkeypatch) -> None:
    page = scan(screen, code)
    assert words in page and "registration desk" in page
    assert "See the organiser" not in page  # a block note is for staff, never the screen
    assert "Person" not in page and "Siti" not in page


def test_already_collected_reprints_once_then_sends_to_the_desk(screen, printer, db_path) -> None:
    scan(screen, "KN-JOSE01")
    post(screen, "/self/print")
    _mark_printed(db_path)
    page = scan(screen, "KN-JOSE01")
    assert "Welcome back, José!" in page and "Print my badge again" in page
    assert "Printing your badge" in post(screen, "/self/print")
    _mark_printed(db_path)
    page = scan(screen, "KN-JOSE01")
    assert "printed already" in page and "see the registration desk" in page
    assert "Print my badge again" not in page


def test_no_printer_sends_to_the_desk_but_checks_in(screen, db_path) -> None:
    scan(screen, "KN-JOSE02")
    page = post(screen, "/self/print")
    assert "You are checked in" in page and "registration desk" in page


@pytest.mark.parametrize(
    ("kind", "key", "name"),
    [
        ("code", "kn-jose01", "nunez"),  # case and accents do not matter
        ("email", "JOSE.NUNEZ@cafe-nandu.example", "Ñúñez"),
        ("email", "sukarno@nusantara.example", "Sukarno"),  # a mononym types the one name
        ("code", "KN-OBRI01", "O'Brien"),
    ],
)
def test_typed_lookup_with_two_matching_facts(screen, kind, key, name) -> None:
    page = post(screen, "/self/lookup", kind=kind, key=key, last_name=name)
    assert "Welcome," in page


@pytest.mark.parametrize(
    ("kind", "key", "name"),
    [
        ("code", "KN-JOSE01", "Ruiz"),  # right code, someone else's name
        ("email", "jose.nunez@cafe-nandu.example", "José"),  # a first name is not the last
        ("email", "jose.nunez@cafe-nandu.example", "Ñú"),  # no prefixes: the whole name
        ("email", "nobody@example.example", "Ñúñez"),
    ],
)
def test_one_fact_is_not_enough(screen, kind, key, name) -> None:
    page = post(screen, "/self/lookup", kind=kind, key=key, last_name=name)
    assert "could not find a ticket with these details" in page
    assert "José" not in page and "Welcome" not in page.split("</header>")[1][:200]


def test_an_empty_field_asks_again_without_counting(screen) -> None:
    client, csrf = screen
    form = {"csrf_token": csrf, "kind": "email", "key": "x@example.example", "last_name": " "}
    response = client.post("/self/lookup", data=form)
    assert response.headers["Location"].endswith("/self/type?by=email")
    assert "fill in both fields" in client.get(response.headers["Location"]).data.decode()


def test_guessing_is_cooled_down_per_device(screen, client, db_path) -> None:
    for n in range(5):
        page = post(screen, "/self/lookup", kind="code", key=f"KN-GUES{n:02}", last_name="Smith")
    assert "Too many tries" in page
    page = scan(screen, "KN-JOSE01")  # even a real ticket waits now
    assert "Too many tries" in page and "José" not in page
    assert "Too many tries" in post(screen, "/self/lookup", kind="code", key="KN-JOSE01",
                                    last_name="Ñúñez")  # fmt: skip
    other = FlaskClient(client.application, use_cookies=True)
    other.get("/self?token=" + _token(db_path, name="Lobby screen 2"))
    page = other.get("/self").data.decode()
    assert "Too many tries" not in page and 'id="ss-code"' in page  # another screen is free


def test_failures_are_stored_in_the_database(screen, db_path) -> None:
    scan(screen, "KN-NOPE01")
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM selfservice_failure").fetchone()[0] == 1
    db.close()


def test_selfservice_cannot_search_or_list(screen, db_path) -> None:
    client, _ = screen
    headers = {"Authorization": "Bearer " + _token(db_path, name="api check")}
    response = client.get("/api/v1/attendees?q=jo", headers=headers)
    assert (response.status_code, response.headers["Location"]) == (303, "/self")
    fresh = FlaskClient(client.application)
    assert fresh.get("/api/v1/attendees?q=jo", headers=headers).status_code == 403
    assert fresh.get("/api/v1/attendees/a-jose", headers=headers).status_code == 403
    assert client.get("/self/find?q=jo").status_code == 404
    assert client.get("/self/type?q=jo").data.decode().count("José") == 0


def test_idle_visit_is_forgotten(screen, app, printer) -> None:
    app.config["SELFSERVICE_IDLE_SECONDS"] = 0
    page = scan(screen, "KN-JOSE01")
    assert "José" not in page and 'id="ss-code"' in page


def test_touch_keeps_a_visit_that_is_still_in_use(screen, app) -> None:
    client, csrf = screen
    scan(screen, "KN-JOSE01")
    response = client.post("/self/touch", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert "Welcome, José!" in client.get("/self").data.decode()


def test_language_switch_and_large_text(screen) -> None:
    page = post(screen, "/self/lang", lang="id", next="/self")
    assert "Pindai kode QR" in page and 'lang="id"' in page
    page = post(screen, "/self/large", next="/self")
    assert "large-text" in page and 'aria-pressed="true"' in page
    page = post(screen, "/self/reset")
    assert "large-text" not in page and "Pindai kode QR" in page  # language stays per device


def test_sessions_today_with_moves(screen, printer, db_path, clock) -> None:
    clock.set(DAY1_MORNING)
    schedule_import = pytest.importorskip("kiosk.rooms.schedule_import")
    db = open_db(db_path)
    node = load_node(db)
    schedule_import.import_sessions(db, node, SESSIONS.encode())
    schedule_import.import_registrations(db, node, b"session_id,attendee_id\ntalk,a-jose\n")
    with transaction(db):
        db.execute("UPDATE session SET room_id = 'melati'")  # as a room change leaves it
    db.close()
    scan(screen, "KN-JOSE01")
    post(screen, "/self/print")
    _mark_printed(db_path)
    page = screen[0].get("/self").data.decode()
    assert "Your sessions today" in page and "Lunch" not in page  # only this attendee's
    assert "Offline-first data sync" in page and re.search(r"moved from\s+Anggrek", page)


SESSIONS = """session_id,title,starts_at,ends_at,room_id,room_name,capacity
talk,Offline-first data sync,2026-12-01T10:30,2026-12-01T11:15,anggrek,Anggrek,80
other,Lunch,2026-12-01T12:00,2026-12-01T13:00,melati,Melati,80
"""


# -- the screen's session ----------------------------------------------------------------------


def test_the_cookie_is_a_screen_session_not_the_token(client, db_path) -> None:
    token = _token(db_path)
    cookie = client.get("/self?token=" + token).headers["Set-Cookie"]
    assert token not in cookie
    thief = FlaskClient(client.application)
    thief.set_cookie(COOKIE, token)  # the bearer token itself opens no screen
    assert thief.get("/self").status_code == 401


def test_a_supervisor_signs_one_screen_out(client, db_path) -> None:
    token = _token(db_path)
    client.get("/self?token=" + token)
    other = FlaskClient(client.application)
    other.get("/self?token=" + token)  # a second browser bound with the same token
    supervisor = FlaskClient(client.application)
    csrf = sign_in(supervisor, "Budi")
    page = supervisor.get("/admin/screens").text
    assert page.count("Lobby screen 1") == 2
    db = open_db(db_path)
    first = db.execute("SELECT min(session_id) FROM screen_session").fetchone()[0]
    db.close()
    response = supervisor.post(f"/admin/screens/{first}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert "The screen was signed out." in supervisor.get("/admin/screens").text
    assert client.get("/self").status_code == 401  # this screen is out
    assert other.get("/self").status_code == 200  # the other screen with the token goes on


def test_rebinding_a_screen_ends_its_earlier_session(client, db_path) -> None:
    client.get("/self?token=" + _token(db_path))
    old = client.get_cookie(COOKIE).value
    client.get("/self?token=" + _token(db_path, name="Lobby screen 2"))
    assert client.get("/self").status_code == 200
    thief = FlaskClient(client.application)
    thief.set_cookie(COOKIE, old)  # the earlier cookie opens nothing any more
    assert thief.get("/self").status_code == 401
    db = open_db(db_path)
    open_sessions = db.execute("SELECT count(*) FROM screen_session WHERE revoked_at IS NULL")
    assert open_sessions.fetchone()[0] == 1
    db.close()


def test_desk_staff_cannot_sign_screens_out(client, db_path) -> None:
    desk = FlaskClient(client.application)
    csrf = sign_in(desk, "Ana")
    assert desk.get("/admin/screens").status_code == 403
    assert desk.post("/admin/screens/1/revoke", data={"csrf_token": csrf}).status_code == 403


# -- typed into the scan field -----------------------------------------------------------------


@pytest.mark.parametrize(
    "keys",
    [
        None,  # a page without its script (or a forged post)
        ",".join(["180"] * 8),  # typed by hand, a key every 180 ms
        ",".join(["6"] * 4),  # fewer keys than characters: pasted or filled in
        "6,6,6,6,6,6,6,x",
        "180,180,180,5,5,5,180,180",  # a few fast keys in a hand-typed code
    ],
)
def test_a_typed_code_asks_for_the_last_name(screen, db_path, keys) -> None:
    data = {"code": "KN-JOSE01"} | ({"keys": keys} if keys is not None else {})
    client, csrf = screen
    response = client.post("/self/scan", data={"csrf_token": csrf, **data})
    assert response.headers["Location"] == "/self/type"
    page = client.get("/self/type").text
    assert "Please type your last name too." in page and 'value="KN-JOSE01"' in page
    assert "José" not in page and "badge.png" not in page
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM scan").fetchone()[0] == 0  # nobody checked in
    assert db.execute("SELECT count(*) FROM selfservice_failure").fetchone()[0] == 0
    db.close()
    page = post(screen, "/self/lookup", kind="code", key="KN-JOSE01", last_name="Nunez")
    assert "Welcome, José!" in page


def test_a_scan_that_paused_once_is_still_a_scan(screen) -> None:
    """A wireless scanner's link (or a busy tablet) may hold one key back: still a scan."""
    page = post(screen, "/self/scan", code="KN-JOSE01", keys="6,6,6,900,6,6,6,6")
    assert "Welcome, José!" in page


def test_a_typed_unknown_code_says_nothing_before_the_last_name(screen) -> None:
    page = post(screen, "/self/scan", code="KN-NOPE99")
    assert "Please type your last name too." in page and "could not find" not in page
