"""A real SMTP relay for the mail tests: aiosmtpd in its own process on 127.0.0.1.

Every message it accepts is stored as a numbered .eml file, so a test reads what really
arrived. It can require STARTTLS (or speak SMTPS) with a self-signed certificate, require
AUTH LOGIN/PLAIN, refuse given recipients with 550 (a bounce) or 451 (try later), and for a
"silent" recipient store the mail and then never answer the final dot (a relay that died
after taking it). Run as `python -m tests.support.smtp` by `relay()`; tests use `relay()`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import email
import email.policy
import itertools
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from tests.support.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Relay:
    """A running relay: where it listens, the certificate to trust, what it received."""

    port: int
    inbox: Path
    cert: Path | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    def received(self) -> list[EmailMessage]:
        """Every message accepted so far, oldest first, parsed as a mail client would."""
        files = sorted(self.inbox.glob("*.eml"), key=lambda p: int(p.stem))
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in files]  # fmt: skip


@contextmanager
def relay(workdir: Path, *, tls: str = "", auth: tuple[str, str] | None = None,
          bounce: tuple[str, ...] = (), defer: tuple[str, ...] = (),
          silent: tuple[str, ...] = (), port: int = 0) -> Iterator[Relay]:  # fmt: skip
    """Starts a relay (on `port`, else a free one); `tls` is "", "starttls" or "smtps"."""
    from kiosk.certificates import authority, machine, server, store

    inbox, port = workdir / "inbox", port or free_port()
    inbox.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "tests.support.smtp", "--port", str(port), "--inbox", str(inbox)]
    cert = None
    if tls:
        cert, key = workdir / "relay.cert.pem", workdir / "relay.key.pem"
        now = datetime.datetime.now(datetime.UTC)  # head office's TLS checks it against this clock
        ca = authority.make_authority("relay", now)
        leaf, leaf_key = server.issue(ca, machine.Names.of(["localhost"], ["127.0.0.1"]), now)
        store.save_certificates(cert, leaf, ca.cert)  # also what a client trusts: the CA is in it
        store.save_key(key, leaf_key)
        args += [f"--{tls}", str(cert), str(key)]
    if auth:
        args += ["--auth", *auth]
    for flag, addresses in (("--bounce", bounce), ("--defer", defer), ("--silent", silent)):
        args += [a for address in addresses for a in (flag, address)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the SMTP relay did not start (exit {process.wait()})")
        yield Relay(port, inbox, cert, process)
    finally:
        stop(process)
        process.stdout.close()


class Handler:
    """Accepts or refuses each recipient as told and files every accepted message."""

    def __init__(self, inbox: Path, bounce: list[str], defer: list[str], silent: list[str]):
        self.inbox, self.bounce, self.defer, self.silent = inbox, bounce, defer, silent
        self.numbers = itertools.count(len(list(inbox.glob("*.eml"))) + 1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.bounce:
            return "550 5.1.1 <%s>: no such mailbox here" % address  # noqa: UP031
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        partial = self.inbox / f"{number}.part"
        partial.write_bytes(envelope.original_content)
        partial.rename(self.inbox / f"{number}.eml")  # a test never reads half a message
        if set(envelope.rcpt_tos) & set(self.silent):
            await asyncio.Event().wait()  # took it, and never says so
        return "250 2.0.0 Queued as %d" % number  # noqa: UP031


def _authenticator(login: str, password: str):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            login.encode(), password.encode())  # fmt: skip
        return AuthResult(success=ok, handled=False)

    return check


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--inbox", type=Path, required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", nargs=2, metavar=("LOGIN", "PASSWORD"))
    for name in ("--bounce", "--defer", "--silent"):
        parser.add_argument(name, action="append", default=[])
    a = parser.parse_args()
    options: dict[str, object] = {"hostname": "127.0.0.1", "port": a.port}
    pair = a.starttls or a.smtps
    if pair:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*pair)
        key = "tls_context" if a.starttls else "ssl_context"
        options[key] = context
        options["require_starttls"] = bool(a.starttls)
    if a.auth:
        options.update(authenticator=_authenticator(*a.auth), auth_required=True)
    controller = Controller(Handler(a.inbox, a.bounce, a.defer, a.silent), **options)
    ending = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, ending)  # the server's thread inherits the mask
    controller.start()
    print("ready", flush=True)
    signal.sigwait(ending)
    controller.stop()


if __name__ == "__main__":
    main()
