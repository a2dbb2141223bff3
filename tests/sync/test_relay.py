"""A sync token pushes its own machine's ops; only head office and named LAN peers relay others'."""

from __future__ import annotations

from kiosk import create_app
from kiosk.db import open_db, transaction
from kiosk.desk import attendees
from sync import peers
from sync.hlc import Clock
from sync.oplog import new_op


def _client(db_path, clock, **settings):
    app = create_app({"DATABASE": str(db_path), "TESTING": True, "SECRET_KEY": "test-secret",
                      "CLOCK": clock, **settings})  # fmt: skip
    return app.test_client()


def _rename(origin: str) -> dict:
    return new_op(Clock(origin), "attendee_upsert", "a-jose",
                  {"fields": {"first_name": "Mallory"}}).to_dict()  # fmt: skip


def _push(client, headers, sender: str, origin: str):
    client.post("/sync/v1/hello", json={"node_id": sender}, headers=headers)
    return client.post("/sync/v1/push", json={"node_id": sender, "ops": [_rename(origin)]},
                       headers=headers)  # fmt: skip


def _name(db_path) -> str:
    db = open_db(db_path)
    try:
        return attendees.get(db, "a-jose")["first_name"]
    finally:
        db.close()


def test_a_venue_token_cannot_push_another_machines_ops(db_path, clock, make_token) -> None:
    client = _client(db_path, clock)
    answer = _push(client, make_token("sync", "north venue"), "north", "south")
    assert answer.status_code == 403 and answer.json["error"] == "wrong_origin"
    assert "south" in answer.json["message"]
    assert _name(db_path) != "Mallory"


def test_a_lan_peer_named_as_relay_may_relay(db_path, clock, make_token) -> None:
    client = _client(db_path, clock, SYNC_RELAYS="south-lan, other")
    answer = _push(client, make_token("sync", "south venue"), "south-lan", "north")
    assert answer.status_code == 200 and answer.json["accepted"] == 1
    assert _name(db_path) == "Mallory"


def test_head_office_may_relay_to_the_venue_that_syncs_with_it(db_path, clock, make_token) -> None:
    db = open_db(db_path)
    with transaction(db):
        peers.save(db, "http://ho.example:8000", node_id="headoffice-1a2b3c")
    db.close()
    client = _client(db_path, clock, SYNC_PEER="http://ho.example:8000")
    answer = _push(client, make_token("sync", "head office"), "headoffice-1a2b3c", "north")
    assert answer.status_code == 200 and answer.json["accepted"] == 1
