"""How wrong this machine's clock is, by head office's: measured at every hello.

Each hello answer carries the peer's `server_time_ms`; the client keeps the difference per peer
(`peer.clock_offset_ms`). Head office's clock is the reference: a venue whose clock is off by
more than a minute says so on the desk and in `kiosk sync`, and takes the time of its check-ins
(and so their event day) from its own clock moved by that offset.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sync import peers


def headoffice_offset(db: sqlite3.Connection) -> int | None:
    """Head office's clock minus ours at the last hello (ms); None until measured."""
    known = peers.headoffice(db)
    return peers.load(db, known[0]).clock_offset_ms if known else None


def wrong(offset_ms: int | None) -> bool:
    """True for an offset beyond the tolerance (a minute)."""
    return offset_ms is not None and abs(offset_ms) > peers.CLOCK_TOLERANCE_MS


def correction(db: sqlite3.Connection) -> timedelta:
    """What to add to this machine's time to read head office's (zero within a minute)."""
    offset = headoffice_offset(db)
    return timedelta(milliseconds=offset) if wrong(offset) and offset is not None else timedelta()


def sane_now(db: sqlite3.Connection, now: datetime) -> datetime:
    """`now` on head office's clock, when ours is known to be more than a minute off."""
    return now + correction(db)


def describe(offset_ms: int) -> tuple[int, int, bool]:
    """(hours, minutes, ahead) of this machine's clock against a peer's offset."""
    minutes = round(abs(offset_ms) / 60_000)
    return minutes // 60, minutes % 60, offset_ms < 0
