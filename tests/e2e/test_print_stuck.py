"""Printing never blocks a scan, with printers that hang or refuse: a live `kiosk serve`.

One printer takes the connection and never answers (a listener on 127.0.0.1 that accepts and
stays silent), another refuses it (a closed port). Scans at their desks keep answering and are
recorded while the jobs are stuck, and the jobs end up being retried with the reason shown in
the API and on the printers screen. The app's clock is set years ahead of the machine's
(`KIOSK_CLOCK_START`), so the queue must read the app's clock to find its jobs due.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK, wait_until_up
from tests.e2e.test_disk_full import Browser
from tests.e2e.test_serve import unused_codes
from tests.support.printers import Capture, hung_printer
from tests.support.processes import free_port, stop

pytestmark = pytest.mark.e2e
EVENT_DAY, APP_NOW = "2031-03-10", "2031-03-10T03:00:00Z"  # 10:00 in Jakarta, years ahead
ANSWER_WITHIN = 120  # seconds: only a scan blocked by the stuck printer (600 s) gets near it
TRIES = 600  # looks at a job, 0.05 s apart: a bound, so a broken build fails instead of hanging
DESKS = {"Desk Stuck": "Stuck", "Desk Off": "Off", "Desk Slow": "Slow"}


@dataclass
class Venue:
    url: str
    db: Path
    token: str
    hung: Capture


def kiosk(db: Path, *args: str) -> str:
    return subprocess.run([KIOSK, "--db", str(db), *args], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[Venue]:
    """Demo event on a day years ahead; three desks auto-print on a hung, an off, a slow printer."""
    with hung_printer() as hung:
        db = tmp_path / "kiosk.sqlite3"
        out = kiosk(db, "demo", "--attendees", "120", "--seed", "3", "--starts", EVENT_DAY)
        token = re.search(r"API token \(role desk\): (\S+)", out).group(1)
        ipp = f"ipp://{hung.host}:{hung.port}/ipp/print"
        kiosk(db, "printers", "add", "Stuck", f"{ipp}?timeout=600")  # hangs through the scans
        kiosk(db, "printers", "add", "Slow", f"{ipp}?timeout=1")  # hangs, then the try fails
        kiosk(db, "printers", "add", "Off", f"zpl+tcp://127.0.0.1:{free_port()}")
        for desk, printer in DESKS.items():
            kiosk(db, "printers", "desk", desk, "--printer", printer, "--auto-print")
        port, log = free_port(), tmp_path / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        with log.open("wb") as output:
            process = subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(port)],
                                       stdout=output, stderr=subprocess.STDOUT,
                                       env={**env, "KIOSK_CLOCK_START": APP_NOW})  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, process, log)
            yield Venue(url, db, token, hung)
        finally:
            stop(process)


def api(venue: Venue, path: str, body: dict | None = None) -> dict:
    """One API call with the desk token; waits at most ANSWER_WITHIN for the answer."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {venue.token}", "Content-Type": "application/json"}
    request = urllib.request.Request(venue.url + path, data, headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=ANSWER_WITHIN) as answer:  # noqa: S310
        return json.loads(answer.read())


def job_until(venue: Venue, job_id: str, done: Callable[[dict], bool]) -> dict:
    """Looks at a job until `done` holds (a bounded number of times)."""
    for _ in range(TRIES):
        job = api(venue, f"/api/v1/print-jobs/{job_id}")
        if done(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job never got there: {job}")


def checked_in(db: Path, codes: list[str]) -> int:
    """How many of these codes have a check-in in the database."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT count(DISTINCT a.code) FROM checkin c JOIN attendee a USING (attendee_id)"
            " WHERE a.code IN (SELECT value FROM json_each(?))",
            (json.dumps(codes),),
        ).fetchone()[0]
    finally:
        conn.close()


def retrying(job: dict) -> bool:
    return job["status"] in ("queued", "sending") and job["attempts"] >= 1 and bool(job["error"])


def test_scans_answer_while_printers_hang_or_refuse(venue: Venue) -> None:
    codes = [code for code, _ in unused_codes(venue.db, 10)]
    first = api(venue, "/api/v1/scan", {"code": codes[0], "desk": "Desk Stuck"})
    assert first["result"] == "checked_in" and first["print_job_id"]
    # the worker of the Stuck printer is now inside a connection that will not answer
    job_until(venue, first["print_job_id"], lambda job: job["status"] == "sending")
    assert venue.hung.done.wait(ANSWER_WITHIN)

    desks = list(DESKS)
    answers = {}
    for i, code in enumerate(codes[1:]):
        answer = api(venue, "/api/v1/scan", {"code": code, "desk": desks[i % len(desks)]})
        assert answer["result"] == "checked_in" and answer["print_job_id"], answer
        answers.setdefault(desks[i % len(desks)], answer["print_job_id"])
    assert checked_in(venue.db, codes) == len(codes)
    # still stuck: every scan above was answered and recorded while that job hung
    assert api(venue, f"/api/v1/print-jobs/{first['print_job_id']}")["status"] == "sending"

    off = job_until(venue, answers["Desk Off"], retrying)
    assert off["error_code"] == "unreachable" and "Cannot reach the printer" in off["error"]
    slow = job_until(venue, answers["Desk Slow"], retrying)
    assert slow["error_code"] == "timeout" and "did not answer within 1 s" in slow["error"]
    assert off["max_attempts"] == slow["max_attempts"] == 8

    supervisor = Browser(venue.url)
    supervisor.sign_in("Budi", "2222")
    status, _headers, health = supervisor.open("/admin/printers?part=health", htmx=True)
    assert status == 200 and "Being retried" in health
    assert "Cannot reach the printer" in health and "did not answer within 1 s" in health
    assert re.search(r"Tried \d of 8 times", health)
    # a scan still answers at once, and the stuck job has still not let go
    last = unused_codes(venue.db, 1)[0][0]
    assert (
        api(venue, "/api/v1/scan", {"code": last, "desk": "Desk Stuck"})["result"] == "checked_in"
    )
    assert api(venue, f"/api/v1/print-jobs/{first['print_job_id']}")["status"] == "sending"
