"""Identifiers: UUIDv7 (RFC 9562), time-ordered so that the op table's index stays compact."""

from __future__ import annotations

import os
import re
import time
import uuid

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def uuid7(now_ms: int | None = None) -> str:
    """A new UUIDv7 string: 48 bits of Unix milliseconds, version 7, variant 10, 74 random bits."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_uuid(text: object) -> bool:
    """True for a canonical UUID string of any version (client-made op ids included)."""
    return isinstance(text, str) and _UUID.fullmatch(text) is not None
