"""Shift rules as plain functions: a shift's state at an instant, and which shift a scan starts.

Nothing here is stored: "no-show" is read from the clock each time the board is drawn, so it
appears on every machine at the same minute and goes as soon as the person checks in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

UPCOMING, DUE, NO_SHOW, ON_SHIFT, DONE = "upcoming", "due", "no_show", "on_shift", "done"
EARLY = timedelta(hours=1)  # a badge scanned up to an hour early checks in for the next shift


@dataclass(frozen=True)
class Shift:
    """One shift as the rules and screens see it."""

    shift_id: str
    person: str
    badge_code: str
    role: str
    place: str
    place_name: str
    starts_at: datetime
    ends_at: datetime
    checked_in_at: datetime | None


class Refusal(Exception):
    """A staff scan that checks no one in. `code` is for programs, the message for people."""

    def __init__(self, code: str, message: str, shift: Shift | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.shift = shift


def state(shift: Shift, now: datetime, grace: timedelta) -> str:
    """upcoming, due (started, within the grace), no_show, on_shift or done."""
    if shift.checked_in_at is not None:
        return ON_SHIFT if now < shift.ends_at else DONE
    if now < shift.starts_at:
        return UPCOMING
    return DUE if now < shift.starts_at + grace else NO_SHOW


def running(shift: Shift, now: datetime) -> bool:
    """Whether the shift is under way at `now`."""
    return shift.starts_at <= now < shift.ends_at


def board(shifts: list[Shift], now: datetime, soon: timedelta) -> dict[str, list[Shift]]:
    """The day's shifts in the board's groups: now, next (starting within `soon`), later,
    earlier (ended); each in start order as given."""
    groups: dict[str, list[Shift]] = {"now": [], "next": [], "later": [], "earlier": []}
    for shift in shifts:
        if running(shift, now):
            groups["now"].append(shift)
        elif shift.ends_at <= now:
            groups["earlier"].append(shift)
        else:
            groups["next" if shift.starts_at <= now + soon else "later"].append(shift)
    return groups


def to_start(shifts: list[Shift], now: datetime) -> Shift:
    """The shift a badge scan at `now` checks in: the earliest not yet checked in that runs
    now or starts within the hour. Raises Refusal (no_shift, already) otherwise."""
    open_ = [s for s in shifts if s.ends_at > now and s.starts_at - EARLY <= now]
    waiting = [s for s in open_ if s.checked_in_at is None]
    if waiting:
        return min(waiting, key=lambda s: s.starts_at)
    if open_:
        raise Refusal("already", "Already checked in for this shift.", open_[0])
    later = [s for s in shifts if s.starts_at > now]
    raise Refusal("no_shift", "No shift starts within the hour for this badge.",
                  min(later, key=lambda s: s.starts_at) if later else None)  # fmt: skip
