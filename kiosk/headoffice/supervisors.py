"""Who may open the fleet console: supervisors signed in with their token, on a signed cookie.

The cookie holds only the token's id; every request checks that the token is still live, so
revoking a supervisor's token signs out every browser it opened. The key that signs cookies
lives in the database (made once), so a restarted or second server keeps everyone signed in.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, make_response, redirect, request, session, url_for

from kiosk.headoffice import tokens
from kiosk.headoffice.current import database
from kiosk.headoffice.database import Database

META_KEY = "console_secret_key"  # its row in ho_meta
# Wrong tokens one address may try before it waits: five a minute, then half a minute.
MAX_FAILURES = 5
WINDOW_S = 60.0
WAIT_S = 30.0


def secret_key(db: Database) -> str:
    """The key that signs console cookies, made on first use and kept."""
    row = db.execute("SELECT value FROM ho_meta WHERE key = ?", (META_KEY,)).fetchone()
    if row:
        return row[0]
    with db.transaction():
        db.execute("INSERT INTO ho_meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                   (META_KEY, secrets.token_hex(32)))  # fmt: skip
    return db.execute("SELECT value FROM ho_meta WHERE key = ?", (META_KEY,)).fetchone()[0]


class Throttle:
    """Wrong sign-ins per address: after MAX_FAILURES within WINDOW_S, WAIT_S of refusals."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_S,
                 wait: float = WAIT_S) -> None:  # fmt: skip
        self.limit, self.window, self.wait = limit, window, wait
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def waiting(self, who: str, now: float) -> float:
        """Seconds `who` must still wait before another try (0: may try)."""
        with self._lock:
            recent = [t for t in self._failures.get(who, []) if now - t < self.window]
            if len(recent) < self.limit:
                return 0.0
            return max(0.0, recent[-1] + self.wait - now)

    def failed(self, who: str, now: float) -> None:
        """Counts one wrong token; forgets tries older than the window."""
        with self._lock:
            for key in [k for k, v in self._failures.items() if now - v[-1] >= self.window]:
                del self._failures[key]
            self._failures.setdefault(who, []).append(now)

    def succeeded(self, who: str) -> None:
        """A right token clears the address's count."""
        with self._lock:
            self._failures.pop(who, None)


def may_see(holder: tokens.Holder, event_id: int) -> bool:
    """A supervisor of every event (event_id NULL) sees all; one of an event, that one."""
    return holder.event_id is None or holder.event_id == event_id


def signed_in(db: Database) -> tokens.Holder | None:
    """The supervisor this browser signed in as, while their token is live."""
    token_id = session.get("supervisor")
    if type(token_id) is not int:
        return None
    holder = tokens.live(db, token_id)
    return holder if holder is not None and holder.role == "supervisor" else None


def required(view: Callable) -> Callable:
    """A console page or action: signed-in supervisors only; a venue's sync token gets 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        db = database()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        bearer = tokens.holder(db, token.strip()) if scheme.lower() == "bearer" else None
        if bearer is not None and bearer.role != "supervisor":
            abort(403, description="sync-token")
        holder = signed_in(db)
        if holder is None:
            session.pop("supervisor", None)
            if request.headers.get("HX-Request"):
                response = make_response("", 401)
                response.headers["HX-Redirect"] = url_for("console.signin")
                return response
            return redirect(url_for("console.signin", next=request.full_path))
        g.supervisor = holder
        return view(*args, **kwargs)

    return wrapped
