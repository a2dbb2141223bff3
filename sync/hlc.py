"""Hybrid logical clock: wall-clock milliseconds plus a counter, totally ordered by node id.

Venue clocks are wrong; an HLC keeps causality when they drift. Stamps are written as
`WWWWWWWWWWWWW-CCCCC-node` and ordered as numbers (wall ms, counter, then node). No stamp
leaves the 13-digit range, so the fixed-width text also sorts in clock order in SQL indexes;
Python code compares parsed stamps, never the text.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 99_999
# A remote stamp further ahead of our wall clock than this is kept but not adopted, so one
# machine with a clock a year ahead cannot drag every other clock forward with it.
MAX_FORWARD_MS = 5 * 60 * 1000
# The largest wall time a stamp can carry (13 digits): no stamp is ever made beyond it.
MAX_WALL_MS = 10**13 - 1
# A receiver refuses ops stamped further ahead of its own clock than this (SYNC_MAX_AHEAD).
MAX_AHEAD_MS = 24 * 60 * 60 * 1000
_STAMP = re.compile(r"^(\d{13})-(\d{5})-([A-Za-z0-9_.:-]{1,64})$")


class StampError(ValueError):
    """A clock stamp that does not follow the 13-5-node format."""


@dataclass(frozen=True, order=True)
class Stamp:
    """One HLC reading; ordering of the dataclass is the clock order."""

    wall_ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        if not (0 <= self.wall_ms <= MAX_WALL_MS and 0 <= self.counter <= MAX_COUNTER):
            raise StampError(f"clock stamp out of range: {self.wall_ms}-{self.counter}")

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:05d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Reads a stamp string, refusing anything malformed."""
        match = _STAMP.match(text) if isinstance(text, str) else None
        if not match:
            raise StampError(f"not a clock stamp: {text!r:.80}")
        return cls(int(match[1]), int(match[2]), match[3])

    def successor(self, node: str) -> Stamp:
        """The least stamp of `node` after this one (this one's clock at the top of the range)."""
        if self.counter < MAX_COUNTER:
            return Stamp(self.wall_ms, self.counter + 1, node)
        if self.wall_ms < MAX_WALL_MS:
            return Stamp(self.wall_ms + 1, 0, node)
        return Stamp(self.wall_ms, self.counter, node)


def sql_order(column: str, descending: bool = False) -> str:
    """An ORDER BY clause sorting a stamp column as numbers, wider wall times after narrower.

    Every stamp made or accepted now has 13 digits; this also orders any wider stamp written
    before that bound existed, where text order would put it first.
    """
    way = " DESC" if descending else ""
    return f"instr({column}, '-'){way}, {column}{way}"


def wall_ms() -> int:
    """Milliseconds since the epoch from the machine's clock."""
    return time.time_ns() // 1_000_000


class Clock:
    """A node's HLC. Thread-safe; `now_ms` is injectable for tests."""

    def __init__(self, node: str, now_ms: Callable[[], int] = wall_ms) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", node):
            raise StampError(f"node id must be 1-64 letters, digits or _.:- : {node!r}")
        self.node = node
        self._now_ms = now_ms
        self._wall = 0
        self._counter = 0
        self._lock = threading.Lock()

    def tick(self) -> Stamp:
        """A new stamp for a local event, later than every stamp seen so far."""
        with self._lock:
            now = min(self._now_ms(), MAX_WALL_MS)
            if now > self._wall:
                self._wall, self._counter = now, 0
            else:
                stamp = Stamp(self._wall, self._counter, self.node).successor(self.node)
                self._wall, self._counter = stamp.wall_ms, stamp.counter
            return Stamp(self._wall, self._counter, self.node)

    def observe(self, stamp: Stamp | str | None) -> bool:
        """Moves the clock past a stamp seen elsewhere; False if it was too far ahead to adopt."""
        if stamp is None:
            return True
        if isinstance(stamp, str):
            stamp = Stamp.parse(stamp)
        with self._lock:
            if stamp.wall_ms > self._now_ms() + MAX_FORWARD_MS:
                return False
            if (stamp.wall_ms, stamp.counter) > (self._wall, self._counter):
                self._wall, self._counter = stamp.wall_ms, stamp.counter
            return True
