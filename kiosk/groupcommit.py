"""Group commit: scans that arrive together share one transaction and one fsync.

At a rush, several desks scan at the same instant. Each scan alone would wait for the write
lock, then for its own fsync. Here the first scan to arrive leads: it takes the write lock, and
every scan queued while it waited or worked is decided in the same BEGIN IMMEDIATE transaction,
in arrival order; one COMMIT (one fsync) makes them all durable, and only then does any of them
answer. The jobs of a transaction share a `memo` for what none of them changes (the event, a
desk's printer), so a batch reads those once.

A job that raises fails alone: the batch is rolled back and run again with each job in its own
savepoint, so the others go through and the failed one leaves nothing behind. (Failures are
rare, so the first run spends no statements on savepoints.) A COMMIT that fails (a full disk)
gives every job of the batch that error: none was acknowledged.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kiosk.db import BUSY_TIMEOUT_MS, transaction, write_lock

T = TypeVar("T")
# A job: its work on the leader's connection, given the transaction's shared memo.
Work = Callable[[sqlite3.Connection, dict[str, Any]], T]


class _Job(Generic[T]):
    """One caller's work, its result or exception once its batch is over, and the event that
    wakes its caller: when its batch is over, or when it is its turn to lead."""

    __slots__ = ("done", "error", "lead", "value", "wake", "work")

    def __init__(self, work: Work[T]) -> None:
        self.work = work
        self.value: T | None = None
        self.error: BaseException | None = None
        self.done = self.lead = False
        self.wake = threading.Event()

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class GroupCommit:
    """The batcher of one database file: one leader at a time, followers queue behind it.

    Each caller sleeps on its own event, so a batch wakes exactly its callers and the one
    that leads next, never the whole queue.
    """

    def __init__(self, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.timeout = timeout
        self._mutex = threading.Lock()
        self._queue: list[_Job] = []
        self._leading = False

    def run(self, db: sqlite3.Connection, work: Work[T]) -> T:
        """Runs `work(connection, memo)` in a write transaction shared with concurrent callers
        and returns its result once that transaction has committed.

        `work` must use the connection it is given (the leader's), and do nothing outside the
        database: it may be rolled back and run again.
        """
        job: _Job[T] = _Job(work)
        with self._mutex:
            follow, self._leading = self._leading, True
            if follow:
                self._queue.append(job)
        if follow:
            self._follow(job)
            if job.done:
                return job.outcome()
        with self._mutex:  # this caller leads: its job and every one queued behind it
            batch, self._queue = [job, *self._queue], []
        try:
            _commit(db, batch)
        finally:
            with self._mutex:
                if self._queue:  # the next batch's first caller leads it
                    self._queue[0].lead = True
                    self._queue[0].wake.set()
                else:
                    self._leading = False
            for other in batch[1:]:
                other.wake.set()
        return job.outcome()

    def _follow(self, job: _Job) -> None:
        """Sleeps until `job`'s batch is over or it is its turn to lead; a job still queued
        when the time is up withdraws, nothing written."""
        if not job.wake.wait(self.timeout):
            with self._mutex:
                if job in self._queue and not job.lead:
                    self._queue.remove(job)
                    raise sqlite3.OperationalError("database is locked (scans queued too long)")
            job.wake.wait()  # taken into a batch meanwhile: its leader answers it
        if job.lead:
            with self._mutex:
                self._queue.remove(job)


def _commit(db: sqlite3.Connection, batch: list[_Job]) -> None:
    """Every job of the batch in one transaction; if one fails, again with savepoints."""
    try:
        try:
            with transaction(db):
                memo: dict[str, Any] = {}
                for job in batch:
                    job.value = job.work(db, memo)
        except Exception as exc:
            if len(batch) == 1 or not _failed_alone(exc):
                raise
            with transaction(db):
                _each_in_a_savepoint(db, batch)
    except BaseException as exc:  # a lone job's work, BEGIN or COMMIT failed: none saved
        for job in batch:
            job.value, job.error = None, job.error or exc
    finally:
        for job in batch:
            job.done = True


def _failed_alone(exc: Exception) -> bool:
    """Whether a job's failure may leave the others of its batch to go on: not when the
    database itself refuses (a full disk, a lock), which would fail them all again."""
    return not isinstance(exc, sqlite3.OperationalError)


def _each_in_a_savepoint(db: sqlite3.Connection, batch: list[_Job]) -> None:
    memo: dict[str, Any] = {}
    for job in batch:
        job.value, job.error = None, None
        db.execute("SAVEPOINT scan")
        try:
            job.value = job.work(db, memo)
        except Exception as exc:  # this caller's refusal or fault: the others go on
            db.execute("ROLLBACK TO scan")
            job.error = exc
        db.execute("RELEASE scan")


_groups: dict[threading.Lock, GroupCommit] = {}
_groups_guard = threading.Lock()


def group_of(db: sqlite3.Connection) -> GroupCommit:
    """The batcher of `db`'s file (the one its write lock guards), shared by its connections."""
    lock = write_lock(db)
    with _groups_guard:
        return _groups.get(lock) or _groups.setdefault(lock, GroupCommit())


def run(db: sqlite3.Connection, work: Work[T]) -> T:
    """`GroupCommit.run` on the batcher of `db`'s file."""
    return group_of(db).run(db, work)
