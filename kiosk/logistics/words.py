"""The words people read for logistics codes (categories, places, states), in their language.

Ops and the API carry the codes; screens, the day log and its exports translate them here, so
a report made in Bahasa Indonesia reads in English at head office.
"""

from __future__ import annotations

from flask_babel import get_timezone, get_translations, gettext, ngettext

from kiosk.desk.messages import clock_time
from kiosk.logistics import rules


def category_label(code: str) -> str:
    """An incident category."""
    return {"av": gettext("AV"), "catering": gettext("Catering"),
            "facilities": gettext("Facilities"), "printing": gettext("Printing"),
            "security": gettext("Security"), "medical": gettext("Medical"),
            "other": gettext("Other")}.get(code, code)  # fmt: skip


def area_label(code: str) -> str:
    """A place that is no room."""
    return {"registration": gettext("Registration"), "lobby": gettext("Lobby"),
            "exhibition": gettext("Exhibition hall"), "loading_dock": gettext("Loading dock"),
            "backstage": gettext("Backstage"),
            "outside": gettext("Outside")}.get(code, code)  # fmt: skip


def severity_label(code: str) -> str:
    """An incident's severity."""
    return {"urgent": gettext("Urgent"), "normal": gettext("Normal"),
            "low": gettext("Low")}.get(code, code)  # fmt: skip


def status_label(code: str) -> str:
    """An incident's or a delivery's state."""
    return {"open": gettext("Open"), "assigned": gettext("Assigned"),
            "resolved": gettext("Resolved"), "expected": gettext("Expected"),
            "arrived": gettext("Arrived"), "late": gettext("Late"),
            "cancelled": gettext("Cancelled")}.get(code, code)  # fmt: skip


def place_label(row: object) -> str:
    """Where an incident is: its room's name, its area, or nothing."""
    room = row["room_name"]  # type: ignore[index]
    return room or area_label(row["area"]) if (room or row["area"]) else ""  # type: ignore[index]


def notes_label(count: int) -> str:
    """How many notes an incident has."""
    return ngettext("%(num)d note", "%(num)d notes", count)


def age_label(minutes: int) -> str:
    """How long something has been open: "12 min", "1 h 05 min"."""
    if minutes < 60:
        return gettext("%(m)d min", m=minutes)
    return gettext("%(h)d h %(m)02d min", h=minutes // 60, m=minutes % 60)


class Labels:
    """Every label a long list needs, translated once per page rather than once per row."""

    def __init__(self) -> None:
        self.category = {c: category_label(c) for c in rules.CATEGORIES}
        self.area = {a: area_label(a) for a in rules.AREAS}
        self._found = found = get_translations()  # msgids as written, before any formatting
        self._minutes = found.gettext("%(m)d min")
        self._hours = found.gettext("%(h)d h %(m)02d min")
        self._zone = get_timezone()

    def place(self, room_name: str, area: str) -> str:
        """Where an incident is: its room's name, its area, or ''."""
        return room_name or self.area.get(area, area)

    def time(self, iso_utc: str) -> str:
        """A stored UTC time as the venue's clock time (like `when`)."""
        return clock_time(iso_utc, self._zone)

    def notes(self, count: int) -> str:
        """How many notes, like notes_label."""
        return self._found.ngettext("%(num)d note", "%(num)d notes", count) % {"num": count}

    def age(self, minutes: int) -> str:
        """Like age_label."""
        if minutes < 60:
            return self._minutes % {"m": minutes}
        return self._hours % {"h": minutes // 60, "m": minutes % 60}


def refusal_message(code: str) -> str:
    """What a person reads for a form the checks refused."""
    return {"bad_title": gettext("Say in a few words what happened."),
            "bad_photo": gettext("That file is not a photo. Take the photo again."),
            "bad_assignee": gettext("Pick the person who takes this on."),
            "bad_due_at": gettext("Give the due date and time."),
            "bad_vendor": gettext("Give the vendor's name."),
            "bad_what": gettext("Say what is delivered."),
            "bad_name": gettext("Give the vendor's name.")}.get(
        code, gettext("Check the form and try again."))  # fmt: skip


JINJA = {"category_label": category_label, "area_label": area_label,
         "severity_label": severity_label, "status_label": status_label,
         "place_label": place_label, "age_label": age_label, "rules": rules,
         "Labels": Labels}  # fmt: skip
