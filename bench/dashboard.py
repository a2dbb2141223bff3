"""Arrivals dashboard: render time of its live part with 100,000 attendees and 300 sessions.

`kiosk demo --attendees 100000` (its first morning: about 40 % arrived), 300 sessions on the
first day, `kiosk serve` with its clock at 08:10 that morning. A supervisor signed in through
the real form asks for /dashboard/live (what the page polls every 5 s) and a supervisor token
for /api/v1/stats/arrivals, each time after a desk checked one more person in, so every render
first reads the op that joined the log. That desk does not auto-print: the badge worker's PDF
rendering beside each render would be the printer's cost, not the dashboard's. The first
render after start counts everything afresh and is reported on its own.

    .venv/bin/python bench/dashboard.py [--attendees 100000] [--sessions 300] [--renders 300]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date, datetime, timedelta
from pathlib import Path

# This folder's sync.py would shadow the `sync` package kiosk imports: import kiosk without it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
from kiosk import create_app  # noqa: E402
from kiosk.clock import FixedClock  # noqa: E402
from kiosk.db import open_db  # noqa: E402
from kiosk.desk import checkin  # noqa: E402
from kiosk.replication.node import load_node  # noqa: E402

sys.path.insert(0, str(_HERE))
from common import (  # noqa: E402
    HOST,
    KIOSK,
    free_port,
    kiosk_server,
    make_demo,
    memory_kb,
    percentile,
    request,
)

TITLE = "Dashboard"
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


def _kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], check=False, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"kiosk {args[0]} failed: {done.stderr.decode()[-500:]}")
    return done.stdout.decode().strip()


def _first_day(db: Path) -> date:
    conn = sqlite3.connect(db)
    try:
        return date.fromisoformat(conn.execute("SELECT starts_on FROM event").fetchone()[0])
    finally:
        conn.close()


def _sessions(db: Path, day: date, total: int) -> None:
    """Adds sessions in bench rooms until the first day has `total`."""
    conn = sqlite3.connect(db)
    have = conn.execute("SELECT count(*) FROM session WHERE day = ?", (day.isoformat(),))
    missing = max(0, total - have.fetchone()[0])
    conn.close()
    lines = ["session_id,title,starts_at,ends_at,room_id,room_name,capacity"]
    for i in range(missing):
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=9, minutes=30 * (i % 16)
        )
        lines.append(f"bench-{i},Bench session {i},{start:%Y-%m-%dT%H:%M},"
                     f"{start + timedelta(minutes=25):%Y-%m-%dT%H:%M},bench-r{i // 16},"
                     f"Bench room {i // 16},{40 + i // 16 % 5 * 20}")  # fmt: skip
    path = db.with_suffix(".sessions.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _kiosk(db, "import", "sessions", str(path))


def _fresh_codes(db: Path, count: int) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT code FROM attendee a WHERE status = 'valid' AND block_note = ''"
            " AND ticket_type NOT LIKE 'Day Pass%' AND NOT EXISTS (SELECT 1 FROM checkin c"
            " WHERE c.attendee_id = a.attendee_id) ORDER BY id LIMIT ?", (count,))]  # fmt: skip
    finally:
        conn.close()


def _sign_in(port: int) -> str:
    """A supervisor's session cookie, from the real sign-in form."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/login")
    page = conn.getresponse()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = CSRF.search(page.read()).group(1).decode()
    body = urllib.parse.urlencode({"name": "Budi", "pin": "2222", "desk": "Bench",
                                   "csrf_token": token})  # fmt: skip
    conn.request("POST", "/login", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 303:
        raise RuntimeError(f"sign-in answered {answer.status}")
    return "; ".join(c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or [])


def _timed(port: int, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    status, body = request(port, "GET", path, headers=headers)
    took = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
    return took


def in_process(db: Path, day: date, renders: int) -> tuple[list[float], list[float]]:
    """The same rounds inside one process (the Flask test client): wall and CPU seconds of each
    render. CPU time hardly moves with other work on the machine; wall time does."""
    clock = FixedClock(datetime.fromisoformat(f"{day.isoformat()}T08:20:00+07:00"))
    app = create_app({"DATABASE": str(db), "TESTING": True, "SECRET_KEY": "bench",
                      "CLOCK": clock})  # fmt: skip
    client = app.test_client()
    token = CSRF.search(client.get("/login").data).group(1).decode()
    client.post("/login", data={"name": "Budi", "pin": "2222", "desk": "Bench",
                                "csrf_token": token})  # fmt: skip
    conn = open_db(db)
    node = load_node(conn)
    client.get("/dashboard/live")  # the tally's first count
    wall, cpu = [], []
    for code in _fresh_codes(db, renders):
        checkin.scan(conn, node, code, desk="Desk North-2", now=clock.now())
        clock.advance(timedelta(seconds=5))
        started, used = time.perf_counter(), time.thread_time()
        if client.get("/dashboard/live").status_code != 200:
            raise RuntimeError("/dashboard/live failed in process")
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - used)
    conn.close()
    return wall, cpu


def run(attendees: int, sessions: int, renders: int) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        db = Path(tmp) / "dashboard.sqlite3"
        make_demo(db, attendees)
        day = _first_day(db)
        _sessions(db, day, sessions)
        supervisor = _kiosk(db, "token", "create", "--role", "supervisor", "--name", "bench")
        desk = _kiosk(db, "token", "create", "--role", "desk", "--name", "bench desk")
        codes = _fresh_codes(db, renders)
        conn = sqlite3.connect(db)
        arrived = conn.execute("SELECT count(DISTINCT attendee_id) FROM checkin").fetchone()[0]
        conn.close()
        os.environ["KIOSK_CLOCK_START"] = f"{day.isoformat()}T08:10:00+07:00"
        port = free_port()
        with kiosk_server(db, port).start() as server:
            server.wait_ready("/login")
            before = memory_kb(server.pid)["VmRSS"]
            cookie = {"Cookie": _sign_in(port), "HX-Request": "true"}
            bearer = {"Authorization": f"Bearer {supervisor.splitlines()[-1]}"}
            scan = {"Authorization": f"Bearer {desk.splitlines()[-1]}"}
            first = _timed(port, "/dashboard/live", cookie)
            live, api = [], []
            for code in codes:
                body = json.dumps({"code": code, "desk": "Desk North-2"}).encode()  # no auto-print
                status, _ = request(port, "POST", "/api/v1/scan", headers=scan, body=body)
                if status != 200:
                    raise RuntimeError(f"scan answered {status}")
                live.append(_timed(port, "/dashboard/live", cookie))
                api.append(_timed(port, "/api/v1/stats/arrivals?bucket=15", bearer))
            after = memory_kb(server.pid)["VmRSS"]
        wall, cpu = in_process(db, day, renders)
    ms = 1000
    return [
        ("attendees · arrived on day 1 · sessions on day 1",
         f"{attendees:,} · {arrived:,} · {sessions}"),
        ("first render after start (counts afresh)", f"{first * ms:.0f} ms"),
        ("/dashboard/live p50 · p99 · max", f"{percentile(live, 50) * ms:.1f} · "
         f"{percentile(live, 99) * ms:.1f} · {max(live) * ms:.1f} ms ({len(live)} renders)"),
        ("/api/v1/stats/arrivals p50 · p99 · max", f"{percentile(api, 50) * ms:.1f} · "
         f"{percentile(api, 99) * ms:.1f} · {max(api) * ms:.1f} ms"),
        ("in process: render wall p50 · p99", f"{percentile(wall, 50) * ms:.1f} · "
         f"{percentile(wall, 99) * ms:.1f} ms"),
        ("in process: render CPU p50 · p99", f"{percentile(cpu, 50) * ms:.1f} · "
         f"{percentile(cpu, 99) * ms:.1f} ms"),
        ("server memory (RSS) before the first render → after the last",
         f"{before / 1024:.0f} → {after / 1024:.0f} MiB"),
        ("load average (1 min) after the run",
         f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attendees", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--renders", type=int, default=300)
    args = parser.parse_args(argv)
    rows = run(args.attendees, args.sessions, args.renders)
    lines = ["| measure | figure |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
