"""The print queue: jobs in the database, claimed and sent by a worker, retried with backoff.

queued → sending → printed, or → failed with the technician's message, or → held when the
badge would print a character no installed font has (a person checks the name, then chooses
"Print anyway", which queues it again). A retryable failure
(printer off, busy, out of reach) goes back to queued with a later `next_attempt_at`. Asking
for a badge is one INSERT; rendering and sending happen only in the worker (print_worker.py),
so a check-in never waits for a printer.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.printing import setup as print_setup
from kiosk.printing.setup import iso
from sync.ids import uuid7

STATUSES = ("queued", "sending", "printed", "failed", "held")
FINAL = ("printed", "failed", "held")  # nothing more happens unless a person acts
MAX_ATTEMPTS = 8  # two to three minutes of retries, then a person decides
BACKOFF_BASE = 2.0  # seconds before the first retry
BACKOFF_CAP = 60.0  # longest wait between two tries
WAKE = threading.Event()  # set when a job is queued, so the worker starts at once


class BadgeHeld(Exception):  # a state, not a failure: the printer is fine
    """The badge would show `missing` characters as empty boxes; a person decides."""

    def __init__(self, missing: str) -> None:
        super().__init__(missing)
        self.missing = missing


class PrintRequestError(LookupError):
    """A print that cannot be queued: `code` is not_found or no_printer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Job:
    """One row of print_job."""

    job_id: str
    attendee_id: str
    printer: str
    status: str
    error: str | None
    error_code: str | None
    attempts: int
    next_attempt_at: str
    reason: str
    reprint: bool
    desk: str
    staff: str
    outcome: str
    cancelled: bool
    created_at: str
    updated_at: str
    missing: str = ""  # held: the characters no installed font has
    released_by: str = ""  # who chose "Print anyway"

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def retrying(self) -> bool:
        """Failed at least once and will be tried again: people waiting should see why."""
        return not self.final and self.attempts > 0 and self.error is not None

    def to_api(self) -> dict[str, object]:
        """The JSON of GET /print-jobs/{job_id}: the last error also while it is retried."""
        return {
            "job_id": self.job_id,
            "attendee_id": self.attendee_id,
            "printer": self.printer,
            "status": self.status,
            "error": self.error,
            "error_code": self.error_code,
            "attempts": self.attempts,
            "max_attempts": MAX_ATTEMPTS,
            "next_attempt_at": self.next_attempt_at if self.status == "queued" else None,
            "reprint": self.reprint,
            "reason": self.reason,
            "missing": self.missing or None,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


_SELECT = "SELECT " + ", ".join(Job.__dataclass_fields__) + " FROM print_job"  # noqa: S608


def _job(row: sqlite3.Row | None) -> Job | None:
    if row is None:
        return None
    return Job(
        **{k: (bool(row[k]) if k in ("reprint", "cancelled") else row[k]) for k in row.keys()}  # noqa: SIM118
    )


def get_job(db: sqlite3.Connection, job_id: str) -> Job | None:
    """One job by id."""
    return _job(db.execute(_SELECT + " WHERE job_id = ?", (job_id,)).fetchone())


def latest_job(db: sqlite3.Connection, attendee_id: str) -> Job | None:
    """The attendee's newest job, for the desk's status widget."""
    row = db.execute(
        _SELECT + " WHERE attendee_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (attendee_id,),
    ).fetchone()
    return _job(row)


def prints(db: sqlite3.Connection, attendee_id: str) -> int:
    """Badges printed for this attendee on any node (badge_printed ops, as sync carries them)."""
    return db.execute(
        "SELECT count(*) FROM op WHERE kind = 'badge_printed' AND entity = ?", (attendee_id,)
    ).fetchone()[0]


def status_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many jobs are in each status (cancelled ones apart), for GET /metrics."""
    rows = db.execute("SELECT status, count(*) FROM print_job WHERE cancelled = 0 GROUP BY status")
    return {status: count for status, count in rows}


def has_badge(db: sqlite3.Connection, attendee_id: str) -> bool:
    """A badge was printed, or one is on its way: asking again is a reprint."""
    if prints(db, attendee_id):
        return True
    return (
        db.execute(
            "SELECT 1 FROM print_job WHERE attendee_id = ? AND status NOT IN ('failed', 'held')",
            (attendee_id,),
        ).fetchone()
        is not None
    )


def enqueue(
    db: sqlite3.Connection,
    attendee_id: str,
    printer: str,
    *,
    reason: str = "",
    reprint: bool = False,
    desk: str = "",
    staff: str = "",
    now: datetime,
) -> str:
    """One INSERT, inside the caller's transaction; returns the new job's id."""
    job_id, at = uuid7(int(now.timestamp() * 1000)), iso(now)
    db.execute(
        "INSERT INTO print_job (job_id, attendee_id, printer, next_attempt_at, reason, reprint,"
        " desk, staff, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job_id,
            attendee_id,
            printer,
            at,
            reason[:200],
            int(reprint),
            desk[:80],
            staff[:80],
            at,
            at,
        ),
    )
    return job_id


def request_print(
    db: sqlite3.Connection,
    attendee_id: str,
    *,
    printer: str | None = None,
    reason: str = "",
    desk: str = "",
    staff: str = "",
    now: datetime | None = None,
) -> Job:
    """Queues a badge (a reprint when one exists) and wakes the worker."""
    now = now or clock.now()
    with transaction(db):
        if attendees.get(db, attendee_id) is None:
            raise PrintRequestError("not_found", gettext("No attendee has this id."))
        chosen = print_setup.choose_printer(db, printer, desk)
        if chosen is None:
            raise PrintRequestError("no_printer", _no_printer_message(printer))
        job_id = enqueue(
            db,
            attendee_id,
            chosen,
            reason=reason,
            reprint=has_badge(db, attendee_id),
            desk=desk,
            staff=staff,
            now=now,
        )
    WAKE.set()
    return get_job(db, job_id)  # type: ignore[return-value]


def _no_printer_message(named: str | None) -> str:
    if named:
        return gettext("No printer is named %(name)s.", name=named)
    return gettext("No printer is set up. A supervisor adds one on the printers screen.")


def auto_enqueue(
    db: sqlite3.Connection,
    attendee_id: str,
    setting: print_setup.DeskSetting,
    staff: str,
    now: datetime,
) -> str | None:
    """In the check-in's transaction: queue a first badge if this desk prints on check-in."""
    if not setting.auto_print or has_badge(db, attendee_id):
        return None
    desk = setting.desk
    printer = print_setup.choose_printer(db, None, desk)
    if printer is None:
        return None
    return enqueue(db, attendee_id, printer, reason="check-in", desk=desk, staff=staff, now=now)


# -- the worker's side -------------------------------------------------------------------------


def release(db: sqlite3.Connection, job_id: str, staff: str, now: datetime) -> bool:
    """ "Print anyway": a held job is queued again and will print despite the missing glyphs."""
    with transaction(db):
        changed = db.execute(
            "UPDATE print_job SET status = 'queued', released_by = ?, error = NULL,"
            " error_code = NULL, next_attempt_at = ?, updated_at = ?"
            " WHERE job_id = ? AND status = 'held'",
            (staff[:80] or "?", iso(now), iso(now), job_id),
        ).rowcount
    WAKE.set()
    return bool(changed)


def retry(db: sqlite3.Connection, job_id: str, now: datetime) -> bool:
    """A supervisor tries a failed job again, from a fresh count of attempts."""
    with transaction(db):
        changed = db.execute(
            "UPDATE print_job SET status = 'queued', attempts = 0, cancelled = 0,"
            " next_attempt_at = ?, updated_at = ? WHERE job_id = ?"
            " AND status = 'failed'",
            (iso(now), iso(now), job_id),
        ).rowcount
    WAKE.set()
    return bool(changed)


def cancel(db: sqlite3.Connection, job_id: str, staff: str, now: datetime) -> bool:
    """A supervisor gives up on a waiting or failed job; it leaves the admin screen's list."""
    message = gettext("Cancelled by %(name)s.", name=staff)
    with transaction(db):
        return bool(
            db.execute(
                "UPDATE print_job SET status = 'failed', cancelled = 1,"
                " error = coalesce(error || ' ', '') || ?, updated_at = ?"
                " WHERE job_id = ? AND status IN ('queued', 'failed')",
                (message, iso(now), job_id),
            ).rowcount
        )


def retrying_jobs(db: sqlite3.Connection, limit: int = 50) -> list[Job]:
    """Jobs that failed and will be tried again, oldest first: the printers screen shows why."""
    rows = db.execute(
        _SELECT + " WHERE status IN ('queued', 'sending') AND attempts > 0"
        " AND error IS NOT NULL ORDER BY created_at, job_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [j for r in rows if (j := _job(r)) is not None]


def held_jobs(db: sqlite3.Connection, limit: int = 50) -> list[Job]:
    """Badges held for a name no font can draw, oldest first, while nothing newer was asked
    for the same person (a corrected name prints a new job): the people still waiting."""
    rows = db.execute(
        _SELECT + " WHERE status = 'held' AND cancelled = 0 AND NOT EXISTS (SELECT 1 FROM"
        " print_job later WHERE later.attendee_id = print_job.attendee_id"
        " AND later.created_at > print_job.created_at) ORDER BY created_at, rowid LIMIT ?",
        (limit,),
    ).fetchall()
    return [j for r in rows if (j := _job(r)) is not None]


def failed_jobs(db: sqlite3.Connection, limit: int = 50) -> list[Job]:
    """Failed jobs nobody dismissed yet, newest first."""
    rows = db.execute(
        _SELECT + " WHERE status = 'failed' AND cancelled = 0 ORDER BY updated_at DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [j for r in rows if (j := _job(r)) is not None]
