"""POST /api/v1/scan: reading the request, the answer, and the scanners' fast path (which
also answers a booth phone's POST /api/v1/leads, with the leads view's own answer).

Scanners send this request hundreds of times a minute, each on a new connection, and wait for
the answer before the next person steps up. `FastScan` sits in front of Flask and answers the
common case itself (a usable bearer token that may scan, a JSON body that reads as a scan, a
scan that saves) without building a request context, a session and a response object each
time. Everything else — no or a wrong token, a locked-out address, a role that may not scan, a
bad body, an op_id taken, an unexpected fault — goes on to the Flask view in kiosk.views.api,
unchanged and untouched (nothing was written), which answers it with the usual JSON errors.
Both answer a scan with `read_request` and `answer`, so their answers cannot drift apart.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from babel.support import NullTranslations, Translations
from flask import Flask
from flask_babel import gettext as flask_gettext
from werkzeug.http import parse_cookie, parse_options_header

from kiosk import auth, i18n, web
from kiosk.desk import attendees, checkin, selfservice
from kiosk.desk.event import load as load_event
from kiosk.desk.messages import clock_time, scan_message
from kiosk.leads import api as leads_api
from sync.ids import is_uuid

PATH = "/api/v1/scan"
LEADS_PATH = "/api/v1/leads"
log = logging.getLogger("kiosk")


@dataclass(frozen=True)
class ScanRequest:
    """A scan as asked for: the scanner's text, the desk, and the client's op_id."""

    code: str
    desk: str | None
    op_id: str | None


FIELDS = ("code", "desk", "op_id")


def read_request(data: Any) -> ScanRequest | tuple[int, str, str]:
    """The scan asked for, or (status, error code, sentence) saying what is wrong with it."""
    if not isinstance(data, dict):
        return 400, "bad_request", "The body must be a JSON object with a code."
    if unknown := sorted(set(data) - set(FIELDS)):
        return 400, "bad_request", f"Unknown field {unknown[0]!r}: a scan has code, desk, op_id."
    code, desk, op_id = data.get("code"), data.get("desk"), data.get("op_id")
    if not isinstance(code, str) or not code.strip():
        return 400, "bad_request", "code must be a non-empty string."
    if desk is not None and (not isinstance(desk, str) or len(desk) > 80):
        return 400, "bad_request", "desk must be a string of at most 80 characters."
    if op_id is not None and not is_uuid(op_id):
        return 400, "bad_request", "op_id must be a UUID string."
    if len(code) > 4096:
        return 413, "too_large", "code is too long to be a ticket code."
    return ScanRequest(code, desk, op_id)


def answer(
    db: sqlite3.Connection,
    outcome: checkin.ScanOutcome,
    principal: auth.Principal,
    gettext: Callable[..., str] | None = None,
    clock: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """The JSON answer to a scan; a self-service device gets what its screen shows."""
    row = outcome.attendee
    wording = {k: v for k, v in (("gettext", gettext), ("clock", clock)) if v is not None}
    if principal.role == "selfservice":
        person, message = selfservice.answer(outcome, wording.get("gettext", flask_gettext))
    else:
        person = attendees.to_api(db, row, True, outcome.arrivals) if row else None
        message = scan_message(outcome.decision, row["first_name"] if row else "", **wording)
    return {"result": outcome.decision.result.value, "attendee": person, "message": message,
            "op_id": outcome.checkin_op_id, "print_job_id": outcome.print_job_id}  # fmt: skip


def scan(db: sqlite3.Connection, app: Flask, asked: ScanRequest,
         principal: auth.Principal) -> checkin.ScanOutcome:  # fmt: skip
    """Records the scan for `principal`'s device (kiosk.desk.checkin.scan); a self-service device
    scans as on its screen (kiosk.desk.selfservice.scan: its own desk, its guessing limit)."""
    node, now = web.node_of(app), app.config["CLOCK"].now()
    if principal.role == "selfservice":
        return selfservice.scan(db, node, asked.code, principal, app.config,
                                request_id=asked.op_id, now=now)  # fmt: skip
    return checkin.scan(db, node, asked.code, desk=asked.desk or principal.name,
                        staff=principal.name, request_id=asked.op_id,
                        device=selfservice.device_of(principal), now=now)  # fmt: skip


StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


Answered = tuple[int, dict[str, Any]]


class FastScan:
    """WSGI middleware: answers the common POST /api/v1/scan and a booth's POST /api/v1/leads,
    passes on everything else."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app, self.inner = app, inner
        self._catalogs: dict[str, NullTranslations] = {}
        self._routes: dict[str, Callable[[dict[str, Any], bytes], Answered | None]] = {
            PATH: self._scan,
            LEADS_PATH: self._lead,
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = self._routes.get(path) if environ.get("REQUEST_METHOD") == "POST" else None
        if route is None:
            return self.inner(environ, start_response)
        body = _json_body(environ, self.app.config["MAX_CONTENT_LENGTH"])
        if body is None:
            return self.inner(environ, start_response)
        environ["wsgi.input"] = io.BytesIO(body)  # read once: kept for the Flask view
        try:
            done = route(environ, body)
        except Exception as exc:  # answered here as the view would, headers and all
            done = self._failed(environ, exc)
        if done is None:
            return self.inner(environ, start_response)
        status, data = done
        payload = (json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n").encode()
        secure = environ.get("wsgi.url_scheme") == "https"
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
                   *web.security_headers(path, secure)]  # fmt: skip
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]

    def _failed(self, environ: dict[str, Any], exc: Exception) -> Answered:
        """The JSON error of kiosk.web.handle_error for a fault of the fast path."""
        gettext = self._gettext(environ)
        if web.cannot_save(exc):
            log.error("database cannot save: %s", exc)
            return 503, {"error": "cannot_save", "message": web.cannot_save_message(gettext)}
        log.exception("unexpected error on POST %s", environ.get("PATH_INFO"))
        message = gettext("Something went wrong. Please try again.")
        return 500, {"error": "internal", "message": message}

    def _principal(self, environ: dict[str, Any], permission: str) -> auth.Principal | None:
        """The bearer token's device if it may do `permission`; None sends the request on to
        Flask, which says what is wrong (no token, a wrong one, a role that may not)."""
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        principal = auth.usable_token(web.connection(self.app), token.strip(),
                                      environ.get("REMOTE_ADDR") or "?",
                                      now=self.app.config["CLOCK"].now())  # fmt: skip
        return principal if principal is not None and principal.may(permission) else None

    def _scan(self, environ: dict[str, Any], body: bytes) -> Answered | None:
        try:
            asked = read_request(web.load_json(body))
        except ValueError:
            return None
        if not isinstance(asked, ScanRequest):
            return None
        principal = self._principal(environ, "scan")
        if principal is None:
            return None
        db = web.connection(self.app)
        try:
            outcome = scan(db, self.app, asked, principal)
        except (checkin.OpIdTaken, selfservice.Locked):
            return None  # nothing saved: the view answers 409 or 429
        gettext = self._gettext(environ)
        return 200, answer(db, outcome, principal, gettext,
                           lambda at: clock_time(at, load_event(db).zone))  # fmt: skip

    def _lead(self, environ: dict[str, Any], body: bytes) -> Answered | None:
        """A booth phone's scan: its answer, errors included, is the view's own."""
        try:
            data = web.load_json(body)
        except ValueError:
            return None
        principal = self._principal(environ, "leads") if isinstance(data, dict) else None
        if principal is None:
            return None
        now = self.app.config["CLOCK"].now()
        db, node = web.connection(self.app), web.node_of(self.app)
        return leads_api.capture_answer(db, node, principal, data, now)

    def _gettext(self, environ: dict[str, Any]) -> Callable[..., str]:
        """gettext in the asker's language, chosen as for every other request."""
        query, cookie = environ.get("QUERY_STRING", ""), environ.get("HTTP_COOKIE", "")
        asked = query and parse_qs(query).get("lang", [None])[0]
        asked = asked or (cookie and parse_cookie(cookie).get("lang"))
        language = i18n.choose_language(asked or None, environ.get("HTTP_ACCEPT_LANGUAGE", ""),
                                       i18n.languages(self.app))  # fmt: skip
        catalog = self._catalogs.get(language)
        if catalog is None:
            catalog = self._catalogs[language] = self._load(language)

        def gettext(text: str, **values: Any) -> str:
            found = catalog.ugettext(text)
            return found % values if values else found

        return gettext

    def _load(self, language: str) -> NullTranslations:
        merged = Translations()
        for folder in self.app.extensions["babel"].translation_directories:
            merged.merge(Translations.load(folder, [language], "messages"))
        return merged


def _json_body(environ: dict[str, Any], limit: int | None) -> bytes | None:
    """The body of a JSON request of a stated length within `limit`; None for anything else."""
    mimetype = parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower()
    length = environ.get("CONTENT_LENGTH", "")
    # The view's test (werkzeug's Request.is_json), or the two paths would disagree on a body.
    if not (mimetype == "application/json"
            or (mimetype.startswith("application/") and mimetype.endswith("+json"))):  # fmt: skip
        return None
    if not (length.isascii() and length.isdigit()) or (limit is not None and int(length) > limit):
        return None
    return environ["wsgi.input"].read(int(length))
