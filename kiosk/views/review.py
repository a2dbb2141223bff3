"""The supervisor's review screen: every merge flag on this node, and answering it.

An answer is an op, so it syncs; a flag answered elsewhere disappears here after the next sync.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.checkin import utc_iso
from kiosk.replication import conflicts, fold, quarantine
from kiosk.rooms import schedule
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("review", __name__, url_prefix="/review")
TITLES = {
    "double_scan": _l("Scanned at two places on one day"),
    "concurrent_edit": _l("Changed in two places at once"),
    "cancelled_checked_in": _l("Cancelled, but checked in on site"),
    "possible_duplicate": _l("Walk-in looks like a registration"),
    "duplicate_code": _l("One code on two attendees"),
    "recorded_twice": _l("One change recorded twice at two machines"),
}
# How an answered flag says what was decided (the action's words, not its id).
ANSWERS = {
    "keep_both": _l("both scans kept"),
    "undo_later": _l("later scan undone"),
    "choose": _l("a value chosen"),
    "keep": _l("check-in kept"),
    "undo_checkin": _l("check-in undone"),
    "reinstate": _l("ticket reinstated"),
    "merge": _l("merged"),
    "distinct": _l("different people"),
    "new_code": _l("new codes given"),
    "accept_kept": _l("the copy kept stands"),
    "keep_both_copies": _l("both changes kept"),
}


def _people(flags: list[conflicts.Flag]) -> dict[str, Any]:
    """Attendee rows for the flags' subjects, so the page shows names, not ids."""
    db = get_db()
    ids = {f.entity for f in flags} | {f.detail.get("registered", "") for f in flags}
    ids |= {other for f in flags for other in f.detail.get("withheld", ())}
    return {i: row for i in ids if i and (row := attendees.get(db, i)) is not None}


def _schedule_names(db: Any) -> dict[str, dict[str, str]]:
    """Session titles and room names, so a room-change flag reads as words, not ids."""
    rooms = {r.room_id: r.name for r in schedule.rooms(db)}
    sessions = dict(db.execute("SELECT session_id, title FROM session").fetchall())
    return {"room_names": rooms, "session_titles": sessions}


def _render(status: int = 200) -> Response:
    db = get_db()
    show_all = request.args.get("all") == "1"
    flags = conflicts.flags(db, include_resolved=show_all)
    options = {f.flag_id: conflicts.candidates(db, f) for f in flags if f.kind == "concurrent_edit"}
    template = "review/_flags.html" if request.headers.get("HX-Request") else "review/index.html"
    response = Response(render_template(template, flags=flags, people=_people(flags),
                                        options=options, titles=TITLES, answers=ANSWERS,
                                        show_all=show_all, held=quarantine.held(db),
                                        **_schedule_names(db)), status=status)  # fmt: skip
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("")
@staff_required("resolve")
def index() -> Response:
    """Open flags (and answered ones with ?all=1)."""
    return _render()


@bp.post("/<flag_id>")
@staff_required("resolve")
def resolve(flag_id: str) -> Any:
    """Answers one flag with the chosen action; the answer is an op that syncs."""
    db = get_db()
    action = request.form.get("action", "")[:40]
    value = request.form.get("value", "")[:64] or None
    try:
        with transaction(db):
            conflicts.resolve(db, get_node(), flag_id, action, g.principal.name,
                              utc_iso(clock.now()), value)  # fmt: skip
        flash(gettext("Resolved."), "ok")
    except conflicts.ResolveError as exc:
        flash(str(exc), "error")
    if not request.headers.get("HX-Request"):
        return redirect(url_for(".index"), 303)
    return _render()


@bp.post("/set-aside")
@staff_required("resolve")
def retry_set_aside() -> Any:
    """Tries the ops this node set aside again (after an upgrade): local, not an op."""
    db = get_db()
    with transaction(db):
        done = fold.retry_quarantined(db)
    flash(gettext("%(n)d operations applied now.", n=done), "ok")
    if not request.headers.get("HX-Request"):
        return redirect(url_for(".index"), 303)
    return _render()
