"""Self-service rules and state: an attendee's short-lived turn at a screen, lookups that need
two matching facts, the per-device limit on failed lookups, and today's sessions.

A turn (a "visit") lives in the database under a random id that only the screen's session
knows, so nothing about the attendee is ever in a URL, and a reset deletes it.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk import clock
from kiosk.checkin import Result, utc_iso
from kiosk.db import transaction
from kiosk.textfold import fold

FAILURE_WINDOW = timedelta(seconds=60)  # MAX_FAILURES within this window start a cool-down
STALE = timedelta(hours=1)  # visits and failures older than this are deleted
REPRINT_REASON = "self-service reprint"
PRINT_REASON = "self-service"


@dataclass(frozen=True)
class Visit:
    """One attendee's turn: where it is (`step`) and who it is for."""

    visit_id: str
    device: str
    step: str  # hello | collected | refused | printing | done
    result: str
    attendee_id: str
    job_id: str
    updated_at: str


def start(db: sqlite3.Connection, device: str, step: str, result: str = "",
          attendee_id: str = "", job_id: str = "", now: datetime | None = None) -> str:  # fmt: skip
    """A new visit for this device (any earlier one of the device ends): its random id."""
    now = now or clock.now()
    visit_id = secrets.token_urlsafe(18)
    with transaction(db):
        db.execute("DELETE FROM selfservice_visit WHERE device = ? OR updated_at < ?",
                   (device, utc_iso(now - STALE)))  # fmt: skip
        db.execute("DELETE FROM selfservice_failure WHERE at < ?", (utc_iso(now - STALE),))
        db.execute(
            "INSERT INTO selfservice_visit (visit_id, device, step, result, attendee_id, job_id,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (visit_id, device, step, result, attendee_id, job_id, utc_iso(now)),
        )
    return visit_id


def get(db: sqlite3.Connection, visit_id: str | None, device: str, idle: timedelta,
        now: datetime | None = None) -> Visit | None:  # fmt: skip
    """The device's visit, unless it was idle for `idle` (then it is gone for good)."""
    if not visit_id:
        return None
    row = db.execute("SELECT * FROM selfservice_visit WHERE visit_id = ? AND device = ?",
                     (visit_id, device)).fetchone()  # fmt: skip
    if row is None:
        return None
    if row["updated_at"] <= utc_iso((now or clock.now()) - idle):
        end(db, visit_id)
        return None
    return Visit(*(row[k] for k in Visit.__dataclass_fields__))


def update(db: sqlite3.Connection, visit_id: str, now: datetime | None = None,
           **fields: str) -> None:  # fmt: skip
    """Moves a visit on (new step, result or job) and counts as activity."""
    allowed = {k: v for k, v in fields.items() if k in ("step", "result", "job_id")}
    sets = "".join(f"{k} = ?, " for k in allowed)
    with transaction(db):
        db.execute(f"UPDATE selfservice_visit SET {sets}updated_at = ? WHERE visit_id = ?",  # noqa: S608
                   (*allowed.values(), utc_iso(now or clock.now()), visit_id))  # fmt: skip


def end(db: sqlite3.Connection, visit_id: str) -> None:
    """Forgets a visit: the next screen knows nothing of that attendee."""
    with transaction(db):
        db.execute("DELETE FROM selfservice_visit WHERE visit_id = ?", (visit_id,))


# -- guessing ----------------------------------------------------------------------------------


def locked_until(db: sqlite3.Connection, device: str, max_failures: int, cooldown: timedelta,
                 now: datetime | None = None) -> datetime | None:  # fmt: skip
    """When a device that failed `max_failures` times within a minute may try again."""
    now = now or clock.now()
    rows = db.execute(
        "SELECT at FROM selfservice_failure WHERE device = ? AND at >= ? ORDER BY at DESC LIMIT ?",
        (device, utc_iso(now - FAILURE_WINDOW - cooldown), max_failures),
    ).fetchall()
    if len(rows) < max_failures:
        return None
    newest, oldest = (datetime.fromisoformat(rows[i][0]) for i in (0, -1))
    until = newest + cooldown
    return until if newest - oldest <= FAILURE_WINDOW and until > now else None


def record_failure(db: sqlite3.Connection, device: str, now: datetime | None = None) -> None:
    """One unknown code or unmatched lookup from this device."""
    with transaction(db):
        db.execute("INSERT INTO selfservice_failure (device, at) VALUES (?, ?)",
                   (device, utc_iso(now or clock.now())))  # fmt: skip


# -- typed lookups -----------------------------------------------------------------------------


def name_matches(row: sqlite3.Row, typed: str) -> bool:
    """The typed last name (the first name of a mononym), ignoring case, accents and marks."""
    wanted = fold(row["last_name"] or row["first_name"])
    return bool(wanted) and fold(typed) == wanted


def find(db: sqlite3.Connection, kind: str, key: str, last_name: str) -> sqlite3.Row | str:
    """The one attendee matching both facts, or 'not_found' / 'ambiguous'."""
    key = key.strip()
    if kind == "code":
        rows = db.execute("SELECT * FROM attendee WHERE code = ?", (key,)).fetchall()
    else:
        rows = db.execute("SELECT * FROM attendee WHERE email = ? COLLATE NOCASE",
                          (key,)).fetchall()  # fmt: skip
    matches = [r for r in rows if name_matches(r, last_name)]
    if len(matches) > 1:
        return "ambiguous"
    return matches[0] if matches else "not_found"


# -- after a scan ------------------------------------------------------------------------------


def step_for(result: Result, has_badge: bool, reprints: int) -> tuple[str, str]:
    """(step, refusal) for a scan result: a known, admitted attendee goes on to their badge."""
    if result not in (Result.CHECKED_IN, Result.ALREADY_CHECKED_IN):
        return "refused", result.value
    if not has_badge:
        return "hello", ""
    return ("collected", "") if reprints == 0 else ("refused", "collected")


def self_reprints(db: sqlite3.Connection, attendee_id: str) -> int:
    """Reprints an attendee already took from a self-service screen (one is allowed)."""
    return db.execute("SELECT count(*) FROM print_job WHERE attendee_id = ? AND reason = ?",
                      (attendee_id, REPRINT_REASON)).fetchone()[0]  # fmt: skip


# -- today's sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A session the attendee signed up for, where it is now and where it was planned."""

    title: str
    starts_at: str
    ends_at: str
    room: str
    moved_from: str


def _has_schedule(db: sqlite3.Connection) -> bool:
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"session", "room", "registration"} <= names


def sessions_on(db: sqlite3.Connection, attendee_id: str, day: date) -> list[Session]:
    """The attendee's sign-ups on `day`, in time order; none where there is no schedule."""
    if not _has_schedule(db):
        return []
    rows = db.execute(
        "SELECT s.title, s.starts_at, s.ends_at, s.room_id, s.planned_room_id,"
        " coalesce(r.name, s.room_id) AS room, coalesce(p.name, s.planned_room_id) AS planned"
        " FROM registration g JOIN session s ON s.session_id = g.session_id"
        " LEFT JOIN room r ON r.room_id = s.room_id"
        " LEFT JOIN room p ON p.room_id = s.planned_room_id"
        " WHERE g.attendee_id = ? AND g.status = 'registered' AND s.day = ? ORDER BY s.starts_at",
        (attendee_id, day.isoformat()),
    ).fetchall()
    return [Session(r["title"], r["starts_at"], r["ends_at"], r["room"],
                    r["planned"] if r["planned_room_id"] not in ("", r["room_id"]) else "")
            for r in rows]  # fmt: skip
