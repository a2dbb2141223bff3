"""A fake of Indico's check-in API, since real Indico needs PostgreSQL, Redis and a day's setup.

Shapes come from Indico's source (github.com/indico/indico, master of August 2026):
- routes: indico/modules/events/registration/blueprint.py ("Check-in app API" and the
  deprecated `/api/events/<id>/registrants`);
- a form: CheckinRegFormSchema, a registration: CheckinRegistrationSchema in
  indico/modules/events/registration/schemas.py (the list leaves out `registration_data`, and
  so does this fake everywhere), as in controllers/api/test_snapshots/*.yml;
- PATCH `{"checked_in": bool}`: RHCheckinAPIRegistration._process_PATCH; `checked_in_dt` is set
  only when checked_in turns true and cleared when it turns false (the listener in
  models/registrations.py), so a repeated PATCH changes nothing;
- the older list: build_registrations_api_data in registration/util.py (active registrations
  only, `personal_data` with firstName/surname/affiliation), for event managers only;
- errors: `{"error": {"title", "message", "error_uuid"}}` from web/errors.py, 403 for a user
  without rights at the event (RHManageEventBase); a token Indico does not know is 401
  `{"error": "invalid_token", ...}`, one without the scope 403 `insufficient_scope`
  (core/oauth/protector.py, authlib; core/oauth/oauth2_test.py).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_http import FakeApi

EVENT = 1234
TOKEN = "indp_7f3kq2personaltoken"
FORM_TITLES = {1: "Registration Form", 2: "Students"}
CHECKIN = re.compile(r"/api/checkin/event/(\d+)/forms/(?:(\d+)/registrations/(?:(\d+))?)?$")


def page(status: int, title: str, message: str) -> tuple[int, dict[str, str], Any]:
    return status, {}, {"error": {"title": title, "message": message, "error_uuid": None}}


def not_found() -> tuple[int, dict[str, str], Any]:
    return page(404, "Not Found", "The requested URL was not found on the server.")


def forbidden() -> tuple[int, dict[str, str], Any]:
    return page(403, "Access Denied", "You are not authorized to access this page.")


@dataclass
class FakeIndico(FakeApi):
    """One event with two registration forms; `checkins` logs each real change of checked_in."""

    token: str = TOKEN
    now: str = "2026-12-01T02:30:00.000000+00:00"  # when Indico's clock says a PATCH arrived
    managers_only: bool = False  # the token's user may check in but not manage registrations
    last_name_first: bool = False  # the token's user shows names as "Last, First"
    registrants_down: bool = False  # the older list fails with 503 (a proxy, an overload)
    may_check_in: bool = True  # the token's user has the check-in right at EVENT
    scoped: bool = True  # the token has the 'registrants' scope
    registrations: dict[int, dict[str, Any]] = field(default_factory=dict)
    checkins: list[tuple[int, bool]] = field(default_factory=list)

    def add(self, reg_id: int, first: str, last: str, *, form: int = 1, email: str = "",
            affiliation: str = "", state: str = "complete", event: int = EVENT) -> str:  # fmt: skip
        """A registration; answers its check-in secret (the ticket's QR code holds it)."""
        secret = str(uuid.UUID(int=reg_id))
        self.registrations[reg_id] = {"event": event, "form": form, "first": first, "last": last,
                                      "email": email, "affiliation": affiliation,
                                      "state": state, "checked_in": False,
                                      "checked_in_dt": None, "secret": secret}  # fmt: skip
        return secret

    def set_checked_in(self, reg_id: int, value: bool) -> None:
        """What Indico does for a PATCH or its own check-in app."""
        reg = self.registrations[reg_id]
        if value != reg["checked_in"]:
            self.checkins.append((reg_id, value))
            reg.update(checked_in=value, checked_in_dt=self.now if value else None)

    def shown(self, reg_id: int) -> dict[str, Any]:
        """A registration as CheckinRegistrationSchema writes it (without registration_data)."""
        r = self.registrations[reg_id]
        name = f"{r['last']}, {r['first']}" if self.last_name_first else f"{r['first']} {r['last']}"
        return {
            "id": reg_id, "regform_id": r["form"], "event_id": r["event"], "full_name": name,
            "email": r["email"], "state": r["state"], "checked_in": r["checked_in"],
            "checked_in_dt": r["checked_in_dt"], "checkin_secret": r["secret"],
            "is_paid": False, "price": 0, "payment_date": None, "currency": "USD",
            "formatted_price": "US$0.00", "tags": [], "occupied_slots": 1,
            "registration_date": "2026-11-01T09:00:00.000000+00:00",
            "personal_data_picture": None,
        }  # fmt: skip

    def answer(self, method: str, path: str, query: dict[str, str],
               headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:  # fmt: skip
        if headers.get("Authorization") != f"Bearer {self.token}":
            description = ("The access token provided is expired, revoked, malformed, or "
                           "invalid for other reasons.")  # fmt: skip
            return 401, {}, {"error": "invalid_token", "error_description": description}
        if not self.scoped:
            description = "The request requires higher privileges than provided by the token."
            return 403, {}, {"error": "insufficient_scope", "error_description": description}
        if path == f"/api/events/{EVENT}/registrants":
            return self.registrants()
        if match := re.fullmatch(r"/api/checkin/ticket/([0-9a-f-]{36})", path):
            found = [i for i, r in self.registrations.items() if r["secret"] == match[1]]
            if found and (self.registrations[found[0]]["event"] != EVENT or not self.may_check_in):
                return forbidden()
            return (200, {}, self.shown(found[0])) if found else not_found()
        match = CHECKIN.fullmatch(path)
        if not match or int(match[1]) != EVENT:
            return not_found()
        if not self.may_check_in:
            return forbidden()
        form, reg_id = match[2] and int(match[2]), match[3] and int(match[3])
        if not form:
            return 200, {}, [self.form(f) for f in FORM_TITLES]
        if not reg_id:
            ids = [i for i, r in self.ours() if r["form"] == form]
            return 200, {}, [self.shown(i) for i in ids]
        reg = self.registrations.get(reg_id)
        if not reg or reg["form"] != form or reg["event"] != EVENT:
            return not_found()
        if method == "PATCH" and "checked_in" in (body or {}):
            self.set_checked_in(reg_id, bool(body["checked_in"]))
        return 200, {}, self.shown(reg_id)

    def ours(self) -> list[tuple[int, dict[str, Any]]]:
        """This event's registrations by id (others belong to events the token cannot see)."""
        return [(i, r) for i, r in sorted(self.registrations.items()) if r["event"] == EVENT]

    def form(self, form: int) -> dict[str, Any]:
        regs = [r for _, r in self.ours() if r["form"] == form]
        return {"id": form, "event_id": EVENT, "title": FORM_TITLES[form], "introduction": "",
                "start_dt": None, "end_dt": None, "is_open": True,
                "registration_count": len(regs),
                "checked_in_count": sum(r["checked_in"] for r in regs)}  # fmt: skip

    def registrants(self) -> tuple[int, dict[str, str], Any]:
        if self.registrants_down:
            return page(503, "Service Unavailable", "The service is unavailable.")
        if self.managers_only:
            return forbidden()
        active = [(i, r) for i, r in self.ours() if r["state"] not in ("rejected", "withdrawn")]
        return 200, {}, {"registrants": [{
            "registrant_id": str(i), "checked_in": r["checked_in"], "checkin_secret": r["secret"],
            "full_name": f"{r['first']} {r['last']}", "tags": [],
            "personal_data": {"firstName": r["first"], "surname": r["last"], "email": r["email"],
                              "affiliation": r["affiliation"], "country": "",
                              "country_code": "", "phone": ""},
        } for i, r in active]}  # fmt: skip
