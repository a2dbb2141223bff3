"""Eventbrite attendees reach Kiosk over real HTTP from a fake shaped like Eventbrite's docs.

Eventbrite cannot run here, so tests/support/eventbrite_fake.py serves the documented JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kiosk.ticketing import records
from kiosk.ticketing.eventbrite import EventbriteConnector, connect
from kiosk.ticketing.http import RETRIES, backoff
from kiosk.ticketing.records import CheckinToSend, GateArrival, TicketingError
from tests.support.eventbrite_fake import EVENT, TOKEN, FakeEventbrite
from tests.support.fake_http import serving
from tests.support.processes import free_port


@pytest.fixture
def fake() -> Iterator[FakeEventbrite]:
    fake = FakeEventbrite()
    fake.add("101", "Siti", "Rahayu", barcode="1010000001001", at="2026-11-20T03:00:00Z",
             email="siti@example.test", company="Bank Jakarta", ticket_class="Speaker")  # fmt: skip
    fake.add("102", "Budi", "Santoso", barcode="1020000001001", at="2026-11-21T04:00:00Z")
    fake.add("103", "Ana", "Lim", barcode="1030000001001", at="2026-11-22T05:00:00Z")
    with serving(fake) as url:
        fake.url = url
        yield fake


@pytest.fixture
def waits() -> list[tuple[int, float]]:
    """Each wait the connector asked for, with how many requests the fake had seen by then."""
    return []


@pytest.fixture
def eventbrite(fake: FakeEventbrite, waits: list[tuple[int, float]]) -> EventbriteConnector:
    return connect({"event": EVENT, "token": TOKEN, "url": fake.url + "/v3/"},
                   sleep=lambda s: waits.append((len(fake.seen), s)))  # fmt: skip


def test_first_pull_brings_every_attendee_with_its_barcode_as_the_code(eventbrite, fake):
    pulled = eventbrite.pull({})
    siti = next(t for t in pulled.tickets if t.external_id == "101")
    assert (siti.code, siti.first_name, siti.last_name, siti.email, siti.company,
            siti.ticket_type, siti.cancelled) == ("1010000001001", "Siti", "Rahayu",
                                                  "siti@example.test", "Bank Jakarta",
                                                  "Speaker", False)  # fmt: skip
    assert sorted(t.code for t in pulled.tickets) == ["1010000001001", "1020000001001",
                                                      "1030000001001"]  # fmt: skip
    assert pulled.arrivals == []
    assert "changed_since" not in fake.seen[0].query  # the first pull asks for everyone


def test_a_second_pull_with_nothing_changed_brings_nothing(eventbrite, fake):
    cursor = eventbrite.pull({}).cursor
    again = eventbrite.pull(cursor)
    assert (again.tickets, again.arrivals) == ([], [])
    # It asked from a minute before the newest change it had seen, not from the local clock.
    assert fake.seen[-1].query["changed_since"] == "2026-11-22T04:59:00Z"


def test_an_attendee_changed_in_the_same_second_as_the_newest_is_not_missed(eventbrite, fake):
    cursor = eventbrite.pull({}).cursor
    fake.add("104", "Dewi", "Kusuma", barcode="1040000001001", at="2026-11-22T05:00:00Z")
    assert [t.external_id for t in eventbrite.pull(cursor).tickets] == ["104"]


def test_cancelled_and_refunded_attendees_become_cancelled_tickets(eventbrite, fake):
    cursor = eventbrite.pull({}).cursor
    fake.cancel("101", "2026-11-25T01:00:00Z")
    fake.cancel("102", "2026-11-25T02:00:00Z", refund=True)
    pulled = eventbrite.pull(cursor)
    assert {t.external_id: t.cancelled for t in pulled.tickets} == {"101": True, "102": True}


def test_checked_in_attendees_become_arrivals_once(eventbrite, fake):
    cursor = eventbrite.pull({}).cursor
    fake.check_in("103", "2026-12-01T02:15:07Z")
    pulled = eventbrite.pull(cursor)
    assert pulled.arrivals == [GateArrival(code="1030000001001", at="2026-12-01T02:15:07.000Z",
                                           gate="Eventbrite")]  # fmt: skip
    assert eventbrite.pull(pulled.cursor).arrivals == []  # a quiet pull does not repeat it


def test_every_page_is_fetched_by_its_continuation(eventbrite, fake):
    fake.page_size = 2
    for n in range(4, 8):
        fake.add(f"10{n}", "Guest", str(n), barcode=f"10{n}0000001001", at="2026-11-23T00:00:00Z")
    pulled = eventbrite.pull({})
    assert len(pulled.tickets) == 7
    assert len(fake.seen) == 4  # 7 attendees at 2 a page
    assert ["continuation" in s.query for s in fake.seen] == [False, True, True, True]


def test_a_rate_limit_is_waited_out_as_retry_after_asks(eventbrite, fake, waits):
    fake.rate_limited = 2
    assert len(eventbrite.pull({}).tickets) == 3
    assert len(fake.seen) == 3
    assert waits == [(1, 2.0), (2, 2.0)]  # one 2-second wait after each 429


def test_without_retry_after_the_waits_grow(eventbrite, fake, waits):
    fake.rate_limited, fake.retry_after = 3, ""
    eventbrite.pull({})
    assert waits == [(1, 1.0), (2, 2.0), (3, 4.0)]


def test_a_rate_limit_that_lasts_ends_the_run_with_when_to_come_back(eventbrite, fake, waits):
    fake.rate_limited = 100
    with pytest.raises(TicketingError) as raised:
        eventbrite.pull({})
    assert (raised.value.retry_after, raised.value.auth) == (2.0, False)
    assert len(fake.seen) == RETRIES + 1  # a bounded number of tries


def test_a_long_retry_after_is_not_slept_through(eventbrite, fake, waits):
    fake.rate_limited, fake.retry_after = 1, "3600"
    with pytest.raises(TicketingError) as raised:
        eventbrite.pull({})
    assert (raised.value.retry_after, waits, len(fake.seen)) == (3600.0, [], 1)


def test_a_revoked_token_is_reported_in_words(eventbrite, fake):
    fake.token = "a-new-token-made-in-eventbrite"  # ours no longer works
    with pytest.raises(TicketingError) as raised:
        eventbrite.pull({})
    assert raised.value.auth
    assert "no longer accepts this connection's token" in raised.value.words
    assert "API keys" in raised.value.words  # where to get a new one
    assert TOKEN not in raised.value.words


def test_an_unreachable_eventbrite_is_an_error_not_a_crash():
    connector = connect({"event": EVENT, "token": TOKEN,
                         "url": f"http://127.0.0.1:{free_port()}/v3/"})  # fmt: skip
    with pytest.raises(TicketingError) as raised:
        connector.pull({})
    assert not raised.value.auth
    assert "cannot be reached" in raised.value.words


def test_a_wifi_sign_in_page_is_not_taken_for_eventbrite(eventbrite, fake):
    fake.portal = True
    with pytest.raises(TicketingError) as raised:
        eventbrite.pull({})
    assert "Wi-Fi sign-in page" in raised.value.words


def test_check_ins_are_not_pushed_to_eventbrite(eventbrite, fake):
    sent = eventbrite.push([CheckinToSend(op_id="op-1", code="1010000001001",
                                          at="2026-12-01T02:00:00.000Z")])  # fmt: skip
    assert eventbrite.pushes is False
    assert [(s.op_id, s.accepted, s.reason) for s in sent] == [
        ("op-1", False, "Eventbrite's API does not accept check-ins")
    ]
    assert fake.seen == []


def test_eventbrite_is_a_kind_of_connection():
    assert records.KINDS["eventbrite"] is connect
    with pytest.raises(TicketingError):
        connect({"event": EVENT})  # no token


def test_retry_after_may_be_an_http_date():
    now = datetime(2026, 12, 1, 2, 0, 0, tzinfo=UTC)
    assert backoff(0, "Tue, 01 Dec 2026 02:00:30 GMT", now) == 30.0
    assert backoff(2, "soon", now) == 4.0  # unreadable: the growing wait
