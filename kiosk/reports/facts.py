"""What every section of the post-event report reads: the database, its tally, the event."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.dashboard import figures
from kiosk.desk.event import Event

Translate = Callable[..., str]


@dataclass(frozen=True)
class Facts:
    """What every builder may read: the database, its tally's key, the event and the time."""

    db: sqlite3.Connection
    key: str
    event: Event
    now: datetime
    _: Translate

    def days(self) -> list[figures.Arrivals]:
        """Each event day's arrivals in one-hour slots."""
        return [figures.arrivals(self.db, self.key, d, 60, self.now)
                for d in self.event.dates()]  # fmt: skip
