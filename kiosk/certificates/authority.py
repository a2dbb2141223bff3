"""The venue machine's own certificate authority: made once, trusted once by each tablet.

It signs only this machine's server certificates. Its key never leaves the machine (0600
beside the database); a tablet that trusted it keeps trusting every certificate it signs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_VALID_DAYS = 3650  # a root is checked by the tablet, not by browser lifetime rules


@dataclass(frozen=True)
class Authority:
    """The machine's CA: its certificate and private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def make_authority(hostname: str, now: datetime.datetime) -> Authority:
    """A new CA for this machine; its name carries the date, so a new one never reuses a name."""
    key = ec.generate_private_key(ec.SECP256R1())
    label = f"Kiosk local CA {hostname} {now:%Y-%m-%d %H%M%S}"[:64]
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kiosk"),
                      x509.NameAttribute(NameOID.COMMON_NAME, label)])  # fmt: skip
    usage = x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                          content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, encipher_only=False,
                          decipher_only=False)  # fmt: skip
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=CA_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return Authority(cert, key)


def is_authority(cert: x509.Certificate) -> bool:
    """True for a CA certificate (what browsers refuse as a server's own certificate)."""
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False
