"""One log line per request: time, method, path, status, duration, client address.

It wraps the whole WSGI app, the scanners' fast path (kiosk.views.api_scan.FastScan) included,
so every answer is logged and counted once. Bodies and headers are never logged, so neither a
PIN (a form field) nor a bearer token (a header) can reach the log; of the query string only
the values of known harmless keys are kept, since `?token=` opens a screen and `?q=` is a name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote

from kiosk.operations import metrics

log = logging.getLogger("kiosk.request")
SHOWN_QUERY = frozenset({"lang", "limit", "day", "after", "template", "by", "scan", "direction",
                         "room", "page", "tab"})  # fmt: skip
HIDDEN = "…"
PATH_SAFE = "/:@!$'()*+,;=-._~"  # the rest is escaped: a %0A in a URL cannot start a fake line

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def shown_path(path: str, query: str) -> str:
    """The path and query as logged: values of keys outside SHOWN_QUERY become "…"."""
    path = quote(path, safe=PATH_SAFE, encoding="latin-1")  # WSGI's PATH_INFO: bytes as latin-1
    if not query:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    shown = "&".join(f"{quote(k)}={quote(v) if k in SHOWN_QUERY else HIDDEN}" for k, v in pairs)
    return f"{path}?{shown}" if shown else path


class RequestLog:
    """WSGI middleware: logs and counts each answer once its body has been sent."""

    def __init__(self, inner: WSGIApp) -> None:
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["500"]

        def recording(code: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            status[0] = code.partition(" ")[0]
            return start_response(code, headers, *exc_info)

        try:
            body = self.inner(environ, recording)
        except BaseException:
            _done(environ, status[0], started)
            raise
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(body, list) or (isinstance(wrapper, type) and isinstance(body, wrapper)):
            # The whole answer is there, or a file the server sends its own fast way: logged
            # now, and handed on as it is.
            _done(environ, status[0], started)
            return body
        return _Sent(body, lambda: _done(environ, status[0], started))


class _Sent:
    """The answer's body, calling `done` once: after its last part, or on close() if sooner."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        yield from self.body
        self.finish()

    def finish(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            done()

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.finish()


def _done(environ: dict[str, Any], status: str, started: float) -> None:
    seconds = time.perf_counter() - started
    method, path = environ.get("REQUEST_METHOD", "?"), environ.get("PATH_INFO", "")
    metrics.answered(method, path, status, seconds)
    if not log.isEnabledFor(logging.INFO):
        return
    shown = shown_path(path, environ.get("QUERY_STRING", ""))
    client = environ.get("REMOTE_ADDR") or "?"
    millis = round(seconds * 1000, 1)
    log.info("%s %s %s %.1f ms %s", method, shown, status, millis, client,
             extra={"fields": {"method": method, "path": shown, "status": int(status),
                               "duration_ms": millis, "client": client}})  # fmt: skip
