"""A fake of Eventbrite API v3's "List Attendees by Event", because Eventbrite cannot run here.

Shapes come from Eventbrite's own documentation:
- the attendee object: https://www.eventbrite.com/platform/docs/attendees (its example response:
  `profile` with first_name/last_name/email/company, `barcodes` with barcode, status
  "unused"/"used", checkin_type, created, changed, is_printed; `checked_in`, `cancelled`,
  `refunded`, `status` "Attending"/"Checked In"/"Not Attending", `ticket_class_name`, `changed`);
- the page: https://www.eventbrite.com/developer/v3/api_overview/pagination/ (`pagination` with
  object_count, page_number, page_size, page_count, continuation, has_more_items);
- errors: https://www.eventbrite.com/developer/v3/api_overview/errors/ (`error`,
  `error_description`, `status_code`; INVALID_AUTH is 400, NO_AUTH 401, NOT_FOUND 404). A rate
  limit answers 429 in that format; its code name here and the Retry-After header are not in
  the pages consulted, so the connector keys on the status only and the fake sends the header
  or not (`retry_after = ""`).
`changed_since` keeps attendees changed on or after it; `continuation` is opaque to the client.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_http import FakeApi

EVENT = "717926867587"
TOKEN = "PERSONALOAUTHTOKEN"


def error(status: int, code: str, description: str) -> tuple[int, dict[str, str], Any]:
    return status, {}, {"status_code": status, "error": code, "error_description": description}


@dataclass
class FakeEventbrite(FakeApi):
    """One organizer's event; tests add attendees and change them at the instants they pick."""

    token: str = TOKEN
    page_size: int = 50
    rate_limited: int = 0  # the next this many requests answer 429
    retry_after: str = "2"
    portal: bool = False  # a venue Wi-Fi's sign-in page answers every request instead
    attendees: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, attendee_id: str, first: str, last: str, *, barcode: str, at: str,
            email: str = "", company: str = "", ticket_class: str = "Regular") -> None:  # fmt: skip
        """An attendee as an order placed at `at` creates it (one attendee per ticket)."""
        self.attendees[attendee_id] = {
            "team": None, "resource_uri": f"https://www.eventbriteapi.com/v3/events/{EVENT}/attendees/{attendee_id}/",
            "id": attendee_id, "changed": at, "created": at, "quantity": 1, "variant_id": None,
            "profile": {"first_name": first, "last_name": last, "email": email,
                        "name": f"{first} {last}", "company": company, "addresses": {}},
            "barcodes": [{"status": "unused", "barcode": barcode, "created": at, "changed": at,
                          "checkin_type": 0, "is_printed": False}],
            "answers": [], "checked_in": False, "cancelled": False, "refunded": False,
            "affiliate": None, "guestlist_id": None, "invited_by": None, "status": "Attending",
            "ticket_class_name": ticket_class, "delivery_method": "electronic",
            "event_id": EVENT, "order_id": f"9{attendee_id}", "ticket_class_id": "263793801",
        }  # fmt: skip

    def check_in(self, attendee_id: str, at: str) -> None:
        """Scanned at Eventbrite's own gate: the barcode is used, the attendee Checked In."""
        attendee = self.attendees[attendee_id]
        attendee["barcodes"][0].update(status="used", changed=at, checkin_type=2)
        attendee.update(checked_in=True, status="Checked In", changed=at)

    def cancel(self, attendee_id: str, at: str, *, refund: bool = False) -> None:
        """The order is cancelled (or refunded): the attendee is Not Attending."""
        flag = "refunded" if refund else "cancelled"
        self.attendees[attendee_id].update({flag: True, "status": "Not Attending", "changed": at})

    def answer(self, method: str, path: str, query: dict[str, str],
               headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:  # fmt: skip
        if self.portal:
            return 200, {}, b"<html><body>Sign in to Venue WiFi</body></html>"
        if self.rate_limited:
            self.rate_limited -= 1
            status, _, payload = error(429, "HIT_RATE_LIMIT", "Rate limit exceeded.")
            return status, {"Retry-After": self.retry_after} if self.retry_after else {}, payload
        auth = headers.get("Authorization", "")
        if not auth:
            return error(401, "NO_AUTH", "An OAuth token is required for this endpoint.")
        if auth != f"Bearer {self.token}":
            return error(400, "INVALID_AUTH", "The OAuth token you provided was invalid.")
        if method != "GET" or path != f"/v3/events/{EVENT}/attendees/":
            return error(404, "NOT_FOUND", "The path you requested does not exist.")
        return 200, {}, self.page(query)

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        since = query.get("changed_since", "")
        matching = [a for _, a in sorted(self.attendees.items()) if a["changed"] >= since]
        token = query.get("continuation")
        start = json.loads(base64.b64decode(token)) if token else 0
        rest = matching[start + self.page_size :]
        continuation = base64.b64encode(json.dumps(start + self.page_size).encode()).decode()
        return {
            "pagination": {
                "object_count": len(matching), "page_number": start // self.page_size + 1,
                "page_size": self.page_size, "page_count": -(-len(matching) // self.page_size),
                "continuation": continuation, "has_more_items": bool(rest),
            },
            "attendees": matching[start : start + self.page_size],
        }  # fmt: skip
