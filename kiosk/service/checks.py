"""What `kiosk doctor` concludes from what it found: one pure rule per thing it looks at.

Each rule takes facts (gathered by kiosk/service/doctor.py) and returns a Finding in words a
technician understands, with what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MB = 1024 * 1024
DISK_FAIL, DISK_WARN = 200 * MB, 1024 * MB  # a busy event day writes tens of MB
CLOCK_WARN_S, CLOCK_FAIL_S = 30, 600  # sync orders by clock; event days and lockouts read it
BACKUP_WARN_H = 24
CERT_WARN_DAYS = 30


@dataclass(frozen=True)
class Finding:
    """One line of the report: how it stands, what was seen, what to do (empty when nothing)."""

    status: str
    subject: str
    words: str
    todo: str = ""


@dataclass(frozen=True)
class FontProbe:
    """One badge font family as found: its file, or why it cannot be used."""

    family: str
    filename: str
    package: str
    path: str | None
    error: str | None  # None: it loads


def fonts(probes: list[FontProbe]) -> Finding:
    """Latin must load (every badge needs it); another script missing prints as boxes."""
    latin = next(p for p in probes if p.family == "latin")
    if latin.path is None or latin.error:
        what = f"is damaged ({latin.error})" if latin.path else "is not installed"
        where = f" ({latin.path})" if latin.path else ""
        return Finding(
            FAIL,
            "Badge fonts",
            f"The badge font {latin.filename}{where} {what}: badges cannot be printed.",
            f"Install it again with 'apt-get install --reinstall {latin.package}',"
            " or copy a good copy into a folder named in KIOSK_FONT_DIRS.",
        )
    broken = [p for p in probes if p.path and p.error]
    missing = [p for p in probes if p.path is None]
    if broken:
        names = ", ".join(f"{p.filename} ({p.path})" for p in broken)
        packages = " ".join(sorted({p.package for p in broken}))
        return Finding(
            FAIL,
            "Badge fonts",
            f"These font files are damaged: {names}.",
            f"Install them again: apt-get install --reinstall {packages}",
        )
    if missing:
        scripts = ", ".join(p.family for p in missing)
        packages = " ".join(sorted({p.package for p in missing}))
        return Finding(
            WARN,
            "Badge fonts",
            f"No font for {scripts}: names in these scripts print as empty boxes.",
            f"apt-get install {packages}",
        )
    return Finding(OK, "Badge fonts", f"All {len(probes)} font families load ({latin.path}).")


def printer(name: str, url: str, state: str | None, error: str | None) -> Finding:
    """A printer that cannot be reached fails; one that reports a stop (no paper) warns."""
    subject = f"Printer {name!r}"
    if error is not None:
        return Finding(
            FAIL,
            subject,
            f"{url}: {error}",
            "Fix the printer, then run 'kiosk print test' to print a test badge.",
        )
    if state and state.startswith("stopped"):
        return Finding(
            WARN,
            subject,
            f"{url} answers but is {state}.",
            "Look at the printer: paper, ribbon, an open cover.",
        )
    return Finding(OK, subject, f"{url} answers: {state or 'ready'}.")


def no_printers() -> Finding:
    return Finding(
        WARN,
        "Printers",
        "No printer is set up: badges will not print.",
        "Add one: kiosk printers add NAME URL --default (docs/printers.md).",
    )


def size(count: int) -> str:
    """Bytes as people read them: 150 MB, 72.4 GB."""
    return f"{count / 1024 / MB:.1f} GB" if count >= 10 * 1024 * MB else f"{count // MB} MB"


def disk(folder: str, free: int, total: int) -> Finding:
    """Free space where the database grows: a full disk stops every scan."""
    words = f"{size(free)} free of {size(total)} on the disk holding {folder}."
    todo = (
        "Free space: move old backups and exported reports to a USB stick, or delete"
        " badge PDFs already printed."
    )
    if free < DISK_FAIL:
        return Finding(FAIL, "Disk", words + " Scans will fail when it is full.", todo)
    if free < DISK_WARN:
        return Finding(WARN, "Disk", words, todo)
    return Finding(OK, "Disk", words)


def clock(peer: str, offset: float | None, error: str | None) -> Finding:
    """This machine's clock against head office's (the Date its server answers with)."""
    if not peer:
        return Finding(SKIP, "Clock", "Not checked: no head office configured (KIOSK_SYNC_PEER).")
    if error is not None or offset is None:
        return Finding(
            WARN,
            "Clock",
            f"Not checked: head office at {peer} did not answer ({error}).",
            "Check the network, then run kiosk doctor again.",
        )
    direction = "ahead of" if offset > 0 else "behind"
    words = f"This machine's clock is {abs(offset):.0f} s {direction} head office's."
    todo = (
        "Set the clock: timedatectl set-ntp true (or set the time by hand with"
        " timedatectl set-time), then restart kiosk."
    )
    if abs(offset) >= CLOCK_FAIL_S:
        return Finding(FAIL, "Clock", words + " Check-in times and event days will be wrong.", todo)
    if abs(offset) >= CLOCK_WARN_S:
        return Finding(WARN, "Clock", words, todo)
    return Finding(OK, "Clock", words)


def certificate(
    path: str | None,
    days_left: int | None,
    change: str | None,
    ca_days_left: int | None,
    ca_key_private: bool,
) -> Finding:
    """The HTTPS certificate tablets see: valid, naming this machine, its CA key kept private."""
    if path is None:
        return Finding(
            SKIP,
            "HTTPS certificate",
            "None of this machine's own yet: 'kiosk serve"
            " --tls' makes one (one given with --cert is not checked).",
        )
    if not ca_key_private:
        return Finding(
            FAIL,
            "HTTPS certificate",
            "The certificate authority's key can be read by other users of this machine.",
            "chmod 600 the kiosk-ca.key.pem beside the database.",
        )
    if days_left is not None and days_left < 0:
        return Finding(
            FAIL,
            "HTTPS certificate",
            f"{path} has expired: tablets refuse it.",
            "Restart kiosk: it issues a new one at start.",
        )
    if ca_days_left is not None and ca_days_left < CERT_WARN_DAYS:
        return Finding(
            WARN,
            "HTTPS certificate",
            f"The certificate authority runs out in {ca_days_left} days.",
            "Before the next event, make a new one (docs/tls.md) and install it on"
            " every tablet again.",
        )
    if change is not None:
        return Finding(
            WARN,
            "HTTPS certificate",
            f"{path}: {change}.",
            "Nothing to do on the tablets: kiosk issues a new certificate within a"
            " minute while serving, or at its next start.",
        )
    return Finding(
        OK, "HTTPS certificate", f"{path} is valid {days_left} more days and names this machine."
    )


def backup(last: str | None, age_hours: float | None) -> Finding:
    """The newest backup `kiosk backup` made: none, gone, or too old is a warning."""
    todo = "Make one now: kiosk backup /media/usb/kiosk-$(date +%F-%H%M).sqlite3"
    if last is None:
        return Finding(WARN, "Backup", "No backup of this database was made here.", todo)
    if age_hours is None:
        return Finding(WARN, "Backup", f"The last backup, {last}, is not there any more.", todo)
    words = f"The last backup, {last}, is {age_hours:.0f} hours old."
    if age_hours >= BACKUP_WARN_H:
        return Finding(WARN, "Backup", words, todo)
    return Finding(OK, "Backup", words)


def database(path: str, exists: bool, problem: str | None) -> Finding:
    """The check the service's watchdog makes: can a scan be written now?"""
    if not exists:
        return Finding(
            FAIL,
            "Database",
            f"There is no database at {path}.",
            "Check that --db or KIOSK_DB names the event's file, or make one with"
            " kiosk init --event NAME.",
        )
    if problem is not None:
        return Finding(
            FAIL,
            "Database",
            f"{problem[0].upper()}{problem[1:]}.",
            "Free disk space, or stop the program that holds the database; if it is"
            " damaged, kiosk restore a backup (docs/backups.md).",
        )
    return Finding(OK, "Database", f"{path} takes writes.")


def exit_code(findings: list[Finding]) -> int:
    """Non-zero when anything failed: a script or ExecStartPre can stop on it."""
    return 1 if any(f.status == FAIL for f in findings) else 0
