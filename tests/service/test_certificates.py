"""When the server certificate must be re-issued: the rule the start and the renewer share."""

from __future__ import annotations

import datetime

from kiosk.certificates import authority, server
from kiosk.certificates.machine import Names

NOW = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)
NAMES = Names.of(["desk-1", "desk-1.local", "localhost"], ["127.0.0.1", "192.168.1.20"])
CA = authority.make_authority("desk-1", NOW)


def test_a_fitting_certificate_is_kept() -> None:
    cert, _ = server.issue(CA, NAMES, NOW)
    assert server.reissue_reason(cert, CA.cert, NAMES, NOW) is None


def test_a_new_address_says_what_changed() -> None:
    cert, _ = server.issue(CA, NAMES, NOW)
    moved = Names.of(NAMES.dns, ["127.0.0.1", "10.0.0.5"])
    reason = server.reissue_reason(cert, CA.cert, moved, NOW)
    assert reason == ("the machine's names or addresses changed (new: 10.0.0.5; gone:"
                      " 192.168.1.20)")  # fmt: skip


def test_one_signed_by_another_authority_is_replaced() -> None:
    other = authority.make_authority("desk-1", NOW)
    cert, _ = server.issue(other, NAMES, NOW)
    assert "not signed by this machine's" in server.reissue_reason(cert, CA.cert, NAMES, NOW)


def test_a_certificate_near_its_end_is_renewed() -> None:
    cert, _ = server.issue(CA, NAMES, NOW)
    later = NOW + datetime.timedelta(days=server.SERVER_VALID_DAYS - 20)
    assert server.reissue_reason(cert, CA.cert, NAMES, later).startswith("the certificate runs out")


def test_names_are_compared_whatever_their_spelling() -> None:
    assert Names.of(["Desk-1"], ["::ffff:0:1", "127.0.0.1"]) == Names.of(
        ["desk-1"], ["127.0.0.1", "::ffff:0:1"]
    )
