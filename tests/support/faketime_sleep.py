"""Loaded by scripts/test-dates only: lets `time.sleep` work under libfaketime.

libfaketime shifts the wall clock for the dates run, but its clock_nanosleep answers EINVAL to
the absolute monotonic deadline CPython's `time.sleep` passes, while `select` and condition
waits work. This plugin makes `time.sleep` wait with `select` for that run; nothing else changes.
"""

from __future__ import annotations

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
