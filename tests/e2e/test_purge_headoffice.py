"""`kiosk purge` with real processes: a LAN peer holding a venue's ops is not head office.

Head office runs `kiosk headoffice serve`, two venues run `kiosk serve`. Venue A syncs only with
venue B over the LAN: its purge is refused, naming head office. After `kiosk sync --final` with
head office, the purge goes through.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _kiosk, _up, _wait

pytestmark = pytest.mark.e2e


def _serve(
    db: Path, *command: str, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen, str]:
    port = port or _free_port()
    process = subprocess.Popen([KIOSK, "--db", str(db), *command, "--port", str(port)],
                               stderr=subprocess.DEVNULL,
                               env={**os.environ, **(env or {})})  # fmt: skip
    _wait(lambda: _up(port), f"{command[0]} on port {port}")
    return process, f"http://127.0.0.1:{port}"


def _run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip


def test_a_venue_purges_only_once_head_office_holds_its_ops(tmp_path: Path) -> None:
    ho_db, a_db, b_db = (tmp_path / f"{name}.sqlite3" for name in ("ho", "a", "b"))
    _kiosk(ho_db, "init", "--event", "Purge Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    _kiosk(ho_db, "import", "attendees", str(CSV))
    ho_token = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", "venue A").strip()
    b_seed = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", "venue B").strip()
    _kiosk(b_db, "init", "--event", "Purge Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    lan_token = _kiosk(b_db, "token", "create", "--role", "sync", "--name", "venue A").strip()
    _kiosk(a_db, "init", "--event", "Purge Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    with closing(sqlite3.connect(a_db)) as db:
        (a_node,) = db.execute("SELECT value FROM setting WHERE key = 'node_id'").fetchone()
    servers = []
    try:  # head office takes what A relays from B: A is named in its SYNC_RELAYS
        ho, ho_url = _serve(ho_db, "headoffice", "serve", env={"KIOSK_SYNC_RELAYS": a_node})
        servers.append(ho)
        venue_b, b_url = _serve(b_db, "serve")
        servers.append(venue_b)
        _kiosk(b_db, "sync", "--peer", ho_url, "--token", b_seed, "--once")  # B has the roster
        _kiosk(a_db, "ticket-type", "Day Pass", "--days", "1")  # A's own ops, for B alone
        final = _run(a_db, "sync", "--peer", b_url, "--token", lan_token, "--final")
        assert final.returncode == 0 and "Proven" in final.stdout, final.stderr  # B holds all
        assert "not head office" in final.stderr

        refused = _run(a_db, "purge", "--yes")
        assert refused.returncode != 0
        assert "head office" in refused.stderr and "operations" in refused.stderr, refused.stderr

        final = _run(a_db, "sync", "--peer", ho_url, "--token", ho_token, "--final")
        assert final.returncode == 0 and "Proven" in final.stdout, final.stderr
        done = _run(a_db, "purge", "--yes")
        assert done.returncode == 0, done.stderr
        assert "Personal data removed" in done.stdout
    finally:
        for process in servers:
            process.send_signal(signal.SIGKILL)
            process.wait()
