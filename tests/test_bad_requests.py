"""Requests a client should not send: each is a 400 that says so, never a 500, and every error
answer (400, 404, 405, 429, 500) carries the headers of a normal answer."""

from __future__ import annotations

import uuid

import pytest

from kiosk import web
from kiosk.desk import checkin
from tests.conftest import sign_in

SCAN = "/api/v1/scan"
NESTED = "[" * 100_000 + "]" * 100_000


def assert_headers(response, path: str) -> None:
    """The headers every answer carries (kiosk.web.security_headers), errors included."""
    for name, value in web.security_headers(path, secure=False):
        assert response.headers.get(name) == value, (path, response.status_code, name)


def assert_400(response, path: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.is_json and response.get_json()["error"] in ("bad_request", "bad_json",
                                                                 "bad_query")  # fmt: skip
    assert_headers(response, path)


@pytest.fixture
def staff_h(make_token):
    return make_token("supervisor", "Desk North-1 scanner")


@pytest.mark.parametrize(
    "body",
    [
        NESTED,  # deeper than Python recurses
        '{"code": ' + NESTED + "}",
        '{"code": "KN-JOSE01", "desk": "\\ud800"}',  # a lone surrogate cannot be stored
        '{"code": "KN-\\ud800"}',
        '{"code": "KN-JOSE01", "pad": 1}',  # a field a scan does not have
    ],
)
def test_scan_bodies_that_are_not_a_scan(client, staff_h, body) -> None:
    response = client.post(SCAN, data=body, content_type="application/json", headers=staff_h)
    assert_400(response, SCAN)


@pytest.mark.parametrize("body", ['{"reason": "\\ud800"}', "\x00", '["x"]', NESTED])
def test_undo_print_and_move_refuse_unstorable_bodies(client, staff_h, body, db_path) -> None:
    op_id = client.post(SCAN, json={"code": "KN-NGUY01"}, headers=staff_h).get_json()["op_id"]
    for path in (f"/api/v1/checkins/{op_id}/undo", "/api/v1/attendees/a-jose/print",
                 "/api/v1/sessions/s-1/room"):  # fmt: skip
        response = client.post(path, data=body, content_type="application/json", headers=staff_h)
        assert_400(response, path)
    undone = client.post(f"/api/v1/checkins/{op_id}/undo", headers=staff_h)
    assert undone.get_json() == {"result": "undone"}  # none of the refused ones undid it


@pytest.mark.parametrize("after", ["²", "٣", "9" * 40, "-1", "1.0"])
def test_pull_cursor_must_be_a_plain_whole_number(client, make_token, after) -> None:
    response = client.get("/sync/v1/pull", query_string={"after": after},
                          headers=make_token("sync"))  # fmt: skip
    assert_400(response, "/sync/v1/pull")


@pytest.mark.parametrize("limit", ["0", "5001"])
def test_pull_page_size_is_one_to_five_thousand(client, make_token, limit) -> None:
    response = client.get("/sync/v1/pull", query_string={"limit": limit},
                          headers=make_token("sync"))  # fmt: skip
    assert_400(response, "/sync/v1/pull")


@pytest.mark.parametrize("body", ['{"node_id": "\\ud800"}', NESTED])
def test_sync_bodies_that_cannot_be_stored(client, make_token, body) -> None:
    for path in ("/sync/v1/hello", "/sync/v1/push"):
        response = client.post(path, data=body, content_type="application/json",
                               headers=make_token("sync"))  # fmt: skip
        assert_400(response, path)


def test_sessions_of_an_empty_day(client, staff_h) -> None:
    assert_400(client.get("/api/v1/sessions?day=", headers=staff_h), "/api/v1/sessions")
    assert_400(client.get("/api/v1/sessions?day=٢٠٢٦-١٢-٠١", headers=staff_h), "/api/v1/sessions")


def test_desk_with_a_scan_id_beyond_sqlite(desk) -> None:
    client, _ = desk
    response = client.get("/desk", query_string={"scan": "9" * 40})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert_headers(response, "/desk")


# -- every error answer carries the headers ------------------------------------------------


def test_not_found_and_method_not_allowed(client, staff_h) -> None:
    for path, headers in (("/api/v1/nothing", staff_h), ("/nothing", None), ("/self/x", None)):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert_headers(response, path)
    response = client.get(SCAN, headers=staff_h)
    assert response.status_code == 405 and response.is_json
    assert set(response.headers["Allow"].split(", ")) >= {"POST"}
    assert_headers(response, SCAN)
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert_headers(response, "/logout")


def test_a_fault_of_the_fast_path_is_a_json_500_with_headers(client, staff_h, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(checkin, "scan", broken)
    response = client.post(SCAN, json={"code": "KN-JOSE01", "op_id": str(uuid.uuid4())},
                           headers=staff_h)  # fmt: skip
    assert response.status_code == 500 and response.get_json()["error"] == "internal"
    assert "disk on fire" not in response.get_data(as_text=True)
    assert_headers(response, SCAN)


def test_a_fault_of_a_page_is_a_500_page_with_headers(client, monkeypatch) -> None:
    sign_in(client)
    from kiosk.views import desk

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(desk, "recent_scans", broken)
    response = client.get("/desk")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert_headers(response, "/desk")


def test_a_content_length_in_other_digits(client, staff_h) -> None:
    """'²' passes str.isdigit: the scanners' fast path must not take it for a length."""
    response = client.post(SCAN, data=b'{"code": "KN-JOSE01"}', headers=staff_h,
                           environ_overrides={"CONTENT_TYPE": "application/json",
                                              "CONTENT_LENGTH": "²"})  # fmt: skip
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    assert_headers(response, SCAN)
