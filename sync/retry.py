"""Backoff with full jitter: failing nodes spread their retries instead of stampeding."""

from __future__ import annotations

import random
from collections.abc import Iterator

BASE_S = 1.0
CAP_S = 300.0


def delays(
    base: float = BASE_S, cap: float = CAP_S, rng: random.Random | None = None
) -> Iterator[float]:
    """Endless waits: uniform in [0, min(cap, base * 2**attempt)] (AWS's "full jitter")."""
    rng = rng or random.Random()
    attempt = 0
    while True:
        yield rng.uniform(0, min(cap, base * (2**attempt)))
        attempt = min(attempt + 1, 30)


def is_retryable(status: int) -> bool:
    """Worth retrying unchanged: server trouble, throttling, or a proxy in the way."""
    return status >= 500 or status in (408, 429)
