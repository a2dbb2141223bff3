"""The supervisor's list of self-service screens: when each was bound and last seen, sign-out."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext

from kiosk.desk import screen_sessions
from kiosk.views.staff import staff_required
from kiosk.web import get_db

bp = Blueprint("screens", __name__, url_prefix="/admin/screens")


@bp.get("")
@staff_required("settings")
def screens() -> str:
    """Every bound screen, with when it was bound and last seen, each with a sign-out button."""
    return render_template("admin/screens.html", screens=screen_sessions.screens(get_db()))


@bp.post("/<screen_id>/revoke")
@staff_required("settings")
def revoke(screen_id: str) -> Response:
    """Signs one screen out at once (its token and the other screens go on working)."""
    if not (screen_id.isascii() and screen_id.isdigit() and len(screen_id) <= 18):
        abort(404)
    if screen_sessions.revoke_screen(get_db(), int(screen_id)):
        flash(gettext("The screen was signed out."), "ok")
    return redirect(url_for(".screens"), 303)
