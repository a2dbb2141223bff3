"""A JSON web server on 127.0.0.1 for the fakes of ticketing systems that cannot run here.

A fake subclasses `FakeApi` and answers `answer(method, path, query, headers, body)` with a
status, extra headers and a JSON payload (bytes: an HTML page instead); every request it saw
is kept in `seen`, in order, so a test can assert how many calls a connector made and what it
sent.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None


@dataclass
class FakeApi:
    """What every fake keeps: the requests it saw, behind a lock (the server has threads)."""

    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, method: str, path: str, query: dict[str, str],
               headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:  # fmt: skip
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        fake = self.server.fake
        with fake.lock:
            fake.seen.append(Seen(self.command, url.path, query, body))
            status, headers, payload = fake.answer(self.command, url.path, query,
                                                   dict(self.headers), body)  # fmt: skip
        page = isinstance(payload, bytes)  # a web page, not the API
        raw = payload if page else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if page else "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_PATCH = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on `seen`, not on a log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeApi


@contextmanager
def serving(fake: FakeApi) -> Iterator[str]:
    """Serves `fake` on a free port of 127.0.0.1; yields its base URL ("http://127.0.0.1:N")."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
