"""Kiosk: offline-first check-in and logistics for conferences."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel

# The domain packages register their ops' fold rules when imported; importing them here means
# any use of kiosk (app, CLI, a test) has them all before the first op is applied.
import kiosk.desk
import kiosk.leads
import kiosk.logistics
import kiosk.printing.attempts
import kiosk.privacy
import kiosk.rooms
import kiosk.runofshow
import kiosk.shifts
import kiosk.ticketing  # noqa: F401
from kiosk import clock, config, files, i18n, web
from kiosk.backup import check_health
from kiosk.db import start_checkpointer
from kiosk.desk.event import load as load_event
from kiosk.operations import assets

STATIC_DIR = assets.static_dir()


def _select_locale() -> str:
    asked = request.args.get("lang") or request.cookies.get("lang")
    return i18n.choose_language(asked, request.headers.get("Accept-Language", ""),
                               i18n.languages(current_app))  # fmt: skip


def _select_timezone() -> str:
    """Times on every screen are the venue's local times."""
    return load_event(web.get_db()).timezone


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Builds the app: defaults, then KIOSK_* environment, then `test_config`."""
    app = Flask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static")
    app.url_map.converters["default"] = app.url_map.converters["string"] = web.SegmentConverter
    app.config.from_object(config)
    app.config.update(config.from_env(dict(os.environ)))
    if test_config:
        app.config.update(test_config)
    if not app.config.get("CLOCK"):
        app.config["CLOCK"] = clock.from_setting(app.config["CLOCK_START"])
    check_health(app.config["DATABASE"])  # never serve a damaged database
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = files.signing_key(app.config["DATABASE"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=app.config["STAFF_SESSION_MINUTES"]),
        JSON_SORT_KEYS=False,
    )
    Babel(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    web.register(app)
    app.after_request(web.add_security_headers)

    from kiosk.views import (
        admin,
        api,
        desk,
        door,
        printing,
        review,
        rooms,
        rooms_api,
        runofshow,
        screens,
        selfservice,
        shifts,
        shifts_api,
        shifts_plan,
        signage,
        staff,
        sync_api,
        ticketing,
    )

    app.register_blueprint(staff.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sync_api.bp)
    app.register_blueprint(sync_api.status_bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(printing.bp)
    app.register_blueprint(printing.desk_bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(selfservice.bp)
    app.register_blueprint(screens.bp)
    for module in (rooms, door, rooms_api, signage):
        app.register_blueprint(module.bp)
    from kiosk.views import dashboard, reports

    app.register_blueprint(dashboard.bp)
    app.register_blueprint(dashboard.api_bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(ticketing.bp)
    from kiosk.views import logistics, logistics_api, logistics_days

    for module in (logistics, logistics_api, logistics_days):
        app.register_blueprint(module.bp)
    from kiosk.leads import api as leads_api
    from kiosk.leads import booth

    app.register_blueprint(leads_api.bp)
    app.register_blueprint(booth.bp)
    for module in (shifts, shifts_plan, shifts_api, runofshow):
        app.register_blueprint(module.bp)
    from kiosk.operations import views as operations

    app.register_blueprint(operations.bp)
    from kiosk.operations.requestlog import RequestLog
    from kiosk.views.api_scan import FastScan

    app.wsgi_app = FastScan(app, app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]
    if not app.testing:
        from kiosk.replication import peering as replication

        app.extensions["kiosk.checkpointer"] = start_checkpointer(app.config["DATABASE"])

        cfg = app.config
        replication.start_background(
            cfg["DATABASE"], cfg["SYNC_PEER"], cfg["SYNC_TOKEN"], cfg["SYNC_INTERVAL"]
        )
        from kiosk.printing import setup as print_setup
        from kiosk.printing import worker as print_worker

        opener = print_setup.printer_opener(cfg["DATABASE"], cfg["PRINT_FILE_DIRS"])
        print_worker.start_background(cfg["DATABASE"], opener, cfg["CLOCK"].now)
        from kiosk.ticketing import background as ticketing

        ticketing.start_background(cfg["DATABASE"], cfg.get("TICKETING_INTERVAL", 60.0))
    return app
