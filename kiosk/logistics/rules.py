"""The logistics rules as plain functions: what a value may be, what is late, what comes first.

Nothing here reads the database or the clock: callers pass `now` (the app's clock), so tests
pin it and the board, the API and the day log all decide alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.replication import shapes

CATEGORIES = ("av", "catering", "facilities", "printing", "security", "medical", "other")
SEVERITIES = ("urgent", "normal", "low")  # in the board's order
INCIDENT_STATUSES = ("open", "assigned", "resolved")
DELIVERY_STATUSES = ("expected", "arrived", "late", "cancelled")
MARKS = ("arrived", "late", "cancelled")  # what a person may set; "expected" is the start
# Places that are no room of the schedule: the report form offers them beside the rooms.
AREAS = ("registration", "lobby", "exhibition", "loading_dock", "backstage", "outside")
TITLE = 200  # characters of an incident's text or a delivery's description
NOTE = 1000


def one_of(values: tuple[str, ...]) -> shapes.Check:
    """A payload value that must be one of `values` (or '' where a field is cleared)."""

    def check(value: object) -> str | None:
        if value in values:
            return None
        return f"must be one of {', '.join(values)}"

    return check


def parse_utc(text: str) -> datetime | None:
    """A stored `*_at` value as an aware datetime; None for '' or text that is no time."""
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=UTC)


def delivery_state(status: str, due_at: str, now: datetime) -> str:
    """A delivery's status as people see it: still expected after its due time is late."""
    due = parse_utc(due_at)
    if status == "expected" and due is not None and due < now:
        return "late"
    return status


def minutes_late(due_at: str, arrived_at: str) -> int:
    """How many whole minutes after its due time a delivery arrived (0: on time)."""
    due, came = parse_utc(due_at), parse_utc(arrived_at)
    if due is None or came is None or came <= due:
        return 0
    return int((came - due).total_seconds() // 60)


def minutes_open(reported_at: str, now: datetime) -> int:
    """Whole minutes since an incident was reported (0 for a clock behind the reporter's)."""
    reported = parse_utc(reported_at)
    if reported is None:
        return 0
    return max(0, int((now - reported).total_seconds() // 60))


def severity_rank(severity: str) -> int:
    """Urgent first, then normal, then low; anything unknown last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def clean_text(text: object, limit: int) -> str:
    """One line of text as a person typed it: spaces folded, cut at `limit`."""
    return " ".join(str(text or "").split())[:limit]
