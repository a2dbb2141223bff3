"""Sync figures: ingest at head office, a full roster pull, and an idle round.

Runs a real `kiosk headoffice serve` on 127.0.0.1 and talks to it over HTTP, counting bytes
on the wire with a small relay. Prints a table; it asserts nothing and has no time limits.

    .venv/bin/python bench/sync.py [--ops 100000] [--attendees 100000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# `sync` package; drop that folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from kiosk import auth  # noqa: E402
from kiosk.db import open_db, transaction  # noqa: E402
from kiosk.replication import fold  # noqa: E402
from kiosk.replication import peering as replication  # noqa: E402
from kiosk.replication.node import Node, put_setting  # noqa: E402
from sync.client import sync_once  # noqa: E402
from sync.hlc import Clock  # noqa: E402
from sync.oplog import insert, new_op  # noqa: E402
from sync.transport import HttpTransport  # noqa: E402

KIOSK = str(Path(sys.executable).with_name("kiosk"))


class CountingRelay:
    """Forwards TCP to a port and counts every byte both ways."""

    def __init__(self, port: int) -> None:
        self.upstream, self.bytes = ("127.0.0.1", port), 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            conn, _ = self.server.accept()
            up = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(conn, up), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, conn), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                self.bytes += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen([KIOSK, "--db", str(db), "headoffice", "serve", "--port", str(port),
                                "--threads", "8"], stderr=subprocess.DEVNULL)  # fmt: skip
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.1)


def _token(db: Path, name: str) -> str:
    conn = open_db(db)
    try:
        return auth.create_token(conn, "sync", name)
    finally:
        conn.close()


def _venue(path: Path, name: str, checkins: int) -> None:
    """A venue database holding `checkins` check-in ops of its own."""
    db = open_db(path)
    clock = Clock(name)
    with transaction(db):
        put_setting(db, "node_id", name)
        for i in range(checkins):
            op = new_op(clock, "checkin", f"att-{i % 50_000}", {"at": "2026-12-01T02:00:00.000Z",
                        "day": "2026-12-01", "desk": "Desk 1", "staff": "bench"})  # fmt: skip
            insert(db, op)
            fold.apply(db, op)
    db.close()


def bench_push(work: Path, total: int, venues: int = 4) -> tuple[float, float]:
    """Four venues push `total` check-ins into head office at once: (seconds, ops/s)."""
    ho_db = work / "ho-push.sqlite3"
    open_db(ho_db).close()
    tokens = [_token(ho_db, f"venue {i}") for i in range(venues)]
    for i in range(venues):
        _venue(work / f"venue{i}.sqlite3", f"venue{i}", total // venues)
    process, port = _serve(ho_db)
    url = f"http://127.0.0.1:{port}"

    def run(i: int) -> None:
        db = open_db(work / f"venue{i}.sqlite3")
        sync_once(replication.local(db), url, HttpTransport(url, tokens[i]), 1000, pull=False)
        db.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(venues)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    process.kill()
    process.wait()
    return elapsed, total / elapsed


def _roster(path: Path, attendees: int) -> None:
    db = open_db(path)
    node = Node("headoffice", Clock("headoffice"))
    with transaction(db):
        put_setting(db, "node_id", "headoffice")
        for i in range(attendees):
            node.record(db, "attendee_upsert", f"att-{i:06d}", {"fields": {
                "code": f"C{i:07d}", "first_name": f"First{i}", "last_name": f"Last{i % 977}",
                "email": f"p{i}@example.org", "company": f"Company {i % 300}",
                "ticket_type": "Attendee", "status": "valid", "source": "import"}})  # fmt: skip
    db.close()


def _pull_in_child(venue: Path, url: str, token: str) -> tuple[float, float]:
    """`kiosk sync --once` into an empty venue: (seconds, peak RSS in MiB of that process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([KIOSK, "--db", str(venue), "sync", "--once", "--peer", url, "--token", token],
                   check=True, capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def bench_roster(work: Path, attendees: int) -> list[tuple[str, str]]:
    """Roster pulls into empty venues (small and full), then an idle round's time and bytes."""
    ho_db = work / "ho-roster.sqlite3"
    _roster(ho_db, attendees)
    process, port = _serve(ho_db)
    relay = CountingRelay(port)
    url = f"http://127.0.0.1:{relay.port}"
    rows = []
    seconds, rss = _pull_in_child(work / "venue-full.sqlite3", url, _token(ho_db, "full"))
    rows.append((f"full roster pull, {attendees:,} attendees", f"{seconds:.1f} s"))
    rows.append(("venue peak RSS during that pull", f"{rss:.0f} MiB"))
    db = open_db(work / "venue-full.sqlite3")
    local = replication.local(db)
    transport = HttpTransport(url, _token(ho_db, "idle"))
    sync_once(local, url, transport)  # binds the new token; nothing new either way
    relay.bytes, times = 0, []
    for _ in range(20):
        start = time.perf_counter()
        sync_once(local, url, transport)
        times.append(time.perf_counter() - start)
    rows.append(("idle round (median of 20)", f"{sorted(times)[10] * 1000:.1f} ms"))
    rows.append(("idle round on the wire", f"{relay.bytes / 20:.0f} bytes"))
    db.close()
    process.kill()
    process.wait()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--attendees", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        seconds, rate = bench_push(work, args.ops)
        rows = [(f"push {args.ops:,} check-ins from 4 venues", f"{seconds:.1f} s"),
                ("head-office ingest", f"{rate:,.0f} ops/s")]  # fmt: skip
        rows += bench_roster(work, args.attendees)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  figure")
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
