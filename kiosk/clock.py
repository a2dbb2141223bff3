"""The one clock the app reads for "now": event days, validity, schedules, lockouts.

Production reads the system clock. Tests pin an instant through the app's `CLOCK` setting (a
`FixedClock`), and a server process can be started at a chosen instant with `KIOSK_CLOCK_START`
(the clock then runs forward from there), so nothing depends on the date a suite runs on.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import current_app, has_app_context


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move: tests decide what "now" is."""

    def __init__(self, instant: datetime) -> None:
        self._instant = _aware(instant)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._instant

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._instant = _aware(instant)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._instant += delta


class StartedClock:
    """A clock that starts at a given instant and runs at real speed from there."""

    def __init__(self, start: datetime) -> None:
        self._start = _aware(start)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


def from_setting(start: str) -> Clock:
    """The clock a `CLOCK_START` setting names: empty is the system clock."""
    if not start.strip():
        return SystemClock()
    return StartedClock(datetime.fromisoformat(start.strip().replace("Z", "+00:00")))


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("a clock needs a timezone-aware instant")
    return instant.astimezone(UTC)


_SYSTEM = SystemClock()


def clock() -> Clock:
    """The app's clock inside a request or app context, else the system clock (CLI, workers)."""
    if has_app_context():
        return current_app.config.get("CLOCK") or _SYSTEM
    return _SYSTEM


def now() -> datetime:
    """The current instant as the app sees it."""
    return clock().now()
