"""A transport that loses, repeats and cuts messages, as a flaky venue uplink does."""

from __future__ import annotations

import random

from sync.transport import Reply, Transport

MODES = ("ok", "drop_request", "drop_response", "duplicate", "cut_body", "http_500")


class FaultyTransport:
    """Wraps a transport; each request meets a fault drawn from `rng` with probability `rate`."""

    def __init__(self, inner: Transport, rng: random.Random, rate: float) -> None:
        self.inner, self.rng, self.rate = inner, rng, rate
        self.seen: list[str] = []

    def __call__(self, method: str, path: str, query: dict[str, str], body: bytes | None,
                 gzip: bool) -> Reply:  # fmt: skip
        mode = self.rng.choice(MODES[1:]) if self.rng.random() < self.rate else "ok"
        self.seen.append(mode)
        if mode == "drop_request":
            raise OSError("request lost")
        if mode == "http_500":
            return Reply(500, b'{"error": "internal", "message": "proxy trouble"}')
        reply = self.inner(method, path, query, body, gzip)
        if mode == "duplicate":
            reply = self.inner(method, path, query, body, gzip)
        if mode == "drop_response":
            raise OSError("response lost")
        if mode == "cut_body" and len(reply.body) > 2:
            return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.encoding)
        return reply
