"""What every request shares: its database connection, who is asking, CSRF, errors."""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    render_template,
    render_template_string,
    request,
    session,
)
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext
from werkzeug.exceptions import HTTPException
from werkzeug.routing import UnicodeConverter

from kiosk import auth, i18n, staff_sessions
from kiosk.db import open_db
from kiosk.replication.node import Node, get_setting, load_node
from sync.protocol import loads as load_json

log = logging.getLogger("kiosk")
_local = threading.local()
JSON_PREFIXES = ("/api/", "/sync/")


class SegmentConverter(UnicodeConverter):
    """A URL part like an attendee id stays one path segment in every link built: '/' too is
    escaped, so an id can never make a link point at another page."""

    def to_url(self, value: Any) -> str:
        """The value with everything but unreserved characters percent-escaped."""
        return quote(str(value), safe="")


def connection(app: Flask) -> sqlite3.Connection:
    """This thread's connection to the app's database (threads of the server reuse theirs)."""
    path = app.config["DATABASE"]
    cache: dict[str, sqlite3.Connection] = _local.__dict__.setdefault("connections", {})
    db = cache.get(path)
    if db is None:
        db = cache[path] = open_db(path)
        if app.extensions.get("kiosk.checkpointer"):
            db.execute("PRAGMA wal_autocheckpoint=0")  # the background thread does it
    return db


def node_of(app: Flask) -> Node:
    """This machine's node (id and clock): kept per app until sync gives a copy its own id."""
    nodes: dict[str, Node] = app.extensions.setdefault("kiosk.nodes", {})
    path = app.config["DATABASE"]
    node, db = nodes.get(path), connection(app)
    if node is None or node.node_id != get_setting(db, "node_id"):  # sync re-keyed a copy
        node = nodes[path] = load_node(db)
    return node


def get_db() -> sqlite3.Connection:
    """This thread's connection to the current app's database."""
    return connection(current_app._get_current_object())  # type: ignore[attr-defined]


def get_node() -> Node:
    """This machine's node, for the current app."""
    return node_of(current_app._get_current_object())  # type: ignore[attr-defined]


def wants_json() -> bool:
    """API and sync clients get JSON errors; people get pages."""
    return request.path.startswith(JSON_PREFIXES)


class JSONProvider(DefaultJSONProvider):
    """Request bodies read as the sync protocol reads them (`sync.protocol.loads`): a body
    nested too deep or with a lone surrogate is not JSON (a 400), never a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_json(s)


def json_body() -> dict[str, Any]:
    """The request's JSON object, {} without a body; any other body is the client's mistake
    (400), not something to ignore: a NUL byte, bad JSON, or JSON that is not an object."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object.")
    return data


def json_error(status: int, error: str, message: str) -> Response:
    """The API's error body: a machine code and a sentence for people."""
    response = jsonify({"error": error, "message": message})
    response.status_code = status
    return response


# -- who is asking ---------------------------------------------------------------------------


def token_principal(token: str) -> auth.Principal | None:
    """The device a token names, wrong tokens throttled per address (TOKEN_MAX_FAILURES)."""
    return auth.token_principal(get_db(), token, request.remote_addr or "?",
                                limit=current_app.config["TOKEN_MAX_FAILURES"])  # fmt: skip


def bearer_principal() -> auth.Principal | None:
    """The device behind the request's bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token_principal(token.strip())


def staff_principal() -> auth.Principal | None:
    """The staff member signed in on this browser."""
    sid = session.get("sid")
    if not isinstance(sid, str):
        return None
    idle = timedelta(minutes=current_app.config["STAFF_SESSION_MINUTES"])
    return staff_sessions.session_principal(get_db(), sid, idle)


def api_permission(*permissions: str) -> Callable:
    """An API route that needs a bearer token whose role grants one of `permissions`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = bearer_principal()
            if principal is None:
                return json_error(401, "unauthorized", "A valid bearer token is required.")
            if not any(principal.may(p) for p in permissions):
                return json_error(403, "forbidden", f"The {principal.role} role may not do this.")
            g.principal = principal
            return view(*args, **kwargs)

        wrapped.permission = permissions[0]  # type: ignore[attr-defined]
        return wrapped

    return decorate


# -- CSRF --------------------------------------------------------------------------------------


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    """Every form post from a browser must carry the session's token (field or htmx header)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or wants_json():
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf")
    if not expected or not secrets.compare_digest(str(sent), str(expected)):
        abort(400, description="csrf")


# -- errors ------------------------------------------------------------------------------------

_DB_TROUBLE = ("database is locked", "disk is full", "database or disk is full", "readonly")


def cannot_save(exc: Exception) -> bool:
    """A write refused by the disk or a lock: the person retries later, nothing was saved."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        t in str(exc).lower() for t in _DB_TROUBLE
    )


def cannot_save_message(gettext: Callable[..., str] = gettext) -> str:
    """What people read when nothing could be saved (in the request's language by default)."""
    return gettext("Cannot save right now. Nothing was recorded: call a supervisor.")


def handle_error(exc: Exception) -> Any:
    """One handler: JSON to the API, a page to people, never a stack trace."""
    if isinstance(exc, HTTPException):
        status, code = exc.code or 500, (exc.name or "error").lower().replace(" ", "_")
        message = exc.description or ""
        if exc.description == "csrf":
            code, message = "csrf", gettext("The form expired. Reload the page and try again.")
    elif isinstance(exc, auth.Throttled):
        status, code = 429, "rate_limited"
        message = gettext("Too many wrong tokens from this device. Try again in a minute.")
    elif cannot_save(exc):
        log.error("database cannot save: %s", exc)
        status, code, message = 503, "cannot_save", cannot_save_message()
    else:
        log.exception("unexpected error on %s %s", request.method, request.path)
        status, code = 500, "internal"
        message = gettext("Something went wrong. Please try again.")
    if wants_json():
        response = json_error(status, code, message)
    elif status >= 500 and request.headers.get("HX-Request"):
        return _error_panel(code, message)
    else:
        response = Response(render_template("error.html", status=status, message=message),
                            status, mimetype="text/html")  # fmt: skip
    if isinstance(exc, HTTPException) and "Allow" in (given := dict(exc.get_headers())):
        response.headers["Allow"] = given["Allow"]  # a 405 names the methods that work
    return response


_ERROR_PANEL = """<div class="result tone-error" role="alert" data-sound="error">
<p class="result-head"><span class="icon" aria-hidden="true">✖</span> {{ title }}</p>
<p class="result-message">{{ message }}</p></div>"""


def _error_panel(code: str, message: str) -> Response:
    """A red panel for the desk: htmx swaps only 2xx answers, and a stale green must not stay.

    The machine code travels in X-Kiosk-Error; the page without htmx still gets the 503.
    """
    title = gettext("Cannot save") if code == "cannot_save" else gettext("Something went wrong")
    response = Response(render_template_string(_ERROR_PANEL, title=title, message=message))
    response.headers.update({"HX-Retarget": "#panel", "HX-Reswap": "innerHTML",
                             "X-Kiosk-Error": code, "Cache-Control": "no-store"})  # fmt: skip
    return response


_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
    " media-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_CACHEABLE = ("/static/",)  # the page files: no one's personal data


def security_headers(path: str, secure: bool) -> list[tuple[str, str]]:
    """The headers every answer carries unless its view set them itself."""
    headers = [("Content-Security-Policy", _CSP), ("X-Content-Type-Options", "nosniff"),
               ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")]  # fmt: skip
    if secure:  # only over TLS: a node served over plain HTTP stays reachable
        headers.append(("Strict-Transport-Security", "max-age=31536000"))
    if not path.startswith(_CACHEABLE):  # pages name attendees: no copy in any cache
        headers.append(("Cache-Control", "no-store"))
    return headers


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed session cookie, Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def secure_cookies(response: Response) -> None:
    """Over HTTPS every cookie the answer sets is Secure, so it never travels in clear text."""
    cookies = response.headers.getlist("Set-Cookie")
    if not any("; secure" not in c.lower() for c in cookies):
        return
    response.headers.setlist("Set-Cookie", [c if "; secure" in c.lower() else f"{c}; Secure"
                                            for c in cookies])  # fmt: skip


def add_security_headers(response: Response) -> Response:
    """Every answer's security headers (an `after_request` hook of each app)."""
    for name, value in security_headers(request.path, request.is_secure):
        response.headers.setdefault(name, value)
    if request.is_secure:
        secure_cookies(response)
    return response


def _template_context() -> dict[str, Any]:
    from flask_babel import get_locale

    from kiosk.desk import messages
    from kiosk.desk.checkin import Result
    from kiosk.desk.event import load as load_event

    return {
        "event": load_event(get_db()),
        "current_lang": str(get_locale() or "en"),
        "languages": i18n.language_choices(),
        "principal": g.get("principal"),
        "tone": messages.tone,
        "headline": messages.headline,
        "scan_message": messages.scan_message,
        "when": messages.when,
        "result_of": Result,
    }


def register(app: Flask) -> None:
    """Hooks the shared request handling into the app."""
    app.session_interface = SessionInterface()
    app.before_request(check_csrf)
    app.register_error_handler(Exception, handle_error)
    app.json = JSONProvider(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(_template_context)
