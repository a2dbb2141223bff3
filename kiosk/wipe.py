"""After a purge, no file Kiosk wrote may still hold personal data: the database file, its
WAL, badges a file printer wrote, and the copy a restore kept aside."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from kiosk.printing.worker import badge_job_name
from printers import PrinterError, open_printer
from printers.drivers import FilePrinter

CHECKPOINT_TRIES = 100  # a running server's requests end within moments
CHECKPOINT_PAUSE = 0.1


class WipeError(RuntimeError):
    """Personal data may be left in a file; the message says what to do."""


def badge_files(db: sqlite3.Connection) -> list[Path]:
    """Badges file printers wrote for attendees of this database, as far as they still exist."""
    found = []
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


def rewrite_database(db: sqlite3.Connection, db_path: str | Path) -> None:
    """VACUUM rebuilds the file without the old rows; a TRUNCATE checkpoint copies the rebuilt
    pages into it and empties the WAL, whose old frames still held the rows."""
    db.execute("VACUUM")
    wal = Path(f"{db_path}-wal")
    for _ in range(CHECKPOINT_TRIES):
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy == 0 and (not wal.exists() or wal.stat().st_size == 0):
            return
        time.sleep(CHECKPOINT_PAUSE)
    raise WipeError(f"{wal} could not be emptied while kiosk serve was busy: stop kiosk serve"
                    " and run kiosk purge --yes again")  # fmt: skip
