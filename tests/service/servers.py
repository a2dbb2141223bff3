"""`kiosk serve --tls` as a real process, for the TLS, service and browser tests."""

from __future__ import annotations

import re
import ssl
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.conftest import KIOSK
from tests.support.processes import free_port

TRIES = 400  # looks at the server, 0.05 s apart: a bound, so a broken build fails, not hangs


def kiosk(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip


@dataclass
class Secure:
    url: str
    port: int
    db: Path
    ca: Path  # the one file a client trusts
    process: subprocess.Popen
    log: Path


def demo(folder: Path) -> tuple[Path, str]:
    """A 100-attendee demo database; returns it and the desk token."""
    db = folder / "kiosk.sqlite3"
    out = kiosk(db, "demo", "--attendees", "100", "--seed", "9").stdout
    return db, re.search(r"API token \(role desk\): (\S+)", out).group(1)


def export_ca(db: Path) -> Path:
    """What a technician copies to tablets: `kiosk tls ca FILE`."""
    target = db.parent / "trust-this.pem"
    done = kiosk(db, "tls", "ca", str(target))
    assert done.returncode == 0, done.stderr
    return target


def get(url: str, context: ssl.SSLContext) -> int:
    with urllib.request.urlopen(url, timeout=30, context=context) as page:  # noqa: S310
        return page.status


def start(db: Path, *extra: str, ca: Path | None = None, env: dict | None = None,
          command: tuple[str, ...] = ("serve",)) -> Secure:  # fmt: skip
    """Starts a server and waits until a client trusting `ca` (default: the machine's CA) gets
    the sign-in page."""
    ca = ca or export_ca(db)
    port, log = free_port(), db.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen([KIOSK, "--db", str(db), *command, "--tls", "--port",
                                    str(port), *extra], stdout=out, stderr=subprocess.STDOUT,
                                   env=env)  # fmt: skip
    server = Secure(f"https://127.0.0.1:{port}", port, db, ca, process, log)
    trusted = ssl.create_default_context(cafile=str(ca))
    for _ in range(TRIES):
        if process.poll() is not None:
            break
        try:
            get(server.url + "/login", trusted)
            return server
        except OSError:
            time.sleep(0.05)
    process.kill()
    process.wait()
    raise AssertionError(f"no HTTPS answer: {log.read_text()[-2000:]}")


def old_style_certificate(folder: Path) -> tuple[Path, Path]:
    """What venues had before the CA: one self-signed certificate that is its own CA."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from kiosk.certificates import authority, store

    now = datetime.datetime.now(datetime.UTC)  # real clients check validity against this clock
    made = authority.make_authority("old-desk", now)
    names = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder().subject_name(made.cert.subject).issuer_name(made.cert.subject)
        .public_key(made.key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(names, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(made.key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "old.cert.pem", folder / "old.key.pem"
    store.save_certificates(cert_path, cert)
    store.save_key(key_path, made.key)
    return cert_path, key_path
