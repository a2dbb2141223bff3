"""Head office over HTTP: /sync/v1 for the venues of every event, the fleet console, health.

A sync token reaches exactly its own event's log; a supervisor token signs in to the console.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from kiosk.headoffice import events, hub, tokens
from kiosk.headoffice.current import database
from kiosk.headoffice.database import Database, open_database
from sync.protocol import MAX_BODY, decode, encode
from sync.server import Request, handle

SYNC_ROUTES = {"hello": "POST", "push": "POST", "pull": "GET", "verify": "POST", "missing": "POST"}


def _error(status: int, error: str, message: str) -> Response:
    response = jsonify({"error": error, "message": message})
    response.status_code = status
    return response


def _bearer() -> tokens.Holder | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return tokens.holder(database(), token.strip()) if scheme.lower() == "bearer" else None


def sync_endpoint(name: str) -> Response:
    """One /sync/v1 request for the event of the caller's token."""
    holder = _bearer()
    if holder is None:
        return _error(401, "unauthorized", "A valid sync token is required.")
    if holder.role != "sync" or holder.event_id is None:
        return _error(403, "forbidden", "Only a venue's sync token may sync.")
    if request.method != SYNC_ROUTES.get(name):
        return _error(405 if name in SYNC_ROUTES else 404, "not_found", "No such sync endpoint.")
    db = database()
    purged = events.get(db, holder.event_id).purged_at
    if purged:
        return _error(409, "purged", f"This event's personal data was purged at head office on"
                      f" {purged[:10]}: its venues sync no more.")  # fmt: skip
    local = hub.local(db, holder.event_id)
    local.max_body = g.max_body
    body = request.get_data(cache=False) if request.method == "POST" else b""
    status, answer = handle(local, Request(request.method, request.path, dict(request.args), body,
                                           request.headers.get("Content-Encoding"),
                                           holder.token_id))  # fmt: skip
    if status == 200:
        _note(db, holder, name, answer, body)
    data = encode(answer, compress="gzip" in request.headers.get("Accept-Encoding", ""))
    response = Response(data, status=status, mimetype="application/json")
    if data[:2] == b"\x1f\x8b":
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _note(db: Database, holder: tokens.Holder, name: str, answer: dict[str, Any],
          body: bytes) -> None:  # fmt: skip
    """Keeps each venue's standing for the console (after the request did its work)."""
    assert holder.event_id is not None
    if name == "hello":
        said = decode(body, request.headers.get("Content-Encoding"), g.max_body)
        hub.note_hello(db, holder.event_id, holder.token_id, said)
    elif name == "pull":
        hub.note_pull(db, holder.event_id, holder.token_id, answer.get("next", ""))
    elif name == "push":
        hub.note_push(db, holder.event_id, holder.token_id,
                      answer["accepted"] + answer["duplicates"])  # fmt: skip


def create_app(url: str, overrides: dict[str, Any] | None = None) -> Flask:
    """The head-office app over the database at `url` (migrated on first use)."""
    from kiosk import STATIC_DIR
    from kiosk.headoffice import console
    from kiosk.operations.requestlog import RequestLog

    app = Flask("kiosk.headoffice", static_folder=str(STATIC_DIR), static_url_path="/static",
                template_folder=str(console.TEMPLATES))  # fmt: skip
    app.config.update(HO_DATABASE=url, SYNC_MAX_BODY=MAX_BODY, **(overrides or {}))
    console.register(app, open_database(url))  # the database fails at start, not later

    @app.before_request
    def limits() -> None:
        g.max_body = app.config["SYNC_MAX_BODY"]

    @app.route("/sync/v1/<name>", methods=["GET", "POST"])
    def sync(name: str) -> Response:
        return sync_endpoint(name)

    @app.get("/healthz")
    def healthz() -> Response:
        database().execute("SELECT 1").fetchone()
        return jsonify({"status": "ok", "role": "headoffice"})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        """JSON to venues and monitors, a page to people."""
        if request.path.startswith(("/sync/", "/healthz")):
            return _error(exc.code or 500, "not_found" if exc.code == 404 else "error",
                          "No such page." if exc.code == 404 else str(exc.description))  # fmt: skip
        return console.error_page(exc)

    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]  # a line per request
    return app
