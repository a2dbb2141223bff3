"""Group commit: scans that arrive together share one transaction and one fsync.

At a rush, several desks scan at the same instant. Each scan alone would wait for the write
lock, then for its own fsync. Here the first scan to arrive leads: it takes the write lock, and
every scan queued while it waited or worked is decided in the same BEGIN IMMEDIATE transaction,
each in its own savepoint, in arrival order; one COMMIT (one fsync) makes them all durable, and
only then does any of them answer. A scan alone is a batch of one: no extra statements.

A job that raises is rolled back to its savepoint and gets its exception; the others go on. A
COMMIT that fails (a full disk) gives every job of the batch that error: none was acknowledged.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from kiosk.db import BUSY_TIMEOUT_MS, transaction, write_lock

T = TypeVar("T")
Work = Callable[[sqlite3.Connection], T]


class _Job(Generic[T]):
    """One caller's work, and its result or exception once the batch is over."""

    __slots__ = ("done", "error", "value", "work")

    def __init__(self, work: Work[T]) -> None:
        self.work = work
        self.value: T | None = None
        self.error: BaseException | None = None
        self.done = False

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class GroupCommit:
    """The batcher of one database file: one leader at a time, followers queue behind it."""

    def __init__(self, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.timeout = timeout
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._leading = False

    def run(self, db: sqlite3.Connection, work: Work[T]) -> T:
        """Runs `work(connection)` in a write transaction shared with concurrent callers and
        returns its result once that transaction has committed.

        `work` must use the connection it is given (the leader's), and do nothing it would
        regret if its savepoint were rolled back: no side effects outside the database.
        """
        job: _Job[T] = _Job(work)
        deadline = time.monotonic() + self.timeout
        with self._cond:
            self._queue.append(job)
            while self._leading and not job.done:
                left = deadline - time.monotonic()
                if left <= 0 and job in self._queue:  # not taken yet: withdraw, nothing written
                    self._queue.remove(job)
                    raise sqlite3.OperationalError("database is locked (scans queued too long)")
                self._cond.wait(max(left, 0.05))  # once taken, wait for its batch to end
            if job.done:
                return job.outcome()
            self._leading = True
            batch, self._queue = self._queue, []
        try:
            _commit(db, batch)
        finally:
            with self._cond:
                self._leading = False
                self._cond.notify_all()
        return job.outcome()


def _commit(db: sqlite3.Connection, batch: list[_Job]) -> None:
    """Every job of the batch in one transaction; each job in a savepoint if there are several."""
    alone = len(batch) == 1
    try:
        with transaction(db):
            for job in batch:
                if alone:
                    job.value = job.work(db)
                    continue
                db.execute("SAVEPOINT scan")
                try:
                    job.value = job.work(db)
                except Exception as exc:  # this caller's refusal or fault: the others go on
                    db.execute("ROLLBACK TO scan")
                    job.error = exc
                db.execute("RELEASE scan")
    except BaseException as exc:  # the work of a lone job, BEGIN or COMMIT failed: none saved
        for job in batch:
            job.value, job.error = None, job.error or exc
    finally:
        for job in batch:
            job.done = True


_groups: dict[threading.Lock, GroupCommit] = {}
_groups_guard = threading.Lock()


def run(db: sqlite3.Connection, work: Work[T]) -> T:
    """`GroupCommit.run` on the batcher of `db`'s file (the one its write lock guards)."""
    lock = write_lock(db)
    with _groups_guard:
        group = _groups.get(lock) or _groups.setdefault(lock, GroupCommit())
    return group.run(db, work)
