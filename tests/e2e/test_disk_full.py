"""A full disk and a long write lock at the venue: a scan says "cannot save", never 500.

The full disk is real: the database, its WAL and the badge folder live on a small tmpfs mounted
for the test (root on Debian, as CI runs), filled with a file until writes fail with ENOSPC,
then emptied again. The lock is another process holding BEGIN IMMEDIATE past the busy timeout.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK, free_port, wait_until_up

pytestmark = pytest.mark.e2e
DISK = "24m"
CANNOT_SAVE = "Cannot save right now. Nothing was recorded: call a supervisor."
POLLS = 600  # × 0.05 s looks for a badge to print: a bound, so a broken worker fails the test


def kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class Venue:
    """A `kiosk serve` on a demo event whose badges print as files beside the database."""

    url: str
    db: Path
    token: str
    process: subprocess.Popen

    def scan(self, code: str, op_id: str | None = None) -> tuple[int, dict]:
        body = {"code": code, "desk": "Desk North-1", "op_id": op_id or str(uuid.uuid4())}
        return api(self, "POST", "/api/v1/scan", body)


def api(venue: Venue, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {venue.token}", "Content-Type": "application/json"}
    req = urllib.request.Request(venue.url + path, data, headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=60) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


def start_venue(folder: Path, logs: Path) -> Venue:
    db = folder / "kiosk.sqlite3"
    out = kiosk(db, "demo", "--attendees", "300", "--seed", "11")
    token = re.search(r"API token \(role desk\): (\S+)", out).group(1)
    badges = folder / "badges"
    badges.mkdir(exist_ok=True)
    kiosk(db, "printers", "add", "Badge files", f"{badges.as_uri()}/?format=pdf", "--default")
    port = free_port()
    with logs.open("wb") as log:
        process = subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    venue = Venue(f"http://127.0.0.1:{port}", db, token, process)
    try:
        wait_until_up(venue.url, process, logs)
    except AssertionError:
        stop(venue)
        raise
    return venue


def stop(venue: Venue) -> None:
    if venue.process.poll() is None:
        venue.process.send_signal(signal.SIGKILL)
    venue.process.wait()


def fresh_codes(db: Path, count: int) -> list[str]:
    """Codes of valid people not yet arrived whose ticket admits every day."""
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT a.code FROM attendee a JOIN ticket_type t ON t.name = a.ticket_type"
            " WHERE a.status = 'valid' AND a.block_note = '' AND t.valid_days = ''"
            " AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id)"
            " ORDER BY a.code LIMIT ?", (count,))]  # fmt: skip
    finally:
        conn.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"mounting a small tmpfs needs root: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Writes a file until the disk refuses another byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


class Browser:
    """A staff member's browser: cookies, the CSRF token, and htmx's request header."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""

    def open(self, path: str, form: dict | None = None, htmx: bool = False):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"HX-Request": "true", "X-CSRF-Token": self.csrf} if htmx else {}
        req = urllib.request.Request(self.url + path, data, headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as err:
            with err:
                return err.code, dict(err.headers), err.read().decode()

    def sign_in(self, name: str, pin: str) -> None:
        page = self.open("/login")[2]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.open("/login", {"name": name, "pin": pin, "desk": "Desk North-1", "csrf_token": token})
        desk = self.open("/desk")[2]
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', desk).group(1)


@pytest.fixture
def full_venue(small_disk: Path, tmp_path: Path) -> Iterator[Venue]:
    venue = start_venue(small_disk, tmp_path / "serve.log")
    try:
        yield venue
    finally:
        stop(venue)


def scan_until_refused(venue: Venue, codes: list[str]) -> dict[str, tuple[str, int, dict]]:
    """Scans codes (one op id each) until a few have been refused; every answer, by code."""
    answers, refused = {}, 0
    for code in codes:
        op_id = str(uuid.uuid4())
        status, body = venue.scan(code, op_id)
        answers[code] = (op_id, status, body)
        refused += status == 503
        if refused == 3:
            break
    return answers


def test_a_full_disk_says_cannot_save_and_recovers(full_venue: Venue, small_disk) -> None:
    desk = Browser(full_venue.url)
    desk.sign_in("Ana", "1111")
    codes = fresh_codes(full_venue.db, 250)
    assert full_venue.scan(codes.pop())[1]["result"] == "checked_in"
    filler = fill(small_disk)
    answers = scan_until_refused(full_venue, codes[:200])
    statuses = {status for _, status, _ in answers.values()}
    assert statuses <= {200, 503} and 503 in statuses  # never a 500
    for _, status, body in answers.values():
        if status == 503:
            assert body == {"error": "cannot_save", "message": CANNOT_SAVE}
    status, headers, html = desk.open("/desk/scan", {"q": codes[-1]}, htmx=True)
    assert headers["X-Kiosk-Error"] == "cannot_save" and "tone-error" in html, html
    assert "Cannot save" in html and CANNOT_SAVE in html and "Traceback" not in html
    status, _, page = desk.open("/desk/scan", {"q": codes[-1], "csrf_token": desk.csrf})
    assert status == 503 and CANNOT_SAVE in page  # without htmx: the error page, still no 500
    assert api(full_venue, "GET", "/api/v1/attendees?q=a")[0] == 200  # still serving
    filler.unlink()  # space returns
    refused = [(code, op_id) for code, (op_id, status, _) in answers.items() if status == 503]
    for code, op_id in refused:  # the desk tries again with the same op id: it is saved now
        status, body = full_venue.scan(code, op_id)
        assert (status, body["result"]) == (200, "checked_in")
    assert_printed(full_venue, body["print_job_id"])  # the print worker outlived the full disk
    assert_all_printed(full_venue)  # and no badge asked for while it was full is stuck
    acknowledged = {op_id for op_id, status, _ in answers.values() if status == 200}
    assert_saved_once(full_venue, acknowledged | {op_id for _, op_id in refused})


def assert_printed(venue: Venue, job_id: str) -> None:
    for _ in range(POLLS):
        job = api(venue, "GET", f"/api/v1/print-jobs/{job_id}")[1]
        if job.get("status") == "printed":
            return
        time.sleep(0.05)
    raise AssertionError(f"badge never printed: {job}")


def assert_all_printed(venue: Venue) -> None:
    conn = sqlite3.connect(f"file:{venue.db}?mode=ro", uri=True)
    try:
        for _ in range(POLLS):
            sql = "SELECT status, count(*) FROM print_job WHERE status != 'printed' GROUP BY 1"
            left = conn.execute(sql).fetchall()
            if not left:
                return
            time.sleep(0.1)
    finally:
        conn.close()
    raise AssertionError(f"badges not printed: {[tuple(r) for r in left]}")


def assert_saved_once(venue: Venue, op_ids: set[str]) -> None:
    """Each acknowledged check-in is in `op` and `checkin` once; the file is sound."""
    stop(venue)
    conn = sqlite3.connect(venue.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in ("op", "checkin"):
            found = [r[0] for r in conn.execute(f"SELECT op_id FROM {table}")]  # noqa: S608
            assert len(found) == len(set(found))
            assert op_ids <= set(found), table
    finally:
        conn.close()


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[Venue]:
    folder = tmp_path / "venue"
    folder.mkdir()
    running = start_venue(folder, tmp_path / "serve.log")
    try:
        yield running
    finally:
        stop(running)


def test_a_long_write_lock_makes_scans_wait_or_say_cannot_save(venue: Venue, tmp_path) -> None:
    codes = fresh_codes(venue.db, 8)
    holder = sqlite3.connect(venue.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for longer than the busy timeout
    answers: queue.Queue = queue.Queue()
    scanners = [threading.Thread(target=lambda c=c: answers.put((c, *venue.scan(c))))
                for c in codes]  # fmt: skip
    for thread in scanners:
        thread.start()
    first = answers.get()  # it can only be an answer that gave up waiting
    backup = subprocess.run([KIOSK, "--db", str(venue.db), "backup", str(tmp_path / "b.sqlite3")],
                            capture_output=True, text=True, check=False)  # fmt: skip
    holder.execute("ROLLBACK")
    holder.close()
    for thread in scanners:
        thread.join()
    rest = [answers.get() for _ in range(len(codes) - 1)]
    assert first[1:] == (503, {"error": "cannot_save", "message": CANNOT_SAVE})
    for code, status, body in rest:
        assert (status, body.get("result") or body.get("error")) in (
            (200, "checked_in"), (503, "cannot_save")), (code, status, body)  # fmt: skip
    assert backup.returncode == 0, backup.stderr  # a backup needs no write lock
    retried = [venue.scan(code) for code, status, _ in [first, *rest] if status == 503]
    assert all(s == 200 and b["result"] == "checked_in" for s, b in retried)
