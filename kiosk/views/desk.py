"""The staff desk: scan or search, result panel, attendee detail, undo, walk-ins, fixes.

Every action is a plain form post that htmx upgrades to a partial swap; without JavaScript
the same URLs answer with whole pages (303 after each post).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk import attendees, checkin, reports, search
from kiosk.desk.checkin import Decision, Result
from kiosk.desk.event import load as load_event
from kiosk.replication import peering as replication
from kiosk.replication import skew
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node

bp = Blueprint("desk", __name__, url_prefix="/desk")
RECENT = 8


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _desk() -> str:
    return session.get("desk", "")


def _page(panel: str | None = None, status: int = 200, **context: Any) -> Any:
    """A partial for htmx, or the whole desk page with that partial in its panel."""
    context.setdefault("q", "")
    template = panel if (_htmx() and panel) else "desk/index.html"
    if template == "desk/index.html":
        context.setdefault("matches", search.find(get_db(), context["q"]) if context["q"] else [])
        context.setdefault("recent", recent_scans())
    response = Response(render_template(template, panel=panel, **context), status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def recent_scans() -> list[Any]:
    """The last scans at this desk, newest first, for the strip at the bottom."""
    return (
        get_db()
        .execute(
            "SELECT s.*, a.first_name, a.last_name, EXISTS (SELECT 1 FROM checkin_undo u"
            " WHERE u.checkin_op_id = s.checkin_op_id) AS undone FROM scan s"
            " LEFT JOIN attendee a ON a.attendee_id = s.attendee_id"
            " WHERE s.desk = ? ORDER BY s.id DESC LIMIT ?",
            (_desk(), RECENT),
        )
        .fetchall()
    )


def _result_context(scan_row: Any) -> dict[str, Any]:
    db = get_db()
    row = attendees.get(db, scan_row["attendee_id"]) if scan_row["attendee_id"] else None
    result = Result(scan_row["result"])
    previous = None
    if result is Result.ALREADY_CHECKED_IN and row is not None:
        found = attendees.arrivals(db, row["attendee_id"])
        previous = found[0] if found else None
    note = row["block_note"] if row is not None and result is Result.BLOCKED else ""
    if row is None:  # a refusal naming nobody says why itself (a revoked or forged ticket)
        note = scan_row["message"] or ""
    return {"scan": scan_row, "attendee": row, "decision": Decision(result, previous, note)}


@bp.get("")
@staff_required("scan")
def index() -> Any:
    """The desk page; ?scan=ID shows a scan's result (the no-JavaScript path)."""
    context: dict[str, Any] = {"q": request.args.get("q", "")[:200]}
    panel = None
    scan_id = request.args.get("scan", type=int)
    if scan_id is not None and not 0 <= scan_id < 2**63:  # beyond what SQLite can hold
        abort(400)
    if scan_id:
        row = get_db().execute("SELECT * FROM scan WHERE id = ?", (scan_id,)).fetchone()
        if row is not None:
            panel = "desk/_result.html"
            context.update(_result_context(row))
    return _page(panel, **context)


@bp.post("/scan")
@staff_required("scan")
def scan() -> Any:
    """Enter in the scan field: a code checks in; a name shows the matching people."""
    text = request.form.get("q", "")[:4096]
    db = get_db()
    code = checkin.clean_code(text)
    if code is None and not text.strip():
        return _page(None) if _htmx() else redirect(url_for(".index"), 303)
    if code is not None and attendees.by_code(db, code) is None:
        matches = search.find(db, text)
        if matches:
            if not _htmx():
                return redirect(url_for(".index", q=text), 303)
            return _page("desk/_pick.html", q=text, matches=matches)
    outcome = checkin.scan(db, get_node(), text, desk=_desk(), staff=g.principal.name)
    return _after_scan(outcome.scan_id)


def _after_scan(scan_id: int) -> Any:
    row = get_db().execute("SELECT * FROM scan WHERE id = ?", (scan_id,)).fetchone()
    if not _htmx():
        return redirect(url_for(".index", scan=row["id"]), 303)
    checked_in = row["result"] == Result.CHECKED_IN
    return _page("desk/_scan_response.html", recent=recent_scans(),
                 arrived=_arrived() if checked_in else None, **_result_context(row))  # fmt: skip


@bp.get("/search")
@staff_required("read_attendees")
def find() -> Any:
    """Type-ahead: the matches list (htmx) or the desk page showing it."""
    q = request.args.get("q", "")[:200]
    matches = search.find(get_db(), q) if q.strip() else []
    return _page("desk/_matches.html", q=q, matches=matches)


def _attendee_or_404(attendee_id: str) -> Any:
    row = attendees.get(get_db(), attendee_id)
    if row is None:
        abort(404)
    return row


@bp.get("/attendees/<attendee_id>")
@staff_required("read_attendees")
def detail(attendee_id: str, recent_oob: bool = False) -> Any:
    """One attendee: details, note, check-in history with undo."""
    db = get_db()
    row = _attendee_or_404(attendee_id)
    return _page("desk/_attendee.html", attendee=row, history=attendees.history(db, attendee_id),
                 recent_oob=recent_oob, recent=recent_scans(),
                 arrived=_arrived() if recent_oob else None)  # fmt: skip


@bp.post("/attendees/<attendee_id>/checkin")
@staff_required("scan")
def checkin_attendee(attendee_id: str) -> Any:
    """Check-in from search: the same rules as a scan of the attendee's code."""
    row = _attendee_or_404(attendee_id)
    outcome = checkin.scan(get_db(), get_node(), row["code"] or "", desk=_desk(),
                           staff=g.principal.name)  # fmt: skip
    return _after_scan(outcome.scan_id)


@bp.post("/checkins/<op_id>/undo")
@staff_required("undo")
def undo(op_id: str) -> Any:
    """Undo a mistaken check-in; the attendee's page shows it struck through."""
    db = get_db()
    row = db.execute("SELECT attendee_id FROM checkin WHERE op_id = ?", (op_id,)).fetchone()
    if row is None:
        abort(404)
    reason = request.form.get("reason", "")[:200]
    try:
        checkin.undo(db, get_node(), op_id, staff=g.principal.name, reason=reason)
        flash(gettext("Check-in undone."), "ok")
    except checkin.UndoError:
        flash(gettext("That check-in was already undone."), "warn")
    if not _htmx():
        return redirect(url_for(".detail", attendee_id=row["attendee_id"]), 303)
    return detail(row["attendee_id"], recent_oob=True)


@bp.route("/attendees/<attendee_id>/edit", methods=["GET", "POST"])
@staff_required("edit")
def edit(attendee_id: str) -> Any:
    """Fix a name, company, e-mail or note (then reprint the badge)."""
    row = _attendee_or_404(attendee_id)
    if request.method == "GET":
        return _page("desk/_edit.html", attendee=row, values=row, error="")
    values = {k: request.form.get(k, "") for k in attendees.EDITABLE}
    db = get_db()
    try:
        with transaction(db):
            changed = attendees.update(db, get_node(), attendee_id, values, g.principal.name)
    except attendees.AttendeeError as exc:
        return _page("desk/_edit.html", status=422, attendee=row, values=values, error=str(exc))
    flash(gettext("Saved.") if changed else gettext("Nothing changed."), "ok")
    if not _htmx():
        return redirect(url_for(".detail", attendee_id=attendee_id), 303)
    return detail(attendee_id)


def ticket_types() -> list[str]:
    """Ticket types known to this event, for the walk-in form."""
    rows = (
        get_db()
        .execute(
            "SELECT name FROM ticket_type UNION SELECT DISTINCT ticket_type FROM attendee"
            " WHERE ticket_type != '' ORDER BY 1"
        )
        .fetchall()
    )
    return [r[0] for r in rows] or ["Attendee"]


def _possible_duplicates(values: dict[str, str]) -> list[Any]:
    db = get_db()
    found = []
    if values.get("email"):
        found += db.execute(
            "SELECT * FROM attendee WHERE email = ? COLLATE NOCASE LIMIT 5", (values["email"],)
        ).fetchall()
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    if name:
        found += [r for r in search.find(db, name, 5) if r["id"] not in {f["id"] for f in found}]
    return found[:5]


@bp.route("/walkin", methods=["GET", "POST"])
@staff_required("walkin")
def walkin() -> Any:
    """Register someone without a ticket: new attendee, new code, checked in at once."""
    types = ticket_types()
    if request.method == "GET":
        return _page("desk/_walkin.html", values={}, types=types, error="", duplicates=[])
    values = {k: request.form.get(k, "") for k in attendees.EDITABLE}
    ticket = request.form.get("ticket_type", "Attendee")
    duplicates = [] if request.form.get("confirm") else _possible_duplicates(values)
    if duplicates:
        return _page("desk/_walkin.html", values=values, types=types, error="",
                     duplicates=duplicates, ticket=ticket)  # fmt: skip
    db = get_db()
    try:
        with transaction(db):
            attendee_id = attendees.create_walkin(db, get_node(), values, ticket,
                                                  g.principal.name)  # fmt: skip
    except attendees.AttendeeError as exc:
        return _page("desk/_walkin.html", status=422, values=values, types=types,
                     error=str(exc), duplicates=[], ticket=ticket)  # fmt: skip
    if request.form.get("checkin"):
        return checkin_attendee(attendee_id)
    if not _htmx():
        return redirect(url_for(".detail", attendee_id=attendee_id), 303)
    return detail(attendee_id)


def _today() -> str:
    db = get_db()
    return _local_today(db).isoformat()


def _local_today(db: Any) -> Any:
    """Today in the event's time zone, on head office's clock when ours is known to be off."""
    return load_event(db).local_date(skew.sane_now(db, clock.now()))


def _arrived() -> int:
    """Arrived today, for the header after this desk's own check-in or undo (out of band)."""
    return reports.arrived_on(get_db(), _today())


@bp.get("/status")
@staff_required("scan")
def status() -> Any:
    """The header's live numbers and sync state (refreshed by htmx every few seconds)."""
    db = get_db()
    sync = replication.status(db, current_app.config["SYNC_PEER"])
    today = _local_today(db)
    return render_template("desk/_status.html", counts=reports.counters(db, today.isoformat()),
                           sync=sync, pending=sync["pending_push"], today=today,
                           off_dates=not load_event(db).plausible(today))  # fmt: skip
