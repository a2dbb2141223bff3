"""The venue's printers and each desk's print settings, and how healthy each printer is.

Local to this machine (a printer URL means nothing at another venue), so nothing here syncs.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context
from flask_babel import gettext

from kiosk import config
from printers import Printer, PrinterError, open_printer

MAX_NAME = 40


class SetupError(ValueError):
    """A printer or desk setting that cannot be saved; the message says what to change."""


def iso(now: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, as every `*_at` column holds."""
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def database_file(db: sqlite3.Connection) -> str:
    """The file of a connection's main database (its folder is the instance folder); "" for
    a database in memory."""
    return next(r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main")


def file_dirs(database: str | Path, configured: str | None = None) -> list[Path]:
    """Where file:// printers may write: the database's folder, then PRINT_FILE_DIRS.

    `configured` is the setting; None reads the app's, or the environment's outside an app.
    """
    if configured is None:
        configured = (
            current_app.config["PRINT_FILE_DIRS"]
            if has_app_context()
            else str(config.from_env(dict(os.environ)).get("PRINT_FILE_DIRS", ""))
        )
    named = [Path(d).expanduser().resolve() for d in map(str.strip, configured.split(os.pathsep))
             if d]  # fmt: skip
    instance = [Path(database).resolve().parent] if str(database) else []
    return [*instance, *named]


def printer_opener(database: str | Path, configured: str | None = None) -> Callable[[str], Printer]:
    """Opens printer URLs as this kiosk allows them: files only into `file_dirs`."""
    return partial(open_printer, file_dirs=file_dirs(database, configured))


def _refusal(url: str, error: PrinterError, dirs: list[Path]) -> str:
    """Why a printer URL cannot be saved, in the supervisor's language."""
    if error.code != "not_allowed":
        return error.message
    if urlsplit(url).scheme.lower() == "file":
        return gettext(
            "This printer URL is not allowed: badge files are written only into a folder inside"
            " %(dirs)s, never over an existing file. To allow another folder, name it in"
            " KIOSK_PRINT_FILE_DIRS.",
            dirs=", ".join(map(str, dirs)),
        )
    return gettext(
        "%(path)s is not a printer device: a USB printer is written at its device node, such"
        " as /dev/usb/lp0, and nowhere else.",
        path=unquote(urlsplit(url).path),
    )


def add_printer(
    db: sqlite3.Connection, name: str, url: str, *, default: bool = False, now: datetime
) -> None:
    """Adds or replaces a printer (inside the caller's transaction); the URL is checked first."""
    name, url = " ".join(name.split()), url.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise SetupError(gettext("A printer name is 1 to %(n)d characters.", n=MAX_NAME))
    dirs = file_dirs(database_file(db))
    try:
        open_printer(url, file_dirs=dirs)
    except PrinterError as exc:
        raise SetupError(_refusal(url, exc, dirs)) from None
    db.execute(
        "INSERT INTO printer (name, url, created_at) VALUES (?, ?, ?) ON CONFLICT (name)"
        " DO UPDATE SET url = excluded.url, last_error = '', last_error_at = NULL, failures = 0",
        (name, url, iso(now)),
    )
    first = db.execute("SELECT count(*) FROM printer").fetchone()[0] == 1
    if default or first:
        set_default(db, name)


def set_default(db: sqlite3.Connection, name: str) -> None:
    """Makes one printer the default for desks that name none."""
    if db.execute("SELECT 1 FROM printer WHERE name = ?", (name,)).fetchone() is None:
        raise SetupError(gettext("No printer is named %(name)s.", name=name))
    db.execute("UPDATE printer SET is_default = 0 WHERE is_default = 1 AND name != ?", (name,))
    db.execute("UPDATE printer SET is_default = 1 WHERE name = ?", (name,))


def remove_printer(db: sqlite3.Connection, name: str) -> bool:
    """Forgets a printer; its queued jobs fail with a message when their turn comes."""
    db.execute("UPDATE desk_print SET printer = NULL WHERE printer = ?", (name,))
    return db.execute("DELETE FROM printer WHERE name = ?", (name,)).rowcount == 1


def printer_url(db: sqlite3.Connection, name: str) -> str | None:
    """The URL of a configured printer, or None."""
    row = db.execute("SELECT url FROM printer WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class DeskSetting:
    """How one desk prints: its printer (None: the default) and whether check-in prints."""

    desk: str
    printer: str | None
    auto_print: bool


def desk_setting(db: sqlite3.Connection, desk: str) -> DeskSetting:
    """A desk's setting; desks never configured print by hand on the default printer."""
    row = db.execute(
        "SELECT printer, auto_print FROM desk_print WHERE desk = ?", (desk,)
    ).fetchone()
    return DeskSetting(desk, row[0], bool(row[1])) if row else DeskSetting(desk, None, False)


def set_desk(db: sqlite3.Connection, desk: str, printer: str | None, auto_print: bool) -> None:
    """Chooses a desk's printer and auto-print (inside the caller's transaction)."""
    desk = " ".join(desk.split())
    if not 1 <= len(desk) <= 40:
        raise SetupError(gettext("A desk name is 1 to 40 characters."))
    if printer and printer_url(db, printer) is None:
        raise SetupError(gettext("No printer is named %(name)s.", name=printer))
    db.execute(
        "INSERT INTO desk_print (desk, printer, auto_print) VALUES (?, ?, ?) ON CONFLICT (desk)"
        " DO UPDATE SET printer = excluded.printer, auto_print = excluded.auto_print",
        (desk, printer or None, int(auto_print)),
    )


def desks(db: sqlite3.Connection) -> list[DeskSetting]:
    """Every desk with a setting or a scan on this machine, by name."""
    rows = db.execute(
        "SELECT desk FROM desk_print UNION SELECT DISTINCT desk FROM scan WHERE desk != ''"
        " ORDER BY 1"
    ).fetchall()
    return [desk_setting(db, r[0]) for r in rows]


def choose_printer(db: sqlite3.Connection, named: str | None, desk: str) -> str | None:
    """The printer a job goes to: the one named, else the desk's, else the default."""
    if named:
        return named if printer_url(db, named) is not None else None
    chosen = desk_setting(db, desk).printer if desk else None
    if chosen and printer_url(db, chosen) is not None:
        return chosen
    row = db.execute("SELECT name FROM printer WHERE is_default = 1").fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class Health:
    """One printer as the supervisor sees it."""

    name: str
    url: str
    is_default: bool
    last_success_at: str | None
    last_error: str
    last_error_at: str | None
    failures: int
    queued: int
    failed: int

    @property
    def ok(self) -> bool:
        """Working: no error since its last success."""
        return not self.last_error or (self.last_success_at or "") > (self.last_error_at or "")


_HEALTH_SQL = """
SELECT p.name, p.url, p.is_default, p.last_success_at, p.last_error, p.last_error_at,
       p.failures,
       (SELECT count(*) FROM print_job j WHERE j.printer = p.name
          AND j.status IN ('queued', 'sending')),
       (SELECT count(*) FROM print_job j WHERE j.printer = p.name AND j.status = 'failed'
          AND j.cancelled = 0)
FROM printer p ORDER BY p.is_default DESC, p.name
"""


def health(db: sqlite3.Connection) -> list[Health]:
    """Every printer: last success, last error, jobs waiting and jobs failed."""
    return [Health(r[0], r[1], bool(r[2]), *r[3:]) for r in db.execute(_HEALTH_SQL)]


def record_success(db: sqlite3.Connection, name: str, now: datetime) -> None:
    """The printer took a job: it works again."""
    db.execute("UPDATE printer SET last_success_at = ?, failures = 0 WHERE name = ?",
               (iso(now), name))  # fmt: skip


def record_failure(db: sqlite3.Connection, name: str, message: str, now: datetime) -> None:
    """The printer failed a job: keep the technician's message for the admin screen."""
    db.execute(
        "UPDATE printer SET last_error = ?, last_error_at = ?, failures = failures + 1"
        " WHERE name = ?",
        (message[:500], iso(now), name),
    )
