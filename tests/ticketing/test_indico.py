"""Indico registrations reach Kiosk, and Kiosk's check-ins reach Indico, over real HTTP.

Real Indico needs PostgreSQL, Redis and its own setup, so tests/support/indico_fake.py serves
the JSON Indico's own code writes for its check-in API.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator

import pytest

from kiosk.ticketing import records
from kiosk.ticketing.indico import IndicoConnector, code_from_qr, connect
from kiosk.ticketing.records import CheckinToSend, GateArrival, TicketingError
from tests.support.fake_http import serving
from tests.support.indico_fake import EVENT, TOKEN, FakeIndico


@pytest.fixture
def fake() -> Iterator[FakeIndico]:
    fake = FakeIndico()
    fake.add(1, "Maria José", "Silva", email="mj@example.test", affiliation="Universitas Indonesia")
    fake.add(2, "Agus", "Wijaya", form=2)
    fake.add(3, "Rina", "Hartono", state="withdrawn")
    fake.add(4, "Tono", "Prasetyo", state="rejected")
    fake.add(5, "Lia", "Putri", state="pending")
    with serving(fake) as url:
        fake.url = url
        yield fake


@pytest.fixture
def indico(fake: FakeIndico) -> IndicoConnector:
    return connect({"url": fake.url, "event": str(EVENT), "token": TOKEN})


def checkin(fake: FakeIndico, reg_id: int, op_id: str = "op-1", undo: bool = False):
    secret = fake.registrations[reg_id]["secret"]
    return CheckinToSend(op_id=op_id, code=secret, at="2026-12-01T02:29:00.000Z", undo=undo)


def test_registrations_become_tickets_with_the_checkin_secret_as_code(indico, fake):
    tickets = {t.external_id: t for t in indico.pull({}).tickets}
    maria = tickets["1"]
    assert (maria.code, maria.first_name, maria.last_name, maria.email, maria.company,
            maria.ticket_type) == (fake.registrations[1]["secret"], "Maria José", "Silva",
                                   "mj@example.test", "Universitas Indonesia",
                                   "Registration Form")  # fmt: skip
    assert tickets["2"].ticket_type == "Students"  # the form is the kind of ticket
    # 3 withdrew and 4 was rejected; 5 waits for approval, so it is no ticket yet.
    cancelled = {k: t.cancelled for k, t in tickets.items()}
    assert cancelled == {"1": False, "2": False, "3": True, "4": True}


def test_a_check_in_recorded_in_indico_is_kept_as_an_arrival(indico, fake):
    fake.now = "2026-12-01T01:55:12.345678+00:00"
    fake.set_checked_in(2, True)  # Indico's own check-in app
    assert indico.pull({}).arrivals == [
        GateArrival(
            code=fake.registrations[2]["secret"], at="2026-12-01T01:55:12.345Z", gate="Indico"
        )
    ]


def test_a_second_pull_hands_on_only_what_changed(indico, fake):
    cursor = indico.pull({}).cursor
    assert indico.pull(cursor).tickets == []
    fake.registrations[1]["state"] = "withdrawn"
    fake.registrations[5]["state"] = "complete"  # approved at last
    again = indico.pull(cursor)
    assert {t.external_id: t.cancelled for t in again.tickets} == {"1": True, "5": False}


def test_names_come_whole_when_the_token_may_only_check_in(indico, fake):
    fake.managers_only = True
    tickets = {t.external_id: t for t in indico.pull({}).tickets}
    # Without the registrants list the first word is taken as the first name.
    assert (tickets["1"].first_name, tickets["1"].last_name) == ("Maria", "José Silva")
    assert tickets["1"].company == ""
    fake.last_name_first = True
    tickets = {t.external_id: t for t in indico.pull({}).tickets}
    assert (tickets["1"].first_name, tickets["1"].last_name) == ("Maria José", "Silva")


def test_a_failing_registrants_list_fails_the_pull_rather_than_change_names(indico, fake):
    cursor = indico.pull({}).cursor
    fake.registrants_down = True
    with pytest.raises(TicketingError) as raised:
        indico.pull(cursor)
    assert not raised.value.auth
    assert "Indico had a problem of its own" in raised.value.words


def test_a_check_in_is_sent_once_whatever_the_retries(indico, fake):
    assert [s.accepted for s in indico.push([checkin(fake, 1)])] == [True]
    assert [s.accepted for s in indico.push([checkin(fake, 1)])] == [True]  # sent again
    assert fake.checkins == [(1, True)]
    patches = [s for s in fake.seen if s.method == "PATCH"]
    assert patches[0].path == f"/api/checkin/event/{EVENT}/forms/1/registrations/1"
    assert patches[0].body == {"checked_in": True}


def test_an_undo_unsets_the_check_in(indico, fake):
    indico.push([checkin(fake, 2)])
    assert [s.accepted for s in indico.push([checkin(fake, 2, "op-2", undo=True)])] == [True]
    assert fake.checkins == [(2, True), (2, False)]
    assert fake.registrations[2]["checked_in_dt"] is None


def test_indico_refusals_are_answers_not_errors(indico, fake):
    fake.add(6, "Eko", "Saputra", event=999)  # a ticket of an event this token cannot see
    unknown = CheckinToSend(op_id="op-9", code=str(uuid.UUID(int=99)), at="2026-12-01T02:00:00Z")
    garbage = CheckinToSend(op_id="op-8", code="EB-1234", at="2026-12-01T02:00:00Z")
    sent = indico.push([unknown, garbage, checkin(fake, 3, "op-3"), checkin(fake, 6, "op-6")])
    assert [(s.accepted, s.reason) for s in sent] == [
        (False, "Indico does not know this ticket"), (False, "Not an Indico ticket"),
        (False, "The registration is withdrawn in Indico"),
        (False, "The ticket is for another Indico event")]  # fmt: skip
    assert fake.checkins == []


def test_a_revoked_token_is_reported_in_words(indico, fake):
    fake.token = "indp_someoneelse"
    for attempt in (lambda: indico.pull({}), lambda: indico.push([checkin(fake, 1)])):
        with pytest.raises(TicketingError) as raised:
            attempt()
        assert raised.value.auth
        assert "Indico no longer accepts this connection's token" in raised.value.words
        assert "'Event registrants'" in raised.value.words  # the scope a new token needs


def test_the_secret_is_read_from_every_form_of_indico_ticket_qr_code():
    secret = str(uuid.UUID(int=7))
    v2 = json.dumps({"i": [2, "indico.example.org", base64.b64encode(uuid.UUID(secret).bytes)
                           .decode()]})  # fmt: skip
    older = json.dumps({"registrant_id": "7", "checkin_secret": secret, "event_id": "1234"})
    assert [code_from_qr(t) for t in (v2, older, secret, "{}")] == [secret, secret, secret, "{}"]


def test_indico_is_a_kind_of_connection():
    assert records.KINDS["indico"] is connect
    with pytest.raises(TicketingError):
        connect({"url": "https://indico.example.org", "event": "1234"})  # no token


def test_a_user_who_lost_the_check_in_right_is_reported_in_words(indico, fake):
    fake.may_check_in = False
    for attempt in (lambda: indico.pull({}), lambda: indico.push([checkin(fake, 1)])):
        with pytest.raises(TicketingError) as raised:  # not a refusal of that one check-in
            attempt()
        assert raised.value.auth
        assert "may no longer check people in at this event" in raised.value.words


def test_a_token_without_the_scope_is_a_token_that_stopped_working(indico, fake):
    fake.scoped = False
    with pytest.raises(TicketingError) as raised:
        indico.push([checkin(fake, 1)])
    assert raised.value.auth
    assert fake.checkins == []
