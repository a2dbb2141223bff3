"""One venue's sync token against a real head office: no relaying, no far-future stamps.

The story: a venue token pushes a rename of an attendee under another origin, and under its
own origin stamped 9999999999999. Head office refuses both and keeps the name; another venue
goes on syncing with the CLI, and its own push is never refused.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sync.hlc import MAX_COUNTER, MAX_WALL_MS
from sync.ids import uuid7
from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _kiosk, _up, _wait

pytestmark = pytest.mark.e2e


def _post(port: int, token: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sync/v1/{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}",
                 "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http to ourselves)
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def _rename(origin: str, hlc: str) -> dict:
    return {"op_id": uuid7(int(time.time() * 1000)), "origin": origin, "hlc": hlc,
            "kind": "attendee_upsert", "entity": "a-jose",
            "payload": {"fields": {"first_name": "Mallory", "email": "m@example.org"}}}  # fmt: skip


def _scalar(db: Path, sql: str) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _name(db: Path) -> str:
    return _scalar(db, "SELECT first_name FROM attendee WHERE attendee_id = 'a-jose'")


def test_a_venue_token_cannot_rewrite_an_attendee_nor_stop_sync(tmp_path: Path) -> None:
    ho_db, venue_db = tmp_path / "ho.sqlite3", tmp_path / "venue.sqlite3"
    _kiosk(ho_db, "init", "--event", "Sync Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    _kiosk(ho_db, "import", "attendees", str(CSV))
    north, south = (_kiosk(ho_db, "token", "create", "--role", "sync", "--name", name).strip()
                    for name in ("north venue", "south venue"))  # fmt: skip
    port = _free_port()
    ho = subprocess.Popen([KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port",
                           str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait(lambda: _up(port), "head office")
        peer = f"http://127.0.0.1:{port}"
        _kiosk(venue_db, "sync", "--peer", peer, "--token", south, "--once")
        assert _post(port, north, "hello", {"node_id": "north"})[0] == 200

        relayed = _rename("relay", f"{int(time.time() * 1000):013d}-00000-relay")
        status, answer = _post(port, north, "push", {"node_id": "north", "ops": [relayed]})
        assert (status, answer["error"]) == (403, "wrong_origin")
        own = _rename("north", f"{MAX_WALL_MS}-{MAX_COUNTER:05d}-north")
        status, answer = _post(port, north, "push", {"node_id": "north", "ops": [own]})
        assert (status, answer["error"]) == (400, "bad_op") and own["op_id"] in answer["message"]
        event = {**own, "op_id": uuid7(int(time.time() * 1000)), "kind": "event_set",
                 "entity": "event", "payload": {"fields": {"name": "Hijacked"}}}  # fmt: skip
        status, answer = _post(port, north, "push", {"node_id": "north", "ops": [event]})
        assert (status, answer["error"]) == (400, "bad_op")
        assert _name(ho_db) == "José"
        assert _scalar(ho_db, "SELECT name FROM event") == "Sync Conf"

        _kiosk(venue_db, "sync", "--peer", peer, "--token", south, "--once")  # still syncs
        assert _name(venue_db) == "José"
    finally:
        ho.send_signal(signal.SIGKILL)
        ho.wait()
