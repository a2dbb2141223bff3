"""A real `kiosk serve` refuses a pushed op whose payload does not fit its kind: 400 with the
reason, nothing applied, and the rooms screens and API keep working for everyone."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from sync.ids import uuid7
from tests.e2e.conftest import KIOSK, LiveServer
from tests.e2e.test_disk_full import Browser

pytestmark = pytest.mark.e2e
SENDER = "venue-rogue"


def _call(server: LiveServer, path: str, token: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(server.url + path, data, headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (our own server)
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.load(err)


def _room_set(room_id: str, fields: object) -> dict:
    # Stamped by the machine's clock on purpose: the server under test runs on that clock and
    # refuses ops stamped far from its own (SYNC_MAX_AHEAD_HOURS), so any date works.
    now = int(time.time() * 1000)
    return {"op_id": uuid7(now), "origin": SENDER, "hlc": f"{now:013d}-00000-{SENDER}",
            "kind": "room_set", "entity": room_id, "payload": {"fields": fields}}  # fmt: skip


def _ops(server: LiveServer) -> int:
    db = sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM op").fetchone()[0]
    finally:
        db.close()


@pytest.fixture(scope="module")
def sync_token(live_server: LiveServer) -> str:
    done = subprocess.run([KIOSK, "--db", str(live_server.db_path), "token", "create", "--role",
                           "sync", "--name", "rogue venue"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("fields", "field"), [({"capacity": "lots"}, "fields.capacity"), ([["capacity", 9]], "fields")]
)
def test_a_badly_typed_room_set_is_refused_and_rooms_keep_working(
    live_server: LiveServer, sync_token: str, fields: object, field: str
) -> None:
    status, listing = _call(live_server, "/api/v1/rooms", live_server.token)
    assert status == 200
    room_id = listing["rooms"][0]["room_id"]
    held = _ops(live_server)
    good = _room_set(room_id, {"name": "Hall renamed"})
    push = {"node_id": SENDER, "ops": [good, _room_set(room_id, fields)]}

    status, answer = _call(live_server, "/sync/v1/push", sync_token, push)

    assert status == 400, answer
    assert answer["error"] == "bad_op"
    assert "op 1" in answer["message"] and field in answer["message"], answer["message"]
    assert _ops(live_server) == held  # the good op of the batch was not applied either
    status, after = _call(live_server, "/api/v1/rooms", live_server.token)
    assert status == 200 and after == listing
    assert all(isinstance(r["capacity"], int) for r in after["rooms"])
    staff = Browser(live_server.url)
    staff.sign_in("Ana", "1111")
    assert staff.open("/rooms")[0] == 200
    assert staff.open(f"/rooms/door/{room_id}")[0] < 500
    # the sender is not wedged: the same batch without the bad op goes through
    status, answer = _call(live_server, "/sync/v1/push", sync_token,
                           {"node_id": SENDER, "ops": [good]})  # fmt: skip
    assert status == 200 and answer["accepted"] == 1
