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

ROLES = ("desk", "supervisor", "selfservice", "signage", "sync", "exhibitor", "metrics")
STAFF_ROLES = ("desk", "supervisor")
# What each role may do. Supervisor includes everything desk may.
PERMISSIONS: dict[str, frozenset[str]] = {
    "desk": frozenset({"scan", "undo", "read_attendees", "badge", "print", "read_schedule",
                       "walkin", "edit", "door", "shifts"}),
    "supervisor": frozenset({"scan", "undo", "read_attendees", "badge", "print", "read_schedule",
                             "walkin", "edit", "room_change", "resolve", "settings", "door",
                             "sponsor_reports", "metrics", "shifts", "shifts_plan"}),
    "selfservice": frozenset({"scan", "own_badge"}),
    "signage": frozenset({"read_schedule"}),
    "sync": frozenset({"sync"}),
    "exhibitor": frozenset({"leads"}),  # its own sponsor's leads; never attendee reads
    "metrics": frozenset({"metrics"}),  # a monitoring system scraping GET /metrics
}  # fmt: skip
# Wrong PINs are counted per name and device: a tablet that signed someone in before keeps its
# own count; any other browser counts with the others at its address. Five wrong PINs wait
# PIN_BACKOFF, each further one twice as long as the last, up to PIN_BACKOFF_MAX.
MAX_FAILURES = 5
PIN_BACKOFF = timedelta(seconds=30)
PIN_BACKOFF_MAX = timedelta(minutes=15)
# Wrong PINs for one name from browsers no one signed in on yet, from any address: a slower
# backstop for guesses spread over many addresses (known tablets do not wait for it).
NEW_DEVICE_MAX_FAILURES = 20
PIN_PREFIX = "pin:"
# Wrong bearer tokens one address may send before it waits TOKEN_LOCKOUT, unless the setting
# of the same name says otherwise: ten a minute.
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
    sponsor: str = ""  # an exhibitor token's sponsor (its leads are the only ones it sees)

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


def _now() -> str:
    return clock.now().isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: sqlite3.Connection, role: str, name: str, sponsor: str = "") -> str:
    """A new bearer token, shown once (only its hash is kept); an exhibitor's names its sponsor."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if not name.strip():
        raise AuthError("a token needs a name (the device or script it is for)")
    if (role == "exhibitor") != bool(sponsor):
        raise AuthError("an exhibitor token needs --sponsor, and only an exhibitor token has one")
    token = "kt_" + secrets.token_urlsafe(32)
    with transaction(db):
        db.execute("INSERT INTO api_token (name, role, token_hash, created_at, sponsor)"
                   " VALUES (?, ?, ?, ?, ?)",
                   (name.strip(), role, token_hash(token), _now(), sponsor))  # fmt: skip
    return token


def revoke_token(db: sqlite3.Connection, token_id: int) -> bool:
    """Stops a token from working; True if it was active."""
    with transaction(db):
        cur = db.execute(
            "UPDATE api_token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
            (_now(), token_id),
        )
    return cur.rowcount == 1


def plausible(token: str) -> bool:
    """Empty or absurdly long text is never a token (and is not hashed)."""
    return bool(token) and len(token) <= 200


def principal_for_token(db: sqlite3.Connection, token: str) -> Principal | None:
    """The device a bearer token belongs to, if the token is valid and not revoked."""
    if not plausible(token):
        return None
    row = db.execute("SELECT token_id, name, role, sponsor FROM api_token WHERE token_hash = ?"
                     " AND revoked_at IS NULL", (token_hash(token),)).fetchone()  # fmt: skip
    return _principal(row) if row else None


def _token_row(db: sqlite3.Connection, token: str, key: str) -> sqlite3.Row:
    """One statement on every API request: the token's device and this address's lockout."""
    return db.execute(
        "SELECT t.token_id, t.name, t.role, t.sponsor, f.locked_until FROM (SELECT 1)"
        " LEFT JOIN api_token t ON t.token_hash = ? AND t.revoked_at IS NULL AND ?"
        " LEFT JOIN auth_failure f ON f.key = ?",
        (token_hash(token), plausible(token), key),
    ).fetchone()


def _locked(row: sqlite3.Row, now: datetime) -> datetime | None:
    until = row["locked_until"] and datetime.fromisoformat(row["locked_until"])
    return until if until and until > now else None


def _principal(row: sqlite3.Row) -> Principal | None:
    if row["token_id"] is None:
        return None
    return Principal(row["name"], row["role"], "token", row["token_id"], row["sponsor"])


def token_principal(
    db: sqlite3.Connection,
    token: str,
    client: str,
    now: datetime | None = None,
    limit: int = TOKEN_MAX_FAILURES,
) -> Principal | None:
    """`principal_for_token`, wrong tokens throttled per address. A valid token always works:
    behind a shared NAT one device's wrong tokens must not stop every scanner, and a 256-bit
    token is not found by guessing, however many answers a locked address would get."""
    now = now or clock.now()
    key = f"token:{client}"
    row = _token_row(db, token, key)
    found = _principal(row)
    if found is not None:
        return found
    if (until := _locked(row, now)) is not None:
        raise Throttled(until)
    _count_failures(db, [key], now, limit, TOKEN_LOCKOUT)
    return None


def usable_token(
    db: sqlite3.Connection, token: str, client: str, now: datetime | None = None
) -> Principal | None:
    """The token's device if the token is valid; None for anything else, writing nothing (the
    caller hands such requests to `token_principal`)."""
    return _principal(_token_row(db, token, f"token:{client}"))


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
    """Creates or replaces a staff member's role and PIN; a new PIN or role ends their sign-ins
    (the old PIN may be why it was changed)."""
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
        staff_id = db.execute("SELECT staff_id FROM staff WHERE name = ?", (name.strip(),))
        staff_id = staff_id.fetchone()[0]
        db.execute("DELETE FROM staff_session WHERE staff_id = ?", (staff_id,))
        return staff_id


def staff_names(db: sqlite3.Connection) -> list[str]:
    """Names for the sign-in screen."""
    rows = db.execute("SELECT name FROM staff WHERE disabled = 0 ORDER BY name").fetchall()
    return [r[0] for r in rows]


def staff_id_of(db: sqlite3.Connection, name: str) -> int | None:
    """The id of a staff member by name (any case)."""
    row = db.execute("SELECT staff_id FROM staff WHERE name = ?", (name.strip(),)).fetchone()
    return row[0] if row else None


class Throttled(Exception):
    """Too many wrong PINs or tokens: `until` says when trying again is allowed."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


def known_device(db: sqlite3.Connection, device: str) -> bool:
    """A browser someone signed in on before (by the random id in its device cookie)."""
    return (
        plausible(device)
        and db.execute(
            "SELECT 1 FROM staff_device WHERE id_hash = ?", (token_hash(device),)
        ).fetchone()
        is not None
    )


def remember_device(db: sqlite3.Connection, device: str, now: datetime | None = None) -> None:
    """Marks a browser as one staff signed in on: its PIN guesses are counted on their own."""
    with transaction(db):
        db.execute("INSERT OR IGNORE INTO staff_device (id_hash, first_at) VALUES (?, ?)",
                   (token_hash(device), (now or clock.now()).isoformat()))  # fmt: skip


def _pin_keys(staff_id: int | None, name: str, client: str, device: str, known: bool) -> list:
    """(throttle key, limit) for a PIN typed for `name` on this browser."""
    who = f"{PIN_PREFIX}{staff_id}|" if staff_id is not None else f"{PIN_PREFIX}?{name.lower()}|"
    if known:
        return [(f"{who}device:{token_hash(device)}", MAX_FAILURES)]
    return [(f"{who}ip:{client}", MAX_FAILURES), (f"{who}new", NEW_DEVICE_MAX_FAILURES)]


def _backoff(failures: int, limit: int) -> timedelta:
    return min(PIN_BACKOFF * 2 ** min(failures - limit, 16), PIN_BACKOFF_MAX)


def _reserve(db: sqlite3.Connection, keys: list, now: datetime) -> None:
    """Counts this attempt as a failure before the PIN is hashed, in one transaction: parallel
    guesses cannot all pass the check before any is counted. A success clears the count."""
    with transaction(db):
        rows = [db.execute("SELECT failures, locked_until FROM auth_failure WHERE key = ?",
                           (key,)).fetchone() for key, _ in keys]  # fmt: skip
        held = [until for r in rows if r and (until := _locked(r, now))]
        if held:
            raise Throttled(max(held))
        for (key, limit), row in zip(keys, rows, strict=True):
            failures = (row["failures"] if row else 0) + 1
            until = (now + _backoff(failures, limit)).isoformat() if failures >= limit else None
            db.execute("INSERT OR REPLACE INTO auth_failure (key, failures, locked_until)"
                       " VALUES (?, ?, ?)", (key, failures, until))  # fmt: skip


def sign_in(
    db: sqlite3.Connection,
    name: str,
    pin: str,
    client: str,
    device: str = "",
    now: datetime | None = None,
) -> Principal | None:
    """Checks a staff PIN, throttled per name and device with a growing wait (see above)."""
    now = now or clock.now()
    row = db.execute(
        "SELECT staff_id, name, role, pin_hash FROM staff WHERE name = ? AND disabled = 0",
        (name.strip(),),
    ).fetchone()
    staff_id = row["staff_id"] if row else None
    keys = _pin_keys(staff_id, name.strip(), client, device, known_device(db, device))
    _reserve(db, keys, now)
    if row is not None and check_pin(pin, row["pin_hash"]):
        with transaction(db):
            db.executemany("DELETE FROM auth_failure WHERE key = ?", [(k,) for k, _ in keys])
        return Principal(row["name"], row["role"], "staff", row["staff_id"])
    return None


def unlock(db: sqlite3.Connection, name: str) -> int:
    """A supervisor lets a staff member try their PIN again on every device at once."""
    staff_id = staff_id_of(db, name)
    if staff_id is None:
        return 0
    prefix = f"{PIN_PREFIX}{staff_id}|"
    with transaction(db):
        cur = db.execute("DELETE FROM auth_failure WHERE substr(key, 1, ?) = ?",
                         (len(prefix), prefix))  # fmt: skip
    return cur.rowcount


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
