"""The print queue: states, retries with backoff on an injected clock, restarts, ops, auto-print."""

from __future__ import annotations

import io
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.db import open_db, transaction
from kiosk.desk import checkin, reports
from kiosk.printing import attempts
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing import worker as print_worker
from kiosk.printing.worker import Printers, drain, work_once
from printers import PrinterError, PrintResult, get_template
from tests.conftest import DAY1_MORNING, DAY2_MORNING

T0 = DAY1_MORNING


class FakePrinter:
    """A printer that answers from a script: a PrintResult state or a PrinterError per call."""

    def __init__(self, *answers: str | PrinterError) -> None:
        self.url, self.template = "memory://", get_template("4x3")
        self.answers, self.jobs = list(answers), []

    def print(self, badge, *, template=None, job_name="badge"):
        self.jobs.append((job_name, badge))
        answer = self.answers.pop(0) if self.answers else "printed"
        if isinstance(answer, PrinterError):
            raise answer
        return PrintResult(self.url, answer, str(len(self.jobs)))


OFF = PrinterError("Cannot reach the printer (Connection refused).", code="unreachable",
                   retryable=True)  # fmt: skip
REFUSED = PrinterError("The printer refuses PDF and PNG.", code="unsupported_format")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def venue(db):
    """One configured default printer, 'north'."""
    with transaction(db):
        print_setup.add_printer(db, "north", "memory://", now=T0)
    return db


def queue(db, attendee_id="a-jose", **kw):
    kw.setdefault("now", T0)
    return printing.request_print(db, attendee_id, **kw)


def badge_ops(db, attendee_id="a-jose"):
    rows = db.execute("SELECT payload FROM op WHERE kind = 'badge_printed' AND entity = ?",
                      (attendee_id,)).fetchall()  # fmt: skip
    return [json.loads(r[0]) for r in rows]


def test_a_job_goes_queued_sending_printed_with_one_op(venue, node) -> None:
    job = queue(venue, desk="North-1", staff="Ana")
    assert (job.status, job.printer, job.reprint) == ("queued", "north", False)
    fake = FakePrinter("printed")
    done = work_once(venue, node, "north", Printers(lambda url: fake), lambda: T0)
    assert done.status == "printed" and done.attempts == 1
    assert fake.jobs[0][0] == "badge-a-jose" and fake.jobs[0][1].code == "KN-JOSE01"
    [op] = badge_ops(venue)
    assert op["job_id"] == job.job_id and op["printer"] == "north" and op["template"] == "4x3"
    assert op["name"] == "José Ñúñez" and op["reprint"] is False and op["desk"] == "North-1"
    # finishing the same job again (a second worker, a replay) writes no second op
    assert not attempts.mark_printed(venue, node, done, attempts.Printed(
        PrintResult("memory://", "printed"), "4x3", "x", False), T0)  # fmt: skip
    assert len(badge_ops(venue)) == 1


def test_sent_is_a_final_state_for_printers_that_cannot_confirm(venue, node) -> None:
    queue(venue)
    done = work_once(venue, node, "north", Printers(lambda url: FakePrinter("sent")), lambda: T0)
    assert (done.status, done.outcome) == ("printed", "sent")


def test_retryable_errors_back_off_then_print(venue, node) -> None:
    clock, fake = Clock(), FakePrinter(OFF, OFF, "printed")
    printers, rng = Printers(lambda url: fake), random.Random(1)
    queue(venue)
    job = work_once(venue, node, "north", printers, clock, rng)
    assert job.status == "queued" and "Connection refused" in job.error
    wait = job.next_attempt_at
    # not due yet: the worker finds nothing to do until the backoff has passed
    assert work_once(venue, node, "north", printers, clock, rng) is None
    clock.now = T0 + timedelta(seconds=printing.BACKOFF_BASE + 0.01)
    assert print_setup.iso(T0 + timedelta(seconds=1)) <= wait <= print_setup.iso(clock.now)
    assert work_once(venue, node, "north", printers, clock, rng).status == "queued"
    clock.now += timedelta(seconds=printing.BACKOFF_BASE * 2 + 0.01)
    assert work_once(venue, node, "north", printers, clock, rng).status == "printed"
    [health] = print_setup.health(venue)
    assert health.ok and health.failures == 0 and "Connection refused" in health.last_error


def test_retries_stop_after_max_attempts(venue, node) -> None:
    clock = Clock()
    printers = Printers(lambda url: FakePrinter(*[OFF] * 20))
    job = queue(venue)
    for _ in range(printing.MAX_ATTEMPTS):
        clock.now += timedelta(seconds=printing.BACKOFF_CAP)
        work_once(venue, node, "north", printers, clock, random.Random(2))
    job = printing.get_job(venue, job.job_id)
    assert (job.status, job.attempts, job.error_code) == ("failed", printing.MAX_ATTEMPTS,
                                                          "unreachable")  # fmt: skip
    assert badge_ops(venue) == []


def test_a_permanent_error_fails_at_once_with_the_technicians_message(venue, node) -> None:
    job = queue(venue)
    done = work_once(venue, node, "north", Printers(lambda url: FakePrinter(REFUSED)), lambda: T0)
    assert (done.status, done.attempts, done.error) == ("failed", 1, REFUSED.message)
    assert done.to_api()["error"] == REFUSED.message
    [health] = print_setup.health(venue)
    assert not health.ok and health.failed == 1 and health.last_error == REFUSED.message
    assert printing.retry(venue, job.job_id, T0)
    assert printing.get_job(venue, job.job_id).status == "queued"
    assert printing.cancel(venue, job.job_id, "Budi", T0)
    assert printing.failed_jobs(venue) == []  # dismissed from the admin screen


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    rng = random.Random(3)
    for attempt in range(1, 12):
        full = min(printing.BACKOFF_CAP, printing.BACKOFF_BASE * 2 ** (attempt - 1))
        waits = [attempts.backoff(attempt, rng) for _ in range(50)]
        assert all(full / 2 <= w <= full for w in waits)
        assert len(set(waits)) > 1  # jitter: printers coming back are not hit in lockstep


def test_a_restart_sends_jobs_left_sending_again(venue, node) -> None:
    job = queue(venue)
    assert attempts.claim(venue, "north", T0).status == "sending"  # then the process died
    assert attempts.claim(venue, "north", T0) is None
    assert attempts.recover(venue, T0) == 1
    assert drain(venue, node, Printers(lambda url: FakePrinter()), lambda: T0) == 1
    assert printing.get_job(venue, job.job_id).status == "printed"
    assert len(badge_ops(venue)) == 1


def test_a_removed_printer_fails_its_jobs_with_a_message(venue, node) -> None:
    queue(venue)
    with transaction(venue):
        print_setup.remove_printer(venue, "north")
    done = work_once(venue, node, "north", Printers(lambda url: FakePrinter()), lambda: T0)
    assert done.status == "failed" and "north" in done.error


def test_a_reprint_is_flagged_and_counted(venue, node) -> None:
    fake = FakePrinter()
    queue(venue)
    drain(venue, node, Printers(lambda url: fake), lambda: T0)
    again = queue(venue, reason="lost")
    assert again.reprint
    drain(venue, node, Printers(lambda url: fake), lambda: T0)
    assert [op["reprint"] for op in badge_ops(venue)] == [False, True]
    assert badge_ops(venue)[1]["reason"] == "lost"
    out = io.StringIO()
    reports.export_checkins(venue, out)
    row = next(r for r in out.getvalue().splitlines() if r.startswith("a-jose,"))
    assert row.endswith(",2")


def test_no_printer_is_a_clear_refusal(db) -> None:
    with pytest.raises(printing.PrintRequestError) as caught:
        queue(db)
    assert caught.value.code == "no_printer"
    with pytest.raises(printing.PrintRequestError) as caught:
        queue(db, "a-nobody")
    assert caught.value.code == "not_found"


def test_desk_printer_beats_the_default_and_a_named_printer_beats_both(venue) -> None:
    with transaction(venue):
        print_setup.add_printer(venue, "south", "memory://", now=T0)
        print_setup.set_desk(venue, "South-1", "south", auto_print=False)
    assert queue(venue, desk="South-1").printer == "south"
    assert queue(venue, "a-obrien", desk="North-1").printer == "north"
    assert queue(venue, "a-nguyen", desk="South-1", printer="north").printer == "north"


# -- auto-print at check-in --------------------------------------------------------------------


def test_auto_print_queues_once_in_the_checkins_transaction(venue, node) -> None:
    with transaction(venue):
        print_setup.set_desk(venue, "North-1", None, auto_print=True)
    first = checkin.scan(venue, node, "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    assert first.print_job_id is not None
    assert printing.get_job(venue, first.print_job_id).reason == "check-in"
    other_desk = checkin.scan(venue, node, "KN-OBRI01", desk="South-1", now=DAY1_MORNING)
    assert other_desk.print_job_id is None  # South-1 prints only on request
    next_day = checkin.scan(venue, node, "KN-JOSE01", desk="North-1", now=DAY2_MORNING)
    assert next_day.decision.admitted and next_day.print_job_id is None  # has a badge already


def test_a_refused_scan_prints_nothing(venue, node) -> None:
    with transaction(venue):
        print_setup.set_desk(venue, "North-1", None, auto_print=True)
    outcome = checkin.scan(venue, node, "NOT-A-CODE", desk="North-1", now=DAY1_MORNING)
    assert outcome.print_job_id is None
    assert venue.execute("SELECT count(*) FROM print_job").fetchone()[0] == 0


def test_the_background_worker_prints_without_blocking_the_scan(venue, node, db_path) -> None:
    """The scan answers while its badge is still at the printer, then the badge prints."""
    held, reached = threading.Event(), threading.Event()

    class HeldPrinter(FakePrinter):
        def print(self, badge, *, template=None, job_name="badge"):
            reached.set()
            assert held.wait(60), "the printer was never released"
            return super().print(badge, template=template, job_name=job_name)

    fake = HeldPrinter()
    with transaction(venue):
        print_setup.set_desk(venue, "North-1", None, auto_print=True)
    service = print_worker.PrintService(str(db_path), opener=lambda url: fake)
    service.start()
    try:
        outcome = checkin.scan(venue, node, "KN-JOSE01", desk="North-1")
        assert outcome.decision.admitted
        assert reached.wait(30), "the worker never took the job"
        check = open_db(db_path)
        assert printing.get_job(check, outcome.print_job_id).status == "sending"
        held.set()
        for _ in range(200):
            if printing.get_job(check, outcome.print_job_id).status == "printed":
                break
            time.sleep(0.05)
        assert printing.get_job(check, outcome.print_job_id).status == "printed"
        check.close()
    finally:
        held.set()
        service.shutdown()
    assert not service.is_alive()


def test_the_print_service_keeps_the_apps_clock_not_the_machines(venue, db_path) -> None:
    """A rehearsal runs the app's clock years ahead: its jobs are due by that clock, not later."""
    ahead = FixedClock(datetime(2099, 6, 1, 2, 0, tzinfo=UTC))
    fake = FakePrinter()
    job = queue(venue, now=ahead.now())
    service = print_worker.PrintService(str(db_path), opener=lambda url: fake, clock=ahead.now)
    service.start()
    try:
        check = open_db(db_path)
        for _ in range(200):
            if printing.get_job(check, job.job_id).status == "printed":
                break
            time.sleep(0.05)
        done = printing.get_job(check, job.job_id)
        check.close()
    finally:
        service.shutdown()
    assert done.status == "printed" and done.updated_at.startswith("2099-06-01")
