"""Signage: the lobby screen and the room-door screens. Read-only, full-screen, live.

A screen is opened once as `/signage?token=T` (or `/signage/door/ROOM?token=T`) with a token
of role `signage`; the token goes into an HttpOnly cookie and out of the address bar. Each page
holds one small board that asks every 3 s whether anything changed, sending the key of what
it shows: the answer is 204 (nothing to do) until the schedule, the minute or the room's door
count moves on. A server restart only fails a few polls; the screen carries on by itself.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import get_locale, gettext

from kiosk import auth, clock
from kiosk.desk.event import load as load_event
from kiosk.rooms import door, schedule
from kiosk.rooms import rules as rooms
from kiosk.web import get_db, staff_principal, token_principal

bp = Blueprint("signage", __name__, url_prefix="/signage")
COOKIE = "kiosk_signage"
COOKIE_DAYS = 400
POLL = "every 3s"


def _principal() -> auth.Principal | None:
    """A signage token (from the cookie), or signed-in staff who may read the schedule."""
    found = auth.principal_for_token(get_db(), request.cookies.get(COOKIE, ""))
    if found is not None and found.role == "signage":
        return found
    staff = staff_principal()
    return staff if staff is not None and staff.may("read_schedule") else None


@bp.before_request
def _authenticate() -> Any:
    """`?token=` once sets the cookie and reloads without it; afterwards the cookie does."""
    token = request.args.get("token")
    if token is not None:
        found = token_principal(token)
        if found is None or found.role != "signage":
            return _refuse()
        response = redirect(request.path, 303)
        response.set_cookie(COOKIE, token, max_age=COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", path="/signage")  # fmt: skip
        return response
    g.principal = _principal()
    if g.principal is None:
        return _refuse()
    return None


def _refuse() -> Response:
    message = gettext("This screen needs a signage token. Open it once as /signage?token=…")
    if request.headers.get("HX-Request"):
        return make_response("", 401)  # a board keeps its last content and keeps asking
    return make_response(render_template("error.html", status=401, message=message), 401)


def _today(now: datetime) -> str:
    return load_event(get_db()).local_date(now).isoformat()


def _key(*parts: object) -> str:
    """What a board shows, as a short key: same key, same board."""
    text = "|".join(str(p) for p in (schedule.version(get_db()), get_locale(), *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _board(template: str, key: str, **context: Any) -> Response:
    """The board, or 204 when the screen already shows this key."""
    if request.args.get("v") == key:
        response = Response(status=204)
    else:
        response = Response(render_template(template, key=key, poll=POLL, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _lobby(now: datetime) -> dict[str, Any]:
    db = get_db()
    day = _today(now)
    rows = {r["session_id"]: r for r in schedule.session_rows(db, "WHERE s.day = ?", (day,))}
    slots = [schedule.slot(r) for r in rows.values() if r["starts_at"]]
    current = [rows[s.session_id] for s in rooms.running(slots, now)]
    following = [rows[s.session_id] for s in rooms.upcoming(slots, now)]
    shown = {r["session_id"] for r in current + following}
    moved = [r for s in slots if s.starts_at > now and (r := rows[s.session_id])["session_id"]
             not in shown and r["room_id"] != r["planned_room_id"]]  # fmt: skip
    return {"now_rows": current, "next_rows": following, "moved_later": moved, "now": now}


@bp.get("")
def lobby() -> str:
    """Today's sessions now and next, with room changes highlighted."""
    now = clock.now()
    context = _lobby(now)
    return render_template("signage/lobby.html", key=_key(now.strftime("%H:%M")), poll=POLL,
                           **context)  # fmt: skip


@bp.get("/board")
def lobby_board() -> Response:
    """The lobby's live part."""
    now = clock.now()
    return _board("signage/_lobby.html", _key(now.strftime("%H:%M")), **_lobby(now))


def _door(room: rooms.Room, now: datetime) -> dict[str, Any]:
    db = get_db()
    day = _today(now)
    rows = {r["session_id"]: r for r in schedule.session_rows(db, "WHERE s.day = ?", (day,))}
    slots = [schedule.slot(r) for r in rows.values() if r["starts_at"]]
    here = [s for s in slots if s.room_id == room.room_id and s.ends_at > now]
    current = rooms.running(here, now)
    following = rooms.upcoming([s for s in here if s not in current], now)
    away = [r for s in slots if s.ends_at > now and (r := rows[s.session_id])["planned_room_id"]
            == room.room_id and r["room_id"] != room.room_id]  # fmt: skip
    return {"room": room, "now": now, "occ": door.occupancy(db, room, now),
            "now_rows": [rows[s.session_id] for s in current],
            "next_rows": [rows[s.session_id] for s in following], "moved_away": away}  # fmt: skip


def _door_key(room: rooms.Room, now: datetime) -> str:
    last = get_db().execute("SELECT max(at) FROM door_scan WHERE room_id = ?", (room.room_id,))
    return _key(room.room_id, now.strftime("%H:%M"), last.fetchone()[0])


def _room(room_id: str) -> rooms.Room:
    found = schedule.room(get_db(), room_id)
    if found is None:
        abort(404)
    return found


@bp.get("/door/<room_id>")
def door_screen(room_id: str) -> str:
    """One room's door: its session now and next, how full, and sessions moved away."""
    room, now = _room(room_id), clock.now()
    return render_template("signage/door.html", key=_door_key(room, now), poll=POLL,
                           **_door(room, now))  # fmt: skip


@bp.get("/door/<room_id>/board")
def door_board(room_id: str) -> Response:
    """The door screen's live part."""
    room, now = _room(room_id), clock.now()
    return _board("signage/_door.html", _door_key(room, now), **_door(room, now))


@bp.get("/screens")
def screens() -> str:
    """Links to every signage screen, for setting up the TVs and tablets."""
    return render_template("signage/screens.html", rooms=schedule.rooms(get_db()))
