"""Shifts and readiness travel like everything else: venue A checks a staff member in and ticks
a checklist through its API; a real `kiosk headoffice serve` process passes both to venue B,
whose own API and board then show them."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.processes import free_port, stop

pytestmark = pytest.mark.e2e
KIOSK = str(Path(sys.executable).with_name("kiosk"))
POLLS = 600  # × 0.1 s: a bound, so a broken build fails instead of hanging


def _kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _wait(predicate, what: str) -> None:
    for _ in range(POLLS):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def _call(port: int, token: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers,
                                     method="POST" if body is not None else "GET")  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (ourselves)
        return json.load(response)


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _serve(
    db: Path, port: int, command: str, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """`kiosk serve` or `kiosk headoffice serve` on a port; returns once it listens."""
    args = [KIOSK, "--db", str(db), *command.split(), "--port", str(port)]
    process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stderr=subprocess.DEVNULL)
    _wait(lambda: _up(port), command)
    return process


def _count(db: Path, sql: str) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not created or migrated yet
        return 0


def test_checkin_and_tick_at_one_venue_reach_the_other(tmp_path: Path) -> None:
    ho_db, started = tmp_path / "ho.sqlite3", []
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    now = min(now, now.replace(hour=22))  # the session and shift stay within today
    day = now.date().isoformat()
    _kiosk(ho_db, "init", "--event", "Sync Conf", "--starts", day, "--days", "2",
           "--timezone", "UTC")  # fmt: skip
    sessions, shifts = tmp_path / "sessions.csv", tmp_path / "shifts.csv"
    start, end = now.isoformat(), (now + timedelta(hours=1)).isoformat()
    sessions.write_text("session_id,title,starts_at,ends_at,room_id,room_name,capacity\n"
                        f"keynote,Keynote,{start},{end},melati,Melati,300\n")  # fmt: skip
    shifts.write_text("shift_id,person,role,place,starts_at,ends_at\n"
                      f"usher-1,Dewi Lestari,usher,melati,{start},{end}\n")  # fmt: skip
    _kiosk(ho_db, "import", "sessions", str(sessions))
    _kiosk(ho_db, "import", "shifts", str(shifts))
    ho_port = free_port()
    try:
        started.append(_serve(ho_db, ho_port, "headoffice serve"))
        venues = []
        for name in ("a", "b"):
            db = tmp_path / f"venue-{name}.sqlite3"
            sync = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", f"venue {name}")
            desk = _kiosk(db, "token", "create", "--role", "desk", "--name", f"tablet {name}")
            port = free_port()
            env = {"KIOSK_SYNC_PEER": f"http://127.0.0.1:{ho_port}", "KIOSK_SYNC_TOKEN": sync,
                   "KIOSK_SYNC_INTERVAL": "1"}  # fmt: skip
            started.append(_serve(db, port, "serve", env))
            venues.append((db, port, desk))
        for db, _, _ in venues:
            _wait(lambda d=db: _count(d, "SELECT count(*) FROM shift") == 1, "shifts at venue")
        (_, a_port, a_desk), (b_db, b_port, b_desk) = venues
        checked = _call(a_port, a_desk, "/api/v1/shifts/usher-1/checkin", {})["shift"]
        assert checked["state"] == "on_shift"
        _call(a_port, a_desk, "/api/v1/sessions/keynote/readiness", {"item": "mic", "done": True})
        _wait(lambda: _count(b_db, "SELECT count(*) FROM shift_checkin") == 1
              and _count(b_db, "SELECT count(*) FROM readiness WHERE done") == 1,
              "venue A's check-in and tick at venue B")  # fmt: skip
        there = _call(b_port, b_desk, f"/api/v1/shifts?day={day}")["shifts"]
        assert [(s["shift_id"], s["checked_in_at"]) for s in there] == [
            ("usher-1", checked["checked_in_at"])
        ]
        ticks = _call(b_port, b_desk, "/api/v1/sessions/keynote/readiness")["items"]
        assert {t["item"]: (t["done"], t["by"]) for t in ticks}["mic"] == (True, "tablet a")
    finally:
        for process in started:
            stop(process)
