"""One venue database prepared, copied to two "laptops", and both synced with head office.

Each copy is a real `kiosk serve` process on its own file with its own machine id
(KIOSK_MACHINE_ID stands in for /etc/machine-id). The ticket scanned at both must reach head
office as two arrivals from two nodes, with a double-scan flag for the supervisor.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from kiosk.replication import conflicts
from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _up, _wait

pytestmark = pytest.mark.e2e


def _run(db: Path, *args: str, machine: str = "head-office") -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_MACHINE_ID": machine}
    return subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip


def _ok(db: Path, *args: str, machine: str = "head-office") -> str:
    done = _run(db, *args, machine=machine)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _scan(db: Path, machine: str, code: str, announced: bool = True) -> str:
    """Starts `kiosk serve` on a copy, scans one ticket through the API, stops it."""
    desk = _ok(db, "token", "create", "--role", "desk", "--name", "scanner", machine=machine)
    port = _free_port()
    env = {**os.environ, "KIOSK_MACHINE_ID": machine}
    log = db.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        _wait(lambda: _up(port), f"venue {machine}")
        body = json.dumps({"code": code, "op_id": str(uuid.uuid4())}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/scan", data=body, method="POST",
            headers={"Authorization": f"Bearer {desk.strip()}",
                     "Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (to ourselves)
            answer = json.load(response)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert answer["result"] == "checked_in", answer
    if announced:  # said loudly, in the server's log
        assert "copied from another machine" in log.read_text(errors="replace")
    return answer["op_id"]


@pytest.fixture
def head_office(tmp_path: Path):
    ho_db = tmp_path / "ho.sqlite3"
    _ok(ho_db, "init", "--event", "Clone Conf", "--starts", time.strftime("%Y-%m-%d"),
        "--days", "2")  # fmt: skip
    _ok(ho_db, "import", "attendees", str(CSV))
    port = _free_port()
    ho = subprocess.Popen([KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port", str(port)],
                          stderr=subprocess.DEVNULL)  # fmt: skip
    _wait(lambda: _up(port), "head office")
    yield ho_db, f"http://127.0.0.1:{port}"
    ho.send_signal(signal.SIGKILL)
    ho.wait()


def _token(ho_db: Path, name: str) -> str:
    return _ok(ho_db, "token", "create", "--role", "sync", "--name", name).strip()


def _copies(tmp_path: Path, ho_db: Path, url: str) -> list[Path]:
    """A venue database prepared once (roster pulled), then copied file for file twice."""
    prepared = tmp_path / "prep" / "venue.sqlite3"
    prepared.parent.mkdir()
    _ok(prepared, "sync", "--peer", url, "--token", _token(ho_db, "prep"), "--once",
        machine="prep-laptop")  # fmt: skip
    copies = []
    for name in ("laptop-a", "laptop-b"):
        (tmp_path / name).mkdir()
        for suffix in ("", "-wal"):
            if Path(f"{prepared}{suffix}").exists():
                shutil.copy(f"{prepared}{suffix}", tmp_path / name / f"venue.sqlite3{suffix}")
        copies.append(tmp_path / name / "venue.sqlite3")
    return copies


def _double_scans(ho_db: Path, attendee: str) -> tuple[set[str], set[str], int]:
    conn = sqlite3.connect(ho_db)
    try:
        arrivals = conn.execute("SELECT op_id, origin FROM checkin WHERE attendee_id = ?",
                                (attendee,)).fetchall()  # fmt: skip
        flagged = [f for f in conflicts.flags(conn)
                   if f.kind == "double_scan" and f.entity == attendee]  # fmt: skip
    finally:
        conn.close()
    return {a[0] for a in arrivals}, {a[1] for a in arrivals}, len(flagged)


def test_a_ticket_scanned_at_two_copies_of_one_database_is_flagged(
    tmp_path: Path, head_office
) -> None:
    ho_db, url = head_office
    roster = list(csv.DictReader(CSV.read_text(encoding="utf-8").splitlines()))
    code, attendee = roster[0]["code"], roster[0]["attendee_id"]
    copies = _copies(tmp_path, ho_db, url)
    scans = {_scan(db, db.parent.name, code) for db in copies}  # both apart, both green
    for db in copies:
        _ok(db, "sync", "--peer", url, "--token", _token(ho_db, db.parent.name), "--once",
            machine=db.parent.name)  # fmt: skip
    arrivals, origins, flags = _double_scans(ho_db, attendee)
    assert arrivals == scans  # both arrivals reached head office
    assert len(origins) == 2  # from two nodes, not one node scanning twice
    assert flags == 1  # left for the supervisor to review


def test_copies_made_by_an_older_kiosk_are_told_apart_by_head_office(
    tmp_path: Path, head_office
) -> None:
    ho_db, url = head_office
    code = list(csv.DictReader(CSV.read_text(encoding="utf-8").splitlines()))[1]["code"]
    copies = _copies(tmp_path, ho_db, url)
    for db in copies:  # as an older Kiosk left them: one node id, no fingerprint to compare
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("DELETE FROM setting WHERE key = 'node_machine'")
        conn.close()
    tokens = [_token(ho_db, db.parent.name) for db in copies]
    prepared = _node_id(copies[0])
    for db, token in zip(copies, tokens, strict=True):  # the prepared file synced first
        done = _run(db, "sync", "--peer", url, "--token", token, "--once", machine=db.parent.name)
        assert done.returncode == 0, done.stderr  # refused once, re-keyed, synced
        assert "Another machine already syncs as node" in done.stderr
    ids = {_node_id(db) for db in copies}
    assert len(ids) == 2 and prepared not in ids
    attendee = next(r["attendee_id"] for r in csv.DictReader(CSV.read_text(encoding="utf-8")
                    .splitlines()) if r["code"] == code)  # fmt: skip
    scans = {_scan(db, db.parent.name, code, announced=False) for db in copies}
    for db, token in zip(copies, tokens, strict=True):
        _ok(db, "sync", "--peer", url, "--token", token, "--once", machine=db.parent.name)
    arrivals, origins, flags = _double_scans(ho_db, attendee)
    assert arrivals == scans and origins == ids and flags == 1


def _node_id(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT value FROM setting WHERE key = 'node_id'").fetchone()[0]
    finally:
        conn.close()
