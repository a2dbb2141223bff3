"""Carrying protocol requests: over HTTP with the standard library, or in-process for tests.

A transport takes one request and returns (status, body, content-encoding). It raises
OSError when nothing usable came back (refused, reset, timeout, a body cut short).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import ssl
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sync.protocol import ProtocolError, encode, inflate
from sync.server import Local, Request, handle

TIMEOUT_S = 30.0
CA_ENV, PIN_ENV = "KIOSK_SYNC_CA_BUNDLE", "KIOSK_SYNC_PIN"


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


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """Verifies the peer's certificate and name: the system's CAs, or only `ca_bundle`'s."""
    return ssl.create_default_context(cafile=ca_bundle or None)


class UntrustedPeer(ssl.SSLError):
    """The peer's certificate is not the pinned one: retrying cannot help."""


def check_pin(sock: ssl.SSLSocket, pin: str) -> None:
    """Refuses a peer whose certificate's SHA-256 is not the pinned one (AB:CD:… or hex)."""
    der = sock.getpeercert(binary_form=True) or b""
    if hashlib.sha256(der).hexdigest() != pin.replace(":", "").strip().lower():
        raise UntrustedPeer("the peer's certificate does not match the pinned fingerprint")


class HttpTransport:
    """HTTP/1.1 with a bearer token; one connection per request keeps retries simple.

    HTTPS always verifies the peer. `ca_bundle` and `pin` default to the environment's
    KIOSK_SYNC_CA_BUNDLE and KIOSK_SYNC_PIN (docs/configuration.md).
    """

    def __init__(self, url: str, token: str, timeout: float = TIMEOUT_S,
                 ca_bundle: str | None = None, pin: str | None = None) -> None:  # fmt: skip
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"peer URL must be http(s)://host[:port]: {url!r}")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.base = parts.path.rstrip("/")
        self.token, self.timeout = token, timeout
        self.bytes_sent = self.bytes_received = 0
        self.ca_bundle = os.environ.get(CA_ENV, "") if ca_bundle is None else ca_bundle
        self.pin = os.environ.get(PIN_ENV, "") if pin is None else pin
        self.context = tls_context(self.ca_bundle) if self.scheme == "https" else None

    def _connection(self) -> http.client.HTTPConnection:
        if self.context is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                           context=self.context)  # fmt: skip
        if self.pin:
            conn.connect()  # an SSLError (an OSError) if the name or the chain is wrong
            try:
                check_pin(conn.sock, self.pin)
            except ssl.SSLError:
                conn.close()
                raise
        return conn

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
