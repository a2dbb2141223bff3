"""The self-service screen's visit: which device, which step, and whether it is locked.

The routes that use it are in kiosk/views/selfservice.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    current_app,
    g,
    session,
)
from flask_babel import format_time, gettext

from kiosk import clock
from kiosk.desk import attendees
from kiosk.desk import selfservice as rules
from kiosk.desk.event import load as load_event
from kiosk.web import get_db


def screen_device() -> str:
    """Whose visit: this screen's token, so one screen's visit never shows on another."""
    return rules.device_of(g.principal)


def idle_after() -> timedelta:
    """How long a visit may sit untouched before the screen starts over."""
    return timedelta(seconds=current_app.config["SELFSERVICE_IDLE_SECONDS"])


def current_visit() -> rules.Visit | None:
    """The visit this screen is in; None once it timed out or never began."""
    return rules.get(get_db(), session.get("visit"), screen_device(), idle_after())


def begin_visit(step: str, result: str = "", attendee_id: str = "", job_id: str = "") -> None:
    """Start the screen's next step; the visit is kept in the session and the database."""
    session["visit"] = rules.start(get_db(), screen_device(), step, result, attendee_id, job_id)


def visit_context(visit: rules.Visit) -> dict[str, Any]:
    """What the page of the visit's step shows: name, today's sessions, the lock."""
    db = get_db()
    row = attendees.get(db, visit.attendee_id) if visit.attendee_id else None
    context: dict[str, Any] = {"visit": visit, "first_name": row["first_name"] if row else ""}
    if visit.step == "done" and row is not None:
        today = load_event(db).local_date(clock.now())
        context["sessions"] = rules.sessions_on(db, visit.attendee_id, today)
        context["clock"] = clock_time
    if visit.step == "refused":
        context["lock"] = lock_text()
    return context


def clock_time(iso_utc: str) -> str:
    """A stored UTC time as the venue's clock time, written the way the language writes it."""
    return format_time(datetime.fromisoformat(iso_utc.replace("Z", "+00:00")), "short")


def lock_text() -> str:
    """'' or the sentence that says until when this screen refuses lookups."""
    until = locked_until()
    return "" if until is None else lock_sentence(until)


def lock_sentence(until: datetime) -> str:
    """What a locked screen (or its API answer) says: until when it refuses lookups."""
    return gettext("Too many tries on this screen. Please try again after %(time)s, or see the"
                   " registration desk.", time=format_time(until, "short"))  # fmt: skip


def locked_until() -> datetime | None:
    """Until when this screen refuses lookups after too many tries (None: it does not)."""
    return rules.device_locked(get_db(), screen_device(), current_app.config)
