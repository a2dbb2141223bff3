"""Serving the app until stopped: waitress for HTTP, cheroot for HTTPS, both under systemd.

waitress speaks no TLS, so HTTPS runs the same app on cheroot (pure Python, threaded, TLS
built in). Either way the service manager hears READY once the port listens, watchdog pings
while the database can be written, and STOPPING on the way out.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import click

from kiosk.certificates import machine, store
from kiosk.operations import startup
from kiosk.service import health, notify

RENEW_CHECK_S = 60.0  # how often a serving machine compares its addresses with its certificate


def serve_http(app: Any, db_path: str, label: str, host: str, port: int, threads: int) -> None:
    """Serves `app` over HTTP with waitress until Ctrl+C or SIGTERM."""
    from waitress.server import create_server

    logging.basicConfig()  # as waitress.serve does: its own messages reach stderr
    server = create_server(app, host=host, port=port, threads=threads, ident="kiosk",
                           clear_untrusted_proxy_headers=True)  # fmt: skip
    startup.announce(label, db_path, host, port, "http")  # the LAN's URLs, never 0.0.0.0
    try:
        with notify.running(partial(health.database_problem, db_path), f"serving {db_path}"):
            server.run()  # returns on Ctrl+C or SIGTERM
    except KeyboardInterrupt:  # one that came before waitress listened for it
        pass


def issue_for_now(db_path: str, names: machine.Names) -> store.Issued:
    """The server certificate for `names` now, re-issued if they changed (said on stderr)."""
    now = datetime.datetime.now(datetime.UTC)
    issued = store.ensure_server_certificate(db_path, names, now)
    if issued.made_authority:
        click.echo(f"Made this machine's certificate authority: {issued.authority}", err=True)
    if issued.reason is not None:
        click.echo(f"Issued a server certificate ({issued.reason}): {issued.cert}", err=True)
    return issued


class Renewer(threading.Thread):
    """Re-issues the server certificate when the machine's names change, and loads it."""

    def __init__(self, db_path: str, context: Any, interval: float = RENEW_CHECK_S,
                 names: Callable[[], machine.Names] = machine.current) -> None:  # fmt: skip
        super().__init__(name="kiosk-certificate", daemon=True)
        self.db_path, self.context, self.interval, self.names = db_path, context, interval, names
        self.stopped = threading.Event()

    def check(self) -> bool:
        """One look; True when a new certificate now serves new connections."""
        if store.load_authority(self.db_path) is None:  # a new CA would leave tablets behind
            raise OSError("the certificate authority's files are gone: restart kiosk to make"
                          " a new one, and trust it on every tablet again")  # fmt: skip
        issued = issue_for_now(self.db_path, self.names())
        if issued.reason is None:
            return False
        self.context.load_cert_chain(str(issued.cert), str(issued.key))
        return True

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.check()
            except (OSError, ValueError) as exc:  # keep serving the certificate we have
                click.echo(f"Could not renew the certificate: {exc}", err=True)


def serve_https(app: Any, db_path: str, label: str, host: str, port: int, threads: int,
                cert: str | None, key: str | None) -> None:  # fmt: skip
    """Serves `app` over HTTPS with cheroot until Ctrl+C or SIGTERM.

    Without `cert` the machine's CA signs a server certificate, renewed while serving.
    """
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    own = cert is None or key is None
    if own:
        issued = issue_for_now(db_path, machine.current())
        cert, key = str(issued.cert), str(issued.key)
        click.echo(f"Tablets trust {issued.authority} (SHA-256 fingerprint"
                   f" {store.fingerprint(issued.authority)}); `kiosk tls ca FILE` copies it.",
                   err=True)  # fmt: skip
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="kiosk")
    server.ssl_adapter = BuiltinSSLAdapter(cert, key)
    renewer = Renewer(db_path, server.ssl_adapter.context) if own else None
    startup.announce(label, db_path, host, port, "https")
    click.echo(f"Certificate SHA-256 fingerprint: {store.fingerprint(cert)}", err=True)
    try:
        server.prepare()  # binds the port: only then is the service ready
        if renewer is not None:
            renewer.start()
        with notify.running(partial(health.database_problem, db_path), f"serving {db_path}"):
            server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        if renewer is not None:
            renewer.stopped.set()
        server.stop()
