"""`kiosk headoffice --database URL serve`: the app on a production WSGI server.

Head office runs in a data centre behind the organiser's HTTPS reverse proxy (nginx,
Caddy): it serves plain HTTP on the address given, and never a venue's local CA.
"""

from __future__ import annotations

import os
import signal

import click

from kiosk.headoffice import outbox, retention, smtp
from kiosk.headoffice.database import Database, migrate, safe_url
from kiosk.headoffice.web import create_app
from kiosk.operations import startup


def run(url: str, label: str, host: str, port: int, threads: int, tls: bool,
        cert: str | None, key: str | None) -> None:  # fmt: skip
    """Serves until stopped (SIGTERM stops as cleanly as Ctrl+C)."""
    from waitress import serve as waitress_serve

    if tls or cert or key:
        raise click.ClickException("head office serves HTTP behind an HTTPS reverse proxy:"
                                   " see docs/headoffice.md")  # fmt: skip
    try:
        settings = smtp.settings_from(os.environ)
    except smtp.MailSettingsError as exc:
        raise click.ClickException(str(exc)) from None
    app = create_app(url)
    retention.start(url)  # purges events past their retention, once an hour
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    mailer = start_mailer(url, settings)
    startup.announce(label, safe_url(url), host, port, "http")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="kiosk-headoffice",
                       clear_untrusted_proxy_headers=True)  # fmt: skip
    finally:
        if mailer is not None:
            mailer.stop(timeout=30)


def start_mailer(url: str, settings: smtp.MailSettings) -> outbox.Mailer | None:
    """The thread that e-mails attendees, when an SMTP relay is set (KIOSK_SMTP_HOST)."""
    if not settings.enabled:
        click.echo("Mail is off (no KIOSK_SMTP_HOST): room-change mail stays queued.", err=True)
        return None

    def connect() -> Database:
        db = Database(url)
        migrate(db)
        return db

    mailer = outbox.Mailer(connect, settings)
    mailer.start()
    return mailer
