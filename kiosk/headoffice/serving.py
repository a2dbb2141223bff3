"""`kiosk headoffice --database URL serve`: the app on a production WSGI server.

Head office runs in a data centre behind the organiser's HTTPS reverse proxy (nginx,
Caddy): it serves plain HTTP on the address given, and never a venue's local CA.
"""

from __future__ import annotations

import signal

import click

from kiosk.headoffice import retention
from kiosk.headoffice.database import safe_url
from kiosk.headoffice.web import create_app


def run(url: str, label: str, host: str, port: int, threads: int, tls: bool,
        cert: str | None, key: str | None) -> None:  # fmt: skip
    """Serves until stopped (SIGTERM stops as cleanly as Ctrl+C)."""
    from waitress import serve as waitress_serve

    if tls or cert or key:
        raise click.ClickException("head office serves HTTP behind an HTTPS reverse proxy:"
                                   " see docs/headoffice.md")  # fmt: skip
    app = create_app(url)
    retention.start(url)  # purges events past their retention, once an hour
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    click.echo(f"{label} serving {safe_url(url)} at http://{host}:{port}/ (Ctrl+C stops)", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="kiosk-headoffice",
                   clear_untrusted_proxy_headers=True)  # fmt: skip
