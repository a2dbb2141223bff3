"""A venue's busy hour: 20 desk tablets and 10 signage screens against one `kiosk serve`.

Each tablet loops: type-ahead search (three letters, then the whole name), scan the person's
code, open their detail, with 0.2-1 s of think time between steps. Half the screens poll the
lobby board, half a room's door board, every 3 s as the page does. Every request is on a new
connection, as a tablet's browser makes them after a pause. Zero errors is the target;
p50/p99 per route are reported.

    .venv/bin/python bench/load.py [--attendees 100000] [--seconds 60] [--tablets 20]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import KIOSK, free_port, kiosk_server, make_demo, percentile, request

TITLE = "Load: 20 tablets and 10 signage screens"
RESULTS = {"checked_in", "already_checked_in", "cancelled", "unknown_code", "not_valid_now",
           "blocked"}  # fmt: skip
_KEY = re.compile(r'data-key="([0-9a-f]+)"')


@dataclass
class Stats:
    """Latencies (s) and errors per route, shared by every simulated device."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            if error:
                self.errors[route].append(error)

    def total_errors(self) -> int:
        return sum(len(e) for e in self.errors.values())


@dataclass(frozen=True)
class Target:
    """The server and what the devices need to talk to it."""

    port: int
    desk: dict[str, str]
    signage: str
    people: list[tuple[str, str, str]]  # (attendee_id, code, name)
    rooms: list[str]


def timed(stats: Stats, route: str, port: int, path: str, **kw: object) -> tuple[int, bytes]:
    """One request, recorded under `route`; any 5xx, 4xx or socket error counts as an error."""
    method = "POST" if kw.get("body") is not None else "GET"
    started = time.perf_counter()
    try:
        status, body = request(port, method, path, **kw)  # type: ignore[arg-type]
    except OSError as exc:
        status, body = 0, f"{type(exc).__name__}: {exc}".encode()
    ok = status in (200, 204)
    stats.add(route, time.perf_counter() - started, None if ok else f"{status} {body[:120]!r}")
    return status, body


def tablet(target: Target, stats: Stats, until: float, seed: int) -> None:
    """One desk tablet: search, scan, detail, with think time, until the time is up."""
    rng = random.Random(seed)
    while time.monotonic() < until:
        attendee_id, code, name = rng.choice(target.people)
        for typed in (name[:3], name):
            time.sleep(rng.uniform(0.2, 1.0))
            q = urllib.parse.urlencode({"q": typed, "limit": 20})
            timed(stats, "search", target.port, f"/api/v1/attendees?{q}", headers=target.desk)
        time.sleep(rng.uniform(0.2, 1.0))
        status, body = timed(stats, "scan", target.port, "/api/v1/scan", headers=target.desk,
                             body=json.dumps({"code": code}).encode())  # fmt: skip
        if status == 200 and json.loads(body).get("result") not in RESULTS:
            stats.add("scan", 0.0, f"result {body[:120]!r}")
        time.sleep(rng.uniform(0.2, 1.0))
        timed(stats, "detail", target.port, f"/api/v1/attendees/{attendee_id}",
              headers=target.desk)  # fmt: skip


def screen(target: Target, stats: Stats, until: float, path: str, route: str) -> None:
    """One signage screen polling its board every 3 s, sending the key of what it shows."""
    cookie = {"Cookie": f"kiosk_signage={target.signage}"}
    key = ""
    while time.monotonic() < until:
        query = f"?v={key}" if key else ""
        status, body = timed(stats, route, target.port, path + query, headers=cookie)
        if status == 200 and (found := _KEY.search(body.decode(errors="replace"))):
            key = found.group(1)
        time.sleep(3.0)


def run_load(target: Target, tablets: int, screens: int, seconds: float) -> Stats:
    """Starts every device together and waits for all of them to finish their last loop."""
    stats, until = Stats(), time.monotonic() + seconds
    threads = [threading.Thread(target=tablet, args=(target, stats, until, i))
               for i in range(tablets)]  # fmt: skip
    for i in range(screens):
        door = i % 2 and target.rooms
        path = f"/signage/door/{target.rooms[i % len(target.rooms)]}/board" if door else ""
        args = (path or "/signage/board", "signage door" if door else "signage lobby")
        threads.append(threading.Thread(target=screen, args=(target, stats, until, *args)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats


def people_and_rooms(db_path: Path, count: int = 2000) -> tuple[list, list[str]]:
    """A sample of attendees (id, code, searchable name) and every room id."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT attendee_id, code, first_name || ' ' || last_name FROM attendee"
                          " ORDER BY random() LIMIT ?", (count,)).fetchall()  # fmt: skip
        rooms = [r[0] for r in db.execute("SELECT room_id FROM room ORDER BY room_id")]
    finally:
        db.close()
    return [(a, c, n.strip()) for a, c, n in rows], rooms


def new_token(db_path: Path, role: str) -> str:
    """A fresh token of `role`, made by the real command."""
    import subprocess

    cmd = [KIOSK, "--db", str(db_path), "token", "create", "--role", role, "--name", "load"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()[-1]


def table(stats: Stats) -> list[str]:
    lines = ["| route | requests | p50 | p99 | errors |", "|---|---|---|---|---|"]
    for route in sorted(stats.latencies):
        values, errors = stats.latencies[route], len(stats.errors[route])
        p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
        lines.append(f"| {route} | {len(values)} | {p50:.1f} ms | {p99:.1f} ms | {errors} |")
    return lines


def main(argv: list[str] | None = None) -> str:
    """Runs the load against a fresh demo and returns the Markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--screens", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-load-") as work:
        demo = make_demo(Path(work) / "load.sqlite3", args.attendees)
        people, rooms = people_and_rooms(demo.path)
        port = free_port()
        with kiosk_server(demo.path, port, log=Path(work) / "serve.log").start() as server:
            server.wait_ready("/login")
            target = Target(port, {"Authorization": f"Bearer {demo.token}"},
                            new_token(demo.path, "signage"), people, rooms)  # fmt: skip
            stats = run_load(target, args.tablets, args.screens, args.seconds)
    errors = stats.total_errors()
    lines = [*table(stats), "",
             f"- errors: {errors} (target 0) — {'pass' if errors == 0 else '**FAIL**'}",
             f"- {args.tablets} tablets, {args.screens} screens, {args.seconds:.0f} s, "
             f"{args.attendees:,} attendees; every request on a new connection"]  # fmt: skip
    for route, found in stats.errors.items():
        lines += [f"- first {route} error: `{found[0]}`"] if found else []
    body = "\n".join(lines)
    print(body)
    return body


if __name__ == "__main__":
    main()
