"""Signage: time from a room change to the change on 50 polling screens, and the CPU they cost.

`kiosk serve` on a demo database with a workshop running now; 50 screens poll the lobby board
every 3 s exactly as the page does (sending the key of what they show, getting 204 until it
changes). A supervisor moves the workshop back and forth; each screen notes when its board
first says "MOVED to" the new room. CPU is the server process's user+system time over a
minute of polling with no change, from /proc, less the same window with no screen at all.

    .venv/bin/python bench/signage.py [--screens 50] [--changes 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOST, KIOSK, free_port, kiosk_server, make_demo, percentile, request

TITLE = "Signage"
POLL_S = 3.0
KEY = re.compile(rb'data-key="([^"]+)"')
ROOMS = ("melati", "anggrek")  # neither is the planned room, so both say "MOVED to"


def _kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], check=True, capture_output=True)
    return done.stdout.decode().strip()


def _setup(db: Path) -> tuple[str, str]:
    """A workshop running now in Kamboja, and a signage and a supervisor token."""
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = (now - timedelta(minutes=5)).isoformat(), (now + timedelta(hours=2)).isoformat()
    csv_file = db.with_suffix(".sessions.csv")
    csv_file.write_text("session_id,title,starts_at,ends_at,room_id,room_name,capacity\n"
                        f"bench,Bench workshop,{start},{end},kamboja,Kamboja,60\n")  # fmt: skip
    _kiosk(db, "import", "sessions", str(csv_file))
    tokens = [_kiosk(db, "token", "create", "--role", r, "--name", f"bench {r}").splitlines()[-1]
              for r in ("signage", "supervisor")]  # fmt: skip
    return tokens[0], tokens[1]


class Screen(threading.Thread):
    """One signage screen: a keep-alive connection polling the board with its key."""

    def __init__(self, port: int, token: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie, self.stop = port, f"kiosk_signage={token}", stop
        self.key, self.seen = "", {}  # room -> first time the board showed "MOVED to" it

    def poll(self, conn: http.client.HTTPConnection) -> None:
        conn.request("GET", f"/signage/board?v={self.key}", headers={"Cookie": self.cookie,
                     "HX-Request": "true"})  # fmt: skip
        response = conn.getresponse()
        body = response.read()
        if response.status == 200:
            self.key = KEY.search(body).group(1).decode()
            for room in ROOMS:
                if f"MOVED to {room.title()}".encode() in body:
                    self.seen.setdefault(room, []).append(time.perf_counter())

    def run(self) -> None:
        time.sleep(POLL_S * (hash(self) % 1000) / 1000)  # screens are switched on at random
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        while not self.stop.is_set():
            try:
                self.poll(conn)
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
            self.stop.wait(POLL_S)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _move(port: int, token: str, room: str) -> float:
    body = json.dumps({"room_id": room, "reason": "bench"}).encode()
    started = time.perf_counter()
    status, _ = request(port, "POST", "/api/v1/sessions/bench/room", body,
                        {"Authorization": f"Bearer {token}"})  # fmt: skip
    assert status == 200, status
    return started


def run(screens: int, changes: int, idle_s: float) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        db = Path(tmp) / "signage.sqlite3"
        make_demo(db, 2000)
        signage, supervisor = _setup(db)
        port = free_port()
        with kiosk_server(db, port).start() as server:
            server.wait_ready("/login")
            base = cpu_seconds(server.pid)
            time.sleep(idle_s)  # the server's own background work, without any screen
            baseline = (cpu_seconds(server.pid) - base) * 60 / idle_s
            stop = threading.Event()
            pool = [Screen(port, signage, stop) for _ in range(screens)]
            for screen in pool:
                screen.start()
            time.sleep(POLL_S * 2)  # every screen holds the current board
            before = cpu_seconds(server.pid)
            time.sleep(idle_s)
            idle_cpu = (cpu_seconds(server.pid) - before) * 60 / idle_s - baseline
            latencies = []
            for i in range(changes):
                room = ROOMS[i % 2]
                marks = {id(s): len(s.seen.get(room, [])) for s in pool}
                started = _move(port, supervisor, room)
                time.sleep(POLL_S * 2.5)
                for s in pool:
                    fresh = s.seen.get(room, [])[marks[id(s)] :]
                    latencies.append(fresh[0] - started if fresh else float("inf"))
            stop.set()
    missed = sum(1 for v in latencies if v == float("inf"))
    rows = [
        ("screens polling every 3 s", f"{screens}"),
        ("room changes", f"{changes} ({len(latencies)} screen updates, {missed} missed)"),
        ("change → visible, p50", f"{percentile(latencies, 50):.2f} s"),
        ("change → visible, p99", f"{percentile(latencies, 99):.2f} s"),
        ("change → visible, max", f"{max(latencies):.2f} s"),
        (
            "server CPU for signage",
            f"{idle_cpu:.2f} CPU-s per minute ({100 * idle_cpu / 60:.1f} % of one core)",
        ),
    ]
    return rows


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of CPU measurement")
    args = parser.parse_args(argv)
    rows = run(args.screens, args.changes, args.idle)
    lines = ["| measure | figure |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
