"""The staff desk screens: sign-in, scan, search, detail, undo, edit, walk-in — htmx and plain."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from kiosk.db import transaction
from kiosk.desk import checkin, reports
from kiosk.replication.node import Node
from sync.hlc import Clock
from tests.conftest import DAY1_MORNING, DAY2_MORNING, STAFF_PIN, csrf_from

HX = {"HX-Request": "true"}


def test_pages_need_sign_in(client: FlaskClient) -> None:
    for path in ("/desk", "/desk/search?q=jo", "/desk/walkin", "/desk/attendees/a-jose"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # htmx requests are told where to go instead of swapping a login page into a panel
    response = client.get("/desk/search?q=jo", headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"


def test_wrong_pin_then_lockout(client: FlaskClient) -> None:
    token = csrf_from(client.get("/login").data)
    for _ in range(5):
        response = client.post("/login", data={"name": "Ana", "pin": "0000", "csrf_token": token})
        assert response.status_code == 401
    # Even the right PIN now waits: guessing 4 digits must be slow.
    response = client.post("/login", data={"name": "Ana", "pin": STAFF_PIN, "csrf_token": token})
    assert response.status_code == 429
    assert b"Too many wrong PINs" in response.data


def test_post_without_csrf_is_refused(desk) -> None:
    client, _ = desk
    response = client.post("/desk/scan", data={"q": "KN-JOSE01"})
    assert response.status_code == 400
    assert b"form expired" in response.data
    # nothing was checked in
    detail = client.get("/desk/attendees/a-jose")
    assert b"Not checked in yet" in detail.data


def test_scan_with_htmx_returns_the_result_panel(desk) -> None:
    client, token = desk
    response = client.post("/desk/scan", data={"q": "  KN-JOSE01\r\n", "csrf_token": token},
                           headers=HX)  # fmt: skip
    html = response.data.decode()
    assert response.status_code == 200
    assert 'class="result tone-ok"' in html and 'data-sound="ok"' in html
    assert "José Ñúñez" in html and "Speaker" in html
    assert "<html" not in html  # a fragment, not a page
    assert 'id="recent"' in html and 'hx-swap-oob="true"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_second_scan_is_amber_and_says_when_and_where(desk) -> None:
    client, token = desk
    client.post("/desk/scan", data={"q": "KN-JOSE01", "csrf_token": token}, headers=HX)
    html = client.post("/desk/scan", data={"q": "KN-JOSE01", "csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert "tone-warn" in html and "Already checked in" in html
    assert "Desk North-1" in html
    assert re.search(r"at \d\d:\d\d at Desk North-1", html)


def test_refusals_are_red_with_the_next_step(desk) -> None:
    client, token = desk
    for code, words in (("KN-CANC01", "cancelled"), ("KN-BLOC01", "See the organiser"),
                        ("NOT-A-CODE-999", "Unknown code")):  # fmt: skip
        html = client.post("/desk/scan", data={"q": code, "csrf_token": token},
                           headers=HX).data.decode()  # fmt: skip
        assert "tone-error" in html and words in html
        assert "✖" in html  # never colour alone


def test_garbage_scan_is_unknown_code_not_a_crash(desk) -> None:
    client, token = desk
    for garbage in ("\x00\x01\x02", "x" * 5000, "'; DROP TABLE attendee; --", "<script>"):
        response = client.post("/desk/scan", data={"q": garbage, "csrf_token": token}, headers=HX)
        assert response.status_code == 200
        assert "Unknown code" in response.data.decode()
        assert "<script>" not in response.data.decode()  # autoescaped


def test_typed_name_shows_matches_instead_of_unknown(desk) -> None:
    client, token = desk
    html = client.post("/desk/scan", data={"q": "josé", "csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert "tone-info" in html and "Unknown code" not in html
    assert "José" in html and "Josefina" in html


def test_scan_without_javascript_redirects_to_the_result(desk) -> None:
    client, token = desk
    response = client.post("/desk/scan", data={"q": "KN-NGUY01", "csrf_token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).data.decode()
    assert "<html" in page and "tone-ok" in page and "Nguyễn Thị" in page


def test_type_ahead_search(desk) -> None:
    client, _ = desk
    html = client.get("/desk/search?q=ngu", headers=HX).data.decode()
    assert "Nguyễn Thị Minh Khai" in html and "<html" not in html
    page = client.get("/desk/search?q=ngu").data.decode()  # no JavaScript: the whole page
    assert "<html" in page and "Nguyễn Thị Minh Khai" in page


def test_check_in_from_search_then_undo(desk) -> None:
    client, token = desk
    html = client.post("/desk/attendees/a-obrien/checkin", data={"csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert "tone-ok" in html
    op_id = re.search(r"/desk/checkins/([0-9a-f-]{36})/undo", html).group(1)
    html = client.post(f"/desk/checkins/{op_id}/undo", data={"csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert "Check-in undone" in html and 'class="undone"' in html
    # after the undo, a new scan is a first check-in again
    html = client.post("/desk/scan", data={"q": "KN-OBRI01", "csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert "tone-ok" in html


def test_undo_without_javascript(desk) -> None:
    client, token = desk
    response = client.post("/desk/scan", data={"q": "KN-WANG01", "csrf_token": token})
    page = client.get(response.headers["Location"]).data.decode()
    op_id = re.search(r"/desk/checkins/([0-9a-f-]{36})/undo", page).group(1)
    response = client.post(f"/desk/checkins/{op_id}/undo", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/desk/attendees/a-wang")
    assert "undone" in client.get(response.headers["Location"]).data.decode()


def test_fix_a_name(desk) -> None:
    client, token = desk
    form = client.get("/desk/attendees/a-josefina/edit", headers=HX).data.decode()
    assert 'value="Josefina"' in form
    data = {"first_name": "Josefina", "last_name": "Ruiz Ortega", "company": "UNAM",
            "email": "jruiz@unam.example", "note": "", "csrf_token": token}  # fmt: skip
    html = client.post("/desk/attendees/a-josefina/edit", data=data, headers=HX).data.decode()
    assert "Saved." in html and "Ruiz Ortega" in html
    assert "Ruiz Ortega" in client.get("/desk/search?q=ortega", headers=HX).data.decode()


def test_edit_refuses_an_empty_name(desk) -> None:
    client, token = desk
    data = {"first_name": " ", "last_name": "", "company": "", "email": "", "note": "",
            "csrf_token": token}  # fmt: skip
    response = client.post("/desk/attendees/a-josefina/edit", data=data, headers=HX)
    assert response.status_code == 422 and b"A name is required" in response.data


def test_walkin_is_checked_in_with_a_new_code(desk) -> None:
    client, token = desk
    data = {"first_name": "Dewi", "last_name": "Lestari", "company": "Bentang",
            "email": "dewi@bentang.example", "note": "", "ticket_type": "Attendee",
            "checkin": "1", "csrf_token": token}  # fmt: skip
    html = client.post("/desk/walkin", data=data, headers=HX).data.decode()
    assert "tone-ok" in html and "Dewi Lestari" in html
    found = client.get("/desk/search?q=dewi", headers=HX).data.decode()
    attendee_path = re.search(r'href="(/desk/attendees/[^"]+)"', found).group(1)
    detail = client.get(attendee_path, headers=HX).data.decode()
    assert re.search(r"<code>W-[0-9A-HJKMNP-TV-Z]{8}</code>", detail)


def test_walkin_that_looks_registered_asks_first(desk) -> None:
    client, token = desk
    data = {"first_name": "Siobhan", "last_name": "OBrien", "company": "", "note": "",
            "email": "SIOBHAN@dublin.example", "ticket_type": "Attendee", "checkin": "1",
            "csrf_token": token}  # fmt: skip
    html = client.post("/desk/walkin", data=data, headers=HX).data.decode()
    assert "Already registered?" in html and "Siobhán O&#39;Brien" in html
    html = client.post("/desk/walkin", data={**data, "confirm": "1"}, headers=HX).data.decode()
    assert "tone-ok" in html  # staff looked and said it is someone else


def test_status_widget(desk) -> None:
    client, token = desk
    client.post("/desk/scan", data={"q": "KN-JOSE01", "csrf_token": token}, headers=HX)
    html = client.get("/desk/status", headers=HX).data.decode()
    assert "Arrived today" in html


def _arrived_swap(html: str) -> str | None:
    """The header count an answer carries out of band, if it carries one."""
    found = re.search(r'<strong id="arrived-today" hx-swap-oob="true">(\d+)</strong>', html)
    return found.group(1) if found else None


def test_scan_and_undo_carry_the_arrived_count(desk) -> None:
    """The header's count follows this desk's own check-ins and undos, not just the poll."""
    client, token = desk
    html = client.post("/desk/scan", data={"q": "KN-WANG01", "csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert _arrived_swap(html) == "1"
    again = client.post("/desk/scan", data={"q": "KN-WANG01", "csrf_token": token}, headers=HX)
    assert _arrived_swap(again.data.decode()) is None  # already in: nothing to recount
    op_id = re.search(r"/desk/checkins/([0-9a-f-]{36})/undo", html).group(1)
    html = client.post(f"/desk/checkins/{op_id}/undo", data={"csrf_token": token},
                       headers=HX).data.decode()  # fmt: skip
    assert _arrived_swap(html) == "0"
    assert _arrived_swap(client.get("/desk/attendees/a-wang", headers=HX).data.decode()) is None


def test_arrived_counts_people_with_a_standing_check_in_that_day(db, node) -> None:
    """Two desks, undos and another day: the header's number is people here today."""
    day = DAY1_MORNING.date().isoformat()
    wang = checkin.scan(db, node, "KN-WANG01", now=DAY1_MORNING).checkin_op_id
    jose = checkin.scan(db, node, "KN-JOSE01", now=DAY1_MORNING).checkin_op_id
    checkin.scan(db, node, "KN-NGUY01", now=DAY2_MORNING)  # tomorrow's arrival is not today's
    with transaction(db):  # another desk, apart, checked Wang in too
        other = Node("north-2", Clock("north-2")).record(db, "checkin", "a-wang", {"day": day})
    assert reports.arrived_on(db, day) == 2
    checkin.undo(db, node, jose)
    checkin.undo(db, node, wang)
    assert reports.arrived_on(db, day) == 1  # Wang still stands at the other desk
    checkin.undo(db, node, other.op_id)
    assert reports.arrived_on(db, day) == 0
    assert reports.counters(db, day)["arrived_today"] == 0


def test_language_switch(desk) -> None:
    client, token = desk
    client.post("/lang", data={"lang": "id", "next": "/desk", "csrf_token": token})
    assert 'lang="id"' in client.get("/desk").data.decode()


def test_sign_out(desk) -> None:
    client, token = desk
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/desk").status_code == 302


def test_security_headers(desk) -> None:
    client, _ = desk
    response = client.get("/desk")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
