"""One scan recorded at two venue machines under one op id, as real processes.

A tablet's scan times out at the north machine and is sent again, with the same op id, to the
south one; both record it, each with its own origin, stamp and desk. Both venues are `kiosk
serve` processes (the scans go to their API) and sync with `kiosk headoffice serve` through
the `kiosk sync` command. Head office used to keep its copy and the south venue its own, and
`--final` proved them equal because the digest covered op ids only. Now all three hold the
same copy, `--final` proves it, and the supervisor is told.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from kiosk.replication import conflicts
from tests.e2e.test_purge_headoffice import _serve
from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _kiosk, _up, _wait
from tests.e2e.test_sync_wedge import _get
from tests.support.processes import read_only

pytestmark = pytest.mark.e2e


def _copy(db: Path, op_id: str) -> tuple:
    with read_only(db) as conn:
        op = conn.execute("SELECT origin, hlc, payload FROM op WHERE op_id = ?", (op_id,))
        arrival = conn.execute("SELECT origin, desk FROM checkin WHERE op_id = ?", (op_id,))
        return tuple(op.fetchone()), tuple(arrival.fetchone())


def _recorded_twice(db: Path) -> list[conflicts.Flag]:
    with read_only(db) as conn:
        return [f for f in conflicts.flags(conn) if f.kind == "recorded_twice"]


def _sync(db: Path, peer: str, token: str, *mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KIOSK, "--db", str(db), "sync", "--peer", peer, "--token", token, *(mode or ("--once",))],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_scan_sent_to_two_machines_ends_as_one_copy_everywhere(tmp_path, processes) -> None:
    ho_db = tmp_path / "ho.sqlite3"
    _kiosk(ho_db, "init", "--event", "Twice Conf", "--starts", "2026-12-01", "--days", "3")
    _kiosk(ho_db, "import", "attendees", str(CSV))
    process, peer = _serve(ho_db, "headoffice", "serve")
    processes.append(process)
    venues = {}
    for name in ("north", "south"):
        db = tmp_path / f"{name}.sqlite3"
        token = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", name).strip()
        assert _sync(db, peer, token).returncode == 0  # the roster
        desk = _kiosk(db, "token", "create", "--role", "desk", "--name", f"{name} scanner").strip()
        port = _free_port()
        processes.append(subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(port)],
                                          stderr=subprocess.DEVNULL))  # fmt: skip
        _wait(lambda port=port: _up(port), f"{name} venue")
        venues[name] = (db, token, desk, port)
    op_id = str(uuid.uuid4())
    for name in ("north", "south"):  # the retry, with the same op id, at the other machine
        db, token, desk, port = venues[name]
        answer = _get(port, "/api/v1/scan", desk, {"code": "KN-JOSE01", "op_id": op_id})
        assert answer["result"] == "checked_in" and answer["op_id"] == op_id
    north, south = venues["north"], venues["south"]
    assert _copy(north[0], op_id) != _copy(south[0], op_id)

    for db, token, _, _ in (north, south, north):
        done = _sync(db, peer, token)
        assert done.returncode == 0, done.stderr

    assert _copy(ho_db, op_id) == _copy(north[0], op_id) == _copy(south[0], op_id)
    assert "recorded twice" in done.stderr
    for db, token, desk, port in (north, south):
        final = _sync(db, peer, token, "--final")
        assert final.returncode == 0, final.stderr
        assert "Proven" in final.stdout
        assert "recorded twice, differently, at two machines: 1" in final.stdout
        assert _get(port, "/api/v1/sync/status", desk)["divergent_ops"] == 1
    (flag,) = _recorded_twice(ho_db)
    assert flag.ops == (op_id,)
    assert _recorded_twice(north[0]) == [flag] == _recorded_twice(south[0])
