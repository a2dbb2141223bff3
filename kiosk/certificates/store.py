"""Where the machine's CA and server certificate live, and making them when needed.

The CA sits in the database's folder (`kiosk-ca.pem`, key `kiosk-ca.key.pem`, mode 0600), so
every event database of the machine shares it; the server certificate sits beside its
database (`DB.cert.pem` with the CA after it, key `DB.key.pem`).
"""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kiosk.certificates.authority import Authority, make_authority
from kiosk.certificates.machine import Names, hostname
from kiosk.certificates.server import issue, reissue_reason

CA_FILE, CA_KEY_FILE = "kiosk-ca.pem", "kiosk-ca.key.pem"


@dataclass(frozen=True)
class Issued:
    """The server certificate to serve, and what changed on the way (for the log)."""

    cert: Path
    key: Path
    authority: Path
    made_authority: bool
    reason: str | None  # why a new server certificate was issued now; None: kept


def paths(db_path: str | Path) -> tuple[Path, Path]:
    """The server certificate (chain) and key: beside the database."""
    return Path(f"{db_path}.cert.pem"), Path(f"{db_path}.key.pem")


def authority_paths(db_path: str | Path) -> tuple[Path, Path]:
    """The CA certificate and key: in the database's folder, shared by its databases."""
    folder = Path(db_path).resolve().parent
    return folder / CA_FILE, folder / CA_KEY_FILE


def _write(path: Path, data: bytes, mode: int) -> None:
    """Replaces `path` whole (a reader never sees half a file) with `mode` from the start."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(part, mode)
    os.replace(part, path)


def save_key(path: Path, key: Any) -> None:
    """A private key as PEM, readable by its owner only."""
    _write(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()), 0o600)  # fmt: skip


def save_certificates(path: Path, *certs: x509.Certificate) -> None:
    """Certificates as PEM, one after the other (a chain: the server's first)."""
    _write(path, b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs), 0o644)


def load_authority(db_path: str | Path) -> Authority | None:
    """The machine's CA, or None before the first `--tls` start."""
    cert_path, key_path = authority_paths(db_path)
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return Authority(cert, key)  # type: ignore[arg-type]


def ensure_authority(db_path: str | Path, now: datetime.datetime) -> tuple[Authority, bool]:
    """The machine's CA, made on first use; (authority, made now)."""
    found = load_authority(db_path)
    if found is not None:
        return found, False
    made = make_authority(hostname(), now)
    cert_path, key_path = authority_paths(db_path)
    save_key(key_path, made.key)
    save_certificates(cert_path, made.cert)
    return made, True


def ensure_server_certificate(db_path: str | Path, names: Names,
                              now: datetime.datetime) -> Issued:  # fmt: skip
    """The server certificate for `names`, re-issued when it no longer fits (see reissue_reason).

    An old self-signed certificate from before the CA is replaced the same way.
    """
    authority, made = ensure_authority(db_path, now)
    cert_path, key_path = paths(db_path)
    reason: str | None = "there was none"
    if cert_path.is_file() and key_path.is_file():
        current = x509.load_pem_x509_certificate(cert_path.read_bytes())
        reason = reissue_reason(current, authority.cert, names, now)
    if reason is not None:
        cert, key = issue(authority, names, now)
        save_key(key_path, key)
        save_certificates(cert_path, cert, authority.cert)
    return Issued(cert_path, key_path, authority_paths(db_path)[0], made, reason)


def fingerprint(cert: str | Path) -> str:
    """SHA-256 of the (first) certificate in a PEM file as AB:CD:…, to compare or pin."""
    der = x509.load_pem_x509_certificate(Path(cert).read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
