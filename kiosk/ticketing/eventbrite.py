"""Eventbrite API v3: one event's attendees in, incrementally; check-ins cannot go back.

One call, paged: `GET events/{event}/attendees/?changed_since=…&continuation=…`
(docs/ticketing-eventbrite-indico.md says what it returns and what maps to what). Eventbrite's
public API has no call that checks an attendee in, so this connector does not push: `pushes`
says so, and a push answers every check-in as refused with that reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.ticketing import records
from kiosk.ticketing.http import JsonClient, utc_at
from kiosk.ticketing.records import CheckinToSend, GateArrival, Pulled, Sent, Ticket, TicketingError

DEFAULT_URL = "https://www.eventbriteapi.com/v3/"
# `changed` has whole seconds and the docs do not say whether changed_since is inclusive, so an
# attendee changed in the same second as the newest one seen, just after our call, could be
# missed. Each pull asks again from a minute before the newest change it saw; the versions it
# already had (kept in the cursor by id and `changed`) are skipped, so a quiet pull is empty.
OVERLAP = timedelta(seconds=60)
CANCELLED_STATUSES = {"Not Attending", "Deleted"}
NOT_PUSHED = "Eventbrite's API does not accept check-ins"
RENEWAL = ("Make a new private token in Eventbrite (Account settings, Developer links, "
              "API keys) and store it for this connection.")  # fmt: skip
AUTH_ERRORS = {"INVALID_AUTH", "INVALID_AUTH_HEADER", "NO_AUTH", "NOT_AUTHORIZED"}


def auth_failed(status: int, payload: Any) -> bool:
    """Eventbrite answers a wrong token with 400 INVALID_AUTH, not 401 (its common errors)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    return status in (401, 403) or error in AUTH_ERRORS


class EventbriteConnector:
    """Attendees of one Eventbrite event; `pushes` is False because Eventbrite takes none."""

    pushes = False

    def __init__(self, client: JsonClient, event: str) -> None:
        self.client = client
        self.event = event

    def pull(self, cursor: Mapping[str, Any]) -> Pulled:
        """Every page changed since the cursor's time, less what the cursor already had."""
        return changes(list(self._attendees(cursor.get("changed_since"))), cursor)

    def push(self, checkins: list[CheckinToSend]) -> list[Sent]:
        """Refuses each: there is no documented way to check an attendee in on Eventbrite."""
        return [Sent(op_id=c.op_id, accepted=False, reason=NOT_PUSHED) for c in checkins]

    def _attendees(self, since: str | None) -> Iterator[dict[str, Any]]:
        base = {"changed_since": since} if since else {}
        query = dict(base)
        while True:
            page = self.client.call("GET", f"events/{self.event}/attendees/", query)
            yield from page.get("attendees") or []
            pagination = page.get("pagination") or {}
            if not pagination.get("has_more_items") or not pagination.get("continuation"):
                return
            query = {**base, "continuation": pagination["continuation"]}


def changes(attendees: list[dict[str, Any]], cursor: Mapping[str, Any]) -> Pulled:
    """The attendees' versions not seen before as tickets and arrivals, and the next cursor."""
    seen: dict[str, str] = dict(cursor.get("seen") or {})
    fresh = [a for a in attendees if seen.get(str(a["id"])) != a["changed"]]
    times = [parse(a["changed"]) for a in attendees]
    if cursor.get("newest"):
        times.append(parse(cursor["newest"]))
    newest = max(times, default=None)
    pulled = Pulled(cursor=dict(cursor))
    for attendee in fresh:
        if ticket := ticket_of(attendee):
            pulled.tickets.append(ticket)
            if attendee.get("checked_in"):
                pulled.arrivals.append(arrival_of(attendee, ticket.code))
    if newest is not None:
        seen.update({str(a["id"]): a["changed"] for a in attendees})
        since = newest - OVERLAP
        pulled.cursor = {
            "newest": stamp(newest),
            "changed_since": stamp(since),
            "seen": {k: v for k, v in seen.items() if parse(v) >= since},
        }
    return pulled


def ticket_of(attendee: Mapping[str, Any]) -> Ticket | None:
    """One attendee (Eventbrite: one per ticket) with its barcode as the code; None without one."""
    barcodes = attendee.get("barcodes") or []
    if not barcodes:
        return None
    profile = attendee.get("profile") or {}
    cancelled = (bool(attendee.get("cancelled")) or bool(attendee.get("refunded"))
                 or attendee.get("status") in CANCELLED_STATUSES)  # fmt: skip
    return Ticket(external_id=str(attendee["id"]), code=barcodes[0]["barcode"],
                  first_name=profile.get("first_name") or "",
                  last_name=profile.get("last_name") or "", email=profile.get("email") or "",
                  company=profile.get("company") or "",
                  ticket_type=attendee.get("ticket_class_name") or "",
                  cancelled=cancelled)  # fmt: skip


def arrival_of(attendee: Mapping[str, Any], code: str) -> GateArrival:
    """A check-in Eventbrite recorded: when its barcode was last changed (scanned as "used")."""
    barcode = attendee["barcodes"][0]
    used = barcode.get("status") == "used" and barcode.get("changed")
    return GateArrival(code=code, at=utc_at(used or attendee["changed"]), gate="Eventbrite")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def stamp(when: datetime) -> str:
    """The form Eventbrite writes and reads its times in: UTC seconds with a Z."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(settings: Mapping[str, str], *,
            sleep: Callable[[float], None] = time.sleep) -> EventbriteConnector:  # fmt: skip
    """The connector for settings `event`, `token` and optionally `url`."""
    if not settings.get("event") or not settings.get("token"):
        raise TicketingError("An Eventbrite connection needs the event ID and a private token.")
    client = JsonClient(settings.get("url") or DEFAULT_URL, settings["token"],
                        system="Eventbrite", renewal=RENEWAL, auth_failed=auth_failed,
                        sleep=sleep)  # fmt: skip
    return EventbriteConnector(client, settings["event"])


records.register("eventbrite", connect)
