"""Sentences for people about scan results: short, and saying what to do next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from flask_babel import get_timezone, gettext

from kiosk.desk.checkin import Decision, Result


def clock_time(iso_utc: str, zone: tzinfo) -> str:
    """A stored UTC time as a clock time (HH:MM) in `zone`; text that is no time as it is."""
    try:
        moment = datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return iso_utc
    return moment.astimezone(zone).strftime("%H:%M")


def when(iso_utc: str) -> str:
    """A stored UTC time as the venue's local clock time (the app's time zone)."""
    return clock_time(iso_utc, get_timezone())


def scan_message(
    decision: Decision,
    first_name: str = "",
    *,
    gettext: Callable[..., str] = gettext,
    clock: Callable[[str], str] = when,
) -> str:
    """The sentence under the result's headline.

    `gettext` and `clock` (UTC text to venue time) default to the request's;
    the scanners' fast path (kiosk.views.api_scan) passes its own.
    """
    result = decision.result
    if result is Result.CHECKED_IN:
        return gettext("Welcome, %(name)s! Hand over the badge.", name=first_name)
    if result is Result.ALREADY_CHECKED_IN:
        previous = decision.previous
        if previous is None:
            return gettext("Already checked in today.")
        return gettext(
            "Already checked in today at %(time)s at %(desk)s. Possible shared ticket: check ID.",
            time=clock(previous.at),
            desk=previous.desk or gettext("another desk"),
        )
    if result is Result.CANCELLED:
        return gettext("This ticket was cancelled. Please send the person to the help desk.")
    if result is Result.NOT_VALID_NOW:
        return gettext("This ticket is not valid today. Please send the person to the help desk.")
    if result is Result.BLOCKED:
        return gettext("Do not admit: %(note)s", note=decision.note)
    if decision.note:  # e.g. a signed ticket whose signature did not verify
        return gettext("Unknown code: %(note)s", note=decision.note)
    return gettext("Unknown code. Search by name, or send the person to the help desk.")


def headline(result: Result) -> str:
    """The big words of the result panel."""
    return {
        Result.CHECKED_IN: gettext("Checked in"),
        Result.ALREADY_CHECKED_IN: gettext("Already checked in"),
        Result.CANCELLED: gettext("Cancelled ticket"),
        Result.NOT_VALID_NOW: gettext("Not valid today"),
        Result.BLOCKED: gettext("Blocked"),
        Result.UNKNOWN_CODE: gettext("Unknown code"),
    }[result]


def tone(result: Result) -> str:
    """green / amber / red: the panel's colour, always beside an icon and words."""
    if result is Result.CHECKED_IN:
        return "ok"
    if result is Result.ALREADY_CHECKED_IN:
        return "warn"
    return "error"
