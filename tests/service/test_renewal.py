"""A serving machine that gets a new address serves a new certificate, without a restart.

A real cheroot server with the TLS context `kiosk serve --tls` uses; the machine's names are
the one thing the test chooses, since it cannot move this machine to another network.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cryptography import x509

from kiosk.certificates import server, store
from kiosk.certificates.machine import Names
from kiosk.service.serving import Renewer

BEFORE = Names.of(["localhost", "desk-1"], ["127.0.0.1"])
AFTER = Names.of(["localhost", "desk-1"], ["127.0.0.1", "192.0.2.9"])  # joined the venue LAN


def hello(environ: dict, start_response: object) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
    return [b"hello"]


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, wsgi.Server]]:
    db = tmp_path / "kiosk.sqlite3"
    # The wall clock on purpose: the TLS handshakes below check validity against it.
    issued = store.ensure_server_certificate(db, BEFORE, datetime.datetime.now(datetime.UTC))
    httpd = wsgi.Server(("127.0.0.1", 0), hello, numthreads=2)
    httpd.ssl_adapter = BuiltinSSLAdapter(str(issued.cert), str(issued.key))
    httpd.prepare()
    thread = threading.Thread(target=httpd.serve, daemon=True)
    thread.start()
    try:
        yield db, httpd
    finally:
        httpd.stop()
        thread.join()


def served_names(db: Path, httpd: wsgi.Server, ca: Path | None = None) -> Names:
    context = ssl.create_default_context(cafile=str(ca or store.authority_paths(db)[0]))
    with (
        socket.create_connection(httpd.bind_addr[:2], timeout=30) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return server.named(x509.load_der_x509_certificate(tls.getpeercert(binary_form=True)))


def test_a_new_address_is_served_by_the_next_connection(serving: tuple) -> None:
    db, httpd = serving
    assert served_names(db, httpd) == BEFORE
    names = [AFTER]
    renewer = Renewer(str(db), httpd.ssl_adapter.context, names=lambda: names[0])
    assert renewer.check() is True
    assert served_names(db, httpd) == AFTER
    assert renewer.check() is False  # nothing changed since: the certificate is kept


def test_the_same_names_keep_the_certificate(serving: tuple) -> None:
    db, httpd = serving
    first = store.fingerprint(store.paths(db)[0])
    assert Renewer(str(db), httpd.ssl_adapter.context, names=lambda: BEFORE).check() is False
    assert store.fingerprint(store.paths(db)[0]) == first


def test_a_vanished_authority_is_not_replaced_while_serving(serving: tuple) -> None:
    """Tablets trust the CA they were given: a new one mid-event would lock them all out."""
    db, httpd = serving
    kept = db.with_name("tablet-copy.pem")
    kept.write_bytes(store.authority_paths(db)[0].read_bytes())
    for path in store.authority_paths(db):
        path.unlink()
    with pytest.raises(OSError, match="restart kiosk"):
        Renewer(str(db), httpd.ssl_adapter.context, names=lambda: AFTER).check()
    assert served_names(db, httpd, kept) == BEFORE  # still served, as before
    assert not store.authority_paths(db)[0].exists()
