"""Signed secrets made here as pretix makes them (its base/secrets.py): for tests without pretix."""

from __future__ import annotations

import base64
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def payload(seed: str, item: int, variation: int = 0, subevent: int = 0, valid_from: int = 0,
            valid_until: int = 0) -> bytes:  # fmt: skip
    """The protobuf Ticket message, field by field (proto3 leaves zero numbers out)."""
    raw = seed.encode()
    out = b"\x0a" + _varint(len(raw)) + raw
    for number, value in ((2, item), (3, variation), (4, subevent), (5, valid_from),
                          (6, valid_until)):  # fmt: skip
        if value:
            out += _varint(number << 3) + _varint(value)
    return out


class Signer:
    """One event's signing key."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()

    @property
    def public(self) -> str:
        """As pretix's API lists it in valid_keys: base64 of the PEM public key."""
        pem = self.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(pem).decode()

    def secret(self, seed: str = "seed12345", item: int = 1, **fields: int) -> str:
        body = payload(seed, item, **fields)
        signature = self.key.sign(body)
        raw = b"\x01" + struct.pack(">H", len(body)) + struct.pack(">H", len(signature))
        return base64.b64encode(raw + body + signature).decode()[::-1]
