"""Exhibitor leads through the API: one lead per badge and booth, each sponsor sees its own,
an e-mail only where the attendee agreed, and an exhibitor token reads no attendee."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import auth
from kiosk.db import open_db
from kiosk.leads import consent, sponsors
from kiosk.replication.node import load_node
from tests.test_security import PUBLIC

QUESTIONS = ["Budget this year?", "Decision maker?"]


def _exhibitor(db_path: Path, sponsor: str, name: str = "Booth phone") -> dict[str, str]:
    db = open_db(db_path)
    try:
        found = sponsors.get(db, sponsor) or sponsors.save(db, load_node(db), sponsor, "Cloud",
                                                          QUESTIONS)  # fmt: skip
        token = auth.create_token(db, "exhibitor", name, found.sponsor_id)
    finally:
        db.close()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def telkom(db_path: Path) -> dict[str, str]:
    return _exhibitor(db_path, "PT Telkom Indonesia")


@pytest.fixture
def rival(db_path: Path) -> dict[str, str]:
    return _exhibitor(db_path, "Rival Corp", "Rival phone")


def test_a_scanned_badge_is_a_lead_with_name_and_company_but_no_email(client, telkom) -> None:
    body = {"code": "KN-JOSE01", "rating": 4, "note": "Wants a demo"}
    answer = client.post("/api/v1/leads", json=body, headers=telkom)
    assert answer.status_code == 201, answer.json
    lead = answer.json
    assert lead["attendee"] == {"first_name": "José", "last_name": "Ñúñez",
                                "company": "Café Ñandú S.A."}  # fmt: skip
    assert lead["rating"] == 4 and lead["note"] == "Wants a demo" and lead["visits"] == 1
    assert "jose.nunez" not in answer.get_data(as_text=True)


def test_the_same_op_id_twice_is_one_lead_and_one_visit(client, telkom) -> None:
    op_id = str(uuid.uuid4())
    first = client.post("/api/v1/leads", json={"code": "KN-JOSE01", "op_id": op_id}, headers=telkom)
    again = client.post("/api/v1/leads", json={"code": "KN-JOSE01", "op_id": op_id}, headers=telkom)
    assert first.status_code == again.status_code == 201
    assert first.json["lead_id"] == again.json["lead_id"]
    assert again.json["visits"] == 1
    assert len(client.get("/api/v1/leads", headers=telkom).json["leads"]) == 1


def test_the_same_badge_scanned_again_updates_its_lead(client, telkom) -> None:
    first = client.post("/api/v1/leads", json={"code": "KN-JOSE01", "note": "Met at 10:00",
                                               "rating": 2}, headers=telkom)  # fmt: skip
    again = client.post("/api/v1/leads", json={"code": "kn-jose01", "rating": 5,
                                               "answers": {QUESTIONS[0]: "  USD 50k "}},
                        headers=telkom)  # fmt: skip
    assert again.json["lead_id"] == first.json["lead_id"]
    assert again.json["rating"] == 5 and again.json["note"] == "Met at 10:00"  # kept
    assert again.json["answers"] == {QUESTIONS[0]: "USD 50k"}
    assert again.json["visits"] == 2
    edited = client.post(f"/api/v1/leads/{first.json['lead_id']}", json={"note": "Call Monday"},
                         headers=telkom)  # fmt: skip
    assert edited.status_code == 200 and edited.json["note"] == "Call Monday"
    assert edited.json["visits"] == 2  # an edit is no visit


def test_bad_lead_input_is_refused_with_a_reason(client, telkom) -> None:
    cases = [({"code": "KN-JOSE01", "rating": 6}, "rating"),
             ({"code": "KN-JOSE01", "rating": True}, "rating"),
             ({"code": "KN-JOSE01", "answers": {"Not ours?": "x"}}, "questions"),
             ({"code": "KN-JOSE01", "op_id": "not-a-uuid"}, "op_id"),
             ({"code": ""}, "code"), ({"code": "KN-JOSE01", "email": "x"}, "email")]  # fmt: skip
    for body, word in cases:
        answer = client.post("/api/v1/leads", json=body, headers=telkom)
        assert answer.status_code == 400, body
        assert word in answer.json["message"], (body, answer.json)
    unknown = client.post("/api/v1/leads", json={"code": "NO-SUCH-CODE"}, headers=telkom)
    assert unknown.status_code == 404 and unknown.json["error"] == "unknown_code"
    assert client.get("/api/v1/leads", headers=telkom).json["leads"] == []


def test_a_sponsor_sees_only_its_own_leads(client, telkom, rival) -> None:
    op_id = str(uuid.uuid4())
    mine = client.post("/api/v1/leads", json={"code": "KN-JOSE01", "note": "secret plans",
                                              "op_id": op_id}, headers=telkom).json  # fmt: skip
    client.post("/api/v1/leads", json={"code": "KN-OBRI01"}, headers=rival)
    theirs = client.get("/api/v1/leads", headers=rival).json["leads"]
    assert [lead["attendee"]["last_name"] for lead in theirs] == ["O'Brien"]
    assert "secret plans" not in client.get("/api/v1/leads", headers=rival).get_data(as_text=True)
    edit = client.post(f"/api/v1/leads/{mine['lead_id']}", json={"note": "x"}, headers=rival)
    assert edit.status_code == 404
    replay = client.post("/api/v1/leads", json={"code": "KN-JOSE01", "op_id": op_id}, headers=rival)
    assert replay.status_code == 409  # another booth's scan is never handed back
    assert client.get("/api/v1/leads", headers=telkom).json["leads"][0]["note"] == "secret plans"


def test_the_email_reaches_a_sponsor_only_where_agreed(db_path, client, telkom) -> None:
    db = open_db(db_path)
    node = load_node(db)
    consent.record(db, node, "a-jose", True, "selfservice")
    consent.record(db, node, "a-obrien", False, "selfservice")
    db.close()
    for code in ("KN-JOSE01", "KN-OBRI01", "KN-NGUY01"):
        client.post("/api/v1/leads", json={"code": code}, headers=telkom)
    leads = {x["attendee"]["last_name"]: x["attendee"] for x in
             client.get("/api/v1/leads", headers=telkom).json["leads"]}  # fmt: skip
    assert leads["Ñúñez"]["email"] == "jose.nunez@cafe-nandu.example"
    assert "email" not in leads["O'Brien"] and "email" not in leads["Minh Khai"]
    db = open_db(db_path)
    consent.record(db, load_node(db), "a-jose", False, "desk")  # they changed their mind
    db.close()
    listing = client.get("/api/v1/leads", headers=telkom).get_data(as_text=True)
    assert "jose.nunez" not in listing


def _attendee_routes(app: Flask) -> list[tuple[str, str]]:
    """Every API route but the leads' own and the public ones (the API's description), with
    its methods."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or "leads" in rule.rule:
            continue
        if any(("GET", rule.rule) == public for public in PUBLIC):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", "a-jose").replace(f"<string:{name}>", "a-jose")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_an_exhibitor_token_reads_no_attendee_anywhere_in_the_api(app, client, telkom) -> None:
    routes = _attendee_routes(app)
    assert ("POST", "/api/v1/scan") in routes and ("GET", "/api/v1/attendees") in routes
    for method, path in routes:
        answer = client.open(path, method=method, json={"code": "KN-JOSE01"}, headers=telkom)
        assert answer.status_code == 403, (method, path, answer.status_code)
        assert "Ñúñez" not in answer.get_data(as_text=True)
    answer = client.get("/api/v1/attendees?q=jose", headers=telkom)
    assert answer.status_code == 403


def test_staff_and_desk_tokens_cannot_capture_leads(client, make_token) -> None:
    for role in ("desk", "supervisor", "selfservice", "signage"):
        answer = client.post("/api/v1/leads", json={"code": "KN-JOSE01"}, headers=make_token(role))
        assert answer.status_code == 403, role
        assert client.get("/api/v1/leads", headers=make_token(role)).status_code == 403


def test_an_exhibitor_token_needs_a_sponsor_and_only_it_has_one(db: sqlite3.Connection) -> None:
    with pytest.raises(auth.AuthError, match="sponsor"):
        auth.create_token(db, "exhibitor", "phone")
    with pytest.raises(auth.AuthError, match="sponsor"):
        auth.create_token(db, "desk", "tablet", "pt-telkom-indonesia")


def test_a_revoked_exhibitor_token_stops_at_once(db_path, client: FlaskClient, telkom) -> None:
    assert client.get("/api/v1/leads", headers=telkom).status_code == 200
    db = open_db(db_path)
    db.execute("UPDATE api_token SET revoked_at = '2026-12-01' WHERE role = 'exhibitor'")
    db.commit()
    db.close()
    assert client.get("/api/v1/leads", headers=telkom).status_code == 401
