"""What a report, an update or a delivery must hold before it becomes an op.

The API and the forms hand in the same plain mappings, so both refuse alike: a Refusal with a
stable machine code (for programs and tests) and a sentence in English (the API's message;
screens show their own translated words by code).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.logistics import rules

ID = 100  # characters of a room id, an area or a person's name


class Refusal(ValueError):
    """Input that cannot be recorded. `code` is for programs, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _text(data: Mapping[str, Any], key: str, limit: int, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise Refusal(f"bad_{key}", f"{key} must be a non-empty string.")
    if len(value) > limit:
        raise Refusal(f"bad_{key}", f"{key} must be at most {limit} characters.")
    return rules.clean_text(value, limit)


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise Refusal(f"bad_{key}", f"{key} must be one of {', '.join(allowed)}.")
    return value


def report(data: Mapping[str, Any]) -> dict[str, str]:
    """The fields of a new incident; the place and category may be left out."""
    fields = {"title": _text(data, "title", rules.TITLE, required=True),
              "room_id": _text(data, "room_id", ID) or "",
              "area": _choice(data, "area", rules.AREAS) or "",
              "category": _choice(data, "category", rules.CATEGORIES) or "other",
              "severity": _choice(data, "severity", rules.SEVERITIES) or "normal"}  # fmt: skip
    return fields  # type: ignore[return-value]


def update(data: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(status, assignee, note) of a supervisor's change; at least one must be there."""
    status = _choice(data, "status", rules.INCIDENT_STATUSES)
    assignee, note = _text(data, "assignee", ID), _text(data, "note", rules.NOTE)
    if status is None and assignee is None and not note:
        raise Refusal("bad_request", "Send a status, an assignee or a note.")
    if status == "assigned" and not assignee:
        raise Refusal("bad_assignee", "An assigned incident needs an assignee.")
    return status, assignee, note or None


def due_time(text: object, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time; one without an offset is the venue's local time."""
    if not isinstance(text, str):
        raise Refusal("bad_due_at", "due_at must be an ISO 8601 time.")
    try:
        found = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Refusal("bad_due_at", "due_at must be an ISO 8601 time.") from None
    return (found if found.tzinfo else found.replace(tzinfo=zone)).astimezone(UTC)


def delivery(data: Mapping[str, Any], zone: ZoneInfo) -> tuple[dict[str, str], datetime]:
    """The fields of a new delivery and its due time (UTC)."""
    due = due_time(data.get("due_at"), zone)
    fields = {"vendor": _text(data, "vendor", rules.TITLE, required=True),
              "what": _text(data, "what", rules.TITLE, required=True),
              "room_id": _text(data, "room_id", ID) or "",
              "contact": _text(data, "contact", rules.TITLE) or ""}  # fmt: skip
    return fields, due  # type: ignore[return-value]


def mark(data: Mapping[str, Any]) -> tuple[str, str | None]:
    """(status, note) of a delivery's mark."""
    status = _choice(data, "status", rules.MARKS)
    if status is None:
        raise Refusal("bad_status", f"status must be one of {', '.join(rules.MARKS)}.")
    return status, _text(data, "note", rules.NOTE)


def vendor(data: Mapping[str, Any]) -> dict[str, str]:
    """A vendor's name, service, contact person and phone."""
    fields = {"name": _text(data, "name", rules.TITLE, required=True)}
    for key in ("service", "contact", "phone"):
        fields[key] = _text(data, key, rules.TITLE) or ""
    return fields  # type: ignore[return-value]
