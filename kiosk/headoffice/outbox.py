"""Head office's outbox: the `mail` rows the fold queued, sent at most once each.

Never twice: a row is marked `sending` (and its attempt counted) and that is committed before
the relay hears of it. A row still `sending` when a worker starts again was cut off mid-send:
it may have arrived, so `recover` makes it `uncertain` for the supervisor, who may `resend` it.
Only the relay's clear "not now" (4xx, no connection) puts a row back in the queue.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any, Protocol

from kiosk.headoffice import mailtext, smtp

log = logging.getLogger("kiosk.headoffice.mail")
STATUSES = ("queued", "sending", "sent", "failed", "bounced", "uncertain")
MAX_ATTEMPTS = 8  # 1 + 2 + … + 60 minutes: about three hours of a relay saying "not now"
FIRST_DELAY_MS = 60_000
MAX_DELAY_MS = 3_600_000
LATEST_FAILURES = 20
CUT_OFF = ("The sender stopped while this mail was being sent: it may have arrived."
           " Resend it only if the attendee did not get it.")  # fmt: skip


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """Head office's database as this module uses it (SQLite or PostgreSQL, `?` parameters)."""

    def execute(self, sql: str, params: Sequence[object]) -> Cursor: ...
    def transaction(self) -> AbstractContextManager[object]: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Counts:
    """What one `deliver_due` did, by the status each mail ended in."""

    sent: int = 0
    bounced: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.bounced + self.retried + self.failed + self.uncertain


@dataclass(frozen=True)
class Failure:
    """A mail that did not go (yet), as the fleet console lists it."""

    notification_op_id: str
    attendee_id: str
    address: str
    status: str
    attempts: int
    last_error: str


@dataclass(frozen=True)
class Summary:
    """One event's mail: how many rows are in each status, and the latest problems."""

    counts: dict[str, int]
    failures: list[Failure] = field(default_factory=list)


def retry_delay_ms(attempts: int) -> int:
    """How long a mail waits after its n-th attempt failed for now: doubling, at most an hour."""
    return min(FIRST_DELAY_MS * 2 ** max(attempts - 1, 0), MAX_DELAY_MS)


def after_failure(attempts: int, now_ms: int) -> tuple[str, int]:
    """The status and next try of a mail the relay did not take for now."""
    if attempts >= MAX_ATTEMPTS:
        return "failed", now_ms
    return "queued", now_ms + retry_delay_ms(attempts)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _due(db: Database, now_ms: int, limit: int) -> list[tuple[int, str, str]]:
    rows = db.execute(
        "SELECT event_id, notification_op_id, attendee_id FROM mail"
        " WHERE status = 'queued' AND next_try_ms <= ? ORDER BY next_try_ms, queued_at LIMIT ?",
        (now_ms, limit),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _claim(db: Database, key: tuple[int, str, str]) -> Any | None:
    """Marks one row `sending` and commits, so no restart sends it again; None if taken."""
    with db.transaction():
        claimed = db.execute(
            "UPDATE mail SET status = 'sending', attempts = attempts + 1"
            " WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?"
            " AND status = 'queued'",
            key,
        ).rowcount
        if claimed != 1:  # another sender took it between our look and our claim
            return None
        return db.execute(
            "SELECT address, language, facts, message_id, attempts FROM mail"
            " WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?",
            key,
        ).fetchone()


def _finish(db: Database, key: tuple[int, str, str], status: str, error: str, next_try_ms: int,
            sent_at: str | None) -> None:  # fmt: skip
    # `uncertain` too: a second process's recover may have stepped in while this one sent.
    with db.transaction():
        db.execute(
            "UPDATE mail SET status = ?, last_error = ?, next_try_ms = ?, sent_at = ?"
            " WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?"
            " AND status IN ('sending', 'uncertain')",
            (status, error, next_try_ms, sent_at, *key),
        )


def compose(row: Any, sender: str, now_ms: int) -> EmailMessage:
    """The message for a claimed row, made from its frozen facts."""
    facts = json.loads(row[2])
    text = mailtext.room_change(facts, row[1])
    return mailtext.message(text, sender=sender, to=mailtext.recipient(facts, row[0]),
                            message_id=row[3], language=row[1],
                            date=datetime.fromtimestamp(now_ms / 1000, UTC))  # fmt: skip


def deliver_one(db: Database, settings: smtp.MailSettings, key: tuple[int, str, str],
                now_ms: int) -> str | None:  # fmt: skip
    """Claims, sends and records one mail; the status it ended in, None if it was not ours."""
    row = _claim(db, key)
    if row is None:
        return None
    try:
        message = compose(row, settings.from_address, now_ms)
    except (ValueError, KeyError, TypeError) as exc:  # bad facts or address: no retry helps
        _finish(db, key, "failed", f"cannot write this mail: {exc}", now_ms, None)
        return "failed"
    outcome = smtp.send(settings, message)
    if outcome.status == smtp.SENT:
        _finish(db, key, "sent", "", now_ms, iso(now_ms))
        return "sent"
    if outcome.status == smtp.RETRY:
        status, next_try = after_failure(row[4], now_ms)
        log.warning("mail %s not sent (%s): %s", "/".join(map(str, key)), status, outcome.detail)
        _finish(db, key, status, outcome.detail, next_try, None)
        return "retried" if status == "queued" else status
    log.warning("mail %s %s: %s", "/".join(map(str, key)), outcome.status, outcome.detail)
    _finish(db, key, outcome.status, outcome.detail, now_ms, None)
    return outcome.status


def deliver_due(db: Database, settings: smtp.MailSettings, now_ms: int, limit: int = 50
                ) -> Counts:  # fmt: skip
    """Sends up to `limit` mails that are due at `now_ms`, one claim and one commit each."""
    ended: dict[str, int] = {}
    for key in _due(db, now_ms, limit):
        status = deliver_one(db, settings, key, now_ms)
        if status is not None:
            ended[status] = ended.get(status, 0) + 1
    return Counts(**ended)


def recover(db: Database) -> int:
    """At start-up: rows a stopped sender left `sending` become `uncertain`; how many."""
    with db.transaction():
        count = db.execute(
            "UPDATE mail SET status = 'uncertain', last_error = ? WHERE status = 'sending'",
            (CUT_OFF,),
        ).rowcount
    if count:
        log.warning("%d mail(s) may or may not have been sent: marked uncertain", count)
    return count


def resend(db: Database, event_id: int, notification_op_id: str, attendee_id: str) -> bool:
    """A supervisor's choice: send this uncertain, failed or bounced mail again (once more)."""
    with db.transaction():
        changed = db.execute(
            "UPDATE mail SET status = 'queued', attempts = 0, next_try_ms = 0, last_error = ''"
            " WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?"
            " AND status IN ('uncertain', 'failed', 'bounced')",
            (event_id, notification_op_id, attendee_id),
        ).rowcount
    return changed == 1


def summary(db: Database, event_id: int) -> Summary:
    """An event's mail by status, and its latest failed, bounced, uncertain or retrying rows."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute(
        "SELECT status, COUNT(*) FROM mail WHERE event_id = ? GROUP BY status", (event_id,)
    ):
        counts[status] = n
    failures = [Failure(*r) for r in db.execute(
        "SELECT notification_op_id, attendee_id, address, status, attempts, last_error FROM mail"
        " WHERE event_id = ? AND status <> 'sent' AND last_error <> ''"
        " ORDER BY queued_at DESC, notification_op_id, attendee_id LIMIT ?",
        (event_id, LATEST_FAILURES),
    )]  # fmt: skip
    return Summary(counts, failures)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Mailer(threading.Thread):
    """`kiosk headoffice serve`'s sender: recovers cut-off mail once, then sends what is due.

    One per head office database. `wake()` sends at once (after a fold queued mail); `stop()`
    lets the mail being sent finish and returns when the thread has ended.
    """

    def __init__(self, open_db: Callable[[], Database], settings: smtp.MailSettings,
                 interval: float = 10.0, limit: int = 50,
                 clock: Callable[[], int] = wall_ms) -> None:  # fmt: skip
        super().__init__(name="kiosk-headoffice-mail", daemon=True)
        self.open_db, self.settings, self.interval, self.limit = open_db, settings, interval, limit
        self.clock = clock
        self._stopping, self._woken = threading.Event(), threading.Event()

    def run(self) -> None:
        log.info("sending mail through %s", self.settings.describe())
        db = self.open_db()
        try:
            recover(db)
            while not self._stopping.is_set():
                self._step(db)
                self._woken.wait(self.interval)
                self._woken.clear()
        finally:
            db.close()

    def _step(self, db: Database) -> None:
        try:
            while not self._stopping.is_set():
                if deliver_due(db, self.settings, self.clock(), self.limit).total < self.limit:
                    return
        except Exception:  # the database, not the relay (send never raises): try again later
            log.exception("mail could not be sent; trying again in %s s", self.interval)

    def wake(self) -> None:
        self._woken.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self._woken.set()
        self.join(timeout)
