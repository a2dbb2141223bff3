"""The contract's incident and delivery routes: roles, replays, urgent first, late by itself."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

pytestmark = pytest.mark.usefixtures("schedule_loaded")


def _report(client, headers, **body):
    return client.post("/api/v1/incidents", json={"title": "Projector dead", **body},
                       headers=headers)  # fmt: skip


def test_desk_reports_and_a_replay_is_one_incident(client, make_token):
    desk = make_token("desk")
    op_id = str(uuid.uuid4())
    first = _report(client, desk, room_id="kamboja", category="av", severity="urgent",
                    op_id=op_id)  # fmt: skip
    again = _report(client, desk, room_id="kamboja", category="av", severity="urgent",
                    op_id=op_id)  # fmt: skip
    assert first.status_code == again.status_code == 201
    assert first.json["status"] == "open" and first.json["room_name"] == "Kamboja"
    assert again.json["incident_id"] == first.json["incident_id"] == op_id
    listed = client.get("/api/v1/incidents", headers=desk).json["incidents"]
    assert [i["incident_id"] for i in listed] == [op_id]


def test_urgent_comes_first_and_resolved_leave_the_open_list(client, make_token):
    desk, boss = make_token("desk"), make_token("supervisor")
    low = _report(client, desk, title="Bin full", severity="low").json["incident_id"]
    urgent = _report(client, desk, title="Fire exit blocked", severity="urgent",
                     category="security").json["incident_id"]  # fmt: skip
    normal = _report(client, desk, title="Badge labels low", category="printing").json
    listed = client.get("/api/v1/incidents?status=open", headers=desk).json["incidents"]
    assert [i["incident_id"] for i in listed] == [urgent, normal["incident_id"], low]
    done = client.post(f"/api/v1/incidents/{low}", json={"status": "resolved", "note": "Emptied"},
                       headers=boss)  # fmt: skip
    assert done.status_code == 200 and done.json["status"] == "resolved"
    assert done.json["notes"][0]["text"] == "Emptied" and done.json["resolved_at"]
    open_ids = [i["incident_id"] for i in client.get("/api/v1/incidents", headers=desk).json[
        "incidents"]]  # fmt: skip
    assert low not in open_ids
    resolved = client.get("/api/v1/incidents?status=resolved", headers=desk).json["incidents"]
    assert [i["incident_id"] for i in resolved] == [low]


def test_only_a_supervisor_changes_an_incident(client, make_token):
    desk, boss = make_token("desk"), make_token("supervisor")
    incident = _report(client, desk).json["incident_id"]
    body = {"status": "assigned", "assignee": "Budi"}
    assert client.post(f"/api/v1/incidents/{incident}", json=body, headers=desk).status_code == 403
    taken = client.post(f"/api/v1/incidents/{incident}", json=body, headers=boss)
    assert taken.json["status"] == "assigned" and taken.json["assignee"] == "Budi"
    missing = client.post(f"/api/v1/incidents/{uuid.uuid4()}", json=body, headers=boss)
    assert missing.status_code == 404


def test_bad_reports_are_refused_with_a_code(client, make_token):
    desk = make_token("desk")
    assert _report(client, desk, severity="panic").json["error"] == "bad_severity"
    assert client.post("/api/v1/incidents", json={}, headers=desk).json["error"] == "bad_title"
    assert _report(client, desk, op_id="nope").status_code == 400
    assert client.get("/api/v1/incidents?status=x", headers=desk).status_code == 400
    assert client.post("/api/v1/incidents", json={"title": "x"}).status_code == 401


def test_an_expected_delivery_turns_late_by_itself(client, make_token, clock):
    desk, boss = make_token("desk"), make_token("supervisor")
    body = {"vendor": "Dapur Nusantara", "what": "Lunch for 800", "due_at": "2026-12-01T11:30",
            "room_id": "kenanga", "contact": "Pak Joko"}  # fmt: skip
    assert client.post("/api/v1/deliveries", json=body, headers=desk).status_code == 403
    made = client.post("/api/v1/deliveries", json=body, headers=boss)
    assert made.status_code == 201 and made.json["status"] == "expected"
    assert made.json["due_at"] == "2026-12-01T04:30:00.000Z"  # 11:30 in Jakarta
    clock.advance(timedelta(hours=2))  # 12:05, and nobody marked it
    listed = client.get("/api/v1/deliveries?day=2026-12-01", headers=desk).json["deliveries"]
    assert [d["status"] for d in listed] == ["late"]
    delivery = made.json["delivery_id"]
    came = client.post(f"/api/v1/deliveries/{delivery}", json={"status": "arrived"}, headers=boss)
    assert came.json["status"] == "arrived" and came.json["minutes_late"] == 35
    assert client.get("/api/v1/deliveries?day=2026-12-02", headers=desk).json["deliveries"] == []
