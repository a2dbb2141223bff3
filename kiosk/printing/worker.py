"""The print worker: threads of `kiosk serve` that take queued jobs, render and send them.

One thread per printer, each with its own database connection and its own printer object, so
a slow or dead printer holds up only its own queue and never a scan. The database is touched
only between sends: a job is claimed in one short transaction and finished in another.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask_babel import gettext

from kiosk.clock import now as app_now
from kiosk.db import open_db
from kiosk.desk import attendees
from kiosk.printing import attempts
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing.badges import badge_for, printed_name
from kiosk.replication.node import Node, load_node
from printers import Printer, PrinterError, open_printer
from printers.drivers import FilePrinter

log = logging.getLogger("kiosk.print")
Clock = Callable[[], datetime]
Opener = Callable[[str], Printer]
IDLE_POLL = 1.0  # seconds a worker sleeps when nothing is due (a new job wakes it at once)
_services: dict[str, PrintService] = {}
_services_guard = threading.Lock()


class Printers:
    """Printer objects by URL, made once: one per worker, as the drivers expect."""

    def __init__(self, opener: Opener = open_printer) -> None:
        self.opener, self.cache = opener, {}

    def get(self, url: str) -> Printer:
        if url not in self.cache:
            self.cache[url] = self.opener(url)
        return self.cache[url]


def send(db: sqlite3.Connection, job: printing.Job, printers: Printers) -> attempts.Printed:
    """Renders the attendee's badge for the job's printer and prints it (blocks until done)."""
    url = print_setup.printer_url(db, job.printer)
    if url is None:
        raise PrinterError(
            gettext(
                "The printer %(name)s was removed. Choose another printer and print again.",
                name=job.printer,
            ),
            code="bad_url",
        )
    row = attendees.get(db, job.attendee_id)
    if row is None:
        raise PrinterError(gettext("This attendee no longer exists here."), code="not_found")
    printer = printers.get(url)
    badge = badge_for(row)
    name, shortened, missing = printed_name(badge, printer.template)
    if missing and not job.released_by:
        raise printing.BadgeHeld(missing)
    result = printer.print(badge, job_name=badge_job_name(job.attendee_id))
    return attempts.Printed(result, printer.template.name, name, shortened)


def badge_job_name(attendee_id: str) -> str:
    """What an attendee's badge is called at the printer (a file printer's file name)."""
    return f"badge-{attendee_id}"


def badge_files(db: sqlite3.Connection, attendee_ids: list[str] | None = None) -> list[Path]:
    """Badges file printers wrote for these attendees (default: all), as far as they still exist.

    A purge or an erasure deletes them: no file Kiosk wrote may keep a name it removed.
    """
    found = []
    if attendee_ids is None:
        attendee_ids = [r[0] for r in db.execute("SELECT DISTINCT attendee_id FROM print_job")]
    for (url,) in db.execute("SELECT url FROM printer"):
        try:
            printer = open_printer(url)
        except PrinterError:  # a URL that does not open wrote nothing
            continue
        if isinstance(printer, FilePrinter):
            paths = (printer.path_for(badge_job_name(a)) for a in attendee_ids)
            found += [p for p in paths if p.is_file()]
    return found


def work_once(
    db: sqlite3.Connection,
    node: Node,
    printer: str,
    printers: Printers,
    clock: Clock = app_now,
    rng: random.Random | None = None,
) -> printing.Job | None:
    """Claims and sends one due job of a printer; returns it as it ended, or None if none.

    `clock` must be the one the jobs were queued by (the app's), or due times compare wrongly.
    """
    job = attempts.claim(db, printer, clock())
    if job is None:
        return None
    try:
        done = send(db, job, printers)
    except printing.BadgeHeld as held:
        attempts.mark_held(db, job, held.missing, clock())
    except PrinterError as exc:
        attempts.mark_failed(db, job, exc, clock(), rng or random.Random())
    except Exception:
        log.exception("print job %s failed unexpectedly", job.job_id)
        problem = PrinterError(
            gettext(
                "Printing failed unexpectedly. Try again; if it keeps failing, restart the kiosk."
            ),
            code="internal",
        )
        attempts.mark_failed(db, job, problem, clock(), rng or random.Random())
    else:
        attempts.mark_printed(db, node, job, done, clock())
    ended = printing.get_job(db, job.job_id)
    if ended is not None and ended.status == "printed":
        log.info("print job %s on %s: printed", job.job_id, printer)
    elif ended is not None:
        log.warning("print job %s on %s: %s (%s)", job.job_id, printer, ended.status, ended.error)
    return ended


def drain(
    db: sqlite3.Connection,
    node: Node,
    printers: Printers,
    clock: Clock = app_now,
    rng: random.Random | None = None,
) -> int:
    """Works every due job of every printer in this thread (tests, benchmarks); the count."""
    count = 0
    while due := attempts.due_printers(db, clock()):
        for name in due:
            count += work_once(db, node, name, printers, clock, rng) is not None
    return count


class PrinterWorker(threading.Thread):
    """Sends one printer's jobs, one at a time, until stopped."""

    def __init__(
        self, path: str, printer: str, opener: Opener, stop: threading.Event, clock: Clock
    ) -> None:
        super().__init__(name=f"kiosk-print-{printer}", daemon=True)
        self.path, self.printer, self.stop, self.clock = path, printer, stop, clock
        self.printers = Printers(opener)
        self.kick = threading.Event()

    def run(self) -> None:
        db = open_db(self.path)
        node, rng = load_node(db), random.Random()
        stranded = False  # a job may be left `sending`: the database refused to record its end
        while not self.stop.is_set():
            try:
                if stranded:
                    attempts.recover(db, self.clock(), self.printer)
                    stranded = False
                while not self.stop.is_set() and work_once(
                    db, node, self.printer, self.printers, self.clock, rng
                ):
                    pass
            except Exception:  # the database (a full disk), not the printer: keep the thread alive
                log.exception("print worker for %s failed; retrying", self.printer)
                stranded = True
            self.kick.wait(IDLE_POLL)
            self.kick.clear()
        db.close()


class PrintService(threading.Thread):
    """Puts jobs left `sending` back in the queue, then keeps one worker per busy printer.

    `clock` is the app's (its threads run outside any app context): jobs are queued, due and
    retried by that one clock, also when the app's clock is not the machine's.
    """

    def __init__(self, path: str, opener: Opener | None = None, clock: Clock = app_now) -> None:
        super().__init__(name="kiosk-print", daemon=True)
        self.path, self.clock = path, clock
        self.opener = opener or print_setup.printer_opener(path)
        self.stop = threading.Event()
        self.workers: dict[str, PrinterWorker] = {}

    def run(self) -> None:
        db = open_db(self.path)
        recovered = False
        while not self.stop.is_set():
            try:
                recovered = recovered or attempts.recover(db, self.clock()) >= 0  # full disk: later
                for name in attempts.due_printers(db, self.clock()):
                    self._worker(name).kick.set()
            except sqlite3.Error:
                log.exception("print queue cannot be read; retrying")
            printing.WAKE.wait(IDLE_POLL)
            printing.WAKE.clear()
        for worker in self.workers.values():
            worker.kick.set()
        db.close()

    def _worker(self, name: str) -> PrinterWorker:
        worker = self.workers.get(name)
        if worker is None or not worker.is_alive():
            worker = self.workers[name] = PrinterWorker(
                self.path, name, self.opener, self.stop, self.clock
            )
            worker.start()
        return worker

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stops the service and its workers (a job being sent finishes first)."""
        self.stop.set()
        printing.WAKE.set()
        self.join(timeout)
        for worker in list(self.workers.values()):
            worker.join(timeout)


def start_background(
    path: str, opener: Opener | None = None, clock: Clock = app_now
) -> PrintService:
    """Starts this process's print service for a database (idempotent), on the app's clock."""
    with _services_guard:
        service = _services.get(path)
        if service is None or not service.is_alive():
            service = _services[path] = PrintService(path, opener, clock)
            service.start()
        return service


def stop_background(path: str) -> None:
    """Stops the print service of a database, if one runs."""
    with _services_guard:
        service = _services.pop(path, None)
    if service is not None:
        service.shutdown()
