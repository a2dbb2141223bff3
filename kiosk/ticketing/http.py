"""JSON over HTTP for the connectors: every failure becomes a TicketingError in words.

Only the standard library: a venue machine installs nothing more to reach its ticketing system.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from kiosk.ticketing.records import TicketingError

TIMEOUT = 20.0  # seconds: a pull page of pretix's can take a while on a busy server


@dataclass(frozen=True)
class Answer:
    """A response's status, JSON body and headers (lower-case names)."""

    status: int
    body: Any
    headers: dict[str, str]


def request(
    method: str,
    url: str,
    headers: dict[str, str],
    body: Any = None,
    *,
    system: str,
    ok_statuses: tuple[int, ...] = (),
) -> Answer:
    """Sends one request; 2xx and `ok_statuses` are answers, the rest a TicketingError.

    401 and 403 are auth errors (the token stopped working); 429 carries Retry-After.
    `system` names the system and connection in the words ("pretix at https://...").
    """
    if not url.startswith(("http://", "https://")):
        raise TicketingError(f"{system}: the URL must start with http:// or https://")
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Accept": "application/json", **headers}
    if data is not None:
        sent["Content-Type"] = "application/json"
    asked = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
    try:
        with urllib.request.urlopen(asked, timeout=TIMEOUT) as response:  # noqa: S310 (http only)
            return _answer(response.status, response.read(), response.headers, system)
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        if exc.code in ok_statuses:
            return _answer(exc.code, raw, exc.headers, system)
        raise _refusal(exc.code, raw, exc.headers, system) from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TicketingError(f"{system} cannot be reached ({reason}); the desk works on"
                             " with the tickets it has.") from None  # fmt: skip


def _answer(status: int, raw: bytes, headers: Any, system: str) -> Answer:
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise TicketingError(f"{system} answered something that is not JSON"
                             f" (HTTP {status}): is the URL right?") from None  # fmt: skip
    return Answer(status, body, {k.lower(): v for k, v in headers.items()})


def _refusal(status: int, raw: bytes, headers: Any, system: str) -> TicketingError:
    if status in (401, 403):
        return TicketingError(
            f"{system} refused the API token (HTTP {status}): create a new token there and"
            " run kiosk ticketing add again.",
            auth=True,
        )
    if status == 429:
        wait = headers.get("Retry-After", "")
        return TicketingError(f"{system} asks us to slow down (HTTP 429).",
                              retry_after=float(wait) if wait.isdigit() else 60.0)  # fmt: skip
    if status == 404:
        return TicketingError(f"{system} does not know this event (HTTP 404): check the"
                              " organizer, event and URL.")  # fmt: skip
    detail = " ".join(raw[:200].decode("utf-8", "replace").split())
    if detail.startswith("<") or not detail:  # an error page, not words for the supervisor
        detail = "a server error there" if status >= 500 else "the request was refused"
    return TicketingError(f"{system} answered HTTP {status}: {detail}; trying again later.")
