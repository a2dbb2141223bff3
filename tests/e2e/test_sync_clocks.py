"""Head office keeps good time; one venue's machine runs 3 h slow, another's 10 h fast.

Real processes: `kiosk headoffice serve`, and per venue `kiosk serve` and `kiosk sync` under
libfaketime. Each venue learns its offset at hello and says so (`kiosk sync`, the status API,
the desk). A ticket scanned at both venues counts on one day and is flagged; head office's
re-import corrects what the fast venue edited, once; a supervisor's reinstate and chosen value
at the slow venue win over stamps hours ahead. Head office's import and the fast venue's edit
of one field made apart are flagged like any concurrent edits, and the choice between them sticks.
"""

from __future__ import annotations

import csv
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.replication import conflicts
from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _kiosk, _up, _wait
from tests.support.processes import need_tool, stop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PIN = "4321"
HOUR_MS = 3_600_000


def _zone_at_evening() -> str:
    """A fixed-offset zone where it is now about 20:00: a clock 10 h fast reads the next day."""
    hours = (20 - datetime.now(UTC).hour + 12) % 24 - 12  # -12 … 11, as Etc/GMT zones go
    return f"Etc/GMT{-hours:+d}" if hours else "Etc/UTC"


class Venue:
    """One venue machine whose clock is `shift` off: its server, its CLI, a signed-in browser."""

    def __init__(self, db: Path, shift: str, sync_token: str, peer: str, env: dict) -> None:
        self.db, self.shift, self.sync_token, self.peer = db, shift, sync_token, peer
        self.env = env
        self.port = _free_port()
        self.desk = _kiosk(db, "token", "create", "--role", "desk", "--name", "scanner").strip()
        self.process: subprocess.Popen | None = None
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))  # fmt: skip

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """A `kiosk` command on this machine (under its clock)."""
        command = ["faketime", "-f", self.shift, KIOSK, "--db", str(self.db), *args]
        done = subprocess.run(command, capture_output=True, text=True, env=self.env, check=False)
        assert done.returncode == 0, done.stderr
        return done

    def sync(self) -> str:
        """`kiosk sync --once` with head office; what it said on stderr."""
        return self.run("sync", "--peer", self.peer, "--token", self.sync_token, "--once").stderr

    def start(self) -> None:
        command = ["faketime", "-f", self.shift, KIOSK, "--db", str(self.db), "serve", "--port",
                   str(self.port)]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, stderr=subprocess.DEVNULL, start_new_session=True
        )  # stop() ends faketime's child
        _wait(lambda: _up(self.port), f"venue on port {self.port}")

    def api(self, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.desk}", "Content-Type": "application/json"}
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                         headers=headers)  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http to ourselves)
            return json.load(response)

    def page(self, path: str, form: dict | None = None, lang: str = "en") -> str:
        """A screen as the browser gets it; a form is posted with the CSRF token of `path`."""
        url = f"http://127.0.0.1:{self.port}{path}"
        data = None
        if form is not None:
            token = re.search(r'name="csrf_token" value="([^"]+)"', self.page(path))
            data = urllib.parse.urlencode({**form, "csrf_token": token[1]}).encode()
        request = urllib.request.Request(url, data=data, headers={"Accept-Language": lang})
        with self.browser.open(request, timeout=30) as response:
            return response.read().decode()

    def sign_in(self) -> None:
        self.page("/login", {"name": "Budi", "pin": PIN, "desk": "North-1"})

    def edit(self, attendee_id: str, **changes: str) -> None:
        row = _row(self.db, attendee_id)
        values = {k: row[k] for k in ("first_name", "last_name", "email", "company", "note")}
        self.page(f"/desk/attendees/{attendee_id}/edit", {**values, **changes})

    def answer(self, kind: str, action: str, value: str = "") -> None:
        """Presses a button on the review screen for the only open flag of this kind."""
        (flag,) = [f for f in _flags(self.db) if f.kind == kind]
        form = {"action": action, **({"value": value} if value else {})}
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.page("/review"))[1]
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/review/{flag.flag_id}",
                                         data=urllib.parse.urlencode({**form, "csrf_token": token})
                                         .encode())  # fmt: skip
        with self.browser.open(request, timeout=30) as response:
            assert "Resolved." in response.read().decode()


def _read(db: Path, sql: str, *args: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _row(db: Path, attendee_id: str) -> sqlite3.Row:
    return _read(db, "SELECT * FROM attendee WHERE attendee_id = ?", attendee_id)[0]


def _flags(db: Path) -> list[conflicts.Flag]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conflicts.flags(conn)
    finally:
        conn.close()


def _candidate(db: Path, value: str) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (flag,) = [f for f in conflicts.flags(conn) if f.kind == "concurrent_edit"]
        return next(c[0] for c in conflicts.candidates(conn, flag) if c[1] == value)
    finally:
        conn.close()


def _roster(path: Path, attendee_id: str, **changes: str) -> Path:
    """The fixture roster with one attendee's cells changed, as head office re-imports it."""
    rows = list(csv.DictReader(CSV.read_text(encoding="utf-8").splitlines()))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **changes} if row["attendee_id"] == attendee_id else row)
    return path


@pytest.fixture
def site(tmp_path: Path):
    need_tool("faketime", "faketime")
    (tmp_path / "site").mkdir()  # lets time.sleep work under libfaketime in every process
    (tmp_path / "site" / "sitecustomize.py").write_text("import tests.support.faketime_sleep\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT}",
           "FAKETIME_DONT_FAKE_MONOTONIC": "1"}  # fmt: skip
    zone = _zone_at_evening()
    today = datetime.now(ZoneInfo(zone)).date()
    ho_db = tmp_path / "ho.sqlite3"
    _kiosk(ho_db, "init", "--event", "Clock Conf", "--starts",
           (today - timedelta(days=1)).isoformat(), "--days", "3", "--timezone", zone)  # fmt: skip
    _kiosk(ho_db, "import", "attendees", str(CSV))
    port = _free_port()
    ho = subprocess.Popen([KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port",
                           str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    venues = []
    try:
        _wait(lambda: _up(port), "head office")
        for name, shift in (("slow", "-3h"), ("fast", "+10h")):
            token = _kiosk(ho_db, "token", "create", "--role", "sync", "--name", name).strip()
            venue = Venue(tmp_path / f"{name}.sqlite3", shift, token, f"http://127.0.0.1:{port}",
                          env)  # fmt: skip
            _kiosk(venue.db, "staff", "add", "Budi", "--role", "supervisor", "--pin", PIN)
            venues.append(venue)
        yield ho_db, today, venues
    finally:
        for venue in venues:
            if venue.process is not None:
                stop(venue.process)
        stop(ho)


def _everywhere(venues: list[Venue]) -> None:
    for _ in range(2):
        for venue in venues:
            venue.sync()


def test_wrong_venue_clocks_are_told_and_never_reverse_intent(site, tmp_path: Path) -> None:
    ho_db, today, (slow, fast) = site
    assert "clock is 3 h 0 min behind" in slow.sync()
    assert "clock is 10 h 0 min ahead" in fast.sync()
    for venue in (slow, fast):
        venue.start()
        venue.sign_in()
    status = fast.api("/api/v1/sync/status")
    assert status["clock_ok"] is False and abs(status["clock_offset_ms"] + 10 * HOUR_MS) < 60_000
    assert "10 h 0 min ahead of head office" in fast.page("/desk/status")
    assert "10 jam 0 menit lebih cepat" in fast.page("/desk/status", lang="id")

    # One ticket at both venues: one day (head office's), and a double-scan flag.
    for venue in (slow, fast):
        assert venue.api("/api/v1/scan", {"code": "KN-WANG01"})["result"] == "checked_in"
    _everywhere([slow, fast])
    days = {r[0] for r in _read(ho_db, "SELECT day FROM checkin WHERE attendee_id = 'a-wang'")}
    assert days == {today.isoformat()}
    assert [f.kind for f in _flags(ho_db)] == ["double_scan"]

    # Head office's re-import corrects the fast venue's edit, and says so once.
    fast.edit("a-jose", company="Typo Ltd")
    fast.sync()
    assert "1 updated" in _kiosk(ho_db, "import", "attendees", str(CSV))
    assert "0 updated" in _kiosk(ho_db, "import", "attendees", str(CSV))
    _everywhere([slow, fast])
    for db in (ho_db, fast.db):
        assert _row(db, "a-jose")["company"] == "Café Ñandú S.A."

    # A reinstate at the slow venue wins over head office's cancel.
    assert slow.api("/api/v1/scan", {"code": "KN-OBRI01"})["result"] == "checked_in"
    slow.sync()
    cancel = _roster(tmp_path / "cancel.csv", "a-obrien", status="cancelled")
    assert "1 updated" in _kiosk(ho_db, "import", "attendees", str(cancel))
    slow.sync()
    slow.answer("cancelled_checked_in", "reinstate")
    _everywhere([slow, fast])
    for db in (ho_db, slow.db, fast.db):
        assert _row(db, "a-obrien")["status"] == "valid"

    # Two venues change one field apart; the slow venue's supervisor chooses its own value.
    slow.edit("a-nguyen", company="Slow Co")
    fast.edit("a-nguyen", company="Fast Co")
    _everywhere([slow, fast])
    assert _row(ho_db, "a-nguyen")["company"] == "Fast Co"  # the fast clock won the tie
    slow.answer("concurrent_edit", "choose", _candidate(slow.db, "Slow Co"))
    _everywhere([slow, fast])
    for db in (ho_db, slow.db, fast.db):
        assert _row(db, "a-nguyen")["company"] == "Slow Co"
    assert [f.kind for f in _flags(ho_db)] == ["double_scan"]  # only the one left to answer


def test_head_offices_import_and_a_fast_venues_edit_made_apart_are_flagged(site, tmp_path) -> None:
    ho_db, _, (_, fast) = site
    fast.sync()
    fast.start()
    fast.sign_in()
    fast.edit("a-siti", company="Desk Co")  # while head office imports: neither saw the other
    changed = _roster(tmp_path / "roster.csv", "a-siti", company="Import Co")
    assert "1 updated" in _kiosk(ho_db, "import", "attendees", str(changed))
    _everywhere([fast])
    for db in (ho_db, fast.db):
        assert [(f.kind, f.entity, f.detail["field"]) for f in _flags(db)] == [
            ("concurrent_edit", "a-siti", "company")]  # fmt: skip
    fast.answer("concurrent_edit", "choose", _candidate(fast.db, "Import Co"))
    _everywhere([fast])
    for db in (ho_db, fast.db):
        assert _row(db, "a-siti")["company"] == "Import Co"
        assert _flags(db) == []
    assert "0 updated" in _kiosk(ho_db, "import", "attendees", str(changed))
