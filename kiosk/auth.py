"""Who may do what: API tokens and staff PINs (both stored hashed), roles, and throttling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk import clock
from kiosk.db import transaction

ROLES = ("desk", "supervisor", "selfservice", "signage", "sync")
STAFF_ROLES = ("desk", "supervisor")
# What each role may do. Supervisor includes everything desk may.
PERMISSIONS: dict[str, frozenset[str]] = {
    "desk": frozenset({"scan", "undo", "read_attendees", "badge", "print", "read_schedule",
                       "walkin", "edit", "door"}),
    "supervisor": frozenset({"scan", "undo", "read_attendees", "badge", "print", "read_schedule",
                             "walkin", "edit", "room_change", "resolve", "settings", "door"}),
    "selfservice": frozenset({"scan", "own_badge"}),
    "signage": frozenset({"read_schedule"}),
    "sync": frozenset({"sync"}),
}  # fmt: skip
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
# Wrong bearer tokens one address may send before it waits TOKEN_LOCKOUT: ten a minute at most.
TOKEN_MAX_FAILURES = 10
TOKEN_LOCKOUT = timedelta(minutes=1)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AuthError(ValueError):
    """Bad input to an auth command (unknown role, weak PIN…)."""


@dataclass(frozen=True)
class Principal:
    """Whoever is making a request: a token's device or a signed-in staff member."""

    name: str
    role: str
    kind: str  # "token" or "staff"
    ident: int

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


def _now() -> str:
    return clock.now().isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: sqlite3.Connection, role: str, name: str) -> str:
    """A new bearer token; only its hash is kept, so it is shown once."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if not name.strip():
        raise AuthError("a token needs a name (the device or script it is for)")
    token = "kt_" + secrets.token_urlsafe(32)
    with transaction(db):
        db.execute(
            "INSERT INTO api_token (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (name.strip(), role, _token_hash(token), _now()),
        )
    return token


def revoke_token(db: sqlite3.Connection, token_id: int) -> bool:
    """Stops a token from working; True if it was active."""
    with transaction(db):
        cur = db.execute(
            "UPDATE api_token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
            (_now(), token_id),
        )
    return cur.rowcount == 1


def _plausible(token: str) -> bool:
    """Empty or absurdly long text is never a token (and is not hashed)."""
    return bool(token) and len(token) <= 200


def principal_for_token(db: sqlite3.Connection, token: str) -> Principal | None:
    """The device a bearer token belongs to, if the token is valid and not revoked."""
    if not _plausible(token):
        return None
    row = db.execute(
        "SELECT token_id, name, role FROM api_token WHERE token_hash = ? AND revoked_at IS NULL",
        (_token_hash(token),),
    ).fetchone()
    return Principal(row["name"], row["role"], "token", row["token_id"]) if row else None


def _token_row(db: sqlite3.Connection, token: str, key: str) -> sqlite3.Row:
    """One statement on every API request: the token's device and this address's lockout."""
    return db.execute(
        "SELECT t.token_id, t.name, t.role, f.locked_until FROM (SELECT 1)"
        " LEFT JOIN api_token t ON t.token_hash = ? AND t.revoked_at IS NULL AND ?"
        " LEFT JOIN auth_failure f ON f.key = ?",
        (_token_hash(token), _plausible(token), key),
    ).fetchone()


def _locked(row: sqlite3.Row, now: datetime) -> datetime | None:
    until = row["locked_until"] and datetime.fromisoformat(row["locked_until"])
    return until if until and until > now else None


def _principal(row: sqlite3.Row) -> Principal | None:
    if row["token_id"] is None:
        return None
    return Principal(row["name"], row["role"], "token", row["token_id"])


def token_principal(
    db: sqlite3.Connection, token: str, client: str, now: datetime | None = None
) -> Principal | None:
    """`principal_for_token`, throttled per address: a locked address is refused even with a
    valid token, or the lockout would still answer which guess was right."""
    now = now or clock.now()
    key = f"token:{client}"
    row = _token_row(db, token, key)
    if (until := _locked(row, now)) is not None:
        raise Throttled(until)
    found = _principal(row)
    if found is None:
        _count_failures(db, [key], now, TOKEN_MAX_FAILURES, TOKEN_LOCKOUT)
    return found


def usable_token(
    db: sqlite3.Connection, token: str, client: str, now: datetime | None = None
) -> Principal | None:
    """The token's device if the token is valid and its address not locked out; None for
    anything else, writing nothing (the caller hands such requests to `token_principal`)."""
    row = _token_row(db, token, f"token:{client}")
    return None if _locked(row, now or clock.now()) else _principal(row)


def hash_pin(pin: str) -> str:
    """scrypt with a per-PIN salt: a stolen database does not give PINs away cheaply."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    """Compares a typed PIN with a stored hash in constant time."""
    try:
        _, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def add_staff(db: sqlite3.Connection, name: str, role: str, pin: str) -> int:
    """Creates or replaces a staff member's role and PIN."""
    if role not in STAFF_ROLES:
        raise AuthError(f"staff role must be {' or '.join(STAFF_ROLES)}")
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise AuthError("a PIN is 4 to 12 digits")
    if not name.strip() or len(name) > 80:
        raise AuthError("a staff name is 1 to 80 characters")
    with transaction(db):
        db.execute(
            "INSERT INTO staff (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
            " pin_hash = excluded.pin_hash, disabled = 0",
            (name.strip(), role, hash_pin(pin), _now()),
        )
        return db.execute("SELECT staff_id FROM staff WHERE name = ?", (name.strip(),)).fetchone()[
            0
        ]


def staff_names(db: sqlite3.Connection) -> list[str]:
    """Names for the sign-in screen."""
    rows = db.execute("SELECT name FROM staff WHERE disabled = 0 ORDER BY name").fetchall()
    return [r[0] for r in rows]


def staff_principal(db: sqlite3.Connection, staff_id: int) -> Principal | None:
    """The signed-in staff member, unless disabled since."""
    row = db.execute(
        "SELECT staff_id, name, role FROM staff WHERE staff_id = ? AND disabled = 0", (staff_id,)
    ).fetchone()
    return Principal(row["name"], row["role"], "staff", row["staff_id"]) if row else None


class Throttled(Exception):
    """Too many wrong PINs or tokens: `until` says when trying again is allowed."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


def _locked_until(db: sqlite3.Connection, keys: list[str], now: datetime) -> datetime | None:
    for key in keys:
        row = db.execute("SELECT locked_until FROM auth_failure WHERE key = ?", (key,)).fetchone()
        if row and row[0] and datetime.fromisoformat(row[0]) > now:
            return datetime.fromisoformat(row[0])
    return None


def sign_in(
    db: sqlite3.Connection, name: str, pin: str, client: str, now: datetime | None = None
) -> Principal | None:
    """Checks a staff PIN; after MAX_FAILURES wrong PINs the name and the device wait LOCKOUT."""
    now = now or clock.now()
    row = db.execute(
        "SELECT staff_id, name, role, pin_hash FROM staff WHERE name = ? AND disabled = 0",
        (name.strip(),),
    ).fetchone()
    keys = [f"ip:{client}"] + ([f"staff:{row['staff_id']}"] if row else [])
    until = _locked_until(db, keys, now)
    if until is not None:
        raise Throttled(until)
    if row is not None and check_pin(pin, row["pin_hash"]):
        with transaction(db):
            db.executemany("DELETE FROM auth_failure WHERE key = ?", [(k,) for k in keys])
        return Principal(row["name"], row["role"], "staff", row["staff_id"])
    _count_failures(db, keys, now, MAX_FAILURES, LOCKOUT)
    return None


def _count_failures(
    db: sqlite3.Connection, keys: list[str], now: datetime, limit: int, lockout: timedelta
) -> None:
    """One more failure for each key; the `limit`-th locks the key for `lockout`."""
    with transaction(db):
        for key in keys:
            db.execute(
                "INSERT INTO auth_failure (key, failures) VALUES (?, 1) ON CONFLICT (key)"
                " DO UPDATE SET failures = failures + 1",
                (key,),
            )
            db.execute(
                "UPDATE auth_failure SET failures = 0, locked_until = ?"
                " WHERE key = ? AND failures >= ?",
                ((now + lockout).isoformat(), key, limit),
            )
