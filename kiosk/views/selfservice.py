"""The self-service screen: an attendee scans or types two facts, checks in and prints a badge.

A screen is bound once by opening `/self?token=T` with a token of role `selfservice`: the token
leaves the address bar, and the browser gets an HttpOnly cookie with a screen session of its own
(`screen_session`), never the token itself; from then on that browser reaches only /self (staff
pages answer with a redirect back). Revoking the token stops its screens; a supervisor revokes
one screen's session on /admin/screens (kiosk/views/screens.py).
Every action is a form post answered by a 303 to the one neutral URL, /self, which shows the
current step of this screen's visit (kiosk/desk/selfservice.py); nothing personal is in a URL.
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
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from kiosk.desk import attendees, screen_sessions
from kiosk.desk import selfservice as rules
from kiosk.leads import consent
from kiosk.printing import queue as printing
from kiosk.views.printing import badge_file
from kiosk.views.selfservice_visit import (
    begin_visit,
    current_visit,
    idle_after,
    lock_text,
    locked_until,
    screen_device,
    visit_context,
)
from kiosk.web import get_db, get_node, token_principal

bp = Blueprint("selfservice", __name__, url_prefix="/self")
COOKIE = "kiosk_selfservice"
COOKIE_DAYS = 400
OPEN_PATHS = ("/self", "/static/")


@bp.before_app_request
def _keep_screen_in_self_service() -> Any:
    """A bound screen is a public terminal: it never shows a staff page, signed in or not."""
    if COOKIE in request.cookies and not request.path.startswith(OPEN_PATHS):
        return redirect(url_for("selfservice.index"), 303)
    return None


@bp.before_request
def _authenticate() -> Any:
    """`?token=` once binds the screen (cookie, fresh session); afterwards the cookie does."""
    token = request.args.get("token")
    if token is not None:  # guessing tokens here is throttled per address, as on the API
        found = token_principal(token)
        if found is None or found.role != "selfservice":
            return _unbound()
        session.clear()
        response = redirect(url_for("selfservice.index"), 303)
        secret = screen_sessions.bind_screen(get_db(), found, request.cookies.get(COOKIE, ""))
        response.set_cookie(COOKIE, secret, max_age=COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure)  # fmt: skip
        return response
    found = screen_sessions.screen_principal(get_db(), request.cookies.get(COOKIE, ""))
    if found is None or found.role != "selfservice":
        return _unbound()
    g.principal = found
    return None


def _unbound() -> Response:
    message = gettext("This screen is not ready for check-in. Please see the registration desk.")
    page = render_template("selfservice/unbound.html", message=message)
    return make_response(page, 401)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Nothing of an attendee may come back from a cache or the browser's history."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


def _home() -> Response:
    return redirect(url_for("selfservice.index"), 303)


# -- screens -----------------------------------------------------------------------------------


@bp.get("")
def index() -> Any:
    """The one URL of the screen: welcome, or the current step of this screen's visit."""
    visit = current_visit()
    if visit is None:
        if session.pop("visit", None):  # gone idle: its large text goes with it
            session.pop("large", None)
        return render_template("selfservice/welcome.html", step="welcome", lock=lock_text())
    if visit.step == "printing":
        visit = _follow_job(visit)
    shared = consent.answer(get_db(), visit.attendee_id) if visit.step == "done" else ""
    return render_template(f"selfservice/{visit.step}.html", step=visit.step,
                           share_email=shared, **visit_context(visit))  # fmt: skip


@bp.get("/type")
def type_form() -> Any:
    """Typing instead of scanning: a code or an e-mail, and the last name."""
    kind = "email" if request.args.get("by") == "email" else "code"
    typed = session.pop("typed", "") if kind == "code" else ""
    return render_template("selfservice/type.html", step="type", kind=kind, typed=typed,
                           lock=lock_text())  # fmt: skip


# -- lookups -----------------------------------------------------------------------------------


@bp.post("/scan")
def scan() -> Response:
    """A QR code from the scanner; typed into the scan field, it needs the last name too.

    A code seen over a shoulder (or on a photo of a badge) must not open someone's visit: the
    page reports the gaps between the keys that filled the field, and only text that came one
    key per character at a scanner's pace (kiosk.desk.selfservice.scanned) checks in at once.
    """
    code = request.form.get("code", "")[:300]
    if not code.strip() or locked_until() is not None:
        return _home()
    if not rules.scanned(code, request.form.get("keys", ""),
                         current_app.config["SELFSERVICE_SCAN_GAP_MS"]):  # fmt: skip
        session["typed"] = code.strip()[:200]
        flash(gettext("Please type your last name too."), "warn")
        return redirect(url_for("selfservice.type_form"), 303)
    _check_in(code)
    return _home()


@bp.post("/lookup")
def lookup() -> Response:
    """Two facts typed by the attendee: a code or an e-mail, and the last name."""
    kind = "email" if request.form.get("kind") == "email" else "code"
    key, name = request.form.get("key", "")[:200], request.form.get("last_name", "")[:200]
    if locked_until() is not None:
        return _home()
    if not key.strip() or not name.strip():
        flash(gettext("Please fill in both fields."), "error")
        return redirect(url_for("selfservice.type_form", by=kind), 303)
    found = rules.find(get_db(), kind, key, name)
    if isinstance(found, str):
        if found == "not_found":
            rules.record_failure(get_db(), screen_device())
        begin_visit("refused", found)
    elif not found["code"]:
        begin_visit("refused", "ambiguous")
    else:
        _check_in(found["code"])
    return _home()


def _check_in(code: str) -> None:
    """Records the scan as this screen's and starts the visit at the step its result leads to."""
    db = get_db()
    try:
        outcome = rules.scan(db, get_node(), code, g.principal, current_app.config)
    except rules.Locked:
        return
    result = outcome.decision.result
    attendee_id = outcome.attendee_id or ""
    if outcome.print_job_id:  # this screen's desk setting prints on check-in
        begin_visit("printing", "", attendee_id, outcome.print_job_id)
        return
    badge = bool(attendee_id) and printing.has_badge(db, attendee_id)
    step, refusal = rules.step_for(result, badge, rules.self_reprints(db, attendee_id))
    begin_visit(step, refusal, attendee_id if step != "refused" else "")


# -- the badge ---------------------------------------------------------------------------------


@bp.get("/badge.png")
def badge() -> Response:
    """The preview of the badge of this screen's current attendee, and of nobody else."""
    visit = current_visit()
    if visit is None or not visit.attendee_id:
        abort(404)
    row = attendees.get(get_db(), visit.attendee_id) or abort(404)
    return badge_file(row, "png", None)


@bp.post("/print")
def print_badge() -> Response:
    """Prints the first badge, or the one reprint a screen may give; then follows the job."""
    visit = current_visit()
    if visit is None or visit.step not in ("hello", "collected"):
        return _home()
    db = get_db()
    reprint = visit.step == "collected" or printing.has_badge(db, visit.attendee_id)
    if reprint and rules.self_reprints(db, visit.attendee_id):
        rules.update(db, visit.visit_id, step="refused", result="collected")
        return _home()
    reason = rules.REPRINT_REASON if reprint else rules.PRINT_REASON
    try:
        job = printing.request_print(db, visit.attendee_id, reason=reason,
                                     desk=g.principal.name, staff=g.principal.name)  # fmt: skip
    except printing.PrintRequestError:
        rules.update(db, visit.visit_id, step="refused", result="no_printer")
        return _home()
    rules.update(db, visit.visit_id, step="printing", job_id=job.job_id)
    return _home()


def _follow_job(visit: rules.Visit) -> rules.Visit:
    """Printing goes on while the job is pending (and counts as activity); then done or not."""
    job = printing.get_job(get_db(), visit.job_id)
    if job is None or job.status in ("failed", "held"):  # held: the desk checks the name
        step, result = "refused", "print_failed"
    else:
        step, result = ("done", "") if job.status == "printed" else ("printing", "")
    rules.update(get_db(), visit.visit_id, step=step, result=result)
    return rules.get(get_db(), visit.visit_id, screen_device(), idle_after()) or visit


@bp.get("/status")
def status() -> Response:
    """Polled by the printing screen: 204 while printing, a refresh of /self once it is over."""
    visit = current_visit()
    if visit is not None and visit.step == "printing":
        visit = _follow_job(visit)
    if visit is not None and visit.step == "printing":
        return Response(status=204)
    if request.headers.get("HX-Request") != "true":
        return _home()
    return Response(status=200, headers={"HX-Refresh": "true"})


@bp.post("/consent")
def share_email() -> Response:
    """The attendee of this visit answers whether sponsors may get their e-mail address."""
    visit = current_visit()
    if visit is None or visit.step != "done" or request.form.get("answer") not in ("yes", "no"):
        return _home()
    consent.record(get_db(), get_node(), visit.attendee_id, request.form["answer"] == "yes",
                   "selfservice")  # fmt: skip
    rules.update(get_db(), visit.visit_id)
    return _home()


# -- the screen's own settings -----------------------------------------------------------------


@bp.post("/reset")
def reset() -> Response:
    """Finish, Start again, or idle: forget the attendee and show the welcome screen."""
    visit_id = session.pop("visit", None)
    if visit_id:
        rules.end(get_db(), visit_id)
    session.pop("large", None)
    return _home()


def _back() -> Response:
    target = request.form.get("next", "")
    if target not in (url_for("selfservice.index"), url_for("selfservice.type_form"),
                      url_for("selfservice.type_form", by="email")):  # fmt: skip
        target = url_for("selfservice.index")
    return redirect(target, 303)


@bp.post("/touch")
def touch() -> Response:
    """Someone is still using the screen (the idle warning was answered): keep their visit."""
    visit = current_visit()
    if visit is not None:
        rules.update(get_db(), visit.visit_id)
    return Response(status=204)


@bp.post("/lang")
def set_language() -> Response:
    """One touch: this screen's language (a cookie of the device, kept across attendees)."""
    lang = request.form.get("lang", "")
    languages = [x.strip() for x in current_app.config["LANGUAGES"].split(",")]
    response = _back()
    if lang in languages:
        response.set_cookie("lang", lang, max_age=COOKIE_DAYS * 86400, samesite="Lax")
    return response


@bp.post("/large")
def large_text() -> Response:
    """A+: large text for this attendee's turn (the next reset turns it off)."""
    session["large"] = not session.get("large", False)
    return _back()
