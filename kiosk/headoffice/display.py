"""How the fleet console words times: "3 min ago" at a glance, the exact time on hover."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext


def parse(iso: str) -> datetime | None:
    """An ISO 8601 UTC time as head office writes it, or None if it is not one."""
    try:
        at = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def ago(iso: str | None, now: datetime) -> str:
    """How long ago, in the coarsest unit that still tells (a time ahead reads "just now")."""
    at = parse(iso or "")
    if at is None:
        return gettext("never")
    seconds = int((now - at).total_seconds())
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        return gettext("%(num)d min ago", num=seconds // 60)
    if seconds < 86400:
        return gettext("%(num)d h ago", num=seconds // 3600)
    return gettext("%(num)d d ago", num=seconds // 86400)


def exact(iso: str | None, timezone: str) -> str:
    """The time in the event's own zone, with the zone's abbreviation."""
    at = parse(iso or "")
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S %Z")


def offset(ms: int | None) -> str:
    """A clock's offset from head office's, signed, in seconds (or minutes when large)."""
    if ms is None:
        return gettext("unknown")
    sign = "+" if ms >= 0 else "−"
    if abs(ms) >= 120_000:
        return f"{sign}{abs(ms) // 60_000} min"
    tenths = round(abs(ms) / 100)
    return f"{sign if tenths else ''}{tenths / 10:.1f} s"  # not "−0.0 s" for a few ms behind
