"""The supervisor's printers screen: each printer's health, desks' print settings, failed jobs.

Every action is a plain form post (303 back to the screen); htmx swaps just the section.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from kiosk import auth, clock, staff_sessions
from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.views.staff import staff_required
from kiosk.web import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _template() -> str:
    if request.headers.get("HX-Request") != "true":
        return "admin/printers.html"
    return "admin/_health.html" if request.args.get("part") == "health" else "admin/_printers.html"


def _render(status: int = 200) -> Response:
    db = get_db()
    failed, retrying = printing.failed_jobs(db), printing.retrying_jobs(db)
    held = printing.held_jobs(db)
    names = {j.attendee_id: f"{r['first_name']} {r['last_name']}".strip()
             for j in failed + retrying + held
             if (r := attendees.get(db, j.attendee_id)) is not None}  # fmt: skip
    response = Response(render_template(_template(), printers=print_setup.health(db),
                                        desks=print_setup.desks(db), failed=failed,
                                        retrying=retrying, held=held, names=names,
                                        badge_folder=_badge_folder(db)),
                        status=status)  # fmt: skip
    response.headers["Vary"] = "HX-Request"
    return response


def _badge_folder(db: sqlite3.Connection) -> Path:
    """The example folder for file:// printers: one the kiosk accepts, next to the database."""
    return Path(print_setup.database_file(db)).resolve().parent / "badges"


def _done(message: str | None, category: str = "ok") -> Any:
    if message:
        flash(message, category)
    if request.headers.get("HX-Request") != "true":
        return redirect(url_for(".printers"), 303)
    return _render()


@bp.get("/printers")
@staff_required("settings")
def printers() -> Response:
    """Printers with health, desks, failed jobs; the section refreshes itself every 5 s."""
    return _render()


def _setup(change: Any, success: str) -> Any:
    db = get_db()
    try:
        with transaction(db):
            change(db)
    except print_setup.SetupError as exc:
        return _done(str(exc), "error")
    return _done(success)


@bp.post("/printers")
@staff_required("settings")
def add_printer() -> Any:
    """Adds or replaces a printer by name and URL."""
    name, url = request.form.get("name", "")[:80], request.form.get("url", "")[:500]
    default = bool(request.form.get("default"))
    now = clock.now()
    return _setup(lambda db: print_setup.add_printer(db, name, url, default=default, now=now),
                  gettext("Printer %(name)s saved.", name=name.strip()))  # fmt: skip


@bp.post("/printers/default")
@staff_required("settings")
def set_default() -> Any:
    """Makes a printer the default for desks without their own."""
    name = request.form.get("name", "")[:80]
    return _setup(lambda db: print_setup.set_default(db, name),
                  gettext("%(name)s is now the default printer.", name=name))  # fmt: skip


@bp.post("/printers/remove")
@staff_required("settings")
def remove_printer() -> Any:
    """Forgets a printer."""
    name = request.form.get("name", "")[:80]
    return _setup(lambda db: print_setup.remove_printer(db, name),
                  gettext("Printer %(name)s removed.", name=name))  # fmt: skip


@bp.post("/desks")
@staff_required("settings")
def set_desk() -> Any:
    """A desk's printer and whether a first check-in prints the badge by itself."""
    desk = request.form.get("desk", "")[:80]
    printer = request.form.get("printer", "")[:80] or None
    auto = bool(request.form.get("auto_print"))
    return _setup(lambda db: print_setup.set_desk(db, desk, printer, auto),
                  gettext("Desk %(desk)s saved.", desk=" ".join(desk.split())))  # fmt: skip


@bp.post("/print-jobs/<job_id>/retry")
@staff_required("settings")
def retry(job_id: str) -> Any:
    """Sends a failed job again."""
    if printing.retry(get_db(), job_id, clock.now()):
        return _done(gettext("The badge is queued again."))
    return _done(gettext("That job is not failed any more."), "warn")


@bp.post("/print-jobs/<job_id>/cancel")
@staff_required("settings")
def cancel(job_id: str) -> Any:
    """Gives up on a waiting or failed job."""
    if printing.cancel(get_db(), job_id, g.principal.name, clock.now()):
        return _done(gettext("Print job cancelled."))
    return _done(gettext("That job is already printing or done."), "warn")


def _staff_idle() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_SESSION_MINUTES"])


@bp.get("/staff")
@staff_required("settings")
def staff() -> Response:
    """Staff members with their live sign-ins and whether wrong PINs hold them back."""
    overview = staff_sessions.staff_overview(get_db(), _staff_idle())
    return Response(render_template("admin/staff.html", staff=overview))


@bp.post("/staff/sign-out")
@staff_required("settings")
def sign_out_everywhere() -> Any:
    """Ends every sign-in of a staff member, on every device."""
    name = request.form.get("name", "")[:80]
    count = staff_sessions.end_sessions(get_db(), name)
    flash(
        ngettext(
            "%(name)s is signed out on %(num)s device.",
            "%(name)s is signed out on %(num)s devices.",
            count,
            name=name,
        ),
        "ok",
    )
    return redirect(url_for(".staff"), 303)


@bp.post("/staff/unlock")
@staff_required("settings")
def unlock() -> Any:
    """Lets a staff member try their PIN again at once, on every device."""
    name = request.form.get("name", "")[:80]
    auth.unlock(get_db(), name)
    flash(gettext("%(name)s may try their PIN again.", name=name), "ok")
    return redirect(url_for(".staff"), 303)
