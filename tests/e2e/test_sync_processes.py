"""Head office and two venues as real `kiosk` processes, a faulty link, and a kill -9.

Scans go to the venues' real API while the link refuses, delays and cuts; one venue is killed
mid-sync and restarted. Afterwards all three hold the same ops, head office's export counts
one arrival per person, and each ticket checked in at both venues is a double-scan flag.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from kiosk.desk import reports
from kiosk.replication import conflicts
from tests.support.processes import op_ids as _op_ids
from tests.sync.faultproxy import FaultProxy

pytestmark = pytest.mark.e2e
KIOSK = str(Path(sys.executable).with_name("kiosk"))
CSV = Path(__file__).resolve().parents[1] / "data" / "attendees.csv"
POLLS = 1500  # × 0.1 s between looks; a bound so a broken build fails instead of hanging


def _kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, what: str) -> None:
    for _ in range(POLLS):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Venue:
    """A `kiosk serve` process syncing through a proxy, with a desk token for scans."""

    def __init__(self, db: Path, proxy: FaultProxy, token: str) -> None:
        self.db, self.proxy, self.token = db, proxy, token
        self.port = _free_port()
        self.desk = _kiosk(db, "token", "create", "--role", "desk", "--name", "scanner").strip()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "KIOSK_SYNC_PEER": f"http://127.0.0.1:{self.proxy.port}",
               "KIOSK_SYNC_TOKEN": self.token, "KIOSK_SYNC_INTERVAL": "1"}  # fmt: skip
        command = [KIOSK, "--db", str(self.db), "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        _wait(lambda: _up(self.port), f"venue on port {self.port}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def scan(self, code: str) -> str | None:
        """The check-in's op id when the desk showed green; retried with the same op id."""
        op_id = str(uuid.uuid4())
        body = json.dumps({"code": code, "op_id": op_id}).encode()
        headers = {"Authorization": f"Bearer {self.desk}", "Content-Type": "application/json"}
        url = f"http://127.0.0.1:{self.port}/api/v1/scan"
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http to ourselves)
            answer = json.load(response)
        return answer["op_id"] if answer["result"] == "checked_in" else None


@pytest.fixture
def site(tmp_path: Path):
    ho_db = tmp_path / "ho.sqlite3"
    _kiosk(ho_db, "init", "--event", "Sync Conf", "--starts", time.strftime("%Y-%m-%d"),
           "--days", "2")  # fmt: skip
    _kiosk(ho_db, "import", "attendees", str(CSV))
    tokens = [_kiosk(ho_db, "token", "create", "--role", "sync", "--name", f"venue {i}").strip()
              for i in (1, 2)]  # fmt: skip
    ho_port = _free_port()
    ho = subprocess.Popen([KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port",
                           str(ho_port)], stderr=subprocess.DEVNULL)  # fmt: skip
    _wait(lambda: _up(ho_port), "head office")
    proxies = [FaultProxy(ho_port, seed=i) for i in (1, 2)]
    venues = [Venue(tmp_path / f"venue{i}.sqlite3", proxies[i - 1], tokens[i - 1]) for i in (1, 2)]
    yield ho_db, ho_port, venues, tokens
    for venue in venues:
        if venue.process and venue.process.poll() is None:
            venue.kill()
    ho.send_signal(signal.SIGKILL)
    ho.wait()
    for proxy in proxies:
        proxy.close()


def test_venues_converge_through_faults_and_a_kill(site, tmp_path: Path) -> None:
    ho_db, ho_port, venues, tokens = site
    for venue in venues:
        venue.start()
    codes = [row["code"] for row in csv.DictReader(CSV.read_text(encoding="utf-8").splitlines())]
    _wait(lambda: all(len(_op_ids(v.db)) >= len(codes) for v in venues), "roster at venues")
    acknowledged: dict[str, tuple[str, int]] = {}  # op id: (code, venue) of each green scan
    for venue in venues:
        venue.proxy.mode = "refuse"  # both offline: one ticket is surely scanned at each
    for index in (0, 1):
        if (op_id := venues[index].scan(codes[0])) is not None:
            acknowledged[op_id] = (codes[0], index)
    for venue in venues:
        venue.proxy.mode = "chaos"
    for index, code in enumerate(codes * 2):
        if (op_id := venues[index % 2].scan(code)) is not None:
            acknowledged[op_id] = (code, index % 2)
    victim = venues[0]
    victim.proxy.mode = "delay"
    _wait(lambda: victim.proxy.active > 0, "a sync in flight")
    victim.kill()  # kill -9 in the middle of a sync
    victim.start()
    for venue in venues:
        venue.proxy.mode = "pass"
    everything = lambda: _op_ids(ho_db) == _op_ids(venues[0].db) == _op_ids(venues[1].db)  # noqa: E731
    _wait(lambda: everything() and acknowledged.keys() <= _op_ids(ho_db), "convergence")
    final = subprocess.run([KIOSK, "--db", str(venues[1].db), "sync", "--final", "--peer",
                            f"http://127.0.0.1:{ho_port}", "--token", tokens[1]],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert final.returncode == 0, final.stderr
    assert "Proven" in final.stdout
    conn = sqlite3.connect(ho_db)
    try:
        out = io.StringIO()
        reports.export_checkins(conn, out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        standing = {r[0] for r in conn.execute("SELECT op_id FROM checkin")}
        flagged = {f.entity for f in conflicts.flags(conn) if f.kind == "double_scan"}
    finally:
        conn.close()
    assert acknowledged.keys() <= standing
    roster = csv.DictReader(CSV.read_text(encoding="utf-8").splitlines())
    people = {row["code"]: row["attendee_id"] for row in roster}
    arrived = {people[code] for code, _ in acknowledged.values()}
    assert sorted(r["attendee_id"] for r in rows) == sorted(people.values())  # one row each
    counted = {r["attendee_id"]: int(r["checkins"]) for r in rows if int(r["checkins"])}
    assert counted == dict.fromkeys(arrived, 1)  # one arrival per person, however many scans
    at_both = {people[code] for code in codes
               if {v for c, v in acknowledged.values() if c == code} == {0, 1}}  # fmt: skip
    assert people[codes[0]] in at_both
    assert flagged == at_both  # each ticket checked in at both venues is left for review
