"""Staff sign-in with a personal PIN, sign-out, and the language switch."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
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
from flask_babel import format_datetime, gettext

from kiosk import auth, staff_sessions
from kiosk.web import get_db, staff_principal

bp = Blueprint("staff", __name__)
DEVICE_COOKIE = "kiosk_device"  # a browser staff signed in on: its own count of wrong PINs
YEAR = 60 * 60 * 24 * 365


def staff_required(permission: str) -> Callable:
    """A page for signed-in staff whose role grants `permission`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = staff_principal()
            if principal is None:
                if request.headers.get("HX-Request"):
                    response = make_response("", 401)
                    response.headers["HX-Redirect"] = url_for("staff.login")
                    return response
                return redirect(url_for("staff.login", next=request.full_path))
            if not principal.may(permission):
                return render_template("error.html", status=403, message=gettext(
                    "Your role may not do this. Ask a supervisor.")), 403  # fmt: skip
            g.principal = principal
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


@bp.get("/")
def home() -> Any:
    """The desk for signed-in staff, the sign-in page for everyone else."""
    return redirect(url_for("desk.index") if staff_principal() else url_for("staff.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Name, PIN and desk label; wrong PINs are throttled per name and per device."""
    db = get_db()
    names = auth.staff_names(db)
    desk = request.cookies.get("desk") or current_app.config["DEFAULT_DESK"]
    if request.method == "GET":
        return render_template("staff/login.html", names=names, desk=desk, chosen="")
    name = request.form.get("name", "")[:80]
    pin = request.form.get("pin", "")[:12]
    desk = " ".join(request.form.get("desk", "").split())[:40] or desk
    device = request.cookies.get(DEVICE_COOKIE, "")
    try:
        principal = auth.sign_in(db, name, pin, request.remote_addr or "?", device)
    except auth.Throttled as exc:
        flash(gettext("Too many wrong PINs. Try again after %(time)s.",
                      time=format_datetime(exc.until, "HH:mm")), "error")  # fmt: skip
        return render_template("staff/login.html", names=names, desk=desk, chosen=name), 429
    if principal is None:
        flash(gettext("Wrong name or PIN."), "error")
        return render_template("staff/login.html", names=names, desk=desk, chosen=name), 401
    _end_session()
    session.permanent = True
    session.update(sid=staff_sessions.start_session(db, principal.ident), desk=desk)
    response = redirect(_safe_next(request.args.get("next")), code=303)
    response.set_cookie("desk", desk, max_age=YEAR, samesite="Lax", httponly=True)
    if not auth.known_device(db, device):
        device = secrets.token_urlsafe(32)
        auth.remember_device(db, device)
    response.set_cookie(DEVICE_COOKIE, device, max_age=YEAR, samesite="Lax", httponly=True)
    return response


def _end_session() -> None:
    """Ends this browser's sign-in on the server, so a copy of its cookie opens nothing."""
    sid = session.get("sid")
    if isinstance(sid, str):
        staff_sessions.end_session(get_db(), sid)
    session.clear()


def _safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the desk: never another site.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/", a tab,
    "/evil.example" would leave the site: a target with any such character is refused.
    """
    if not target or not target.isprintable() or "\\" in target:
        return url_for("desk.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("desk.index")
    return target


@bp.post("/logout")
def logout() -> Any:
    """Signs out this browser."""
    _end_session()
    return redirect(url_for("staff.login"), code=303)


@bp.post("/lang")
def set_language() -> Any:
    """Remembers the chosen language on this device."""
    lang = request.form.get("lang", "")
    languages = [x.strip() for x in current_app.config["LANGUAGES"].split(",")]
    back = _safe_next(request.form.get("next"))
    response = redirect(back, code=303)
    if lang in languages:
        response.set_cookie("lang", lang, max_age=YEAR, samesite="Lax")
    return response
