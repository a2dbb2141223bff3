"""Room rules as plain functions: clashes, capacity, the impact of a move, now/next, doors.

Nothing here reads the database or the clock: callers pass the sessions, rooms and `now`,
so every rule is tested with literal values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

WARN_SHARE = 0.9  # occupancy from 90 % of capacity warns, from 100 % the room is full
DOOR_EARLY = timedelta(minutes=15)  # a door opens for a session this long before it starts


@dataclass(frozen=True)
class Room:
    """A room and its seats."""

    room_id: str
    name: str
    capacity: int


@dataclass(frozen=True)
class Slot:
    """A session in time and space: what the rules need of it."""

    session_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room_id: str


@dataclass(frozen=True)
class Impact:
    """What a room change would do, shown before the supervisor confirms.

    `warnings` name only what the move causes; `standing` holds the day's double bookings that
    are there with or without it, so they are listed apart instead of blamed on this move.
    """

    registered: int
    capacity: int
    shortfall: int  # sign-ups beyond the new room's seats (0 when they fit)
    clashes: tuple[Slot, ...]  # sessions already in the new room at an overlapping time
    underway: bool  # the session is running or its door is open: people are in the old room
    freed: tuple[Slot, ...]  # sessions that shared the old room and have it to themselves after
    standing: tuple[tuple[Slot, Slot], ...]  # the day's other double bookings, untouched by this
    same_room: bool

    @property
    def warnings(self) -> list[str]:
        """Stable codes for programs: capacity, clash, underway."""
        found = ["capacity"] if self.shortfall else []
        found += ["clash"] if self.clashes else []
        return found + (["underway"] if self.underway else [])


def overlaps(a: Slot, b: Slot) -> bool:
    """Two sessions overlap when each starts before the other ends (touching is fine)."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def clashes(moving: Slot, room_id: str, others: Iterable[Slot]) -> tuple[Slot, ...]:
    """Sessions in `room_id` that overlap `moving` (itself excluded)."""
    return tuple(o for o in others if o.room_id == room_id and o.session_id != moving.session_id
                 and overlaps(moving, o))  # fmt: skip


def shortfall(capacity: int, registered: int) -> int:
    """How many signed-up people a room cannot seat."""
    return max(0, registered - capacity)


def double_bookings(slots: Iterable[Slot]) -> tuple[tuple[Slot, Slot], ...]:
    """Pairs of sessions sharing a room at an overlapping time, earlier start first."""
    items = sorted((s for s in slots if s.room_id), key=lambda s: (s.starts_at, s.session_id))
    return tuple((a, b) for i, a in enumerate(items) for b in items[i + 1:]
                 if a.room_id == b.room_id and overlaps(a, b))  # fmt: skip


def is_open(slot: Slot, now: datetime) -> bool:
    """Whether people may be in the session's room: from its door opening to its end."""
    return slot.starts_at - DOOR_EARLY <= now < slot.ends_at


def impact(moving: Slot, new_room: Room, registered: int, day: Iterable[Slot],
           now: datetime) -> Impact:  # fmt: skip
    """Everything the preview shows for moving `moving` into `new_room` at `now`."""
    others = [s for s in day if s.session_id != moving.session_id]
    same = moving.room_id == new_room.room_id
    return Impact(
        registered=registered,
        capacity=new_room.capacity,
        shortfall=shortfall(new_room.capacity, registered),
        clashes=clashes(moving, new_room.room_id, others),
        underway=not same and is_open(moving, now),
        freed=() if same else clashes(moving, moving.room_id, others),
        standing=double_bookings(others),
        same_room=same,
    )


def running(slots: Iterable[Slot], now: datetime) -> list[Slot]:
    """Sessions under way at `now`."""
    return [s for s in slots if s.starts_at <= now < s.ends_at]


def upcoming(slots: Iterable[Slot], now: datetime) -> list[Slot]:
    """The sessions that start next: every one sharing the earliest start after `now`."""
    later = [s for s in slots if s.starts_at > now]
    if not later:
        return []
    first = min(s.starts_at for s in later)
    return [s for s in later if s.starts_at == first]


def door_session(slots: Iterable[Slot], room_id: str, now: datetime) -> Slot | None:
    """The session a door admits to: running in the room, or starting there within 15 min."""
    here = sorted((s for s in slots if s.room_id == room_id), key=lambda s: s.starts_at)
    return next((s for s in here if is_open(s, now)), None)


class Level(StrEnum):
    """How full a room is."""

    OK = "ok"
    WARN = "warn"  # 90 % or more
    FULL = "full"  # at or over capacity


def level(occupancy: int, capacity: int) -> Level:
    """Occupancy against capacity; a room without a known capacity never warns."""
    if capacity <= 0:
        return Level.OK
    if occupancy >= capacity:
        return Level.FULL
    return Level.WARN if occupancy >= WARN_SHARE * capacity else Level.OK


class DoorResult(StrEnum):
    """A door scan's answer, a stable code for programs."""

    REGISTERED = "registered"
    NOT_REGISTERED = "not_registered"
    NO_SESSION = "no_session"  # nothing running here: the scan still counts occupancy
    UNKNOWN_CODE = "unknown_code"
    CANCELLED = "cancelled"
    LEFT = "left"  # a scan out


@dataclass(frozen=True)
class DoorDecision:
    """The answer at a room door: the result, and how full the room is after this scan."""

    result: DoorResult
    occupancy: int
    capacity: int

    @property
    def level(self) -> Level:
        return level(self.occupancy, self.capacity)


def door_decide(known: bool, cancelled: bool, session: Slot | None, registered: bool,
                direction: str, inside: bool, occupancy: int,
                capacity: int) -> DoorDecision:  # fmt: skip
    """Decides a door scan; `occupancy` is the count before it, `inside` whether they were in."""
    if not known:
        return DoorDecision(DoorResult.UNKNOWN_CODE, occupancy, capacity)
    if direction == "out":
        return DoorDecision(DoorResult.LEFT, occupancy - 1 if inside else occupancy, capacity)
    if cancelled:
        return DoorDecision(DoorResult.CANCELLED, occupancy, capacity)
    if session is None:
        result = DoorResult.NO_SESSION
    else:
        result = DoorResult.REGISTERED if registered else DoorResult.NOT_REGISTERED
    return DoorDecision(result, occupancy if inside else occupancy + 1, capacity)


def occupancy_since(
    slots: Iterable[Slot], room_id: str, now: datetime, day_start: datetime
) -> datetime:
    """From when door scans count toward a room's occupancy: the door opening of the session
    running there, or the end of the last one (everyone left), or the start of the day."""
    since = day_start
    for s in sorted((s for s in slots if s.room_id == room_id), key=lambda s: s.starts_at):
        if s.starts_at - DOOR_EARLY <= now:
            since = s.starts_at - DOOR_EARLY if now < s.ends_at else s.ends_at
    return since
