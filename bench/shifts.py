"""Shifts and readiness: the shifts board with 300 shifts, the rooms page with 300 sessions and
its "next hour: not ready" panel, rendered by the app as a signed-in supervisor sees them.

One day of 300 shifts (100 people, every role, a third checked in) and 300 sessions in 20 rooms
with a third of their checklists ticked, imported through the real CSV imports; the clock at
noon of that day. Each page is requested through the app (Flask's test client, one thread, no
network), so the figure is the server's work per page: queries, rules and templates.

    .venv/bin/python bench/shifts.py [--requests 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import percentile
from flask import render_template

from kiosk import auth, create_app
from kiosk.clock import FixedClock
from kiosk.db import open_db, transaction
from kiosk.desk.event import set_event
from kiosk.replication.node import load_node
from kiosk.rooms import schedule_import
from kiosk.runofshow import checklist
from kiosk.shifts import importer, roster
from kiosk.views.runofshow import WITHIN

TITLE = "Shifts and room readiness"
DAY = "2026-12-01"
NOON = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta
ROLES = ("desk", "usher", "technician", "runner", "security")


def _sessions_csv() -> str:
    rows = ["session_id,title,starts_at,ends_at,room_id,room_name,capacity"]
    for n in range(300):
        room, slot = n % 20, n // 20  # 15 half-hour slots from 08:00
        start = f"{8 + slot // 2:02d}:{30 * (slot % 2):02d}"
        end = f"{8 + (slot + 1) // 2:02d}:{30 * ((slot + 1) % 2):02d}"
        rows.append(f"s{n:03d},Session {n},{DAY}T{start},{DAY}T{end},r{room:02d},Room {room},80")
    return "\n".join(rows) + "\n"


def _shifts_csv() -> str:
    rows = ["shift_id,person,role,place,starts_at,ends_at"]
    for n in range(300):
        start = 7 + (n % 10)
        rows.append(f"sh{n:03d},Person {n % 100:03d},{ROLES[n % len(ROLES)]},r{n % 20:02d},"
                    f"{DAY}T{start:02d}:00,{DAY}T{start + 3:02d}:00")  # fmt: skip
    return "\n".join(rows) + "\n"


def build(path: Path) -> None:
    """The bench day, through the imports and the same ops the screens write."""
    db = open_db(path)
    node = load_node(db)
    with transaction(db):
        set_event(db, node, name="Bench", starts_on=DAY, days=1, timezone="Asia/Jakarta")
    schedule_import.import_sessions(db, node, _sessions_csv().encode())
    importer.import_shifts(db, node, _shifts_csv().encode())
    with transaction(db):
        for shift in roster.day_shifts(db, DAY)[::3]:
            roster.check_in(db, node, shift, "bench", shift.starts_at)
        for n in range(0, 300, 3):
            for item in checklist.ITEMS[: n % 6]:
                checklist.tick(db, node, f"s{n:03d}", item, True, "bench", NOON.isoformat())
    auth.add_staff(db, "Budi", "supervisor", "2222")
    db.close()


def measure(client, url: str, count: int) -> tuple[list[float], list[float], int]:
    """Milliseconds per request (wall clock, and this thread's CPU), and the page's bytes."""
    size = len(client.get(url).data)  # warm: templates compiled, pages cached by SQLite
    wall, cpu = [], []
    for _ in range(count):
        started, used = time.perf_counter(), time.thread_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
        assert response.status_code == 200, response.status_code
    return wall, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        build(path)
        app = create_app({"DATABASE": str(path), "TESTING": True, "SECRET_KEY": "bench",
                          "CLOCK": FixedClock(NOON)})  # fmt: skip
        client = app.test_client()
        page = client.get("/login").data.decode()
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"name": "Budi", "pin": "2222", "desk": "Office",
                                    "csrf_token": csrf})  # fmt: skip
        pages = [("Shifts board, 300 shifts (supervisor)", f"/shifts?day={DAY}"),
                 ("Shifts board refresh (htmx fragment)", f"/shifts?day={DAY}&hx=1"),
                 ("Rooms page, 300 sessions, with the panel", f"/rooms?day={DAY}"),
                 ("Readiness list, 300 sessions", f"/readiness?day={DAY}")]  # fmt: skip
        print(f"## {TITLE}\n")
        print("| page | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | KiB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, url in pages:
            if url.endswith("&hx=1"):
                client.environ_base["HTTP_HX_REQUEST"] = "true"
            wall, cpu, size = measure(client, url.removesuffix("&hx=1"), args.requests)
            client.environ_base.pop("HTTP_HX_REQUEST", None)
            print(f"| {label} | {percentile(wall, 50):.1f} | {percentile(wall, 99):.1f} |"
                  f" {max(wall):.1f} | {percentile(cpu, 50):.1f} | {percentile(cpu, 99):.1f} |"
                  f" {size / 1024:.0f} |")  # fmt: skip
        wall, cpu = [], []
        with app.test_request_context(f"/rooms?day={DAY}"):
            found = len(checklist.not_ready(open_db(path), NOON, WITHIN))
            for _ in range(args.requests):
                started, used = time.perf_counter(), time.thread_time()
                render_template("runofshow/_not_ready.html")
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - used) * 1000)
        print(f"| The panel alone, query and template ({found} sessions not ready) |"
              f" {percentile(wall, 50):.1f} | {percentile(wall, 99):.1f} | {max(wall):.1f} |"
              f" {percentile(cpu, 50):.1f} | {percentile(cpu, 99):.1f} | |")  # fmt: skip
        print(
            f"\n{args.requests} requests each after one warm-up, one thread, in-process;"
            " clock at 12:00 of the bench day. CPU is the thread's own time: on a shared"
            " machine the wall clock also holds time spent waiting for a core."
        )


if __name__ == "__main__":
    main()
