"""Self-service rules and state: an attendee's short-lived turn at a screen, lookups that need
two matching facts, the per-device limit on failed lookups, and today's sessions.

A turn (a "visit") lives in the database under a random id that only the screen's session
knows, so nothing about the attendee is ever in a URL, and a reset deletes it.
"""

from __future__ import annotations

import secrets
import sqlite3
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kiosk import clock
from kiosk.auth import Principal
from kiosk.db import transaction
from kiosk.desk import checkin
from kiosk.desk.checkin import Result, ScanOutcome, utc_iso
from kiosk.desk.textfold import fold
from kiosk.replication.node import Node

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


class Locked(Exception):
    """A self-service device that failed too often: it may look nobody up before `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


def device_of(principal: Principal) -> str:
    """The name failures and scans are kept under: the screen and the API share it."""
    return f"{principal.kind}:{principal.ident}"


def device_locked(db: sqlite3.Connection, device: str, config: Mapping[str, Any],
                  now: datetime | None = None) -> datetime | None:  # fmt: skip
    """`locked_until` with the app's SELFSERVICE_* settings."""
    cooldown = timedelta(seconds=config["SELFSERVICE_COOLDOWN_SECONDS"])
    return locked_until(db, device, config["SELFSERVICE_MAX_FAILURES"], cooldown, now)


def scan(db: sqlite3.Connection, node: Node, code: str, principal: Principal,
         config: Mapping[str, Any], *, request_id: str | None = None,
         now: datetime | None = None) -> ScanOutcome:  # fmt: skip
    """A scan by a self-service device, on its screen or through the API: never while locked
    (raises Locked), always as its own desk, and an unknown code counts as a failure."""
    now = now or clock.now()
    device = device_of(principal)
    if (until := device_locked(db, device, config, now)) is not None:
        raise Locked(until)
    outcome = checkin.scan(db, node, code, desk=principal.name, staff=principal.name,
                           request_id=request_id, device=device, now=now)  # fmt: skip
    if outcome.decision.result is Result.UNKNOWN_CODE and not outcome.replayed:
        record_failure(db, device, now)
    return outcome


def answer(outcome: ScanOutcome, gettext: Any) -> tuple[dict[str, str] | None, str]:
    """(attendee, message) of a self-service device's scan: what its screen shows, the first
    name of an admitted attendee and a sentence, and nothing of anyone on a refusal."""
    result, row = outcome.decision.result, outcome.attendee
    if row is not None and result in (Result.CHECKED_IN, Result.ALREADY_CHECKED_IN):
        first = row["first_name"]
        if result is Result.CHECKED_IN:
            return {"first_name": first}, gettext("Welcome, %(name)s!", name=first)
        return {"first_name": first}, gettext("Welcome back, %(name)s!", name=first)
    return None, gettext(_REFUSALS.get(result, _REFUSALS[Result.UNKNOWN_CODE]))


_REFUSALS = {  # the headlines of selfservice/refused.html
    Result.CANCELLED: "This ticket is no longer valid",
    Result.NOT_VALID_NOW: "Your ticket is not valid today",
    Result.BLOCKED: "We need to check something with you",
    Result.UNKNOWN_CODE: "We could not find this ticket",
}


def record_failure(db: sqlite3.Connection, device: str, now: datetime | None = None) -> None:
    """One unknown code or unmatched lookup from this device."""
    with transaction(db):
        db.execute("INSERT INTO selfservice_failure (device, at) VALUES (?, ?)",
                   (device, utc_iso(now or clock.now())))  # fmt: skip


# -- scanned or typed --------------------------------------------------------------------------

MAX_KEYS = 300  # gaps the page may report (the scan field holds 300 characters)


def scanned(code: str, keys: str, gap_ms: int) -> bool:
    """Whether the scan field's text came from a scanner: the page reports the milliseconds
    between the keys that filled it ("4,3,5"); one key per character, most of them `gap_ms`
    apart or less (the median, so one pause of a wireless link or a busy tablet does not
    turn a scan into typing, nor a burst of fast keys typing into a scan). Typing, pasting,
    editing, or a page without its script is not a scan."""
    gaps = keys.split(",") if keys else []
    if not gaps or len(gaps) > MAX_KEYS or len(gaps) != len(code) - 1:
        return False
    if not all(g.isascii() and g.isdigit() and len(g) <= 6 for g in gaps):
        return False
    return statistics.median(int(g) for g in gaps) <= gap_ms


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
