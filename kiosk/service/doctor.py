"""`kiosk doctor`: looks at this machine and says, in words, what stops a good event day.

Gathering facts is here (files, fonts, printers, the network); what they mean is in
kiosk/service/checks.py, so every rule is tested without a broken machine.
"""

from __future__ import annotations

import datetime
import email.utils
import os
import shutil
import socket
import struct
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from PIL import ImageFont

from kiosk import backup, config
from kiosk.certificates import machine, server, store
from kiosk.db import open_db
from kiosk.printing import setup
from kiosk.service import checks, health
from printers import PrinterError
from printers.cmap import font_coverage
from printers.fonts import FAMILIES, find_font
from printers.transport import RAW_PORT
from sync.transport import tls_context

PROBE_TIMEOUT_S = 5.0  # a printer or head office that does not answer in this time is down


def font_probes() -> list[checks.FontProbe]:
    """Each badge font family's bold face (what names print in): found, and does it load?"""
    found = []
    for family in FAMILIES:
        try:
            path = str(find_font(family.bold, family.package))
        except PrinterError:
            found.append(checks.FontProbe(family.name, family.bold, family.package, None, None))
            continue
        index = 2 if family.name == "cjk" else 0
        try:  # as printing reads it: its character map, then FreeType on the file itself
            font_coverage(path, index)
            with open(path, "rb") as data:  # a path would let Pillow fall back to another file
                ImageFont.truetype(data, 12, index=index)
            error = None
        except (OSError, ValueError, IndexError, struct.error) as exc:  # truncated, or no font
            error = str(exc) or type(exc).__name__
        found.append(checks.FontProbe(family.name, family.bold, family.package, path, error))
    return found


def _reach_raw(url: str) -> str:
    """A raw TCP printer (zpl+tcp://, escpos+tcp://) cannot be asked its state: it answers."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or RAW_PORT),
                                      timeout=PROBE_TIMEOUT_S):  # fmt: skip
            return "accepts connections"
    except OSError as exc:
        raise PrinterError(f"Cannot reach the printer at {parts.netloc} ({exc.strerror or exc})."
                           " Check that it is switched on and on this network.",
                           code="unreachable") from None  # fmt: skip


def printer_findings(db_path: str) -> list[checks.Finding]:
    """Every configured printer, asked how it is."""
    db = open_db(db_path)
    try:
        printers = setup.health(db)
    finally:
        db.close()
    if not printers:
        return [checks.no_printers()]
    opener = setup.printer_opener(db_path)
    found = []
    for p in printers:
        state, error = None, None
        try:
            state = opener(p.url).check()
            if state == "unknown" and urlsplit(p.url).scheme.endswith("+tcp"):
                state = _reach_raw(p.url)
        except PrinterError as exc:
            error = exc.message
        found.append(checks.printer(p.name, p.url, state, error))
    return found


def clock_offset(peer: str, ca_bundle: str) -> tuple[float | None, str | None]:
    """Seconds this clock is ahead of the peer's (its HTTP Date, taken mid-request)."""
    context = tls_context(ca_bundle) if peer.startswith("https:") else None
    url = peer.rstrip("/") + "/healthz"
    if not url.startswith(("http://", "https://")):
        return None, f"{peer} is not an http(s) URL"
    before = time.time()
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S, context=context) as answer:  # noqa: S310
            date = answer.headers.get("Date")
    except urllib.error.HTTPError as exc:  # any answer carries the peer's Date
        date = exc.headers.get("Date")
    except (OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))
    after = time.time()
    if not date:
        return None, "its answer had no Date"
    theirs = email.utils.parsedate_to_datetime(date).timestamp() + 0.5  # Date has whole seconds
    return (before + after) / 2 - theirs, None


def certificate_finding(db_path: str, now: datetime.datetime) -> checks.Finding:
    from cryptography import x509

    cert_path, _ = store.paths(db_path)
    ca_key = store.authority_paths(db_path)[1]
    if not cert_path.is_file():
        return checks.certificate(None, None, None, None, True)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    authority = store.load_authority(db_path)
    change = None if authority is None else server.reissue_reason(
        cert, authority.cert, machine.current(), now)  # fmt: skip
    ca_days = None if authority is None else (authority.cert.not_valid_after_utc - now).days
    # Windows keeps no Unix mode: there the folder's access list guards it (service-windows.md).
    private = os.name == "nt" or not ca_key.exists() or ca_key.stat().st_mode & 0o077 == 0
    days = (cert.not_valid_after_utc - now).days
    return checks.certificate(str(cert_path), days, change, ca_days, private)


def backup_finding(db_path: str, now: float) -> checks.Finding:
    last = backup.last_backup(db_path)
    if last is None or not Path(last).is_file():
        return checks.backup(last, None)
    return checks.backup(last, (now - Path(last).stat().st_mtime) / 3600)


def examine(db_path: str) -> list[checks.Finding]:
    """Every check, in the order a technician fixes things."""
    settings = config.from_env(dict(os.environ))
    peer = str(settings.get("SYNC_PEER", ""))
    folder = Path(db_path).resolve().parent
    usage = shutil.disk_usage(folder if folder.exists() else Path.cwd())
    problem = health.database_problem(db_path)
    findings = [checks.database(db_path, Path(db_path).is_file(), problem),
                checks.disk(str(folder), usage.free, usage.total),
                checks.fonts(font_probes())]  # fmt: skip
    if problem is None:  # the printers are set up in the database
        findings += printer_findings(db_path)
    offset, error = (
        clock_offset(peer, str(settings.get("SYNC_CA_BUNDLE", ""))) if peer else (None, None)
    )
    findings.append(checks.clock(peer, offset, error))
    findings.append(certificate_finding(db_path, datetime.datetime.now(datetime.UTC)))
    findings.append(backup_finding(db_path, time.time()))
    return findings


def report(findings: list[checks.Finding]) -> list[str]:
    """The lines `kiosk doctor` prints: status, subject and words; what to do under them."""
    lines = []
    for f in findings:
        lines.append(f"{f.status.upper():5} {f.subject}: {f.words}")
        if f.todo and f.status != checks.OK:
            lines.append(f"      What to do: {f.todo}")
    failed = sum(f.status == checks.FAIL for f in findings)
    warned = sum(f.status == checks.WARN for f in findings)
    lines.append(f"{failed} to fix, {warned} to look at." if failed or warned
                 else "Everything checked is fine.")  # fmt: skip
    return lines
