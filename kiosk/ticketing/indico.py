"""Indico: an event's registrations in (their check-in secret as the code), check-ins out.

Indico's check-in API (the one its check-in app uses) lists every registration form of the
event and each form's registrations with state, `checked_in`, `checked_in_dt` and
`checkin_secret`; a PATCH of `checked_in` checks one in or out. It has no "changed since", so
a pull reads them all and hands Kiosk only those whose fingerprint differs from the cursor's.
Names split into first and last, and the affiliation, come from the older registrants list
where the token may read it. docs/ticketing-eventbrite-indico.md has the endpoints.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.ticketing import records
from kiosk.ticketing.http import HttpRefusal, JsonClient, utc_at
from kiosk.ticketing.records import CheckinToSend, GateArrival, Pulled, Sent, Ticket, TicketingError

CANCELLED_STATES = {"rejected", "withdrawn"}
Row = tuple[dict[str, Any], dict[str, Any]]  # a registration form and one of its registrations
WAITING_STATES = {"pending"}  # not yet approved: not a ticket until Indico accepts it
OTHER_EVENT = "The ticket is for another Indico event"
RENEWAL = ("Create a new personal API token in Indico (your profile, API tokens) with the scope "
           "'Event registrants', as a user who may check people in at this event, and store "
           "it for this connection.")  # fmt: skip


NO_RIGHTS = ("Indico accepts this connection's token, but its user may no longer check people "
             "in at this event. Give that user the registration check-in permission again, or "
             "store a token of a user who has it.")  # fmt: skip


def auth_failed(status: int, payload: Any) -> bool:
    """401 is a token Indico does not know, 403 insufficient_scope one without the scope. Indico's
    own 403 page is a user without rights at one event: for a foreign ticket, only a refusal."""
    error = payload.get("error") if isinstance(payload, dict) else None
    return status == 401 or (status == 403 and error == "insufficient_scope")


class IndicoConnector:
    """Registrations of one Indico event; pushes check-ins and their undos."""

    pushes = True

    def __init__(self, client: JsonClient, event: str) -> None:
        self.client = client
        self.event = event

    def pull(self, cursor: Mapping[str, Any]) -> Pulled:
        """All registrations, handed on only where they changed since the cursor's pull."""
        rows = [
            (form, registration)
            for form in self._call("GET", "forms/")
            for registration in self._call("GET", f"forms/{form['id']}/registrations/")
        ]
        return changes(rows, self._personal_data(), cursor)

    def push(self, checkins: list[CheckinToSend]) -> list[Sent]:
        """Sets `checked_in` on each ticket's registration (unsets it for an undo)."""
        return [self._send(checkin) for checkin in checkins]

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        """A call on this event's check-in API, where a 403 means the rights are gone."""
        try:
            return self.client.call(method, f"api/checkin/event/{self.event}/{path}", body=body)
        except HttpRefusal as refusal:
            if refusal.status == 403:
                raise TicketingError(NO_RIGHTS, auth=True) from refusal
            raise

    def _personal_data(self) -> dict[str, dict[str, Any]]:
        """The older registrants list by registration id; {} where this token may not read it."""
        try:
            answer = self.client.call("GET", f"api/events/{self.event}/registrants")
        except TicketingError as error:
            if error.auth or isinstance(error, HttpRefusal):  # managers only; deprecated
                return {}
            raise  # out of reach for now: better no pull than names that flip and back
        return {str(r["registrant_id"]): r.get("personal_data") or {}
                for r in answer.get("registrants") or []}  # fmt: skip

    def _send(self, checkin: CheckinToSend) -> Sent:
        try:
            secret = str(uuid.UUID(checkin.code))
        except ValueError:
            return Sent(checkin.op_id, False, "Not an Indico ticket")
        try:
            reg = self.client.call("GET", f"api/checkin/ticket/{secret}")
        except HttpRefusal as refusal:
            if refusal.status == 404:
                return Sent(checkin.op_id, False, "Indico does not know this ticket")
            if refusal.status == 403:  # no rights at the ticket's event: this one, or another?
                self._call("GET", "forms/")  # raises if they are gone here too
                return Sent(checkin.op_id, False, OTHER_EVENT)
            return Sent(checkin.op_id, False, refusal.words)
        if str(reg["event_id"]) != str(self.event):
            return Sent(checkin.op_id, False, OTHER_EVENT)
        if reg["state"] in CANCELLED_STATES and not checkin.undo:
            return Sent(checkin.op_id, False, f"The registration is {reg['state']} in Indico")
        try:
            self._call("PATCH", f"forms/{reg['regform_id']}/registrations/{reg['id']}",
                       body={"checked_in": not checkin.undo})  # fmt: skip
        except HttpRefusal as refusal:
            return Sent(checkin.op_id, False, refusal.words)
        return Sent(checkin.op_id, True)


def changes(rows: list[Row], personal: Mapping[str, Mapping[str, Any]],
            cursor: Mapping[str, Any]) -> Pulled:  # fmt: skip
    """Tickets and arrivals for registrations whose fingerprint is new, and the next cursor."""
    before: dict[str, str] = dict(cursor.get("seen") or {})
    seen: dict[str, str] = {}
    pulled = Pulled()
    for form, registration in rows:
        if registration["state"] in WAITING_STATES:
            continue
        ticket = ticket_of(form, registration, personal.get(str(registration["id"])) or {})
        key = str(registration["id"])
        seen[key] = fingerprint(ticket, registration)
        if before.get(key) == seen[key]:
            continue
        pulled.tickets.append(ticket)
        if registration.get("checked_in") and registration.get("checked_in_dt"):
            at = utc_at(registration["checked_in_dt"])
            pulled.arrivals.append(GateArrival(code=ticket.code, at=at, gate="Indico"))
    pulled.cursor = {"seen": seen}
    return pulled


def ticket_of(form: Mapping[str, Any], registration: Mapping[str, Any],
              personal: Mapping[str, Any]) -> Ticket:  # fmt: skip
    """One registration; the form's title is its ticket type."""
    first, last = personal.get("firstName"), personal.get("surname")
    if not (first or last):
        first, last = split_name(registration.get("full_name") or "")
    return Ticket(external_id=str(registration["id"]), code=registration["checkin_secret"],
                  first_name=first or "", last_name=last or "",
                  email=registration.get("email") or personal.get("email") or "",
                  company=personal.get("affiliation") or "", ticket_type=form.get("title") or "",
                  cancelled=registration["state"] in CANCELLED_STATES)  # fmt: skip


def split_name(full: str) -> tuple[str, str]:
    """Indico's display name: "Last, First" in the last-name-first formats, else "First Last"
    (where a first name of several words cannot be told from the list; the first word is it)."""
    if ", " in full:
        last, first = full.split(", ", 1)
        return first, last
    first, _, last = full.partition(" ")
    return first, last


def fingerprint(ticket: Ticket, registration: Mapping[str, Any]) -> str:
    """A short digest of what Kiosk takes from a registration: equal means nothing to hand on."""
    taken = [*vars(ticket).values(), registration.get("checked_in"),
             registration.get("checked_in_dt")]  # fmt: skip
    return hashlib.blake2b(json.dumps(taken).encode(), digest_size=8).hexdigest()


def code_from_qr(text: str) -> str:
    """The check-in secret an Indico ticket's QR code holds, whatever its format: version 2
    `{"i": [2, host, base64(secret), …]}`, the older `{"checkin_secret": …}`, or the secret."""
    try:
        data = json.loads(text)
        if isinstance(data, dict) and isinstance(data.get("i"), list) and len(data["i"]) >= 3:
            return str(uuid.UUID(bytes=base64.b64decode(data["i"][2])))
        if isinstance(data, dict) and data.get("checkin_secret"):
            return str(data["checkin_secret"])
    except (ValueError, TypeError):  # not JSON, or not base64 of 16 bytes: not Indico's
        pass
    return text


def connect(settings: Mapping[str, str], *,
            sleep: Callable[[float], None] = time.sleep) -> IndicoConnector:  # fmt: skip
    """The connector for settings `url` (the Indico site), `event` (its number) and `token`."""
    if not all(settings.get(k) for k in ("url", "event", "token")):
        raise TicketingError("An Indico connection needs the site's URL, the event number "
                             "and a personal API token.")  # fmt: skip
    client = JsonClient(settings["url"], settings["token"], system="Indico", renewal=RENEWAL,
                        auth_failed=auth_failed, sleep=sleep)  # fmt: skip
    return IndicoConnector(client, settings["event"])


records.register("indico", connect)
