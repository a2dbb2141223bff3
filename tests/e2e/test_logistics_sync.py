"""Venue A reports an incident; through a real head office process, venue B sees it, and a
supervisor's answer at B (with a note) comes back to A."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK
from tests.support.processes import free_port, stop

pytestmark = pytest.mark.e2e
POLLS = 600  # × 0.1 s: a bound so a broken build fails instead of hanging


def _kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _wait(predicate, what: str) -> None:
    for _ in range(POLLS):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def _call(url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    method = "POST" if data else "GET"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def test_an_incident_travels_venue_to_head_office_to_venue(tmp_path: Path) -> None:
    ho_db = tmp_path / "ho.sqlite3"
    _kiosk(ho_db, "init", "--event", "Sync Conf", "--starts", time.strftime("%Y-%m-%d"))
    ho_port = free_port()
    started = [subprocess.Popen([KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port",
                                 str(ho_port)], stderr=subprocess.DEVNULL)]  # fmt: skip
    try:
        _wait(lambda: _up(ho_port), "head office")
        venues = []
        for name in ("a", "b"):
            db = tmp_path / f"venue-{name}.sqlite3"
            sync = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", f"venue {name}")
            boss = _kiosk(db, "token", "create", "--role", "supervisor", "--name", "board")
            port = free_port()
            env = {**os.environ, "KIOSK_SYNC_PEER": f"http://127.0.0.1:{ho_port}",
                   "KIOSK_SYNC_TOKEN": sync, "KIOSK_SYNC_INTERVAL": "1"}  # fmt: skip
            command = [KIOSK, "--db", str(db), "serve", "--port", str(port)]
            started.append(subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL))
            url = f"http://127.0.0.1:{port}"
            _wait(lambda port=port: _up(port), f"venue {name}")
            venues.append((url, boss))
        (a, a_token), (b, b_token) = venues
        report = {"title": "Projector dead in Melati", "severity": "urgent", "category": "av"}
        made = _call(a + "/api/v1/incidents", a_token, report)
        incident = made["incident_id"]

        def seen_at(url: str, token: str, status: str = "open") -> dict | None:
            found = _call(f"{url}/api/v1/incidents?status=all", token)["incidents"]
            return next((i for i in found if i["incident_id"] == incident
                         and i["status"] == status), None)  # fmt: skip

        _wait(lambda: seen_at(b, b_token) is not None, "venue B sees venue A's report")
        _call(
            f"{b}/api/v1/incidents/{incident}",
            b_token,
            {"status": "resolved", "note": "Spare projector from storage"},
        )
        _wait(lambda: seen_at(a, a_token, "resolved") is not None, "venue A sees B's answer")
        back = seen_at(a, a_token, "resolved")
        assert [n["text"] for n in back["notes"]] == ["Spare projector from storage"]
        assert back["title"] == "Projector dead in Melati" and back["severity"] == "urgent"
    finally:
        for process in started:
            stop(process)
