"""The same late-registration file imported at head office and at a venue, as real processes.

`kiosk headoffice serve` and a venue's `kiosk serve` with background sync; the imports and the
final proof run through the `kiosk` command. The clashing codes used to fail every push with a
500, so the venue's check-ins never left and it never pulled again. Now every check-in reaches
head office, both hold the same ops and give each code to the same attendee, and the supervisor
is shown one flag per clashing code on both machines.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from kiosk.replication import conflicts
from tests.e2e.test_purge_headoffice import _serve
from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _kiosk, _op_ids, _up, _wait
from tests.support.processes import read_only

pytestmark = pytest.mark.e2e
LATE = Path(__file__).resolve().parents[1] / "data" / "late_registrations.csv"


def _get(port: int, path: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (to ourselves)
        return json.load(response)


def _read(db: Path, sql: str) -> list[tuple]:
    with read_only(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def _flags(db: Path) -> list[conflicts.Flag]:
    with read_only(db) as conn:
        return [f for f in conflicts.flags(conn) if f.kind == "duplicate_code"]


def test_a_file_imported_at_both_ends_no_longer_wedges_the_venue(tmp_path, processes) -> None:
    ho_db, venue_db = tmp_path / "ho.sqlite3", tmp_path / "venue.sqlite3"
    _kiosk(ho_db, "init", "--event", "Wedge Conf", "--starts", "2026-12-01", "--days", "3")
    _kiosk(ho_db, "import", "attendees", str(CSV))
    token = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", "venue").strip()
    process, peer = _serve(ho_db, "headoffice", "serve")
    processes.append(process)
    _kiosk(venue_db, "sync", "--peer", peer, "--token", token, "--once")  # the roster
    # Apart, both import the day's late registrations; the file has no attendee_id column.
    _kiosk(ho_db, "import", "attendees", str(LATE))
    _kiosk(venue_db, "import", "attendees", str(LATE))
    desk = _kiosk(venue_db, "token", "create", "--role", "desk", "--name", "scanner").strip()
    venue_port = _free_port()
    env = {**os.environ, "KIOSK_SYNC_PEER": peer, "KIOSK_SYNC_TOKEN": token,
           "KIOSK_SYNC_INTERVAL": "1"}  # fmt: skip
    processes.append(
        subprocess.Popen(
            [KIOSK, "--db", str(venue_db), "serve", "--port", str(venue_port)],
            env=env,
            stderr=subprocess.DEVNULL,
        )
    )
    _wait(lambda: _up(venue_port), "venue")
    scans = [_get(venue_port, "/api/v1/scan", desk, {"code": code, "op_id": str(uuid.uuid4())})
             for code in ("KN-LATE01", "KN-JOSE01")]  # fmt: skip
    assert [s["result"] for s in scans] == ["checked_in", "checked_in"]

    _wait(lambda: {s["op_id"] for s in scans} <= _op_ids(ho_db), "check-ins at head office")
    _wait(lambda: _op_ids(ho_db) == _op_ids(venue_db), "the venue pulls again")
    status = _get(venue_port, "/api/v1/sync/status", desk)
    assert status["online"] and status["pending_push"] == 0
    assert status["quarantined"] == 0 and status["problems"] >= 3
    holders = "SELECT code, attendee_id FROM attendee WHERE code LIKE 'KN-LATE%' ORDER BY 1"
    assert len(_read(ho_db, holders)) == 3 and _read(ho_db, holders) == _read(venue_db, holders)
    flags = _flags(ho_db)
    assert sorted(f.detail["code"] for f in flags) == ["KN-LATE01", "KN-LATE02", "KN-LATE03"]
    assert flags == _flags(venue_db)
    command = [KIOSK, "--db", str(venue_db), "sync", "--final", "--peer", peer, "--token", token]
    final = subprocess.run(command, capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stderr
    assert "Proven" in final.stdout and "not applied here): 0" in final.stdout
