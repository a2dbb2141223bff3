"""pretix: orders in through its REST API, check-ins out through its check-in RPC.

Settings (kept by `kiosk ticketing add pretix`): url, organizer, event, token, checkin_list
(a list id; empty picks the event's first list). A pull asks for orders changed since pretix's
own clock said the last pull began (`X-Page-Generated`), never since ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from kiosk.ticketing.http import HttpRefusal, JsonClient
from kiosk.ticketing.records import (
    CheckinToSend,
    GateArrival,
    Pulled,
    Sent,
    Ticket,
    TicketingError,
    register,
)

PAGE_SIZE = 50  # pretix's largest page
RENEWAL = ("Create a new API token in pretix (the organizer's Teams) and run kiosk ticketing"
           " add pretix again.")  # fmt: skip
CANCELLED = {"c", "e", "r"}  # canceled, expired (never paid), refunded (pretix before 2.0)
# pretix's refusal codes in the supervisor's words (others are shown as pretix words them),
# kept in English and translated on the screen.
REASONS = {
    "already_redeemed": _l("already used in pretix"),
    "canceled": _l("cancelled in pretix"),
    "invalid": _l("unknown to pretix"),
    "revoked": _l("revoked in pretix (cancelled, or replaced by a newer ticket)"),
    "unpaid": _l("not paid in pretix"),
    "blocked": _l("blocked in pretix"),
    "invalid_time": _l("not valid at this time in pretix"),
    "product": _l("its product is not on this check-in list in pretix"),
    "rules": _l("refused by the check-in list's rules in pretix"),
}


def split_name(full: str) -> tuple[str, str]:
    """A full name as first and last name: the first word, and the rest."""
    first, _, last = " ".join(full.split()).partition(" ")
    return first, last


def name_of(parts: Mapping[str, Any] | None, full: str | None) -> tuple[str, str]:
    """First and last name from pretix's name parts, whatever the event's name scheme.

    Schemes with given and family names use them (a middle name goes with the family name);
    the others (full, calling_full, full_transcription) have one full name, split as a desk
    would. A title or salutation is not part of either.
    """
    parts = parts or {}
    given = str(parts.get("given_name") or "").strip()
    family = " ".join(str(parts.get(k) or "").strip() for k in ("middle_name", "family_name"))
    if given or family.strip():
        return (given, family.strip()) if given else split_name(family)
    return split_name(str(parts.get("full_name") or full or ""))


def label(value: Any) -> str:
    """A name pretix keeps per language ({"en": ...}): English, else the first one."""
    if isinstance(value, dict):
        return str(value.get("en") or next(iter(value.values()), "") or "")
    return str(value or "")


def tickets_of(order: Mapping[str, Any], items: Mapping[int, dict[str, Any]]) -> list[Ticket]:
    """An order's admission positions as tickets; a cancelled order cancels them all."""
    found = []
    invoice = order.get("invoice_address") or {}
    for p in order.get("positions", []):
        item = items.get(p.get("item"), {})
        if not item.get("admission", True) or not p.get("secret"):
            continue  # a T-shirt or a parking space admits nobody
        first, last = name_of(p.get("attendee_name_parts"), p.get("attendee_name"))
        if not first:
            first, last = name_of(invoice.get("name_parts"), invoice.get("name"))
        cancelled = order.get("status") in CANCELLED or bool(p.get("canceled"))
        found.append(Ticket(
            external_id=str(p["id"]), code=p["secret"], first_name=first or "pretix ticket",
            last_name=last if first else order.get("code", ""),
            email=p.get("attendee_email") or order.get("email") or "",
            company=p.get("company") or invoice.get("company") or "",
            ticket_type=item.get("name", ""), cancelled=cancelled,
        ))  # fmt: skip
    return found


def arrivals_of(order: Mapping[str, Any], list_id: int, gate: str) -> list[GateArrival]:
    """Entries pretix recorded on the chosen check-in list (exits are not arrivals)."""
    return [GateArrival(p["secret"], ci["datetime"], gate)
            for p in order.get("positions", []) for ci in p.get("checkins") or []
            if ci.get("list") == list_id and ci.get("type", "entry") == "entry"]  # fmt: skip


class PretixConnector:
    """One pretix event over its REST API, with a team or device token."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.url = settings["url"].rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("the URL must start with http:// or https://")
        self.organizer, self.event = settings["organizer"], settings["event"]
        self.scope = f"{self.organizer}/{self.event}"
        self.system = f"pretix at {self.url} ({self.scope})"
        self.client = JsonClient(self.url, settings["token"], system=self.system,
                                 renewal=RENEWAL, scheme="Token")  # fmt: skip
        self.list_id = int(settings["checkin_list"]) if settings.get("checkin_list") else None
        self.api = f"{self.url}/api/v1/organizers/{quote(self.organizer)}"
        self.base = f"{self.api}/events/{quote(self.event)}"

    def _get(self, url: str) -> Any:
        return self.client.call("GET", url)

    def _pages(self, url: str) -> tuple[list[dict[str, Any]], str]:
        """Every page's results, and the first page's X-Page-Generated (pretix's clock)."""
        results: list[dict[str, Any]] = []
        generated = ""
        next_url: str | None = url
        while next_url:
            page = self._get(next_url)
            generated = generated or self.client.last_headers.get("X-Page-Generated", "")
            results.extend(page.get("results", []))
            next_url = self._ours(page.get("next"))
        return results, generated

    def _ours(self, url: str | None) -> str | None:
        """pretix's next-page link on the address we reach it by (it writes its public one)."""
        if not url:
            return None
        mine, theirs = urlsplit(self.url), urlsplit(url)
        return urlunsplit((mine.scheme, mine.netloc, theirs.path, theirs.query, ""))

    def checkin_list(self) -> tuple[int, str]:
        """The chosen check-in list's id and name (the event's first when none was chosen)."""
        if self.list_id is not None:
            found = self._get(f"{self.base}/checkinlists/{self.list_id}/")
        else:
            lists, _ = self._pages(f"{self.base}/checkinlists/?ordering=id")
            if not lists:
                raise TicketingError(f"{self.system} has no check-in list: create one there.")
            found = lists[0]
            self.list_id = int(found["id"])
        return int(found["id"]), str(found.get("name", ""))

    def pull(self, cursor: Mapping[str, Any]) -> Pulled:
        event = self._get(f"{self.base}/")
        items = {i["id"]: {"name": label(i.get("name")), "admission": i.get("admission", True)}
                 for i in self._pages(f"{self.base}/items/?page_size={PAGE_SIZE}")[0]}  # fmt: skip
        list_id, list_name = self.checkin_list()
        # By creation time, which never changes: an order modified while we page through
        # can join the pages (read twice, harmless) but never shifts another out of them.
        query = {"include_canceled_positions": "true", "ordering": "datetime",
                 "page_size": PAGE_SIZE}  # fmt: skip
        since = cursor.get("modified_since")
        if since:
            query["modified_since"] = since
        query_text = urlencode(query) + "&exclude=fees&exclude=payments&exclude=refunds"
        orders, generated = self._pages(f"{self.base}/orders/?{query_text}")
        revoked_query = {"page_size": PAGE_SIZE, **({"created_since": since} if since else {})}
        revoked, _ = self._pages(f"{self.base}/revokedsecrets/?{urlencode(revoked_query)}")
        pulled = Pulled(cursor={"modified_since": generated or since or ""})
        for order in orders:
            pulled.tickets.extend(tickets_of(order, items))
            pulled.arrivals.extend(arrivals_of(order, list_id, list_name))
        pulled.extras = {
            "scope": self.scope,
            "keys": list((event.get("valid_keys") or {}).get("pretix_sig1", [])),
            "revoked": [r["secret"] for r in revoked],
            "items": {str(k): v["name"] for k, v in items.items()},
        }
        return pulled

    def push(self, checkins: list[CheckinToSend]) -> list[Sent]:
        """One request per check-in, one at a time: pretix has no batch RPC, and a pretix on
        SQLite fails requests that write at the same time."""
        list_id = self.list_id if self.list_id is not None else self.checkin_list()[0]
        return [self._send(c, list_id) for c in checkins]

    def _send(self, c: CheckinToSend, list_id: int) -> Sent:
        if c.undo:
            body: dict[str, Any] = {"nonce": c.op_id, "lists": [list_id], "datetime": c.at}
            url = f"{self.api}/checkinrpc/annul/"
        else:
            body = {"secret": c.code, "lists": [list_id], "nonce": c.op_id, "datetime": c.at,
                    "type": "entry", "source_type": "barcode",
                    "questions_supported": False}  # fmt: skip
            url = f"{self.api}/checkinrpc/redeem/"
        try:
            answer = self.client.call("POST", url, body=body)
        except HttpRefusal as refusal:  # pretix's 400 or 404: a refusal with its reason
            return Sent(c.op_id, False, refusal_words(refusal.payload))
        if isinstance(answer, dict) and answer.get("status", "ok") == "ok":
            return Sent(c.op_id, True)
        return Sent(c.op_id, False, refusal_words(answer))


def refusal_words(body: Any) -> str:
    """pretix's reason for refusing a check-in or an undo, for the supervisor."""
    if isinstance(body, dict):
        code = str(body.get("reason") or body.get("status") or "")
        explained = body.get("reason_explanation") or ""
        if code in REASONS:
            with force_locale("en"):  # stored in English, shown in the reader's language
                words = str(REASONS[code])
            return words + (f" ({explained})" if explained else "")
        words = body.get("non_field_errors") or body.get("detail") or explained or code
        return f"pretix: {words[0] if isinstance(words, list) else words}"[:300]
    if isinstance(body, list) and body:
        return f"pretix: {body[0]}"[:300]
    return "pretix refused it without a reason"


register("pretix", PretixConnector)
