"""A print job's tries: the worker claims it, then it is printed, held, or retried later.

The queue's other half (asking for badges, staff actions) is kiosk/printing/queue.py.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext

from kiosk.db import transaction
from kiosk.printing import setup as print_setup
from kiosk.printing.queue import BACKOFF_BASE, BACKOFF_CAP, MAX_ATTEMPTS, Job, get_job
from kiosk.printing.setup import iso
from kiosk.replication import fold, shapes
from kiosk.replication.node import Node
from printers import PrinterError, PrintResult


def recover(db: sqlite3.Connection, now: datetime, printer: str | None = None) -> int:
    """Jobs left `sending` by a crash, a restart or a full disk go back to the queue.

    With `printer`, only its jobs: its worker is the only one that sends them.
    """
    with transaction(db):
        return db.execute(
            "UPDATE print_job SET status = 'queued', next_attempt_at = ?,"
            " updated_at = ? WHERE status = 'sending' AND printer = coalesce(?, printer)",
            (iso(now), iso(now), printer),
        ).rowcount


def due_printers(db: sqlite3.Connection, now: datetime) -> list[str]:
    """Printers with a queued job whose time has come."""
    rows = db.execute(
        "SELECT DISTINCT printer FROM print_job WHERE status = 'queued' AND next_attempt_at <= ?",
        (iso(now),),
    ).fetchall()
    return [r[0] for r in rows]


def next_due(db: sqlite3.Connection) -> str | None:
    """When the earliest queued job may be tried."""
    return db.execute(
        "SELECT min(next_attempt_at) FROM print_job WHERE status = 'queued'"
    ).fetchone()[0]


def claim(db: sqlite3.Connection, printer: str, now: datetime) -> Job | None:
    """Takes one printer's oldest due job, in request order: queued → sending, one more try."""
    with transaction(db):
        row = db.execute(
            "SELECT job_id FROM print_job WHERE status = 'queued' AND printer = ?"
            " AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT 1",
            (printer, iso(now)),
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE print_job SET status = 'sending', attempts = attempts + 1,"
            " updated_at = ? WHERE job_id = ?",
            (iso(now), row[0]),
        )
    return get_job(db, row[0])


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds before the next try: doubling from BACKOFF_BASE up to the cap, half of it random."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return delay / 2 + rng.uniform(0, delay / 2)


@dataclass(frozen=True)
class Printed:
    """What was sent, for the badge_printed op."""

    result: PrintResult
    template: str
    name: str
    shortened: bool


def mark_printed(
    db: sqlite3.Connection, node: Node, job: Job, done: Printed, now: datetime
) -> bool:
    """sending → printed and its badge_printed op, in one transaction (once per job)."""
    with transaction(db):
        changed = db.execute(
            "UPDATE print_job SET status = 'printed', outcome = ?, error = NULL,"
            " error_code = NULL, updated_at = ? WHERE job_id = ?"
            " AND status = 'sending'",
            (done.result.state, iso(now), job.job_id),
        ).rowcount
        if changed:
            print_setup.record_success(db, job.printer, now)
            node.record(db, "badge_printed", job.attendee_id, _payload(job, done, now))
    return bool(changed)


_TEXT = shapes.text()
# A badge_printed op is read from the log itself (reprint counts, the printed report).
fold.declare({"badge_printed": {
    "job_id": _TEXT, "printer": _TEXT, "template": _TEXT, "reason": _TEXT,
    "reprint": shapes.flag(), "name": _TEXT, "shortened": shapes.flag(), "outcome": _TEXT,
    "desk": _TEXT, "staff": _TEXT, "at": _TEXT}}, about_attendee=True)  # fmt: skip


def _payload(job: Job, done: Printed, now: datetime) -> dict[str, object]:
    return {
        "job_id": job.job_id,
        "printer": job.printer,
        "template": done.template,
        "reason": job.reason,
        "reprint": job.reprint,
        "name": done.name,
        "shortened": done.shortened,
        "outcome": done.result.state,
        "desk": job.desk,
        "staff": job.staff,
        "at": iso(now),
    }


def mark_failed(
    db: sqlite3.Connection, job: Job, error: PrinterError, now: datetime, rng: random.Random
) -> str:
    """Retryable and tries left: queued again after a backoff; otherwise failed for good."""
    again = error.retryable and job.attempts < MAX_ATTEMPTS
    status = "queued" if again else "failed"
    later = now + timedelta(seconds=backoff(job.attempts, rng)) if again else now
    with transaction(db):
        db.execute(
            "UPDATE print_job SET status = ?, error = ?, error_code = ?,"
            " next_attempt_at = ?, updated_at = ? WHERE job_id = ? AND status = 'sending'",
            (status, error.message[:500], error.code, iso(later), iso(now), job.job_id),
        )
        print_setup.record_failure(db, job.printer, error.message, now)
    return status


def mark_held(db: sqlite3.Connection, job: Job, missing: str, now: datetime) -> None:
    """sending → held: the desk shows the name and the missing characters, nothing prints."""
    message = gettext(
        "No installed font can print %(chars)s: check the name, then print anyway.",
        chars=" ".join(missing),
    )
    with transaction(db):
        db.execute(
            "UPDATE print_job SET status = 'held', error = ?, error_code = 'missing_glyphs',"
            " missing = ?, updated_at = ? WHERE job_id = ? AND status = 'sending'",
            (message[:500], missing[:100], iso(now), job.job_id),
        )
