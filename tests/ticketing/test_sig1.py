"""Reading pretix_sig1 secrets: what a genuine one says, and that nothing else passes."""

from __future__ import annotations

import contextlib

import pytest

from kiosk.ticketing import sig1
from tests.ticketing.signing import Signer

# A secret and key from a real pretix 2026.8 (an event with the pretix_sig1 generator).
PRETIX_SECRET = ("=kg7Ev0cV034YvhMQzg6LOQZa50X0bpNV8DXxmCkLaS5kWoU3twQFdCt+yKzU1KoDs6LkURVaE7J"
                 "fuhdlXtN2nLAwAAKBAxQnFHdsdUcjNWCKAEARAQA")  # fmt: skip
PRETIX_KEY = (
    "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUNvd0JRWURLMlZ3QXlFQTBFOTY5dkxnMDRoM0FI"
    "cmdmTERReFBVeEdYa1J3SmlrSTc3eUNkVGxBdEk9Ci0tLS0tRU5EIFBVQkxJQyBLRVktLS0tLQo="
)


def test_a_secret_issued_by_pretix_verifies_with_its_key():
    assert sig1.verify(PRETIX_SECRET, [PRETIX_KEY]) == sig1.Signed(seed="ccqGltqgC", item=1)


def test_the_payload_says_product_and_validity():
    signer = Signer()
    secret = signer.secret("abc", item=7, variation=3, subevent=2, valid_from=1_700_000_000,
                           valid_until=1_800_000_000)  # fmt: skip
    ticket = sig1.verify(secret, [signer.public])
    assert (ticket.seed, ticket.item, ticket.variation, ticket.subevent) == ("abc", 7, 3, 2)
    assert ticket.valid_at(1_750_000_000)
    assert not ticket.valid_at(1_600_000_000) and not ticket.valid_at(1_900_000_000)


def test_another_events_key_or_one_changed_character_does_not_verify():
    signer, other = Signer(), Signer()
    secret = signer.secret()
    assert sig1.verify(secret, [other.public]) is None
    for at in (12, len(secret) // 2, len(secret) - 8):
        changed = secret[:at] + ("B" if secret[at] == "A" else "A") + secret[at + 1 :]
        with contextlib.suppress(sig1.NotSigned):  # or the framing broke: not a secret at all
            assert sig1.verify(changed, [signer.public]) is None


def test_the_right_key_among_several_verifies():
    signer = Signer()
    assert sig1.verify(signer.secret(), [Signer().public, "not a key", signer.public])


@pytest.mark.parametrize("text", ["abc123", "x" * 200, "VALID-CODE-0001", "é" * 100, ""])
def test_random_codes_are_not_signed_secrets(text):
    with pytest.raises(sig1.NotSigned):
        sig1.verify(text, [PRETIX_KEY])
