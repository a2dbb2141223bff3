"""The fleet console: every event's venues, arrivals and mail at a glance, for supervisors.

Pages render their live part from the same template htmx polls (`Vary: HX-Request`); every
form works without JavaScript and answers a POST with 303, except enrolment, whose answer
shows the new token once and is never stored anywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
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
from flask_babel import Babel, get_locale, gettext
from werkzeug.exceptions import HTTPException

from kiosk import config, i18n, web
from kiosk.headoffice import display, events, fleet, outbox, supervisors, tokens
from kiosk.headoffice.current import database
from kiosk.headoffice.database import Database
from kiosk.headoffice.events import Event
from kiosk.headoffice.supervisors import Throttle, required

bp = Blueprint("console", __name__, url_prefix="/console")
YEAR = 60 * 60 * 24 * 365
NAME_MAX = 60
SESSION_HOURS = 12  # a working day at head office; then the token again
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
TEMPLATES = TRANSLATIONS.parent / "templates"


def _throttle() -> Throttle:
    return current_app.extensions.setdefault("kiosk.console_throttle", Throttle())


def _safe_next(target: str | None) -> str:
    """A console path to go back to, else the events page: never another site."""
    if target and target.startswith("/console/") and target.isprintable() and "\\" not in target:
        return target
    return url_for("console.events_page")


def _page(template: str, partial: str, **context: Any) -> Response:
    """The full page, or only its live part when htmx polls for it."""
    chosen = partial if request.headers.get("HX-Request") else template
    response = Response(render_template(chosen, **context))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    """A supervisor's token opens the console; wrong ones are throttled per address."""
    if request.method == "GET":
        return render_template("headoffice/signin.html")
    who, now = request.remote_addr or "?", datetime.now(UTC).timestamp()
    if _throttle().waiting(who, now):
        flash(gettext("Too many wrong tokens. Wait half a minute and try again."), "error")
        return render_template("headoffice/signin.html"), 429
    holder = tokens.holder(database(), request.form.get("token", "").strip()[:200])
    if holder is None:
        _throttle().failed(who, now)
        flash(gettext("That token is wrong or was revoked."), "error")
        return render_template("headoffice/signin.html"), 401
    if holder.role != "supervisor":
        flash(gettext("That is a venue machine's sync token. Sign in with a supervisor token."),
              "error")  # fmt: skip
        return render_template("headoffice/signin.html"), 403
    _throttle().succeeded(who)
    session.clear()
    session.permanent = True
    session["supervisor"] = holder.token_id
    return redirect(_safe_next(request.args.get("next")), code=303)


@bp.post("/signout")
def signout() -> Any:
    """Forgets this browser's sign-in."""
    session.clear()
    return redirect(url_for("console.signin"), code=303)


@bp.post("/lang")
def set_language() -> Any:
    """Remembers the chosen language in this browser."""
    response = redirect(_safe_next(request.form.get("next")), code=303)
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"].split(","):
        response.set_cookie("lang", lang, max_age=YEAR, samesite="Lax", httponly=True)
    return response


@bp.get("/")
@required
def events_page() -> Response:
    """Every event the supervisor may see, those with problems first."""
    rows = fleet.standings(database(), g.supervisor.event_id)
    return _page("headoffice/events.html", "headoffice/_events.html", standings=rows,
                 now=datetime.now(UTC))  # fmt: skip


def _event(slug: str) -> Event:
    """The event of the URL, if this supervisor may see it (else 404: no hint it exists)."""
    found = events.find(database(), slug)
    if found is None or not supervisors.may_see(g.supervisor, found.event_id):
        abort(404)
    return found


def _origin_names(venues: list[fleet.Venue]) -> dict[str, str]:
    names = {events.node_id(database()): gettext("Head office (imports)")}
    names.update((v.node_id, v.name) for v in venues)
    return names


@bp.get("/events/<slug>")
@required
def event(slug: str) -> Response:
    """One event's venue machines, arrivals and mail, refreshed every few seconds."""
    chosen, db, now = _event(slug), database(), datetime.now(UTC)
    venues = fleet.venues(db, chosen.event_id)
    return _page("headoffice/event.html", "headoffice/_event.html", event=chosen, now=now,
                 standing=fleet.standings(db, chosen.event_id)[0], venues=venues,
                 enrolments=fleet.enrolments(db, chosen.event_id),
                 arrivals=fleet.arrivals(db, chosen, request.args.get("day"), now),
                 origin_names=_origin_names(venues),
                 mail=outbox.summary(db, chosen.event_id))  # fmt: skip


@bp.post("/events/<slug>/enrol")
@required
def enrol(slug: str) -> Any:
    """A sync token for a new venue machine, shown once with the command that uses it."""
    chosen = _event(slug)
    name = " ".join(request.form.get("name", "").split())[:NAME_MAX]
    if not name:
        flash(gettext("Name the machine first, e.g. Desk North-1."), "error")
        return redirect(url_for("console.event", slug=slug), code=303)
    token = tokens.create(database(), "sync", name, chosen.event_id)
    peer = request.host_url.rstrip("/")
    return render_template("headoffice/enrolled.html", event=chosen, name=name, token=token,
                           command=f"kiosk sync --peer {peer} --token {token}")  # fmt: skip


def _machine(event_id: int, token_id: int) -> tuple[str, str]:
    """(name, node id) of one of the event's live machines or enrolments, else 404."""
    db = database()
    for venue in fleet.venues(db, event_id):
        if venue.token_id == token_id and not venue.revoked:
            return venue.name, venue.node_id
    for waiting in fleet.enrolments(db, event_id):
        if waiting.token_id == token_id:
            return waiting.name, ""
    abort(404)


@bp.route("/events/<slug>/machines/<int:token_id>/revoke", methods=["GET", "POST"])
@required
def revoke(slug: str, token_id: int) -> Any:
    """Asks first; then the machine's token is refused from its next sync on."""
    chosen = _event(slug)
    name, node = _machine(chosen.event_id, token_id)
    if request.method == "GET":
        return render_template("headoffice/revoke.html", event=chosen, name=name, node=node,
                               token_id=token_id)  # fmt: skip
    tokens.revoke(database(), token_id)
    flash(gettext("%(name)s is revoked: it can sync no more.", name=name), "ok")
    return redirect(url_for("console.event", slug=slug), code=303)


@bp.post("/events/<slug>/mail/send-again")
@required
def send_again(slug: str) -> Any:
    """Queues a failed, bounced or uncertain mail once more."""
    chosen = _event(slug)
    done = outbox.resend(database(), chosen.event_id, request.form.get("notification", ""),
                             request.form.get("attendee", ""))  # fmt: skip
    if done:
        flash(gettext("The mail is queued to be sent again."), "ok")
    else:
        flash(gettext("That mail was already sent again or cannot be."), "warn")
    return redirect(url_for("console.event", slug=slug, _anchor="mail"), code=303)


def _language() -> str:
    asked = request.args.get("lang") or request.cookies.get("lang")
    return i18n.choose_language(asked, request.headers.get("Accept-Language", ""),
                               i18n.languages(current_app))  # fmt: skip


def error_page(exc: HTTPException) -> Response:
    """What people read instead of a stack trace or a JSON body."""
    status = exc.code or 500
    messages = {
        "csrf": gettext("The form expired. Reload the page and try again."),
        "sync-token": gettext("A venue machine's sync token cannot open the console."),
    }
    message = messages.get(str(exc.description)) or (
        gettext("No such page.") if status == 404 else gettext("Something went wrong.")
    )
    return Response(render_template("headoffice/error.html", status=status, message=message),
                    status, mimetype="text/html")  # fmt: skip


def register(app: Flask, db: Database) -> None:
    """The console on head office's app: its pages, languages, cookies and CSRF."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = supervisors.secret_key(db)
    app.config.setdefault("LANGUAGES", config.LANGUAGES)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_NAME="kiosk_console",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
                      BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS))  # fmt: skip
    app.session_interface = web.SessionInterface()
    Babel(app, locale_selector=_language)
    app.before_request(web.check_csrf)
    app.after_request(web.add_security_headers)
    app.jinja_env.globals.update(csrf_token=web.csrf_token, ago=display.ago,
                                 exact=display.exact, offset=display.offset,
                                 languages=i18n.language_choices)  # fmt: skip
    app.context_processor(lambda: {"current_lang": str(get_locale() or "en")})
    app.register_blueprint(bp)
    app.add_url_rule("/", "home", lambda: redirect(url_for("console.events_page")))
