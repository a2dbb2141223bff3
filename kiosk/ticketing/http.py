"""JSON over HTTPS for the connectors: one request, rate limits waited out, failures in words.

Every system answers differently when something is wrong, but Kiosk only needs three outcomes
from a failed call: the token stopped working (`auth`), the system asks us to slow down
(`retry_after`), or it is out of reach. Everything else a system refuses is an `HttpRefusal`,
which a connector may turn into a refused check-in instead of a failed run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from kiosk.ticketing.records import TicketingError

TIMEOUT = 30.0  # seconds for one request: a venue uplink can be slow, never this slow
RETRIES = 4  # 429s waited out before giving up until the next run
MAX_WAIT = 60.0  # seconds: a longer Retry-After ends this run and says when to come back


class HttpRefusal(TicketingError):
    """The system answered 4xx to a request it understood: `status` and its JSON `payload`."""

    def __init__(self, words: str, status: int, payload: Any):
        super().__init__(words)
        self.status = status
        self.payload = payload


def backoff(attempt: int, retry_after: str | None, now: datetime) -> float:
    """Seconds to wait before retry `attempt` (0-based): the system's Retry-After (seconds or
    an HTTP date), else 1, 2, 4, 8 … seconds."""
    wait = 2.0**attempt
    if retry_after:
        try:
            wait = float(retry_after)
        except ValueError:
            with contextlib.suppress(TypeError, ValueError):
                wait = (parsedate_to_datetime(retry_after) - now).total_seconds()
    return max(wait, 0.0)


class JsonClient:
    """Calls one system's API with a token; `sleep` is injectable so tests need not wait."""

    def __init__(self, base_url: str, token: str, *, system: str, renewal: str,
                 auth_failed: Callable[[int, Any], bool] | None = None, scheme: str = "Bearer",
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/") + "/"
        self.authorization = f"{scheme} {token}"  # pretix says "Token …", the others "Bearer …"
        self.system = system  # "Eventbrite", "Indico": how the supervisor knows it
        self.renewal = renewal  # where to get a new token, in words
        self.auth_failed = auth_failed or (lambda status, payload: status in (401, 403))
        self.sleep = sleep
        self.last_headers: Mapping[str, str] = {}  # of the last answer (pretix: X-Page-Generated)

    def call(self, method: str, path: str, query: Mapping[str, str] | None = None,
             body: Any = None) -> Any:  # fmt: skip
        """The decoded JSON answer; raises TicketingError (HttpRefusal for other 4xx)."""
        url = urllib.parse.urljoin(self.base_url, path.lstrip("/"))
        if query:
            url += "?" + urllib.parse.urlencode(query)
        for attempt in range(RETRIES + 1):
            status, headers, payload = self._once(method, url, body)
            self.last_headers = headers
            if status != 429:
                break
            wait = backoff(attempt, headers.get("Retry-After"), datetime.now(UTC))
            if attempt == RETRIES or wait > MAX_WAIT:
                raise TicketingError(
                    f"{self.system} is limiting how often Kiosk may ask and wants it to wait "
                    f"{wait:.0f} s. The desk keeps working on what it has.",
                    retry_after=wait,
                )
            self.sleep(wait)
        if status < 300 and isinstance(payload, dict | list):
            return payload
        if status < 300:  # a venue Wi-Fi's sign-in page answers 200 too
            raise TicketingError(f"Something that is not {self.system} answered (a Wi-Fi "
                                 "sign-in page?); Kiosk tries again later.")  # fmt: skip
        if self.auth_failed(status, payload):
            raise TicketingError(
                f"{self.system} no longer accepts this connection's token (it was revoked, "
                f"expired or lost its rights). {self.renewal} The desk keeps working on "
                "the attendees it already has.",
                auth=True,
            )
        if status >= 500:
            raise TicketingError(f"{self.system} had a problem of its own (HTTP {status}); "
                                 "Kiosk tries again later.")  # fmt: skip
        raise HttpRefusal(f"{self.system} refused the request (HTTP {status}: "
                          f"{describe(payload)}).", status, payload)  # fmt: skip

    def _once(self, method: str, url: str, body: Any) -> tuple[int, Mapping[str, str], Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (https URL)
        request.add_header("Authorization", self.authorization)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.status, response.headers, decode(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, decode(error.read())
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            raise TicketingError(f"{self.system} cannot be reached ({reason}); the desk keeps "
                                 "working and Kiosk tries again later.") from error  # fmt: skip


def decode(raw: bytes) -> Any:
    """JSON if the body is JSON; a proxy's HTML error page becomes its text."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")[:200]


def describe(payload: Any) -> str:
    """The system's own short reason, from the usual places an error body keeps it."""
    if isinstance(payload, dict):
        if isinstance(payload.get("error"), dict):  # Indico: {"error": {"title", "message"}}
            return describe(payload["error"])
        for key in ("error_description", "message", "error", "title"):
            if isinstance(payload.get(key), str) and payload[key]:
                return payload[key]
    return str(payload or "no reason given")[:200]


def utc_at(text: str) -> str:
    """A system's ISO 8601 timestamp as Kiosk writes `*_at`: UTC, milliseconds and a Z."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
