"""The loop of `kiosk serve`: every connection pulled and pushed, again and again.

One thread with its own database connection. A connection whose token was refused is tried
only every AUTH_RETRY seconds (someone has to fix it); one asking us to slow down, after the
time it asked for.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from kiosk import clock
from kiosk.db import open_db
from kiosk.ticketing import records, runner, store

log = logging.getLogger("kiosk.ticketing")
AUTH_RETRY = 600.0
_loops: dict[str, TicketingLoop] = {}
_guard = threading.Lock()


class TicketingLoop(threading.Thread):
    """Pulls, then pushes, each connection every `interval` seconds."""

    def __init__(self, path: str, interval: float) -> None:
        super().__init__(name="kiosk-ticketing", daemon=True)
        self.path, self.interval = path, interval
        self.stopped = threading.Event()
        self._not_before: dict[str, float] = {}

    def run(self) -> None:
        db = open_db(self.path)
        try:
            while not self.stopped.is_set():
                self.round(db)
                self.stopped.wait(self.interval)
        finally:
            db.close()

    def round(self, db: sqlite3.Connection) -> None:
        """One pull and push of every connection that is due."""
        for conn in store.all_connections(db):
            if time.monotonic() < self._not_before.get(conn.name, 0.0):
                continue
            try:
                runner.pull(db, conn, clock.now)
                runner.push(db, store.get(db, conn.name) or conn, clock.now)
            except records.TicketingError as exc:
                wait = AUTH_RETRY if exc.auth else exc.retry_after or 0.0
                self._not_before[conn.name] = time.monotonic() + wait
            except Exception:  # a bug must not stop the loop for the other connections
                log.exception("ticketing %s: unexpected error", conn.name)


def start_background(path: str, interval: float) -> TicketingLoop:
    """Starts the one loop of this process for a database (idempotent). It finds connections
    added later by `kiosk ticketing add` on its next round."""
    with _guard:
        loop = _loops.get(path)
        if loop is None or not loop.is_alive():
            loop = _loops[path] = TicketingLoop(path, interval)
            loop.start()
        return loop
