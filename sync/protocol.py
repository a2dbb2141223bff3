"""The /sync/v1 wire format: JSON bodies, optionally gzip, with a cap on what we inflate.

Both sides share this module, so what the client writes is exactly what the server reads.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable
from typing import Any

PROTOCOL = 1
PREFIX = "/sync/v1"
MAX_BODY = 32 * 1024 * 1024  # decompressed bytes; a 500-op page is well under 1 MiB
MAX_BATCH = 5000  # ops in one push
DEFAULT_PAGE = 2000  # ops per push or pull page: fewer round trips and commits for a roster
MAX_PAGE = 5000
GZIP_OVER = 1024  # bodies smaller than this are sent plain: gzip would not pay for itself


class ProtocolError(Exception):
    """A request the protocol refuses: an HTTP status, a machine code and a sentence."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class SyncError(Exception):
    """A peer refused a request: `status` and `code` say why (never the token)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def encode(obj: Any, compress: bool = False) -> bytes:
    """JSON bytes, gzip-compressed when asked and worth it."""
    raw = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    if compress and len(raw) > GZIP_OVER:
        return gzip.compress(raw, compresslevel=5, mtime=0)
    return raw


def inflate(body: bytes, encoding: str | None, limit: int = MAX_BODY) -> bytes:
    """The body with gzip removed; refuses (413) to inflate past `limit` (a zip bomb)."""
    encoding = (encoding or "identity").strip().lower()
    if encoding == "identity":
        if len(body) > limit:
            raise ProtocolError(413, "too_large", "The body is larger than this node accepts.")
        return body
    if encoding != "gzip":
        raise ProtocolError(400, "bad_encoding", "Content-Encoding must be gzip or absent.")
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise ProtocolError(400, "bad_gzip", "The gzip body is corrupt or cut short.") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise ProtocolError(413, "too_large", "The body inflates past the size limit.")
    if not inflater.eof:
        raise ProtocolError(400, "bad_gzip", "The gzip body is cut short.")
    return out


def loads(raw: bytes | str) -> Any:
    """JSON that can be stored: ValueError for bad JSON, nesting deeper than Python recurses,
    or a lone surrogate ("\\ud800" is valid JSON but cannot be written as UTF-8)."""
    try:
        data = json.loads(raw)
        json.dumps(data, ensure_ascii=False).encode()
    except RecursionError as exc:
        raise ValueError("JSON nested too deep") from exc
    return data


def decode(body: bytes, encoding: str | None = None, limit: int = MAX_BODY) -> Any:
    """JSON from a (possibly gzip) body; malformed input is a 400."""
    raw = inflate(body, encoding, limit)
    try:
        return loads(raw)
    except ValueError:
        raise ProtocolError(400, "bad_json", "The body is not valid JSON.") from None


def digest(op_ids: Iterable[str]) -> tuple[int, str]:
    """Count and order-free digest of a set of op ids: equal sets give equal answers."""
    total, count = 0, 0
    for op_id in op_ids:
        total = (total + int.from_bytes(hashlib.sha256(op_id.encode()).digest()[:8], "big")) % (
            1 << 64
        )
        count += 1
    return count, f"{total:016x}"
