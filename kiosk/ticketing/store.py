"""This machine's connections: settings (with the token), cursors, last pull, push and error.

Local tables, never synced: a token is a secret of the machine that was given it, and each
machine keeps its own place in each system's feed.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kiosk.ticketing import records

SECRET_SETTINGS = ("token",)  # never printed, logged or shown


class SetupError(ValueError):
    """A connection that cannot be added; the message says what to fix."""


@dataclass(frozen=True)
class Connection:
    """One connection as `kiosk ticketing` and the supervisor's screen show it."""

    name: str
    kind: str
    settings: dict[str, str]
    cursor: dict[str, Any]
    last_pull_at: str | None
    last_push_at: str | None
    last_error: str
    last_error_at: str | None
    auth_failed: bool
    refused: int = 0  # pushes the system refused

    @property
    def scope(self) -> str:
        """The event in its system, the same at every machine: organizer/event (pretix), the
        server and event (Indico: event numbers repeat across servers), or the event id."""
        if self.kind == "indico":
            return f"{urlsplit(self.settings.get('url', '')).netloc}/{self.settings['event']}"
        return "/".join(self.settings[k] for k in ("organizer", "event") if self.settings.get(k))

    @property
    def source(self) -> str:
        """What the attendees of this event carry in their `source` field (kind:scope)."""
        return f"{self.kind}:{self.scope}"

    def shown_settings(self) -> dict[str, str]:
        """The settings without the token."""
        return {k: v for k, v in self.settings.items() if k not in SECRET_SETTINGS and v}


def add(db: sqlite3.Connection, kind: str, name: str, settings: dict[str, str], now: str) -> None:
    """Adds or replaces a connection; replacing keeps its cursor (a new token, same event)."""
    name = name.strip()
    if not name or len(name) > 80:
        raise SetupError("a connection needs a name of 1 to 80 characters")
    if kind not in records.KINDS:
        raise SetupError(
            f"unknown ticketing system {kind!r}: one of {', '.join(sorted(records.KINDS))}"
        )
    try:
        records.KINDS[kind](settings)  # a factory refuses settings it cannot use
    except records.TicketingError as exc:
        raise SetupError(exc.words) from None
    except (KeyError, ValueError) as exc:
        raise SetupError(f"{kind} settings are not usable: {exc}") from None
    old = db.execute("SELECT kind, settings FROM ticketing_connection WHERE name = ?", (name,))
    row = old.fetchone()
    same_event = (
        row is not None
        and row["kind"] == kind
        and _event(json.loads(row["settings"])) == _event(settings)
    )
    db.execute(
        "INSERT INTO ticketing_connection (name, kind, settings, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, settings = excluded.settings,"
        " last_error = '', last_error_at = NULL, auth_failed = 0",
        (name, kind, json.dumps(settings, sort_keys=True), now),
    )
    if row is not None and not same_event:  # another event: start its feed from the beginning
        db.execute("UPDATE ticketing_connection SET cursor = '{}' WHERE name = ?", (name,))
        db.execute("DELETE FROM ticketing_ticket WHERE connection = ?", (name,))


def _event(settings: dict[str, str]) -> tuple[str, ...]:
    return tuple(settings.get(k, "") for k in ("url", "organizer", "event"))


def remove(db: sqlite3.Connection, name: str) -> bool:
    """Forgets a connection and its local state; the attendees it brought stay."""
    return db.execute("DELETE FROM ticketing_connection WHERE name = ?", (name,)).rowcount > 0


def _of(row: sqlite3.Row) -> Connection:
    refused = row["refused"] if "refused" in row.keys() else 0  # noqa: SIM118 (a Row)
    return Connection(row["name"], row["kind"], json.loads(row["settings"]),
                      json.loads(row["cursor"]), row["last_pull_at"], row["last_push_at"],
                      row["last_error"], row["last_error_at"], bool(row["auth_failed"]),
                      refused)  # fmt: skip


def all_connections(db: sqlite3.Connection) -> list[Connection]:
    """Every connection, by name, with how many of its pushes pretix refused."""
    rows = db.execute(
        "SELECT c.*, (SELECT count(*) FROM ticketing_push p WHERE p.connection = c.name"
        " AND p.accepted = 0) AS refused FROM ticketing_connection c ORDER BY c.name"
    )
    return [_of(r) for r in rows]


def get(db: sqlite3.Connection, name: str) -> Connection | None:
    """One connection by name, or None."""
    row = db.execute("SELECT * FROM ticketing_connection WHERE name = ?", (name,)).fetchone()
    return _of(row) if row else None


def mark_pulled(db: sqlite3.Connection, name: str, cursor: dict[str, Any], now: str) -> None:
    """A pull finished: keep the system's cursor for the next one; the error is gone."""
    db.execute(
        "UPDATE ticketing_connection SET cursor = ?, last_pull_at = ?, last_error = '',"
        " last_error_at = NULL, auth_failed = 0 WHERE name = ?",
        (json.dumps(cursor, sort_keys=True), now, name),
    )


def mark_pushed(db: sqlite3.Connection, name: str, now: str) -> None:
    """A push finished (all that was waiting went out)."""
    db.execute(
        "UPDATE ticketing_connection SET last_push_at = ?, last_error = '', last_error_at = NULL,"
        " auth_failed = 0 WHERE name = ?",
        (now, name),
    )


def mark_failed(db: sqlite3.Connection, name: str, error: records.TicketingError, now: str) -> None:
    """The system could not be reached or refused the token: the words, for the supervisor."""
    db.execute(
        "UPDATE ticketing_connection SET last_error = ?, last_error_at = ?, auth_failed = ?"
        " WHERE name = ?",
        (error.words[:500], now, int(error.auth), name),
    )
