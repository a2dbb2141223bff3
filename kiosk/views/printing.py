"""Badges over HTTP: the API's badge files, print requests and job status, and the desk's
print button, status widget and preview.

A self-service device may see and print only its own badge: the attendee it scanned in the
last OWN_MINUTES, found in the scan log under the device's token name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from kiosk import clock
from kiosk.auth import Principal
from kiosk.desk import attendees
from kiosk.printing import badges
from kiosk.printing import queue as printing
from kiosk.printing.setup import iso
from kiosk.views.staff import staff_required
from kiosk.web import api_permission, get_db, json_body, json_error

bp = Blueprint("printing", __name__, url_prefix="/api/v1")
desk_bp = Blueprint("print_desk", __name__, url_prefix="/desk")
OWN_MINUTES = 5
MIME = {"png": "image/png", "pdf": "application/pdf"}
REPRINT_REASONS = {
    "lost": _l("Lost or forgotten"),
    "damaged": _l("Damaged or misprinted"),
    "name_fixed": _l("Name corrected"),
    "other": _l("Other reason"),
}


def is_own(principal: Principal, attendee_id: str, now: datetime | None = None) -> bool:
    """Staff roles see every badge; a self-service device only who it just scanned."""
    if principal.may("badge"):
        return True
    since = iso((now or clock.now()) - timedelta(minutes=OWN_MINUTES))
    return get_db().execute(
        "SELECT 1 FROM scan WHERE device = ? AND attendee_id = ? AND at >= ?"
        " AND result IN ('checked_in', 'already_checked_in')",
        (f"{principal.kind}:{principal.ident}", attendee_id, since),
    ).fetchone() is not None  # fmt: skip


def _not_own() -> Response:
    return json_error(403, "forbidden", "This device may only use the badge of the attendee it"
                      " scanned in the last few minutes.")  # fmt: skip


def badge_file(row: Any, fmt: str, template: str | None) -> Response:
    """The badge as PNG or PDF; a bad template is the caller's mistake, a missing font ours."""
    try:
        render = badges.badge_png if fmt == "png" else badges.badge_pdf_file
        data = render(row, template)
    except badges.PrinterError as exc:
        status = 400 if exc.code in ("bad_template", "qr_too_small") else 503
        return json_error(status, exc.code, exc.message)
    name = f"badge-{row['attendee_id']}.{fmt}"
    return Response(data, mimetype=MIME[fmt],
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip


@bp.get("/attendees/<attendee_id>/badge.<fmt>")
@api_permission("badge", "own_badge")
def api_badge(attendee_id: str, fmt: str) -> Response:
    """GET badge.png / badge.pdf with ?template=NAME."""
    if fmt not in MIME:
        return json_error(404, "not_found", "Badges come as badge.png or badge.pdf.")
    if not is_own(g.principal, attendee_id):
        return _not_own()
    row = attendees.get(get_db(), attendee_id)
    if row is None:
        return json_error(404, "not_found", "No attendee has this id.")
    return badge_file(row, fmt, request.args.get("template") or None)


def _text(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return ""
    return value[:limit] if isinstance(value, str) else None


@bp.post("/attendees/<attendee_id>/print")
@api_permission("print", "own_badge")
def api_print(attendee_id: str) -> Response:
    """Queues a badge on the named printer, the device's desk printer or the default: 202."""
    data = json_body()
    printer, reason = _text(data, "printer", 40), _text(data, "reason", 200)
    if printer is None or reason is None:
        return json_error(400, "bad_request", "printer and reason must be strings.")
    principal, db = g.principal, get_db()
    if not principal.may("print"):
        if not is_own(principal, attendee_id):
            return _not_own()
        if printing.has_badge(db, attendee_id):
            return json_error(409, "already_printed", "This badge was printed already; a"
                              " reprint is done at the registration desk.")  # fmt: skip
    try:
        job = printing.request_print(db, attendee_id, printer=printer or None, reason=reason,
                                     desk=principal.name, staff=principal.name)  # fmt: skip
    except printing.PrintRequestError as exc:
        return json_error(404 if exc.code == "not_found" else 409, exc.code, exc.message)
    response = jsonify({"job_id": job.job_id, "status": job.status})
    response.status_code = 202
    response.headers["Location"] = url_for(".api_job", job_id=job.job_id)
    return response


@bp.get("/print-jobs/<job_id>")
@api_permission("print", "own_badge")
def api_job(job_id: str) -> Any:
    """A job's status; a self-service device sees only the jobs it asked for."""
    job = printing.get_job(get_db(), job_id)
    if job is None or (not g.principal.may("print") and job.staff != g.principal.name):
        return json_error(404, "not_found", "No print job has this id.")
    return job.to_api()


# -- the desk ----------------------------------------------------------------------------------


def print_box(attendee_id: str) -> dict[str, Any]:
    """What the desk's print area shows: the newest job, prints so far, the next action."""
    db = get_db()
    return {"job": printing.latest_job(db, attendee_id), "prints": printing.prints(db, attendee_id),
            "reprint": printing.has_badge(db, attendee_id), "reasons": REPRINT_REASONS}  # fmt: skip


@desk_bp.app_context_processor
def _print_helpers() -> dict[str, Any]:
    return {"print_box": print_box, "print_attempts_max": printing.MAX_ATTEMPTS}


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@desk_bp.get("/attendees/<attendee_id>/badge.png")
@staff_required("badge")
def preview(attendee_id: str) -> Response:
    """The badge preview on the attendee's page."""
    row = attendees.get(get_db(), attendee_id)
    if row is None:
        abort(404)
    return badge_file(row, "png", request.args.get("template") or None)


@desk_bp.post("/attendees/<attendee_id>/print")
@staff_required("print")
def print_badge(attendee_id: str) -> Any:
    """Print badge, or Reprint with a reason; the widget then follows the job."""
    reason = request.form.get("reason", "")[:40]
    db, error, desk = get_db(), "", session.get("desk", "")
    if printing.has_badge(db, attendee_id) and reason not in REPRINT_REASONS:
        error = gettext("Choose why the badge is printed again.")
    else:
        try:
            printing.request_print(db, attendee_id, reason=reason or "desk",
                                   desk=desk, staff=g.principal.name)  # fmt: skip
        except printing.PrintRequestError as exc:
            error = exc.message
    if not _htmx():
        if error:
            flash(error, "error")
        return redirect(url_for("desk.detail", attendee_id=attendee_id), 303)
    attendee = attendees.get(db, attendee_id) or abort(404)
    return render_template("desk/_print.html", attendee=attendee, print_error=error)


@desk_bp.get("/print-jobs/<job_id>")
@staff_required("print")
def job_status(job_id: str) -> Any:
    """The self-replacing status line: htmx polls it every second until the job is final."""
    job = printing.get_job(get_db(), job_id)
    if job is None:
        abort(404)
    if not _htmx():
        return redirect(url_for("desk.detail", attendee_id=job.attendee_id), 303)
    if job.status == "held":  # the whole print area: its button is no longer "Reprint"
        attendee = attendees.get(get_db(), job.attendee_id) or abort(404)
        held = Response(render_template("desk/_print.html", attendee=attendee, print_error=""))
        held.headers.update({"HX-Retarget": "closest .print-box", "HX-Reswap": "outerHTML"})
        return held
    return render_template("desk/_print_job.html", job=job)


@desk_bp.app_template_filter()
def code_points(chars: str) -> list[tuple[str, str]]:
    """Missing characters in U+ notation, next to the characters themselves."""
    return badges.code_points(chars)


@desk_bp.post("/print-jobs/<job_id>/release")
@staff_required("print")
def release(job_id: str) -> Any:
    """Print anyway: desk staff, who have the attendee in front of them, accept the empty boxes."""
    db = get_db()
    job = printing.get_job(db, job_id)
    if job is None:
        abort(404)
    printing.release(db, job_id, g.principal.name, clock.now())
    if not _htmx():
        return redirect(url_for("desk.detail", attendee_id=job.attendee_id), 303)
    attendee = attendees.get(db, job.attendee_id) or abort(404)
    return render_template("desk/_print.html", attendee=attendee, print_error="")
