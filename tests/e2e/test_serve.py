"""`kiosk serve` as a real process: pages and the API over HTTP, racing scanners, and stopping.

Every server is started on a free port of 127.0.0.1 and killed in teardown whatever happens.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
KIOSK = str(Path(sys.executable).parent / "kiosk")
TRIES = 400  # looks at the server, 0.05 s apart: a bound, so a broken build fails, not hangs


@dataclass
class Server:
    url: str
    db: Path
    token: str
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_db(directory: Path) -> tuple[Path, str]:
    """A demo event (300 people); returns the database and the desk token it printed."""
    db = directory / "kiosk.sqlite3"
    done = subprocess.run([KIOSK, "--db", str(db), "demo", "--attendees", "300", "--seed", "5"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = re.search(r"API token \(role desk\): (\S+)", done.stdout)
    assert token, done.stdout
    return db, token.group(1)


def start(db: Path, token: str) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [KIOSK, "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", db, token, process)
    for _ in range(TRIES):
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + "/login", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise AssertionError(f"server never answered: {process.stderr.read()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db, token = demo_db(tmp_path_factory.mktemp("serve"))
    running = start(db, token)
    try:
        yield running
    finally:
        stop(running.process)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own, for tests that stop it."""
    db, token = demo_db(tmp_path)
    running = start(db, token)
    try:
        yield running
    finally:
        stop(running.process)


def request(server: Server, method: str, path: str, body: dict | None = None):
    """(status, JSON) of one API call with the desk token."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    req = urllib.request.Request(server.url + path, data, headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


def unused_codes(db: Path, count: int) -> list[tuple[str, str]]:
    """(code, last name) of valid people never checked in whose ticket admits every day.

    Such a ticket checks in today whatever the clock says, so the test does not depend on it.
    """
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT a.code, a.last_name FROM attendee a"
            " JOIN ticket_type t ON t.name = a.ticket_type"
            " WHERE a.status = 'valid' AND a.block_note = '' AND t.valid_days = ''"
            " AND length(a.last_name) > 2 AND a.last_name GLOB '[A-Za-z]*'"
            " AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id)"
            " ORDER BY a.code LIMIT ?",
            (count,),
        ).fetchall()
    finally:
        conn.close()


def test_sign_in_page_is_served(server):
    with urllib.request.urlopen(server.url + "/login", timeout=30) as page:  # noqa: S310
        assert page.status == 200
        assert page.headers.get_content_type() == "text/html"
        assert b'name="csrf_token"' in page.read()


def test_scan_over_http(server):
    [(code, _)] = unused_codes(server.db, 1)
    status, body = request(server, "POST", "/api/v1/scan", {"code": f" {code}\r\n"})
    assert status == 200 and body["result"] == "checked_in" and body["attendee"]["code"] == code
    status, body = request(server, "POST", "/api/v1/scan", {"code": code})
    assert status == 200 and body["result"] == "already_checked_in"


def test_errors_over_http_are_json(server):
    status, body = request(server, "POST", "/api/v1/scan", {"desk": "no code"})
    assert status == 400 and set(body) >= {"error", "message"}
    req = urllib.request.Request(server.url + "/api/v1/attendees?q=a")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=30)  # noqa: S310
    with caught.value as err:
        assert err.code == 401 and set(json.loads(err.read())) >= {"error", "message"}


def test_search_over_http(server):
    [(code, last_name)] = unused_codes(server.db, 1)
    query = urllib.parse.urlencode({"q": last_name.lower(), "limit": 100})
    status, body = request(server, "GET", f"/api/v1/attendees?{query}")
    assert status == 200
    assert code in [a["code"] for a in body["attendees"]]


def test_racing_scanners_check_in_once(server):
    """Eight desks scan one ticket at the same moment: BEGIN IMMEDIATE lets exactly one win."""
    [(code, _)] = unused_codes(server.db, 1)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def scan() -> None:
        barrier.wait()
        try:
            results.append(request(server, "POST", "/api/v1/scan", {"code": code}))
        except Exception as exc:  # the assertion below reports it
            results.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = sorted(r[1]["result"] if isinstance(r, tuple) and r[0] == 200 else repr(r)
                     for r in results)  # fmt: skip
    assert answers == ["already_checked_in"] * 7 + ["checked_in"]
    conn = sqlite3.connect(server.db)
    try:
        rows = conn.execute(
            "SELECT count(*) FROM checkin c JOIN attendee a USING (attendee_id) WHERE a.code = ?",
            (code,),
        ).fetchone()
    finally:
        conn.close()
    assert rows[0] == 1


def stop_with(server: Server, sig: signal.Signals) -> tuple[int, str]:
    server.process.send_signal(sig)
    _, err = server.process.communicate(timeout=60)  # a hang fails here instead of forever
    return server.process.returncode, err


def test_sigint_stops_cleanly_and_keeps_the_data(fresh_server):
    [(code, _)] = unused_codes(fresh_server.db, 1)
    assert request(fresh_server, "POST", "/api/v1/scan", {"code": code})[1]["result"] == (
        "checked_in"
    )
    returncode, err = stop_with(fresh_server, signal.SIGINT)
    assert returncode == 0 and "Traceback" not in err, err
    conn = sqlite3.connect(fresh_server.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        arrived = "SELECT count(*) FROM checkin JOIN attendee USING (attendee_id) WHERE code = ?"
        assert conn.execute(arrived, (code,)).fetchone()[0] == 1
    finally:
        conn.close()


def test_sigterm_stops_cleanly(fresh_server):
    """Service managers (systemd, Docker) stop a server with SIGTERM, so it must exit 0."""
    returncode, err = stop_with(fresh_server, signal.SIGTERM)
    assert returncode == 0 and "Traceback" not in err, (returncode, err)
