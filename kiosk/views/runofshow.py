"""Room readiness on a tablet: the day's sessions with their checklist progress, one session's
checklist as big toggle buttons, and the rooms page's "next hour: not ready" panel.

Ushers (desk role) and supervisors tick; each tap is one `readiness_tick` op, and htmx swaps
the checklist in place (the form posts work without JavaScript too).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.rooms import schedule
from kiosk.runofshow import checklist
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("runofshow", __name__, url_prefix="/readiness")
WITHIN = timedelta(hours=1)  # the rooms page lists sessions starting within the hour


def item_names() -> dict[str, str]:
    """The checklist's items in the screen's language."""
    return {"room_open": gettext("Room open"), "av_tested": gettext("AV tested"),
            "speaker": gettext("Speaker arrived"), "mic": gettext("Microphone"),
            "slides": gettext("Slides loaded")}  # fmt: skip


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    """The rooms page's panel reads this (one include line in rooms/index.html)."""
    return {"readiness_soon": lambda: checklist.not_ready(get_db(), clock.now(), WITHIN),
            "readiness_items": item_names}  # fmt: skip


@bp.get("")
@staff_required("shifts")
def index() -> str:
    """The day's sessions, each with how many of its items are ticked."""
    db = get_db()
    days = schedule.days(db)
    today = load_event(db).local_date(clock.now()).isoformat()
    day = request.args.get("day", "")[:10] or (today if today in days or not days else days[0])
    rows = schedule.session_rows(db, "WHERE s.day = ?", (day,))
    lists = checklist.checklists(db, [r["session_id"] for r in rows])
    return render_template("runofshow/index.html", day=day, days=days, sessions=rows,
                           lists=lists, total=len(checklist.ITEMS))  # fmt: skip


def _session(session_id: str) -> Any:
    row = schedule.session(get_db(), session_id)
    if row is None:
        abort(404)
    return row


@bp.get("/sessions/<session_id>")
@staff_required("shifts")
def session(session_id: str) -> str:
    """One session's checklist for the usher in the room."""
    row = _session(session_id)
    return render_template("runofshow/session.html", session=row,
                           ticks=checklist.checklist(get_db(), session_id),
                           names=item_names())  # fmt: skip


@bp.post("/sessions/<session_id>/<item>")
@staff_required("shifts")
def tick(session_id: str, item: str) -> Any:
    """Ticks or unticks one item; htmx gets the checklist back, a plain form a 303."""
    row = _session(session_id)
    if item not in checklist.ITEMS:
        abort(404)
    done = request.form.get("done") == "1"
    db = get_db()
    with transaction(db):
        checklist.tick(db, get_node(), session_id, item, done, g.principal.name,
                       utc_iso(clock.now()))  # fmt: skip
    if request.headers.get("HX-Request") != "true":
        return redirect(url_for(".session", session_id=session_id), 303)
    response = Response(render_template("runofshow/_checklist.html", session=row,
                                        ticks=checklist.checklist(db, session_id),
                                        names=item_names()))  # fmt: skip
    response.headers["Vary"] = "HX-Request"
    return response
