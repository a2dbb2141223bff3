"""`kiosk serve --tls` as a real process: scans over HTTPS, and sync that verifies the peer.

The venue machine makes its own certificate on first start; a client trusts it through a CA
bundle (the certificate itself) or refuses it, and `kiosk sync` does the same, with pinning.
"""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import tls
from tests.e2e.conftest import KIOSK, free_port

pytestmark = pytest.mark.e2e
TRIES = 400  # looks at the server, 0.05 s apart: a bound, so a broken build fails, not hangs


def kiosk(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip


@dataclass
class Secure:
    url: str
    db: Path
    token: str
    cert: Path
    process: subprocess.Popen
    log: Path


def start(db: Path, *extra: str, command: tuple[str, ...] = ("serve",)) -> Secure:
    port, log = free_port(), db.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen([KIOSK, "--db", str(db), *command, "--tls", "--port",
                                    str(port), *extra], stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    cert = Path(extra[1]) if extra else tls.paths(db)[0]
    server = Secure(f"https://127.0.0.1:{port}", db, "", cert, process, log)
    for _ in range(TRIES):
        if process.poll() is None and cert.exists():
            try:
                get(server, "/login", ssl.create_default_context(cafile=str(cert)))
                return server
            except OSError:
                pass
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise AssertionError(f"no HTTPS answer: {log.read_text()[-2000:]}")


def get(server: Secure, path: str, context: ssl.SSLContext) -> int:
    with urllib.request.urlopen(server.url + path, timeout=30, context=context) as page:  # noqa: S310
        return page.status


def demo(folder: Path) -> tuple[Path, str]:
    db = folder / "kiosk.sqlite3"
    out = kiosk(db, "demo", "--attendees", "100", "--seed", "9").stdout
    return db, re.search(r"API token \(role desk\): (\S+)", out).group(1)


@pytest.fixture
def secure(tmp_path: Path) -> Iterator[Secure]:
    db, token = demo(tmp_path)
    server = start(db)
    server.token = token
    try:
        yield server
    finally:
        server.process.kill()
        server.process.wait()


def test_scan_over_https_with_the_machines_own_certificate(secure: Secure) -> None:
    trusted = ssl.create_default_context(cafile=str(secure.cert))
    body = json.dumps({"code": "x-unknown", "op_id": str(uuid.uuid4())}).encode()
    headers = {"Authorization": f"Bearer {secure.token}", "Content-Type": "application/json"}
    req = urllib.request.Request(secure.url + "/api/v1/scan", body, headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=30, context=trusted) as answer:  # noqa: S310
        assert json.load(answer)["result"] == "unknown_code"
    printed = secure.log.read_text()
    assert f"fingerprint: {tls.fingerprint(secure.cert)}" in printed
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):  # never told
        get(secure, "/login", ssl.create_default_context())
    key = tls.paths(secure.db)[1]
    assert key.stat().st_mode & 0o077 == 0  # the key is the machine's secret


def test_the_certificate_is_kept_and_stops_cleanly(secure: Secure) -> None:
    first = tls.fingerprint(secure.cert)
    secure.process.send_signal(signal.SIGTERM)
    assert secure.process.wait() == 0
    again = start(secure.db)
    try:
        assert tls.fingerprint(again.cert) == first  # tablets that trusted it keep trusting it
    finally:
        again.process.kill()
        again.process.wait()


def test_a_supplied_certificate_is_served(tmp_path: Path) -> None:
    db, _ = demo(tmp_path)
    cert, key = tmp_path / "venue.pem", tmp_path / "venue.key"
    tls.make_certificate(cert, key, "desk-host", ["127.0.0.1"])
    server = start(db, "--cert", str(cert), "--key", str(key))
    try:
        assert f"fingerprint: {tls.fingerprint(cert)}" in server.log.read_text()
        assert not tls.paths(db)[0].exists()  # none made when one is supplied
    finally:
        server.process.kill()
        server.process.wait()


def test_sync_over_https_verifies_the_peer(secure: Secure, tmp_path: Path) -> None:
    """A second machine syncs with the TLS venue: trusted by bundle or pin, refused otherwise."""
    token = kiosk(secure.db, "token", "create", "--role", "sync", "--name", "b").stdout.strip()
    other = tmp_path / "b" / "b.sqlite3"
    assert kiosk(other, "init", "--event", "Other").returncode == 0
    args = ("sync", "--once", "--peer", secure.url, "--token", token)
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_SYNC")}
    refused = kiosk(other, *args, env=base)
    assert refused.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr
    wrong_pin = kiosk(other, *args, env={**base, "KIOSK_SYNC_CA_BUNDLE": str(secure.cert),
                                         "KIOSK_SYNC_PIN": "00" * 32})  # fmt: skip
    assert wrong_pin.returncode == 1 and "pinned" in wrong_pin.stderr
    env = {**base, "KIOSK_SYNC_CA_BUNDLE": str(secure.cert),
           "KIOSK_SYNC_PIN": tls.fingerprint(secure.cert)}  # fmt: skip
    done = kiosk(other, *args, env=env)
    assert done.returncode == 0, done.stderr
    assert re.search(r"pulled [1-9]\d* new", done.stdout), done.stdout


def test_head_office_serves_https_too(tmp_path: Path) -> None:
    """Venues reach head office over the internet: it serves HTTPS like a venue does."""
    ho_db = tmp_path / "ho" / "ho.sqlite3"
    assert kiosk(ho_db, "init", "--event", "Head office").returncode == 0
    token = kiosk(ho_db, "token", "create", "--role", "sync", "--name", "v").stdout.strip()
    ho = start(ho_db, command=("headoffice", "serve"))
    try:
        venue, _ = demo(tmp_path)
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_SYNC")}
        done = kiosk(venue, "sync", "--once", "--peer", ho.url, "--token", token,
                     env={**base, "KIOSK_SYNC_CA_BUNDLE": str(ho.cert)})  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert re.search(r"pushed [1-9]\d* new", done.stdout), done.stdout
    finally:
        ho.process.kill()
        ho.process.wait()
