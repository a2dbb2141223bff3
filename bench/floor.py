"""The floor: the fastest a durable check-in can be on this machine with this server software.

`main()` measures three floors in one run for the benchmark report: a bare WSGI hello-world
request on waitress (the cost of HTTP alone), one SQLite commit with synchronous=FULL in-process
(the cost of durability alone), and one durable row per request over HTTP (both together).

A bare WSGI app (no Flask) served by waitress with the same thread count as `kiosk serve`.
Per request it reads the body, inserts one row and commits with journal_mode=WAL and
synchronous=FULL: one fsync of the WAL per request, as a check-in needs. It uses the same
technique as kiosk/db.py: a connection per thread, BEGIN IMMEDIATE, and a process-wide lock
around the write so threads queue in Python instead of sleeping in SQLite's busy handler.

    python bench/floor.py --db /tmp/floor.sqlite3 --port 5099

POST any path: one row committed, answers {"result": "checked_in", "id": N}.
GET any path: 200 {"ok": true} without touching the database (readiness probe).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS hit (
    id   INTEGER PRIMARY KEY,
    at   REAL NOT NULL,
    body TEXT NOT NULL
)
"""


def connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=5.0, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=5000")
    return db


def make_app(path: str) -> Callable[[dict[str, Any], Callable], Iterable[bytes]]:
    """The WSGI app over the database at `path`."""
    connect(path).execute(SCHEMA)
    local = threading.local()
    write_lock = threading.Lock()

    def app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "POST":
            body = b'{"ok": true}'
        else:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            sent = environ["wsgi.input"].read(size).decode("utf-8", "replace")
            db = getattr(local, "db", None)
            if db is None:
                db = local.db = connect(path)
            with write_lock:
                db.execute("BEGIN IMMEDIATE")
                cur = db.execute("INSERT INTO hit (at, body) VALUES (?, ?)", (time.time(), sent))
                db.execute("COMMIT")
            body = json.dumps({"result": "checked_in", "id": cur.lastrowid}).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def hello_app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    """The least a WSGI app can answer."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def serve_floor(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hello", action="store_true", help="serve hello-world, no database")
    args = parser.parse_args(argv)

    from waitress import serve

    app = hello_app if args.hello else make_app(str(args.db))
    serve(app, host=args.host, port=args.port, threads=args.threads,
          ident="floor", clear_untrusted_proxy_headers=True)  # fmt: skip


TITLE = "Floor: HTTP alone, a durable commit alone, and both"


def commit_times(path: Path, runs: int) -> list[float]:
    """Seconds per BEGIN IMMEDIATE, INSERT, COMMIT with WAL and synchronous=FULL."""
    db = connect(str(path))
    db.execute(SCHEMA)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO hit (at, body) VALUES (?, ?)", (time.time(), "{}"))
        db.execute("COMMIT")
        times.append(time.perf_counter() - started)
    db.close()
    return times


def http_times(work: Path, method: str, runs: int, hello: bool) -> list[float]:
    """Seconds per request to a floor server, each on a new connection."""
    from common import Server, free_port, request

    port = free_port()
    cmd = [sys.executable, __file__, "--db", str(work / "http.sqlite3"), "--port", str(port)]
    with Server([*cmd, *(["--hello"] if hello else [])], port).start() as server:
        server.wait_ready("/")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            status, _ = request(port, method, "/", b"{}" if method == "POST" else None)
            assert status == 200, status
            times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> str:
    """The three floors as a Markdown table (p50 / p99 of 2,000 sequential runs each)."""
    import tempfile

    from common import percentile

    runs = int((argv or ["2000"])[0])
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-floor-") as tmp:
        work = Path(tmp)
        rows = [
            ("bare WSGI hello-world request (waitress)", http_times(work, "GET", runs, True)),
            ("one SQLite commit, WAL + synchronous=FULL", commit_times(work / "c.db", runs)),
            ("one durable row per request (both)", http_times(work, "POST", runs, False)),
        ]
    lines = ["| floor | p50 | p99 |", "|---|---|---|"]
    for name, times in rows:
        p50, p99 = percentile(times, 50) * 1000, percentile(times, 99) * 1000
        lines.append(f"| {name} | {p50:.2f} ms | {p99:.2f} ms |")
    lines += ["", f"- {runs} sequential runs each; every request on a new TCP connection"]
    body = "\n".join(lines)
    print(body)
    return body


if __name__ == "__main__":
    if "--port" in sys.argv:
        serve_floor()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        main(sys.argv[1:])
