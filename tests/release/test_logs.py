"""What `kiosk serve` writes to its log, read back from a real server after real use.

A sign-in with a PIN, scans and searches with a bearer token, the screens opened with
`?token=`, and a sync with a sync token: the log records each request, and none of those
secrets, in plain text or percent-encoded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.release.venue import Demo, Served, api, cookie, fetch, make_demo, run, serve, sign_in
from tests.support.processes import stop

pytestmark = pytest.mark.e2e
KIOSK = str(Path(sys.executable).parent / "kiosk")
PIN = "86420975"


@pytest.fixture(scope="module")
def used(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Demo, dict]]:
    """A server logging JSON at debug level, after a morning's use; with the secrets used."""
    here = tmp_path_factory.mktemp("logs")
    demo = make_demo(KIOSK, here)
    run(KIOSK, "--db", str(demo.db), "staff", "add", "Rina", "--pin", PIN, cwd=here)
    sync_token = run(KIOSK, "--db", str(demo.db), "token", "create", "--role", "sync", "--name",
                     "north", cwd=here).strip()  # fmt: skip
    served = serve(KIOSK, demo.db, here, "--log-format", "json", "--log-level", "debug")
    try:
        desk = sign_in(served, "Rina", PIN)
        fetch(desk, served.url + "/desk/search?q=nguyen")
        assert api(served, "POST", "/api/v1/scan", demo.desk_token, {"code": "NOPE"})[0] == 200
        assert api(served, "GET", "/api/v1/attendees?q=siti&limit=5", demo.desk_token)[0] == 200
        for screen in (demo.signage, demo.selfservice):
            assert fetch(served.browser(), served.url + screen)[0] == 200
        peer = here / "peer.sqlite3"
        run(KIOSK, "--db", str(peer), "init", "--event", "Peer", cwd=here)
        run(KIOSK, "--db", str(peer), "sync", "--peer", served.url, "--token", sync_token,
            "--once", cwd=here)  # fmt: skip
    finally:
        stop(served.process)
    session = cookie(desk, "session")
    secrets = {"PIN": PIN, "desk token": demo.desk_token, "sync token": sync_token,
               "signage token": demo.signage.split("=", 1)[1],
               "self-service token": demo.selfservice.split("=", 1)[1],
               "session cookie": session}  # fmt: skip
    yield served, demo, secrets


def entries(served: Served) -> list[dict]:
    return [json.loads(line) for line in served.log.read_text().splitlines() if line.strip()]


def test_every_line_is_one_json_object_with_time_level_and_message(used):
    served, _, _ = used
    for entry in entries(served):
        assert entry["time"].endswith("Z") and entry["level"] and "message" in entry, entry


def test_no_token_pin_or_session_cookie_reaches_the_log(used):
    served, _, secrets = used
    text = served.log.read_text()
    assert [name for name, value in secrets.items() if value in text] == []
    assert [name for name, value in secrets.items() if urllib.parse.quote(value) in text] == []


def test_one_line_per_request_with_method_path_status_and_duration(used):
    served, _, _ = used
    requests = [e for e in entries(served) if e["logger"] == "kiosk.request"]
    by_path = {(e["method"], e["path"]): e for e in requests}
    scan = by_path[("POST", "/api/v1/scan")]  # answered by the scanners' fast path
    assert scan["status"] == 200 and scan["duration_ms"] >= 0 and scan["client"] == "127.0.0.1"
    assert ("POST", "/login") in by_path
    assert ("GET", "/api/v1/attendees?q=…&limit=5") in by_path  # a name searched stays out
    assert ("GET", "/signage?token=…") in by_path
    assert any(path.startswith("/sync/v1/pull?after=") for _, path in by_path)


def test_start_lines_name_the_url_and_sync_is_logged(used):
    served, demo, _ = used
    messages = [e["message"] for e in entries(served)]
    assert any(m.startswith("Kiosk ") and str(demo.db) in m for m in messages)
    assert any(e.get("url") == served.url + "/" for e in entries(served))
    assert any(m.startswith("sync pull by north:") for m in messages)


def test_text_lines_for_people(tmp_path):
    demo = make_demo(KIOSK, tmp_path)
    served = serve(KIOSK, demo.db, tmp_path)
    try:
        fetch(served.browser(), served.url + "/login")
    finally:
        stop(served.process)
    lines = served.log.read_text().splitlines()
    [login] = [line for line in lines if " kiosk.request GET /login " in line]
    when, level, logger, method, path, status = login.split()[:6]
    assert (level, logger, method, path, status) == ("INFO", "kiosk.request", "GET", "/login",
                                                     "200")  # fmt: skip
    assert when.endswith("Z")
    attendees = str(Path(__file__).parents[1] / "data" / "attendees.csv")
    imported = subprocess.run([KIOSK, "--db", str(demo.db), "import", attendees],
                              capture_output=True, text=True, check=True)  # fmt: skip
    assert f"INFO kiosk.import import_attendees from {attendees}: 11 added" in imported.stderr
    quiet = subprocess.run([KIOSK, "--log-level", "warning", "--db", str(demo.db), "import",
                            attendees], capture_output=True, text=True, check=True)  # fmt: skip
    assert "11 unchanged" in quiet.stdout and "kiosk.import" not in quiet.stderr
