"""The JSON API (/api/v1) as scanners and scripts see it: result codes and fields, never wording.

The fixture event is in December 2026 and the API uses the real clock, so today is "before the
event": a full-event ticket checks in, and the day-2 pass (KN-SITI01) is not valid now.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.desk import importer
from sync.ids import is_uuid

SCAN = "/api/v1/scan"
ROLES = ("desk", "supervisor", "selfservice", "signage", "sync")


def scan(client, headers, code, **extra):
    return client.post(SCAN, json={"code": code, **extra}, headers=headers)


def assert_error(response, status):
    """Every refusal is a JSON body with a machine code and a sentence, never a page."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert isinstance(body.get("message"), str) and body["message"]


@pytest.fixture
def desk_h(make_token):
    return make_token("desk", "Desk North-1 scanner")


# -- scan: one test per result code ---------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "result", "attendee_id"),
    [
        ("KN-JOSE01", "checked_in", "a-jose"),
        ("KN-CANC01", "cancelled", "a-cancel"),
        ("KN-NOPE99", "unknown_code", None),
        ("KN-SITI01", "not_valid_now", "a-siti"),  # valid on event day 2 only
        ("KN-BLOC01", "blocked", "a-blocked"),
    ],
)
def test_scan_result_codes(client, desk_h, code, result, attendee_id):
    body = scan(client, desk_h, code).get_json()
    assert body["result"] == result
    assert isinstance(body["message"], str) and body["message"]
    if attendee_id is None:
        assert body["attendee"] is None
    else:
        assert body["attendee"]["attendee_id"] == attendee_id
        assert body["attendee"]["code"] == code
        assert body["attendee"]["checked_in"] is (result == "checked_in")
    # Only an admitted scan writes a check-in, so only it has an op id.
    if result == "checked_in":
        assert is_uuid(body["op_id"])
    else:
        assert body["op_id"] is None


def test_second_scan_names_when_and_where(client, desk_h):
    first = scan(client, desk_h, "KN-OBRI01", desk="Desk North-1").get_json()
    again = scan(client, desk_h, "KN-OBRI01", desk="Desk South-2").get_json()
    assert again["result"] == "already_checked_in"
    assert again["attendee"]["attendee_id"] == "a-obrien"
    assert again["attendee"]["first_checkin_at"] == first["attendee"]["first_checkin_at"]
    assert again["op_id"] is None
    # The message names the first desk and its time on the venue's clock (Jakarta).
    at = datetime.fromisoformat(first["attendee"]["first_checkin_at"].replace("Z", "+00:00"))
    assert "Desk North-1" in again["message"]
    assert at.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%H:%M") in again["message"]


@pytest.mark.parametrize("raw", [" KN-JOSE01", "KN-JOSE01\r\n", "\tKN-JOSE01\n", "kn-jose01"])
def test_scanner_noise_and_case_are_ignored(client, desk_h, raw):
    body = scan(client, desk_h, raw).get_json()
    assert (body["result"], body["attendee"]["attendee_id"]) == ("checked_in", "a-jose")


@pytest.mark.parametrize(
    ("raw", "status", "result"),
    [
        # What the app answers today: control characters and over-long codes cannot be a
        # ticket, so they are an unknown code; beyond 4096 characters the code is refused.
        ("KN-JOSE01\x00", 200, "unknown_code"),
        ("KN-\x1bJOSE01", 200, "unknown_code"),
        ("K" * 300, 200, "unknown_code"),
        ("K" * 5000, 413, None),
        ("", 400, None),
        (" \r\n", 400, None),
        (42, 400, None),
        (None, 400, None),
    ],
)
def test_unreadable_codes_are_refused_cleanly(client, desk_h, raw, status, result):
    response = client.post(SCAN, json={"code": raw}, headers=desk_h)
    if result is None:
        assert_error(response, status)
    else:
        assert response.status_code == status
        assert response.get_json()["result"] == result


def test_lone_surrogate_in_code_is_not_a_server_error(client, desk_h, db):
    # "\ud800" is valid JSON text but no stored text can hold it: the body is refused whole.
    response = client.post(
        SCAN, data='{"code": "KN-\\ud800"}', content_type="application/json", headers=desk_h
    )
    assert_error(response, 400)
    assert db.execute("SELECT count(*) FROM scan").fetchone()[0] == 0


def test_bad_desk_and_op_id_are_400(client, desk_h):
    assert_error(scan(client, desk_h, "KN-JOSE01", desk="D" * 81), 400)
    assert_error(scan(client, desk_h, "KN-JOSE01", desk=7), 400)
    for op_id in ("not-a-uuid", "12345", 12345, str(uuid.uuid4())[:-1]):
        assert_error(scan(client, desk_h, "KN-JOSE01", op_id=op_id), 400)
    # None of the refused requests checked anyone in.
    assert scan(client, desk_h, "KN-JOSE01").get_json()["result"] == "checked_in"


# -- idempotent replays ------------------------------------------------------------------------


def test_same_op_id_is_one_checkin_and_replays_the_answer(client, desk_h, db):
    op_id = str(uuid.uuid4())
    first = scan(client, desk_h, "KN-GUDM01", op_id=op_id).get_json()
    replay = scan(client, desk_h, "KN-GUDM01", op_id=op_id).get_json()
    assert first["result"] == replay["result"] == "checked_in"
    assert replay["op_id"] == first["op_id"]
    assert replay["attendee"]["attendee_id"] == "a-gudrun"
    rows = db.execute("SELECT count(*) FROM checkin WHERE attendee_id = 'a-gudrun'").fetchone()
    assert rows[0] == 1
    # A fresh scan (new op id) is a second arrival the same day, so it is refused.
    assert scan(client, desk_h, "KN-GUDM01").get_json()["result"] == "already_checked_in"


@pytest.mark.parametrize(
    "code",
    ["KN-CANC01", "KN-BLOC01", "KN-NOPE99", "KN-SITI01"],
)
def test_refused_scan_replays_its_refusal(client, desk_h, code):
    op_id = str(uuid.uuid4())
    first = scan(client, desk_h, code, op_id=op_id)
    replay = scan(client, desk_h, code, op_id=op_id)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json()


def test_replay_wins_over_a_different_code(client, desk_h):
    """The op id is the idempotency key: a retry answers the first request, whatever it says."""
    op_id = str(uuid.uuid4())
    scan(client, desk_h, "KN-SUKA01", op_id=op_id)
    replay = scan(client, desk_h, "KN-WANG01", op_id=op_id).get_json()
    assert replay["attendee"]["attendee_id"] == "a-sukarno"
    assert scan(client, desk_h, "KN-WANG01").get_json()["result"] == "checked_in"


def test_op_id_taken_by_another_op_does_not_bypass_the_log(client, desk_h, db):
    taken = db.execute("SELECT op_id FROM op WHERE kind = 'attendee_upsert' LIMIT 1").fetchone()[0]
    response = scan(client, desk_h, "KN-GUDM01", op_id=taken)
    checkins = db.execute("SELECT op_id FROM checkin WHERE attendee_id = 'a-gudrun'").fetchall()
    logged = db.execute(
        "SELECT count(*) FROM op WHERE kind = 'checkin' AND entity = 'a-gudrun'"
    ).fetchone()[0]
    # Refused: a check-in under that op id would have no op of its own in the log.
    assert_error(response, 409)
    assert response.get_json()["error"] == "op_id_taken"
    assert logged == len(checkins) == 0


# -- undo --------------------------------------------------------------------------------------


def test_undo_then_again_then_unknown(client, desk_h):
    op_id = scan(client, desk_h, "KN-NGUY01").get_json()["op_id"]
    undone = client.post(f"/api/v1/checkins/{op_id}/undo", headers=desk_h)
    assert undone.status_code == 200 and undone.get_json()["result"] == "undone"
    assert_error(client.post(f"/api/v1/checkins/{op_id}/undo", headers=desk_h), 409)
    assert_error(client.post(f"/api/v1/checkins/{uuid.uuid4()}/undo", headers=desk_h), 404)
    assert_error(client.post("/api/v1/checkins/nonsense/undo", headers=desk_h), 404)


def test_after_undo_the_attendee_checks_in_again(client, desk_h):
    op_id = scan(client, desk_h, "KN-NGUY01").get_json()["op_id"]
    client.post(f"/api/v1/checkins/{op_id}/undo", headers=desk_h)
    again = scan(client, desk_h, "KN-NGUY01").get_json()
    assert again["result"] == "checked_in" and again["op_id"] != op_id
    detail = client.get("/api/v1/attendees/a-nguyen", headers=desk_h).get_json()
    assert detail["checked_in"] is True
    assert {c["op_id"]: c["undone"] for c in detail["checkins"]} == {
        op_id: True,
        again["op_id"]: False,
    }


# -- search and reads --------------------------------------------------------------------------


def ids(client, headers, **query):
    response = client.get("/api/v1/attendees", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [a["attendee_id"] for a in response.get_json()["attendees"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("jose", "a-jose"),
        ("JOSÉ", "a-jose"),
        ("nguyen", "a-nguyen"),
        ("obrien", "a-obrien"),
        ("O'Brien", "a-obrien"),
        ("gudmundsdottir", "a-gudrun"),
        ("王", "a-wang"),
        ("محمد", "a-arab"),
        ("siobhan@dub", "a-obrien"),
        ("jruiz", "a-josefina"),
        ("trinity", "a-obrien"),
        ("háskóli", "a-gudrun"),
        ("KN-SUKA01", "a-sukarno"),
        ("kn-suka", "a-sukarno"),
    ],
)
def test_search_finds(client, desk_h, q, expected):
    assert expected in ids(client, desk_h, q=q)


@pytest.mark.parametrize(
    ("q", "as_text"),
    [('"', ""), ('a"b', ""), ("*", ""), ("AND", ""), ("OR x", ""), ("NEAR(", ""),
     ("jose)", "jose"), ("^a", "a"), (":", "")],
)  # fmt: skip
def test_search_syntax_characters_are_just_text(client, desk_h, q, as_text):
    """Search syntax is never run: the query finds what its words alone find, or nobody."""
    expected = ids(client, desk_h, q=as_text) if as_text else []
    assert ids(client, desk_h, q=q) == expected


def test_search_limit(client, desk_h, db, node):
    rows = "".join(f"bulk-{i},KN-BULK{i:03},Person{i},Bulkley\n" for i in range(120))
    importer.import_attendees(db, node, f"attendee_id,code,first_name,last_name\n{rows}".encode())
    assert len(ids(client, desk_h, q="bulkley")) == 20
    assert len(ids(client, desk_h, q="bulkley", limit=100)) == 100
    assert len(ids(client, desk_h, q="bulkley", limit=1)) == 1
    for bad in ("0", "101", "-1", "abc", "1.5", ""):
        response = client.get(
            "/api/v1/attendees", query_string={"q": "x", "limit": bad}, headers=desk_h
        )
        assert_error(response, 400)


def test_exact_code_comes_first(client, desk_h):
    # "KN-JOSE0" prefixes two codes; the complete code puts its holder first.
    assert ids(client, desk_h, q="KN-JOSE02")[0] == "a-josefina"


def test_name_match_beats_company_match(client, desk_h, db, node):
    importer.import_attendees(
        db, node, b"attendee_id,code,first_name,last_name\na-tri,KN-TRIN01,Trinity,Ayers\n"
    )
    assert ids(client, desk_h, q="trinity")[:2] == ["a-tri", "a-obrien"]


def test_whole_word_beats_longer_prefix(client, desk_h):
    # The typed word is all of José's first name but only the start of Josefina's.
    assert ids(client, desk_h, q="jose")[:2] == ["a-jose", "a-josefina"]


def test_attendee_detail_with_checkins(client, desk_h):
    op_id = scan(client, desk_h, "KN-WANG01", desk="Desk North-1").get_json()["op_id"]
    body = client.get("/api/v1/attendees/a-wang", headers=desk_h).get_json()
    assert body["attendee_id"] == "a-wang" and body["code"] == "KN-WANG01"
    assert body["first_name"] == "王小明" and body["checked_in"] is True
    for field in ("last_name", "company", "ticket_type", "status", "first_checkin_at"):
        assert field in body
    [entry] = body["checkins"]
    assert entry["op_id"] == op_id and entry["desk"] == "Desk North-1"
    assert_error(client.get("/api/v1/attendees/nobody", headers=desk_h), 404)


# -- selfservice privacy ---------------------------------------------------------------------


def all_keys(value):
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


@pytest.mark.parametrize("code", ["KN-JOSE01", "KN-SITI01", "KN-CANC01", "KN-NOPE99"])
def test_selfservice_scan_shows_only_the_scanned_attendee(client, make_token, desk_h, code):
    scan(client, desk_h, "KN-OBRI01")  # someone else arrived earlier
    body = scan(client, make_token("selfservice"), code).get_json()
    assert all_keys(body) & {"code", "email", "attendee_id", "last_name", "company"} == set()
    assert "O'Brien" not in json.dumps(body, ensure_ascii=False)


def test_selfservice_replay_does_not_reveal_another_attendee(client, make_token, desk_h):
    # Another device's op_id is refused outright (409): its answer belongs to that device.
    op_id = str(uuid.uuid4())
    scan(client, desk_h, "KN-OBRI01", op_id=op_id)
    response = scan(client, make_token("selfservice"), "KN-JOSE01", op_id=op_id)
    assert_error(response, 409)
    assert "O'Brien" not in response.get_data(as_text=True)


# -- tokens and roles ---------------------------------------------------------------------------
# Every route against every role and every missing or wrong token: tests/test_security.py.


def test_selfservice_may_not_read_sync_status(client, make_token):
    # Selfservice may scan and print its own badge, nothing else (contract, Roles).
    assert_error(client.get("/api/v1/sync/status", headers=make_token("selfservice")), 403)


def test_forbidden_is_a_json_error(client, make_token):
    assert_error(scan(client, make_token("signage"), "KN-JOSE01"), 403)


# -- malformed requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("code=KN-JOSE01", "application/x-www-form-urlencoded"),
        ("KN-JOSE01", "text/plain"),
        ('{"code": "KN-JOSE01"', "application/json"),
        ('["KN-JOSE01"]', "application/json"),
        (b"\xff\xfe{}", "application/json"),
    ],
)
def test_non_json_scan_body_is_400_json(client, desk_h, data, content_type):
    assert_error(client.post(SCAN, data=data, content_type=content_type, headers=desk_h), 400)


def test_huge_body_is_413_json(client, desk_h):
    body = json.dumps({"code": "KN-JOSE01", "pad": "x" * (2 * 1024 * 1024)})
    assert_error(client.post(SCAN, data=body, content_type="application/json", headers=desk_h), 413)


def test_unknown_route_and_method_are_json(client, desk_h):
    assert_error(client.get("/api/v1/nothing-here", headers=desk_h), 404)
    assert_error(client.get(SCAN, headers=desk_h), 405)
