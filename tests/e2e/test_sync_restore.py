"""Head office restored from an older copy, with real processes: nothing a venue holds is lost.

Head office runs `kiosk headoffice serve`, a venue desk runs `kiosk serve` for scans, and the
venues sync with the CLI. Head office is restored with `kiosk restore`, or by copying its file
back (no new epoch), and restarted at the same address.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.test_purge_headoffice import _run, _serve
from tests.e2e.test_sync_processes import CSV, _free_port, _kiosk, _op_ids

pytestmark = pytest.mark.e2e


class Site:
    """Head office with its roster and two venue databases that synced once."""

    def __init__(self, tmp_path: Path, relays: str = "") -> None:
        self.tmp = tmp_path
        self.ho_db = tmp_path / "ho.sqlite3"
        self.dbs = {name: tmp_path / f"{name}.sqlite3" for name in ("north", "south")}
        _kiosk(self.ho_db, "init", "--event", "Restore Conf", "--starts",
               time.strftime("%Y-%m-%d"), "--days", "2")  # fmt: skip
        _kiosk(self.ho_db, "import", "attendees", str(CSV))
        self.tokens = {name: _kiosk(self.ho_db, "token", "create", "--role", "sync", "--name",
                                    name).strip() for name in self.dbs}  # fmt: skip
        self.port, self.env, self.processes = _free_port(), {"KIOSK_SYNC_RELAYS": relays}, []
        self.url = f"http://127.0.0.1:{self.port}"
        self.ho = self.start_ho()

    def start_ho(self) -> subprocess.Popen:
        process, _ = _serve(self.ho_db, "headoffice", "serve", env=self.env, port=self.port)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def sync(
        self, venue: str, *mode: str, url: str = "", token: str = ""
    ) -> subprocess.CompletedProcess:
        return _run(self.dbs[venue], "sync", "--peer", url or self.url, "--token",
                    token or self.tokens[venue], *(mode or ("--once",)))  # fmt: skip

    def cancel(self, attendee: str) -> str:
        """Head office cancels a ticket (a re-import); returns the op id."""
        header, *rows = CSV.read_text(encoding="utf-8").splitlines()
        [row] = [
            r.removesuffix(",valid") + ",cancelled" for r in rows if r.startswith(attendee + ",")
        ]
        sheet = self.tmp / f"cancel-{attendee}.csv"
        sheet.write_text(f"{header}\n{row}\n", encoding="utf-8")
        _kiosk(self.ho_db, "import", "attendees", str(sheet))
        return self.query(self.ho_db, "SELECT op_id FROM op WHERE entity = ? ORDER BY seq DESC"
                          " LIMIT 1", attendee)  # fmt: skip

    def backup(self) -> Path:
        copy = self.tmp / "ho-backup.sqlite3"
        _kiosk(self.ho_db, "backup", str(copy))
        return copy

    @staticmethod
    def query(db: Path, sql: str, *args: str) -> str:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return conn.execute(sql, args).fetchone()[0]

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.stop(process)


@pytest.fixture
def site(tmp_path: Path):
    made: list[Site] = []

    def make(relays: str = "") -> Site:
        made.append(Site(tmp_path, relays))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _scan(site: Site, venue: str, code: str) -> str:
    """A check-in at the venue's desk (`kiosk serve`, its real API); returns its op id."""
    db = site.dbs[venue]
    desk = _kiosk(db, "token", "create", "--role", "desk", "--name", "scanner").strip()
    process, url = _serve(db, "serve")
    site.processes.append(process)
    body = json.dumps({"code": code, "op_id": str(uuid.uuid4())}).encode()
    headers = {"Authorization": f"Bearer {desk}", "Content-Type": "application/json"}
    request = urllib.request.Request(f"{url}/api/v1/scan", data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own server)
        answer = json.load(response)
    site.stop(process)
    assert answer["result"] == "checked_in", answer
    return answer["op_id"]


def _ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_kiosk_restore_of_head_office_gets_back_what_venues_hold(site) -> None:
    """South's scan and head office's cancellation reached north through head office; head
    office is restored from a backup older than both, south is gone: north hands both back."""
    s = site()
    for venue in ("north", "south"):
        _ok(s.sync(venue))
    copy = s.backup()
    cancelled = s.cancel("a-jose")
    scan = _scan(s, "south", "KN-OBRI01")
    _ok(s.sync("south"))
    _ok(s.sync("north"))
    assert {cancelled, scan} <= _op_ids(s.dbs["north"])
    s.stop(s.ho)
    _kiosk(s.ho_db, "restore", str(copy))
    s.ho = s.start_ho()
    out = _ok(s.sync("north", "--final"))  # exited non-zero before: head office lacked them
    assert "Proven" in out and "peer: " in out
    assert {cancelled, scan} <= _op_ids(s.ho_db)
    assert s.query(s.ho_db, "SELECT status FROM attendee WHERE attendee_id = 'a-jose'") == (
        "cancelled"
    )


def test_a_venue_relaying_lan_ops_pushes_again_after_a_head_office_restore(site, tmp_path) -> None:
    """North got head office's cancellation from south over the LAN; after head office's
    restore, north's push was refused for good (403 "An op claims to be from this node")."""
    north_db = tmp_path / "north.sqlite3"
    _kiosk(north_db, "init", "--event", "Restore Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    north_node = Site.query(north_db, "SELECT value FROM setting WHERE key = 'node_id'")
    s = site(relays=north_node)  # head office takes what north relays from south
    _ok(s.sync("south"))
    lan_token = _kiosk(s.dbs["south"], "token", "create", "--role", "sync", "--name", "north")
    south, south_url = _serve(s.dbs["south"], "serve")
    s.processes.append(south)
    copy = s.backup()
    cancelled = s.cancel("a-jose")
    _ok(s.sync("south"))
    _ok(s.sync("north", url=south_url, token=lan_token.strip()))  # head office out of reach
    assert cancelled in _op_ids(north_db)
    s.stop(s.ho)
    _kiosk(s.ho_db, "restore", str(copy))
    s.ho = s.start_ho()
    _ok(s.sync("north"))
    out = _ok(s.sync("north", "--final"))
    assert "Proven" in out
    assert cancelled in _op_ids(s.ho_db)


def test_a_head_office_file_copied_back_is_noticed_by_the_venues(site) -> None:
    """Copied back over itself without `kiosk headoffice new-epoch`: head office's seqs are
    used again. Before, north skipped head office's new cancellation and --final said proven."""
    s = site()
    for venue in ("north", "south"):
        _ok(s.sync(venue))
    copy = s.backup()
    _scan(s, "south", "KN-OBRI01")
    _ok(s.sync("south"))
    lost = s.cancel("a-jose")
    _ok(s.sync("north"))  # north's cursor stands on the cancellation
    s.stop(s.ho)
    shutil.copyfile(copy, s.ho_db)  # over the same file, as `cp` does
    for suffix in ("-wal", "-shm"):
        Path(f"{s.ho_db}{suffix}").unlink(missing_ok=True)
    s.ho = s.start_ho()
    late = s.cancel("a-nguyen")
    _ok(s.sync("south"))  # south sees head office lost its scan and sends it again
    out = _ok(s.sync("north", "--final"))
    assert late in _op_ids(s.dbs["north"])  # skipped before
    assert lost in _op_ids(s.ho_db)
    assert "Proven" in out
    assert f"peer: {len(_op_ids(s.ho_db))} ops" in out
