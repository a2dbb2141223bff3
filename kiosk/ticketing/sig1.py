"""pretix's signed ticket secrets (`pretix_sig1`): read and verify them without pretix.

A secret is base64, written backwards, of: a version byte (1), the payload's length and the
signature's length (two bytes each, big-endian), the payload, and the Ed25519 signature of the
payload. The payload is a small protobuf `Ticket`: seed (1, text), item (2), variation (3),
subevent (4), valid from (5) and valid until (6) as Unix seconds, 0 for none. The few fields are
read here by hand, so no protobuf package is needed.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

VERSION = 1
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_NUMBERS = {2: "item", 3: "variation", 4: "subevent", 5: "valid_from", 6: "valid_until"}


class NotSigned(ValueError):
    """The text is no pretix_sig1 secret at all (a random code, a typo, another system's)."""


@dataclass(frozen=True)
class Signed:
    """What a verified secret says: the product and when it may be used (0: no limit)."""

    seed: str
    item: int = 0
    variation: int = 0
    subevent: int = 0
    valid_from: int = 0
    valid_until: int = 0

    def valid_at(self, unix_seconds: float) -> bool:
        """Whether the ticket may be used at that moment."""
        if self.valid_from and unix_seconds < self.valid_from:
            return False
        return not (self.valid_until and unix_seconds > self.valid_until)


def split(secret: str) -> tuple[bytes, bytes]:
    """The payload and signature of a secret; NotSigned if it has not the scheme's shape."""
    raw = secret.strip()[::-1].encode("ascii", "replace")
    if len(raw) < 80 or not _ALPHABET.issuperset(raw):  # a signature alone is 64 bytes
        raise NotSigned("not a signed secret")
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise NotSigned("not base64") from None
    if len(data) < 5 or data[0] != VERSION:
        raise NotSigned("not version 1")
    payload_len = int.from_bytes(data[1:3], "big")
    sig_len = int.from_bytes(data[3:5], "big")
    if len(data) != 5 + payload_len + sig_len:
        raise NotSigned("lengths do not add up")
    return data[5 : 5 + payload_len], data[5 + payload_len :]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise NotSigned("broken number")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def decode(payload: bytes) -> Signed:
    """The Ticket message's fields; unknown fields are skipped as protobuf says."""
    found: dict[str, object] = {}
    at = 0
    while at < len(payload):
        tag, at = _varint(payload, at)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, at = _varint(payload, at)
            if number in _NUMBERS:
                found[_NUMBERS[number]] = value
        elif wire == 2:
            length, at = _varint(payload, at)
            if at + length > len(payload):
                raise NotSigned("broken text")
            if number == 1:
                found["seed"] = payload[at : at + length].decode("utf-8", "replace")
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise NotSigned("unknown field type")
    return Signed(**{"seed": "", **found})  # type: ignore[arg-type]


@functools.lru_cache(maxsize=64)
def public_key(text: str) -> Ed25519PublicKey | None:
    """A key as pretix's API lists it (base64 of a PEM public key); None if it is no Ed25519 key."""
    try:
        key = load_pem_public_key(base64.b64decode(text))
    except (ValueError, binascii.Error, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def verify(secret: str, keys: Iterable[str]) -> Signed | None:
    """The ticket a secret holds if one of `keys` signed it, else None (forged or altered).

    Raises NotSigned for text that is not a signed secret at all.
    """
    payload, signature = split(secret)
    for text in keys:
        key = public_key(text)
        if key is None:
            continue
        try:
            key.verify(signature, payload)
        except InvalidSignature:
            continue
        return decode(payload)
    return None
