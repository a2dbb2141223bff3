"""Self-service screens' sessions: a screen bound with a device token gets its own cookie.

Revoking the screen (or its token) ends it; the admin page lists every screen and when it was
last seen. Only a hash of the cookie's random value is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk import clock
from kiosk.auth import Principal
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso

SEEN_EVERY = timedelta(minutes=1)  # how often a screen's last_seen_at is written


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def bind_screen(db: sqlite3.Connection, principal: Principal, old: str = "",
                now: datetime | None = None) -> str:  # fmt: skip
    """A new session for a screen bound with `principal`'s token: the cookie's random value.
    The browser's `old` session, if it had one, ends (a rebound screen is listed once)."""
    secret = "ks_" + secrets.token_urlsafe(32)
    at = utc_iso(now or clock.now())
    with transaction(db):
        db.execute("UPDATE screen_session SET revoked_at = ? WHERE secret_hash = ?"
                   " AND revoked_at IS NULL", (at, _secret_hash(old)))  # fmt: skip
        db.execute(
            "INSERT INTO screen_session (secret_hash, token_id, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?)",
            (_secret_hash(secret), principal.ident, at, at),
        )
    return secret


def screen_principal(db: sqlite3.Connection, secret: str,
                     now: datetime | None = None) -> Principal | None:  # fmt: skip
    """The screen's token device, while neither the session nor the token is revoked."""
    if not secret or len(secret) > 200:
        return None
    row = db.execute(
        "SELECT s.session_id, s.last_seen_at, t.token_id, t.name, t.role FROM screen_session s"
        " JOIN api_token t ON t.token_id = s.token_id AND t.revoked_at IS NULL"
        " WHERE s.secret_hash = ? AND s.revoked_at IS NULL AND t.role = 'selfservice'",
        (_secret_hash(secret),),
    ).fetchone()
    if row is None:
        return None
    now = now or clock.now()
    if row["last_seen_at"] < utc_iso(now - SEEN_EVERY):
        with transaction(db):
            db.execute("UPDATE screen_session SET last_seen_at = ? WHERE session_id = ?",
                       (utc_iso(now), row["session_id"]))  # fmt: skip
    return Principal(row["name"], row["role"], "token", row["token_id"])


@dataclass(frozen=True)
class Screen:
    """A bound screen as the supervisor sees it."""

    session_id: int
    name: str
    created_at: str
    last_seen_at: str


def screens(db: sqlite3.Connection) -> list[Screen]:
    """Every screen session still open, newest first."""
    rows = db.execute(
        "SELECT s.session_id, t.name, s.created_at, s.last_seen_at FROM screen_session s"
        " JOIN api_token t ON t.token_id = s.token_id AND t.revoked_at IS NULL"
        " WHERE s.revoked_at IS NULL ORDER BY s.session_id DESC"
    ).fetchall()
    return [Screen(*r) for r in rows]


def revoke_screen(db: sqlite3.Connection, session_id: int, now: datetime | None = None) -> bool:
    """Ends one screen's session (the token and other screens go on); True if it was open."""
    with transaction(db):
        cur = db.execute(
            "UPDATE screen_session SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL",
            (utc_iso(now or clock.now()), session_id),
        )
    return cur.rowcount == 1
