"""Head office's bearer tokens: a sync token reaches one event; a supervisor's, the console.

Only a hash of each token is stored; a token is shown once, when it is made.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from kiosk.auth import plausible, token_hash
from kiosk.headoffice.database import Database
from sync.peers import now_iso

ROLES = ("sync", "supervisor")


@dataclass(frozen=True)
class Holder:
    """Who a valid token speaks for."""

    token_id: int
    role: str
    name: str
    event_id: int | None  # a sync token's event; None: a supervisor of every event


def create(db: Database, role: str, name: str, event_id: int | None) -> str:
    """A new token (shown once); a sync token needs its event."""
    if role not in ROLES:
        raise ValueError(f"role is one of {', '.join(ROLES)}")
    if role == "sync" and event_id is None:
        raise ValueError("a sync token reaches one event: name it")
    token = "kh_" + secrets.token_urlsafe(32)
    with db.transaction():
        db.execute(
            "INSERT INTO token (event_id, role, name, secret_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (event_id, role, name.strip() or role, token_hash(token), now_iso()),
        )
    return token


def holder(db: Database, token: str) -> Holder | None:
    """The holder of a token that is valid and not revoked, else None."""
    if not plausible(token):
        return None
    row = db.execute(
        "SELECT token_id, role, name, event_id FROM token"
        " WHERE secret_hash = ? AND revoked_at IS NULL",
        (token_hash(token),),
    ).fetchone()
    return Holder(*row) if row else None


def live(db: Database, token_id: int) -> Holder | None:
    """The holder of token `token_id` while it is not revoked (a console session's check)."""
    row = db.execute(
        "SELECT token_id, role, name, event_id FROM token"
        " WHERE token_id = ? AND revoked_at IS NULL",
        (token_id,),
    ).fetchone()
    return Holder(*row) if row else None


def revoke(db: Database, token_id: int) -> bool:
    """Revokes a token: its device can sync no more. False if none was live."""
    with db.transaction():
        done = db.execute(
            "UPDATE token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
            (now_iso(), token_id),
        ).rowcount
    return bool(done)
