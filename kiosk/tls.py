"""HTTPS on the venue LAN: the machine's own certificate, and serving with it.

Venue Wi-Fi is often shared with attendees, and a tablet's camera needs a secure context.
waitress speaks no TLS, so `kiosk serve --tls` runs the same app on cheroot (pure Python,
threaded, TLS built in). The certificate is made once, with `cryptography`, and kept beside
the database, so tablets that trusted it keep trusting it after a restart.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import socket
import ssl
from pathlib import Path
from typing import Any

import click

VALID_DAYS = 825  # the longest validity Apple devices accept for a server certificate


def paths(db_path: str | Path) -> tuple[Path, Path]:
    """Where the machine's certificate and key live: beside the database."""
    return Path(f"{db_path}.cert.pem"), Path(f"{db_path}.key.pem")


def machine_addresses() -> list[str]:
    """This machine's IP addresses that tablets may use: loopback and the LAN ones."""
    found = {"127.0.0.1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # no packet is sent: this only asks which address routes outwards
            probe.connect(("10.255.255.255", 1))
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(found)


def _names(hostname: str, addresses: list[str]) -> Any:
    from cryptography import x509

    dns = sorted({hostname, f"{hostname}.local", "localhost"})
    return x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in dns]
        + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    )


def make_certificate(cert: Path, key: Path, hostname: str, addresses: list[str]) -> None:
    """A self-signed certificate for this machine (its own CA, so tablets can install it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Kiosk {hostname}"[:64])])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(_names(hostname, addresses), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )  # fmt: skip
    signed = builder.sign(private, hashes.SHA256())
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))  # fmt: skip
    cert.write_bytes(signed.public_bytes(serialization.Encoding.PEM))


def ensure_certificate(db_path: str | Path) -> tuple[Path, Path, bool]:
    """The machine's certificate and key, made on first start; (cert, key, made now)."""
    cert, key = paths(db_path)
    if cert.is_file() and key.is_file():
        return cert, key, False
    make_certificate(cert, key, socket.gethostname().lower(), machine_addresses())
    return cert, key, True


def fingerprint(cert: str | Path) -> str:
    """SHA-256 of the certificate as AB:CD:…, what a technician compares or pins."""
    der = ssl.PEM_cert_to_DER_cert(Path(cert).read_text(encoding="ascii"))
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def serve(app: Any, db_path: str, host: str, port: int, threads: int, cert: str | None,
          key: str | None) -> None:  # fmt: skip
    """Serves `app` over HTTPS with cheroot until Ctrl+C or SIGTERM."""
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    if cert is None or key is None:
        cert_path, key_path, made = ensure_certificate(db_path)
        cert, key = str(cert_path), str(key_path)
        if made:
            click.echo(f"Made a certificate for this machine: {cert}", err=True)
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="kiosk")
    server.ssl_adapter = BuiltinSSLAdapter(cert, key)
    click.echo(f"Kiosk serving {db_path} at https://{host}:{port}/ (Ctrl+C stops)", err=True)
    click.echo(f"Certificate SHA-256 fingerprint: {fingerprint(cert)}", err=True)
    try:
        server.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
