"""What a pretix order becomes at the desk, for every name scheme pretix offers."""

from __future__ import annotations

import pytest

from kiosk.ticketing.pretix import arrivals_of, name_of, refusal_words, tickets_of

ITEMS = {1: {"name": "Conference pass", "admission": True},
         2: {"name": "T-shirt", "admission": False}}  # fmt: skip


@pytest.mark.parametrize(("parts", "full", "expected"), [
    ({"_scheme": "given_family", "given_name": "Siti", "family_name": "Rahma"}, None,
     ("Siti", "Rahma")),
    ({"_scheme": "title_given_family", "title": "Dr", "given_name": "José",
      "family_name": "Ñúñez"}, None, ("José", "Ñúñez")),
    ({"_scheme": "given_middle_family", "given_name": "Mary", "middle_name": "Ann",
      "family_name": "Lee"}, None, ("Mary", "Ann Lee")),
    ({"_scheme": "family_nospace_given", "given_name": "太郎", "family_name": "山田"}, None,
     ("太郎", "山田")),
    ({"_scheme": "full", "full_name": "Guðmundur Guðmundsdóttir"}, None,
     ("Guðmundur", "Guðmundsdóttir")),
    ({"_scheme": "calling_full", "calling_name": "Budi", "full_name": "Budi Santoso"}, None,
     ("Budi", "Santoso")),
    ({"_scheme": "full", "full_name": "Suharto"}, None, ("Suharto", "")),
    (None, "Ana Lima", ("Ana", "Lima")),
    ({}, None, ("", "")),
])  # fmt: skip
def test_names_in_every_scheme(parts, full, expected):
    assert name_of(parts, full) == expected


def _order(status="p", **position):
    return {"code": "AB12C", "status": status, "email": "buyer@example.org",
            "invoice_address": {"name_parts": {"given_name": "Buyer", "family_name": "One"},
                                "company": "PT Maju"},
            "positions": [{"id": 10, "item": 1, "secret": "s1", "attendee_email": "a@example.org",
                           "company": "", "canceled": False,
                           "attendee_name_parts": {"given_name": "Ana", "family_name": "Lima"},
                           **position},
                          {"id": 11, "item": 2, "secret": "s2"}]}  # fmt: skip


def test_an_admission_becomes_a_ticket_and_a_shirt_does_not():
    (ticket,) = tickets_of(_order(), ITEMS)
    assert (ticket.external_id, ticket.code, ticket.first_name, ticket.last_name) == (
        "10",
        "s1",
        "Ana",
        "Lima",
    )
    assert (ticket.email, ticket.company, ticket.ticket_type, ticket.cancelled) == (
        "a@example.org",
        "PT Maju",
        "Conference pass",
        False,
    )  # the buyer's company


@pytest.mark.parametrize("status", ["c", "e"])
def test_cancelled_or_expired_orders_cancel_their_tickets(status):
    assert tickets_of(_order(status), ITEMS)[0].cancelled


def test_a_cancelled_position_in_a_paid_order_is_cancelled():
    assert tickets_of(_order(canceled=True), ITEMS)[0].cancelled


def test_a_ticket_without_an_attendee_name_takes_the_buyers():
    (ticket,) = tickets_of(_order(attendee_name_parts={}, attendee_name=None), ITEMS)
    assert (ticket.first_name, ticket.last_name) == ("Buyer", "One")


def test_only_entries_on_the_chosen_list_are_arrivals():
    at = "2026-12-01T02:00:00Z"
    order = _order(checkins=[{"list": 3, "type": "entry", "datetime": at},
                             {"list": 3, "type": "exit", "datetime": "2026-12-01T03:00:00Z"},
                             {"list": 4, "type": "entry", "datetime": at}])  # fmt: skip
    (arrival,) = arrivals_of(order, 3, "Main entrance")
    assert (arrival.code, arrival.at, arrival.gate) == ("s1", at, "Main entrance")


def test_refusals_in_words():
    used = {"status": "error", "reason": "already_redeemed"}
    assert refusal_words(used) == "already used in pretix"
    assert refusal_words({"non_field_errors": ["Annulment is not allowed"]}) == (
        "pretix: Annulment is not allowed"
    )
    assert refusal_words(None) == "pretix refused it without a reason"
