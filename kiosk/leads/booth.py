"""The booth's pages: a phone scans badges (camera or scanner), rates, notes, and sends.

A booth phone is opened once as `/booth?token=T` with an exhibitor token; the browser's signed
session then keeps which token it is (the id, never the token itself), and each request checks
that the token still stands, so revoking it ends the booth's access at once. The sponsor always
comes from the token. Supervisors read every sponsor's report under `/sponsors`.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext

from kiosk import auth, clock
from kiosk.leads import capture, report, sponsors
from kiosk.views.staff import staff_required
from kiosk.web import get_db, get_node, token_principal
from sync.ids import is_uuid

bp = Blueprint("booth", __name__)
SESSION_KEY = "booth_token"


def _booth_principal() -> auth.Principal | None:
    token_id = session.get(SESSION_KEY)
    if not isinstance(token_id, int):
        return None
    row = (
        get_db()
        .execute(
            "SELECT token_id, name, role, sponsor FROM api_token"
            " WHERE token_id = ? AND revoked_at IS NULL AND role = 'exhibitor'",
            (token_id,),
        )
        .fetchone()
    )
    return (
        auth.Principal(row["name"], row["role"], "token", row["token_id"], row["sponsor"])
        if row
        else None
    )


def _refuse() -> Response:
    message = gettext("This page needs an exhibitor token. Open it once as /booth?token=…")
    if request.accept_mimetypes.best == "application/json":
        return make_response(jsonify({"error": "unauthorized", "message": message}), 401)
    return make_response(render_template("error.html", status=401, message=message), 401)


@bp.before_request
def _authenticate() -> Any:
    """Only booth routes: `?token=` once binds this browser; afterwards the session does."""
    if not request.path.startswith("/booth"):
        return None
    token = request.args.get("token")
    if token is not None:
        found = token_principal(token)
        if found is None or found.role != "exhibitor":
            return _refuse()
        session[SESSION_KEY] = found.ident
        return redirect(url_for("booth.index"), 303)
    g.principal = _booth_principal()
    return _refuse() if g.principal is None else None


def _sponsor() -> sponsors.Sponsor:
    found = sponsors.get(get_db(), g.principal.sponsor)
    if found is None:  # a token made before its sponsor synced here: the sponsor is its id
        return sponsors.Sponsor(g.principal.sponsor, g.principal.sponsor, "", ())
    return found


def _page(lead: capture.Lead | None = None, message: str = "", status: int = 200) -> Response:
    sponsor = _sponsor()
    leads = capture.for_sponsor(get_db(), sponsor.sponsor_id)
    html = render_template("booth/index.html", sponsor=sponsor, lead=lead, leads=leads[:20],
                           total=len(leads), message=message)  # fmt: skip
    return make_response(html, status)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _fields(sponsor: sponsors.Sponsor) -> dict[str, Any]:
    answers = {q: request.form.get(f"answer-{i}", "") for i, q in enumerate(sponsor.questions)}
    answers = {q: a for q, a in answers.items() if a.strip()}
    note = request.form.get("note")
    return capture.clean_fields(request.form.get("rating"), note or None,
                                capture.clean_answers(answers, sponsor.questions))  # fmt: skip


def _answer(lead: capture.Lead | None, error: str = "", status: int = 200) -> Response:
    if _wants_json():
        if lead is None:
            return make_response(jsonify({"error": "not_found", "message": error}), status)
        return make_response(jsonify(lead.to_api()), status)
    return _page(lead, error, status if lead is None else 200)


@bp.get("/booth")
def index() -> Response:
    """The booth: scan a badge, then rate and note."""
    return _page()


@bp.post("/booth/scan")
def scan() -> Response:
    """A badge at the booth (from the camera, a scanner or typed); a phone's queued scan too."""
    sponsor = _sponsor()
    op_id = request.form.get("op_id") or None
    if op_id is not None and not is_uuid(op_id):
        abort(400, description="op_id must be a UUID string.")
    try:
        lead = capture.capture(get_db(), get_node(), sponsor.sponsor_id,
                               request.form.get("code", ""), g.principal.name, clock.now(),
                               _fields(sponsor), op_id)  # fmt: skip
    except capture.LeadError as exc:
        return _answer(None, str(exc), 400 if not isinstance(exc, capture.OpIdTaken) else 409)
    if lead is None:
        return _answer(None, gettext("Unknown code: this is not one of the event's badges."), 404)
    return _answer(lead, status=201)


@bp.post("/booth/leads/<lead_id>")
def save(lead_id: str) -> Response:
    """The rating, note and answers for a lead."""
    sponsor = _sponsor()
    try:
        lead = capture.edit(get_db(), get_node(), sponsor.sponsor_id, lead_id, g.principal.name,
                            _fields(sponsor))  # fmt: skip
    except capture.LeadError as exc:
        return _answer(None, str(exc), 400)
    if lead is None:
        return _answer(None, gettext("This booth has no such lead."), 404)
    if _wants_json():
        return _answer(lead)
    return redirect(url_for("booth.index"), 303)


def _report_page(sponsor: sponsors.Sponsor, csv_url: str) -> str:
    return render_template("booth/report.html", report=report.build(get_db(), sponsor),
                           csv_url=csv_url)  # fmt: skip


def _csv(sponsor: sponsors.Sponsor) -> Response:
    out = io.StringIO()
    report.write_csv(get_db(), sponsor, out)
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="leads-{sponsor.sponsor_id}.csv"'
    )
    return response


@bp.get("/booth/report")
def own_report() -> str:
    """The booth's own sponsor's report."""
    return _report_page(_sponsor(), url_for("booth.own_csv"))


@bp.get("/booth/leads.csv")
def own_csv() -> Response:
    return _csv(_sponsor())


def _sponsor_or_404(sponsor_id: str) -> sponsors.Sponsor:
    found = sponsors.get(get_db(), sponsor_id)
    if found is None:
        abort(404)
    return found


@bp.get("/sponsors")
@staff_required("sponsor_reports")
def sponsor_list() -> str:
    """Every sponsor with its leads so far (supervisor)."""
    db = get_db()
    rows = [(s, report.lead_count(db, s.sponsor_id)) for s in sponsors.listing(db)]
    return render_template("booth/sponsors.html", rows=rows)


@bp.get("/sponsors/<sponsor_id>/report")
@staff_required("sponsor_reports")
def sponsor_report(sponsor_id: str) -> str:
    found = _sponsor_or_404(sponsor_id)
    return _report_page(found, url_for("booth.sponsor_csv", sponsor_id=found.sponsor_id))


@bp.get("/sponsors/<sponsor_id>/leads.csv")
@staff_required("sponsor_reports")
def sponsor_csv(sponsor_id: str) -> Response:
    return _csv(_sponsor_or_404(sponsor_id))
