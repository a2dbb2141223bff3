"""The floor: the fastest a durable check-in can be on this machine with this server software.

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


def serve_floor(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)

    from waitress import serve

    serve(make_app(str(args.db)), host=args.host, port=args.port, threads=args.threads,
          ident="floor", clear_untrusted_proxy_headers=True)  # fmt: skip


if __name__ == "__main__":
    serve_floor()
