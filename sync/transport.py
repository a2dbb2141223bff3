"""Carrying protocol requests: over HTTP with the standard library, or in-process for tests.

A transport takes one request and returns (status, body, content-encoding). It raises
OSError when nothing usable came back (refused, reset, timeout, a body cut short).
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sync.protocol import ProtocolError, encode, inflate
from sync.server import Local, Request, handle

TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Reply:
    """What came back: status, body bytes and their encoding."""

    status: int
    body: bytes
    encoding: str | None = None


class Transport(Protocol):
    """Sends one request to a peer."""

    def __call__(
        self, method: str, path: str, query: dict[str, str], body: bytes | None, gzip: bool
    ) -> Reply: ...


class HttpTransport:
    """HTTP/1.1 with a bearer token; one connection per request keeps retries simple."""

    def __init__(self, url: str, token: str, timeout: float = TIMEOUT_S) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"peer URL must be http(s)://host[:port]: {url!r}")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.base = parts.path.rstrip("/")
        self.token, self.timeout = token, timeout
        self.bytes_sent = self.bytes_received = 0

    def _connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=self.timeout)

    def __call__(
        self, method: str, path: str, query: dict[str, str], body: bytes | None, gzip: bool
    ) -> Reply:
        target = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Encoding": "gzip",
                   "Content-Type": "application/json"}  # fmt: skip
        if gzip:
            headers["Content-Encoding"] = "gzip"
        conn = self._connection()
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()  # IncompleteRead (an OSError kin) if cut mid-body
        except http.client.HTTPException as exc:
            raise OSError(f"bad HTTP exchange: {type(exc).__name__}") from None
        finally:
            conn.close()
        self.bytes_sent += len(body or b"") + len(target) + 200
        self.bytes_received += len(data) + 200
        return Reply(response.status, data, response.getheader("Content-Encoding"))


def read(reply: Reply) -> bytes:
    """The reply's body without gzip; a corrupt or truncated body counts as no reply."""
    try:
        return inflate(reply.body, reply.encoding)
    except ProtocolError as exc:
        raise OSError(f"unreadable reply: {exc.code}") from None


class LocalTransport:
    """Calls another node's protocol functions directly (tests and benchmarks)."""

    def __init__(self, target: Callable[[], Local]) -> None:
        self.target = target

    def __call__(
        self, method: str, path: str, query: dict[str, str], body: bytes | None, gzip: bool
    ) -> Reply:
        request = Request(method, path, dict(query), body or b"", "gzip" if gzip else None)

        status, answer = handle(self.target(), request)
        return Reply(status, encode(answer))
