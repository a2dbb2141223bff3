"""The server certificate the machine's CA signs, and when it must be re-issued.

Browsers want a server certificate that is not a CA, names every address in its SAN, says
serverAuth and lasts at most 397 days. It is re-issued, signed by the same CA, whenever the
machine's names change, so tablets need nothing new.
"""

from __future__ import annotations

import datetime
import ipaddress

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.certificates.authority import Authority, is_authority
from kiosk.certificates.machine import Names

SERVER_VALID_DAYS = 397  # the longest validity browsers accept for a server certificate
RENEW_DAYS = 30  # re-issue this long before it runs out


def issue(authority: Authority, names: Names, now: datetime.datetime
          ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:  # fmt: skip
    """A new server key and its certificate, signed by `authority`, for `names`."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kiosk"),
                         x509.NameAttribute(NameOID.COMMON_NAME, names.dns[0][:64])])  # fmt: skip
    alt = x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in names.dns]
        + [x509.IPAddress(ipaddress.ip_address(a)) for a in names.ips]
    )
    usage = x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False,
                          crl_sign=False, content_commitment=False, data_encipherment=False,
                          key_agreement=False, encipher_only=False,
                          decipher_only=False)  # fmt: skip
    issuer_key = authority.cert.public_key()
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(authority.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=SERVER_VALID_DAYS - 2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(alt, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key),
                       critical=False)
        .sign(authority.key, hashes.SHA256())
    )  # fmt: skip
    return cert, key


def named(cert: x509.Certificate) -> Names:
    """The DNS names and IP addresses a certificate's SAN holds."""
    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return Names((), ())
    return Names.of(alt.get_values_for_type(x509.DNSName),
                    [str(a) for a in alt.get_values_for_type(x509.IPAddress)])  # fmt: skip


def reissue_reason(cert: x509.Certificate, authority: x509.Certificate, names: Names,
                   now: datetime.datetime) -> str | None:  # fmt: skip
    """Why `cert` must be replaced (words for the log), or None while it still serves."""
    if is_authority(cert) or cert.issuer != authority.subject:
        return "the certificate was not signed by this machine's certificate authority"
    try:
        cert.verify_directly_issued_by(authority)
    except (ValueError, TypeError, InvalidSignature):
        return "the certificate was not signed by this machine's certificate authority"
    have = named(cert)
    if have != names:
        added = sorted(set(names.dns + names.ips) - set(have.dns + have.ips))
        gone = sorted(set(have.dns + have.ips) - set(names.dns + names.ips))
        change = "; ".join(p for p in (added and "new: " + ", ".join(added),
                                       gone and "gone: " + ", ".join(gone)) if p)  # fmt: skip
        return f"the machine's names or addresses changed ({change})"
    left = cert.not_valid_after_utc - now
    if left < datetime.timedelta(days=RENEW_DAYS):
        return f"the certificate runs out in {max(left.days, 0)} days"
    return None
