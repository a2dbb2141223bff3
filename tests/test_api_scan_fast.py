"""The scanners' fast path answers exactly what the full Flask view answers, and hands it
everything it does not answer itself, untouched."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from werkzeug.test import Client

from kiosk import auth, create_app
from kiosk.clock import FixedClock
from kiosk.db import open_db
from kiosk.leads import sponsors
from kiosk.replication.node import load_node
from kiosk.views.api_scan import FastScan
from tests.conftest import DAY1_MORNING

SCAN = "/api/v1/scan"
# The same scans, in order, on two copies of one database: every result code, a replay, a
# second arrival (its time and desk), and wording in both languages.
STORY = [
    ("desk", "KN-JOSE01", {}, "checked_in"),
    ("desk", "KN-JOSE01", {"Accept-Language": "id"}, "already_checked_in"),
    ("desk", "kn-obri01 ", {}, "checked_in"),
    ("selfservice", "KN-OBRI01", {"Accept-Language": "id-ID,id;q=0.9"}, "already_checked_in"),
    ("desk", "KN-CANC01", {}, "cancelled"),
    ("desk", "KN-NOPE99", {"Cookie": "lang=id"}, "unknown_code"),
    ("desk", "KN-SITI01", {}, "not_valid_now"),
    ("desk", "KN-BLOC01", {}, "blocked"),
    ("selfservice", "KN-WANG01", {}, "checked_in"),
    ("selfservice", "KN-CANC01", {"Accept-Language": "id"}, "cancelled"),
    ("selfservice", "KN-NOPE98", {}, "unknown_code"),
    ("selfservice", "KN-BLOC01", {}, "blocked"),
]


class Counting:
    """The Flask app behind the fast path, counting what reaches it."""

    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


def node_app(db_path: Path, source: Path, fast: bool) -> tuple[Client, Counting, dict]:
    shutil.copy(source, db_path)
    app = create_app({"DATABASE": str(db_path), "TESTING": True, "SECRET_KEY": "s",
                      "CLOCK": FixedClock(DAY1_MORNING)})  # fmt: skip
    scanner = app.wsgi_app.inner  # the request log wraps the fast path
    assert isinstance(scanner, FastScan)
    counting = Counting(scanner.inner)
    if fast:
        scanner.inner = counting
    else:
        app.wsgi_app.inner = counting
    db = open_db(db_path)
    tokens = {role: f"Bearer {auth.create_token(db, role, f'{role} device')}"
              for role in ("desk", "selfservice")}  # fmt: skip
    db.close()
    return Client(app), counting, tokens


def test_fast_path_answers_as_the_view_does(db_path, tmp_path):
    fast, behind_fast, fast_tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    full, behind_full, full_tokens = node_app(tmp_path / "v.db", db_path, fast=False)
    for role, code, headers, result in STORY:
        op_id = str(uuid.uuid4())
        answers = []
        for client, tokens in ((fast, fast_tokens), (full, full_tokens)):
            response = client.post(SCAN, json={"code": code, "desk": "Desk 1", "op_id": op_id},
                                   headers={"Authorization": tokens[role], **headers})  # fmt: skip
            assert response.status_code == 200, response.get_data(as_text=True)
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            body = response.get_json()
            if body["attendee"] and role == "desk":  # saved a moment apart on the two nodes
                body["attendee"]["first_checkin_at"] = bool(body["attendee"]["first_checkin_at"])
            answers.append(body)
        assert answers[0] == answers[1]
        assert answers[0]["result"] == result
    assert behind_fast.calls == 0  # the fast path answered every one of them
    assert behind_full.calls == len(STORY)
    indonesian = fast.post(SCAN, json={"code": "KN-JOSE01"}, headers={
        "Authorization": fast_tokens["desk"], "Accept-Language": "id"}).get_json()  # fmt: skip
    assert "Sudah" in indonesian["message"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "error"),
    [
        (b'{"code": "KN-JOSE01"}', {"Authorization": "Bearer kt_wrong"}, 401, "unauthorized"),
        (b'{"code": "KN-JOSE01"}', {"Authorization": ""}, 401, "unauthorized"),
        (b'{"code": ""}', None, 400, "bad_request"),
        (b'{"code": "KN-JOSE01", "op_id": "nope"}', None, 400, "bad_request"),
        (b"not json", None, 400, "bad_request"),
        (b'{"code": "KN-JOSE01"}', {"Content-Type": "text/plain"}, 400, "bad_request"),
        (b'{"code": "KN-JOSE01"}', {"Content-Type": "text/x+json"}, 400, "bad_request"),
    ],
)
def test_what_the_fast_path_refuses_reaches_the_view(
    db_path, tmp_path, body, headers, status, error
):
    client, behind, tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    sent = {"Content-Type": "application/json", "Authorization": tokens["desk"]}
    response = client.post(SCAN, data=body, headers={**sent, **(headers or {})})
    assert (response.status_code, response.get_json()["error"]) == (status, error)
    assert behind.calls == 1


def test_signage_role_reaches_the_view_and_is_refused(db_path, tmp_path):
    client, behind, _ = node_app(tmp_path / "f.db", db_path, fast=True)
    db = open_db(tmp_path / "f.db")
    signage = auth.create_token(db, "signage", "lobby")
    db.close()
    response = client.post(SCAN, json={"code": "KN-JOSE01"},
                           headers={"Authorization": f"Bearer {signage}"})  # fmt: skip
    assert response.status_code == 403 and behind.calls == 1


def test_wrong_tokens_are_counted_once_each(db_path, tmp_path):
    """The fast path only reads the token: the lockout comes after exactly ten wrong ones, and
    holds back wrong tokens only (a valid token from that address still scans)."""
    client, _, tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    for _ in range(auth.TOKEN_MAX_FAILURES - 1):
        client.post(SCAN, json={"code": "KN-JOSE01"}, headers={"Authorization": "Bearer kt_x"})
    good = client.post(SCAN, json={"code": "KN-JOSE01"}, headers={"Authorization": tokens["desk"]})
    assert good.get_json()["result"] == "checked_in"
    client.post(SCAN, json={"code": "KN-JOSE01"}, headers={"Authorization": "Bearer kt_x"})
    locked = client.post(SCAN, json={"code": "KN-OBRI01"}, headers={"Authorization": "Bearer kt_x"})
    assert (locked.status_code, locked.get_json()["error"]) == (429, "rate_limited")
    still = client.post(SCAN, json={"code": "KN-OBRI01"}, headers={"Authorization": tokens["desk"]})
    assert still.get_json()["result"] == "checked_in"


def test_a_self_service_device_locks_on_either_path(db_path, tmp_path):
    """Unknown codes answered by the fast path count; the locked device's next scan reaches
    the view, which refuses it (429) as it refuses a scan sent to it directly."""
    fast, behind, fast_tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    full, _, full_tokens = node_app(tmp_path / "v.db", db_path, fast=False)
    for client, tokens in ((fast, fast_tokens), (full, full_tokens)):
        headers = {"Authorization": tokens["selfservice"]}
        for n in range(5):
            body = client.post(SCAN, json={"code": f"KN-GUES{n}"}, headers=headers).get_json()
            assert body["result"] == "unknown_code"
        locked = client.post(SCAN, json={"code": "KN-JOSE01"}, headers=headers)
        assert (locked.status_code, locked.get_json()["error"]) == (429, "rate_limited")
        assert locked.headers["X-Content-Type-Options"] == "nosniff"
    assert behind.calls == 1


def test_op_id_of_another_device_reaches_the_view(db_path, tmp_path):
    client, behind, tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    op_id = str(uuid.uuid4())
    first = client.post(SCAN, json={"code": "KN-JOSE01", "op_id": op_id},
                        headers={"Authorization": tokens["desk"]})  # fmt: skip
    assert first.get_json()["result"] == "checked_in" and behind.calls == 0
    other = client.post(SCAN, json={"code": "KN-JOSE01", "op_id": op_id},
                        headers={"Authorization": tokens["selfservice"]})  # fmt: skip
    assert (other.status_code, other.get_json()["error"]) == (409, "op_id_taken")
    assert behind.calls == 1


def test_other_methods_and_paths_pass_through(db_path, tmp_path):
    client, behind, tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    assert client.get(SCAN, headers={"Authorization": tokens["desk"]}).status_code == 405
    assert client.get("/api/v1/attendees?q=jose",
                      headers={"Authorization": tokens["desk"]}).status_code == 200  # fmt: skip
    assert behind.calls == 2


LEADS = "/api/v1/leads"
REUSED = str(uuid.uuid4())
# A booth phone's scans, in order: a first visit with answers, the same badge again, resends,
# and each refusal a booth can meet.
BOOTH = [
    ({"code": "KN-JOSE01", "rating": 4, "note": "Wants a demo", "answers": {"Team size?": "40"},
      "op_id": REUSED}, 201),
    ({"code": "kn-jose01 ", "note": "Came back with a colleague"}, 201),
    ({"code": "KN-JOSE01", "rating": 4, "note": "Wants a demo", "op_id": REUSED}, 201),
    ({"code": "KN-OBRI01", "op_id": REUSED}, 201),  # a resend: the first scan's lead
    ({"code": "KN-NOPE99"}, 404),
    ({"code": "KN-OBRI01", "rating": 9}, 400),
    ({"code": "KN-OBRI01", "answers": {"Budget?": "big"}}, 400),
    ({"code": "KN-OBRI01", "email": "x@example.org"}, 400),
    ({"code": ""}, 400),
]  # fmt: skip


def booth_token(db_path: Path) -> str:
    db = open_db(db_path)
    try:
        sponsor = sponsors.save(db, load_node(db), "Garuda AI Lab", "AI", ["Team size?"])
        return f"Bearer {auth.create_token(db, 'exhibitor', 'booth phone', sponsor.sponsor_id)}"
    finally:
        db.close()


def test_a_booth_scan_is_answered_as_the_leads_view_does(db_path, tmp_path):
    """Lead capture takes the fast path too: the same status and body as the view, for every
    answer a booth can get, and a desk token (no leads) is still the view's to refuse."""
    fast, behind_fast, fast_tokens = node_app(tmp_path / "f.db", db_path, fast=True)
    full, behind_full, _ = node_app(tmp_path / "v.db", db_path, fast=False)
    booths = (booth_token(tmp_path / "f.db"), booth_token(tmp_path / "v.db"))
    for body, status in BOOTH:
        answers = []
        for client, token in zip((fast, full), booths, strict=True):
            response = client.post(LEADS, json=body, headers={"Authorization": token})
            assert response.status_code == status, response.get_data(as_text=True)
            assert response.headers["Cache-Control"] == "no-store"
            answers.append(response.get_json())
        assert answers[0] == answers[1]
    assert behind_fast.calls == 0 and behind_full.calls == len(BOOTH)
    lead = fast.get(LEADS, headers={"Authorization": booths[0]}).get_json()["leads"]
    assert [(x["visits"], x["note"]) for x in lead] == [(2, "Came back with a colleague")]
    desk = fast.post(
        LEADS, json={"code": "KN-OBRI01"}, headers={"Authorization": fast_tokens["desk"]}
    )
    assert desk.status_code == 403 and behind_fast.calls == 2  # the GET above, then this
