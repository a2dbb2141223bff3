"""Staff sessions, kept on the server: a sign-in, its idle limit, signing out everywhere.

The browser holds only a random id; the database keeps its hash, so a copied database opens no
session. Who may sign in (PINs, throttling) is kiosk.auth.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime, timedelta

from kiosk import clock
from kiosk.auth import PIN_PREFIX, Principal, plausible, token_hash
from kiosk.db import transaction

SEEN_EVERY = timedelta(minutes=1)  # a session's last use is written at most once a minute


def start_session(db: sqlite3.Connection, staff_id: int, now: datetime | None = None) -> str:
    """A new sign-in; returns the id for the browser's cookie (only its hash is kept)."""
    sid = secrets.token_urlsafe(32)
    stamp = (now or clock.now()).isoformat(timespec="seconds")
    with transaction(db):
        db.execute("INSERT INTO staff_session (id_hash, staff_id, created_at, seen_at)"
                   " VALUES (?, ?, ?, ?)", (token_hash(sid), staff_id, stamp, stamp))  # fmt: skip
    return sid


def session_principal(
    db: sqlite3.Connection, sid: str, idle: timedelta, now: datetime | None = None
) -> Principal | None:
    """The staff member of a live session: not signed out, not idle longer than `idle`, not
    disabled. An idle session is ended here."""
    if not plausible(sid):
        return None
    now = now or clock.now()
    row = db.execute(
        "SELECT s.seen_at, t.staff_id, t.name, t.role FROM staff_session s"
        " JOIN staff t ON t.staff_id = s.staff_id AND t.disabled = 0 WHERE s.id_hash = ?",
        (token_hash(sid),),
    ).fetchone()
    if row is None:
        return None
    seen = datetime.fromisoformat(row["seen_at"])
    if now - seen > idle:
        end_session(db, sid)
        return None
    if now - seen >= SEEN_EVERY:
        try:
            with transaction(db):
                db.execute("UPDATE staff_session SET seen_at = ? WHERE id_hash = ?",
                           (now.isoformat(timespec="seconds"), token_hash(sid)))  # fmt: skip
        except sqlite3.OperationalError:
            pass  # a full disk or a long lock: the page still shows, the minute is not noted
    return Principal(row["name"], row["role"], "staff", row["staff_id"])


def end_session(db: sqlite3.Connection, sid: str) -> None:
    """Signs one browser out: its cookie opens nothing any more."""
    with transaction(db):
        db.execute("DELETE FROM staff_session WHERE id_hash = ?", (token_hash(sid),))


def end_sessions(db: sqlite3.Connection, name: str) -> int:
    """Signs a staff member out everywhere (a lost tablet, a PIN seen); how many ended."""
    with transaction(db):
        cur = db.execute(
            "DELETE FROM staff_session"
            " WHERE staff_id = (SELECT staff_id FROM staff WHERE name = ?)",
            (name.strip(),),
        )
    return cur.rowcount


def staff_overview(db: sqlite3.Connection, idle: timedelta, now: datetime | None = None) -> list:
    """Each staff member with their live sessions and whether PIN guesses hold them back."""
    now = now or clock.now()
    since = (now - idle).isoformat(timespec="seconds")
    return db.execute(
        "SELECT t.name, t.role, t.disabled,"
        " (SELECT count(*) FROM staff_session s WHERE s.staff_id = t.staff_id"
        "  AND s.seen_at >= ?3) AS sessions,"
        " (SELECT max(locked_until) FROM auth_failure f"
        "  WHERE substr(f.key, 1, length(?1 || t.staff_id || '|')) = ?1 || t.staff_id || '|'"
        "  AND f.locked_until > ?2) AS held_until"
        " FROM staff t ORDER BY t.name",
        (PIN_PREFIX, now.isoformat(), since),
    ).fetchall()
