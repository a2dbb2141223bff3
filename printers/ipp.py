"""A small IPP/1.1 client (RFC 8010 encoding, RFC 8011 operations) on the standard library.

Enough for IPP Everywhere printers and CUPS queues: Get-Printer-Attributes to learn the
formats and media a printer takes, Print-Job, and Get-Job-Attributes to follow a job until it
is completed, canceled or aborted.
"""

from __future__ import annotations

import http.client
import ssl
import struct
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from printers.base import PrinterError

PRINT_JOB, GET_JOB_ATTRIBUTES, GET_PRINTER_ATTRIBUTES = 0x0002, 0x0009, 0x000B
OPERATION, JOB, END, PRINTER, UNSUPPORTED = 0x01, 0x02, 0x03, 0x04, 0x05
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
RESOLUTION, RANGE, BEGIN_COLLECTION, END_COLLECTION, MEMBER = 0x32, 0x33, 0x34, 0x37, 0x4A
TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
              7: "canceled", 8: "aborted", 9: "completed"}  # fmt: skip
FINAL_STATES = {7, 8, 9}
TIMEOUT = 30.0  # seconds a printer may keep a request unanswered: a hung printer is a failed try
Value = int | bool | str | bytes | tuple[int, ...] | dict[str, Any]


@dataclass
class IppMessage:
    """A request or response: `code` is the operation (requests) or status (responses)."""

    code: int
    request_id: int
    groups: list[tuple[int, dict[str, list[Value]]]] = field(default_factory=list)
    data: bytes = b""
    version: tuple[int, int] = (1, 1)

    def group(self, tag: int) -> dict[str, list[Value]]:
        """The first attribute group with this tag (empty if absent)."""
        return next((attrs for t, attrs in self.groups if t == tag), {})

    def first(self, tag: int, name: str, default: Value | None = None) -> Value | None:
        """The first value of an attribute in a group."""
        values = self.group(tag).get(name)
        return values[0] if values else default


def _value_bytes(tag: int, value: Value) -> bytes:
    if tag in (INTEGER, ENUM):
        return struct.pack(">i", int(value))  # type: ignore[arg-type]
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def encode(message: IppMessage, attrs: list[tuple[int, list[tuple[int, str, Value]]]]) -> bytes:
    """Serialise a request: header, attribute groups (lists of (tag, name, value)), data."""
    out = bytearray(struct.pack(">bbhi", *message.version, message.code, message.request_id))
    for group_tag, items in attrs:
        out.append(group_tag)
        for tag, name, value in items:
            values = value if isinstance(value, list) else [value]
            for i, one in enumerate(values):
                raw, key = _value_bytes(tag, one), (name if i == 0 else "").encode()
                out += struct.pack(">bh", tag, len(key)) + key + struct.pack(">h", len(raw)) + raw
    out.append(END)
    return bytes(out) + message.data


def _decode_value(tag: int, raw: bytes) -> Value:
    if tag in (INTEGER, ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN:
        return raw != b"\x00"
    if tag == RESOLUTION and len(raw) == 9:
        return struct.unpack(">iib", raw)
    if tag == RANGE and len(raw) == 8:
        return struct.unpack(">ii", raw)
    if 0x40 <= tag <= 0x5F:
        return raw.decode("utf-8", "replace")
    return raw


class _Reader:
    """Walks the attribute bytes of a message."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data, self.pos = data, pos

    def attribute(self) -> tuple[int, str, bytes]:
        tag, name_len = struct.unpack_from(">bh", self.data, self.pos)
        self.pos += 3
        name = self.data[self.pos : self.pos + name_len].decode("utf-8", "replace")
        self.pos += name_len
        (value_len,) = struct.unpack_from(">h", self.data, self.pos)
        self.pos += 2
        raw = self.data[self.pos : self.pos + value_len]
        self.pos += value_len
        return tag & 0xFF, name, raw

    def collection(self) -> dict[str, list[Value]]:
        """Members up to the matching end-collection, nested collections included."""
        members: dict[str, list[Value]] = {}
        member = ""
        while self.pos < len(self.data):
            tag, _name, raw = self.attribute()
            if tag == END_COLLECTION:
                break
            if tag == MEMBER:
                member = raw.decode("utf-8", "replace")
                continue
            value = self.collection() if tag == BEGIN_COLLECTION else _decode_value(tag, raw)
            members.setdefault(member, []).append(value)
        return members


def decode(data: bytes) -> IppMessage:
    """Parse a response (or request) into groups of attributes and trailing data."""
    if len(data) < 9:
        raise PrinterError("The printer sent an answer that is not IPP.", code="protocol")
    major, minor, code, request_id = struct.unpack_from(">bbhi", data, 0)
    message = IppMessage(code & 0xFFFF, request_id, version=(major, minor))
    reader, attrs, last = _Reader(data, 8), None, ""
    while reader.pos < len(data):
        tag = data[reader.pos]
        if tag <= 0x0F:  # a delimiter: start of a group, or the end of attributes
            reader.pos += 1
            if tag == END:
                break
            attrs = {}
            message.groups.append((tag, attrs))
            continue
        tag, name, raw = reader.attribute()
        value = reader.collection() if tag == BEGIN_COLLECTION else _decode_value(tag, raw)
        last = name or last
        if attrs is not None:
            attrs.setdefault(last, []).append(value)
    message.data = data[reader.pos :]
    return message


def http_target(uri: str) -> tuple[str, int, str, bool]:
    """(host, port, path, tls) for an ipp:// or ipps:// URI; port 631 by default."""
    parts = urlsplit(uri)
    if parts.scheme not in ("ipp", "ipps", "http", "https") or not parts.hostname:
        raise PrinterError(f"{uri!r} is not an IPP printer address.", code="bad_url")
    tls = parts.scheme in ("ipps", "https")
    return parts.hostname, parts.port or 631, parts.path or "/ipp/print", tls


def request(uri: str, message: IppMessage, attrs: list, *, timeout: float = TIMEOUT) -> IppMessage:
    """POST one IPP request and decode the answer; network trouble becomes a PrinterError."""
    host, port, path, tls = http_target(uri)
    if tls:
        context = ssl.create_default_context()
        # Printers use self-signed certificates; the venue network is the trust boundary.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", path, encode(message, attrs), {"Content-Type": "application/ipp"})
        response = conn.getresponse()
        body = response.read()
    except TimeoutError as exc:
        raise PrinterError(
            f"The printer at {host}:{port} did not answer within {timeout:g} s. Check that it is "
            "on and shows no error (paper jam, open cover); the badge will be sent again.",
            code="timeout",
            retryable=True,
        ) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise PrinterError(
            f"Cannot reach the printer at {host}:{port} ({exc.__class__.__name__}). Check that it "
            "is switched on and connected to the same network as this kiosk.",
            code="unreachable",
            retryable=True,
        ) from exc
    finally:
        conn.close()
    if response.status != 200:
        raise PrinterError(
            f"The printer at {host}:{port} answered HTTP {response.status}; check the printer "
            f"address (path {path}).",
            code="rejected",
        )
    return decode(body)


def operation_attributes(uri: str, *extra: tuple[int, str, Value]) -> list[tuple[int, str, Value]]:
    """The attributes every request starts with, then the operation's own."""
    return [(CHARSET, "attributes-charset", "utf-8"),
            (LANGUAGE, "attributes-natural-language", "en"),
            (URI, "printer-uri", uri), *extra]  # fmt: skip
