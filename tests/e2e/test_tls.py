"""`kiosk serve --tls` as a real process: scans over HTTPS, and sync that verifies the peer.

The venue machine makes its own certificate authority on first start and a server certificate
signed by it; a client trusts the one CA file `kiosk tls ca` writes, or refuses the server.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import ssl
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from kiosk.certificates import authority, machine, server, store
from tests.service.servers import (
    Secure,
    demo,
    export_ca,
    get,
    kiosk,
    old_style_certificate,
    start,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def secure(tmp_path: Path) -> Iterator[tuple[Secure, str]]:
    db, token = demo(tmp_path)
    running = start(db)
    try:
        yield running, token
    finally:
        running.process.kill()
        running.process.wait()


def served_certificate(db: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(store.paths(db)[0].read_bytes())


def test_a_client_trusting_only_the_ca_file_verifies_both_names(secure: tuple) -> None:
    running, token = secure
    trusted = ssl.create_default_context(cafile=str(running.ca))
    assert get(f"https://127.0.0.1:{running.port}/login", trusted) == 200
    assert get(f"https://localhost:{running.port}/login", trusted) == 200
    body = json.dumps({"code": "x-unknown", "op_id": str(uuid.uuid4())}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    req = urllib.request.Request(running.url + "/api/v1/scan", body, headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=30, context=trusted) as answer:  # noqa: S310
        assert json.load(answer)["result"] == "unknown_code"
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):  # never told
        get(running.url + "/login", ssl.create_default_context())
    assert f"fingerprint {store.fingerprint(running.ca)}" in running.log.read_text()


def test_the_server_certificate_is_what_browsers_accept(secure: tuple) -> None:
    """Not a CA (Firefox refuses a CA as a server's certificate), serverAuth, ≤ 397 days."""
    running, _ = secure
    cert = served_certificate(running.db)
    ca = x509.load_pem_x509_certificate(running.ca.read_bytes())
    assert not authority.is_authority(cert) and authority.is_authority(ca)
    cert.verify_directly_issued_by(ca)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc <= datetime.timedelta(days=397)
    assert {"localhost", "127.0.0.1"} <= set(server.named(cert).dns + server.named(cert).ips)
    ca_key, server_key = store.authority_paths(running.db)[1], store.paths(running.db)[1]
    assert ca_key.stat().st_mode & 0o077 == 0 and server_key.stat().st_mode & 0o077 == 0


def test_a_restart_keeps_the_authority_and_the_certificate(secure: tuple) -> None:
    running, _ = secure
    ca_print = store.fingerprint(running.ca)
    cert_print = store.fingerprint(store.paths(running.db)[0])
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait() == 0
    again = start(running.db)
    try:
        assert store.fingerprint(again.ca) == ca_print  # tablets that trusted it keep trusting
        assert store.fingerprint(store.paths(again.db)[0]) == cert_print
        assert "Issued a server certificate" not in again.log.read_text()
    finally:
        again.process.kill()
        again.process.wait()


def test_an_old_self_signed_certificate_is_replaced_at_start(tmp_path: Path) -> None:
    """Venues from before the CA have a self-signed CA certificate that Firefox refuses."""
    db, _ = demo(tmp_path)
    old_cert, old_key = old_style_certificate(tmp_path)
    old_cert.rename(store.paths(db)[0])
    old_key.rename(store.paths(db)[1])
    running = start(db)
    try:
        assert not authority.is_authority(served_certificate(db))
        assert "not signed by this machine's certificate authority" in running.log.read_text()
    finally:
        running.process.kill()
        running.process.wait()


def test_new_addresses_get_a_new_certificate_from_the_same_authority(tmp_path: Path) -> None:
    db, _ = demo(tmp_path)
    ca = export_ca(db)
    now = datetime.datetime.now(datetime.UTC)
    stale = machine.Names.of(["desk-before"], ["192.0.2.7"])  # where the machine was last week
    store.ensure_server_certificate(db, stale, now)
    running = start(db, ca=ca)
    try:
        assert server.named(served_certificate(db)) == machine.current()
        assert "new: " in running.log.read_text() and "gone: 192.0.2.7" in running.log.read_text()
        assert export_ca(db).read_bytes() == ca.read_bytes()  # nothing new for the tablets
    finally:
        running.process.kill()
        running.process.wait()


def test_a_supplied_certificate_is_served(tmp_path: Path) -> None:
    db, _ = demo(tmp_path)
    venue_it = authority.make_authority("venue-it", datetime.datetime.now(datetime.UTC))
    cert, key = server.issue(venue_it, machine.Names.of(["localhost"], ["127.0.0.1"]),
                             datetime.datetime.now(datetime.UTC))  # fmt: skip
    cert_file, key_file, ca_file = (tmp_path / n for n in ("venue.pem", "venue.key", "it.pem"))
    store.save_certificates(cert_file, cert)
    store.save_key(key_file, key)
    store.save_certificates(ca_file, venue_it.cert)
    running = start(db, "--cert", str(cert_file), "--key", str(key_file), ca=ca_file)
    try:
        assert f"fingerprint: {store.fingerprint(cert_file)}" in running.log.read_text()
        assert not store.paths(db)[0].exists()  # none made when one is supplied
    finally:
        running.process.kill()
        running.process.wait()


def test_sync_over_https_verifies_the_peer(secure: tuple, tmp_path: Path) -> None:
    """A second machine syncs with the TLS venue: trusted by the CA file or a pin, else refused."""
    running, _ = secure
    token = kiosk(running.db, "token", "create", "--role", "sync", "--name", "b").stdout.strip()
    other = tmp_path / "b" / "b.sqlite3"
    assert kiosk(other, "init", "--event", "Other").returncode == 0
    args = ("sync", "--once", "--peer", running.url, "--token", token)
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_SYNC")}
    refused = kiosk(other, *args, env=base)
    assert refused.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr
    trusted = {**base, "KIOSK_SYNC_CA_BUNDLE": str(running.ca)}
    wrong_pin = kiosk(other, *args, env={**trusted, "KIOSK_SYNC_PIN": "00" * 32})
    assert wrong_pin.returncode == 1 and "pinned" in wrong_pin.stderr
    pin = store.fingerprint(store.paths(running.db)[0])
    done = kiosk(other, *args, env={**trusted, "KIOSK_SYNC_PIN": pin})
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
                     env={**base, "KIOSK_SYNC_CA_BUNDLE": str(ho.ca)})  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert re.search(r"pushed [1-9]\d* new", done.stdout), done.stdout
    finally:
        ho.process.kill()
        ho.process.wait()


def test_the_ca_file_is_written_where_asked_or_to_stdout(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    first = kiosk(db, "tls", "ca", str(tmp_path / "for-tablets.pem"))
    assert first.returncode == 0 and "Made this machine's certificate authority" in first.stderr
    again = kiosk(db, "tls", "ca", "-")
    assert again.stdout == (tmp_path / "for-tablets.pem").read_text()  # the same CA, kept
    assert "Made" not in again.stderr
    ca = x509.load_pem_x509_certificate(again.stdout.encode())
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert authority.is_authority(ca) and usage.key_cert_sign
