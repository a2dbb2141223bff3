"""The doctor's rules: what a technician reads for each state of the machine."""

from __future__ import annotations

from kiosk.service import checks
from kiosk.service.checks import FAIL, MB, OK, SKIP, WARN, FontProbe


def probe(family: str, path: str | None = "/f.ttf", error: str | None = None) -> FontProbe:
    return FontProbe(family, f"NotoSans{family}-Bold.ttf", "fonts-noto-core", path, error)


def test_a_missing_latin_font_stops_badges() -> None:
    found = checks.fonts([probe("latin", None), probe("arabic")])
    assert found.status == FAIL and "is not installed: badges cannot be printed" in found.words
    assert "apt-get install --reinstall fonts-noto-core" in found.todo


def test_a_missing_script_prints_as_boxes() -> None:
    found = checks.fonts([probe("latin"), probe("thai", None)])
    assert found.status == WARN and found.words.startswith("No font for thai")
    assert found.todo == "apt-get install fonts-noto-core"


def test_a_damaged_script_font_fails() -> None:
    found = checks.fonts([probe("latin"), probe("thai", "/x/thai.ttf", "unknown file format")])
    assert found.status == FAIL and "/x/thai.ttf" in found.words


def test_disk_space_thresholds() -> None:
    assert checks.disk("/var/lib/kiosk", 100 * MB, 8000 * MB).status == FAIL
    assert checks.disk("/var/lib/kiosk", 500 * MB, 8000 * MB).status == WARN
    roomy = checks.disk("/var/lib/kiosk", 72 * 1024 * MB, 250 * 1024 * MB)
    assert roomy.status == OK and roomy.words.startswith("72.0 GB free of 250.0 GB")


def test_the_clock_is_judged_against_head_office() -> None:
    assert checks.clock("", None, None).status == SKIP
    assert checks.clock("https://ho", None, "timed out").status == WARN
    assert checks.clock("https://ho", 5.0, None).status == OK
    assert checks.clock("https://ho", -45.0, None).words.endswith("45 s behind head office's.")
    assert checks.clock("https://ho", 900.0, None).status == FAIL


def test_certificate_states() -> None:
    assert checks.certificate(None, None, None, None, True).status == SKIP
    assert checks.certificate("c.pem", 300, None, 3000, False).status == FAIL  # key readable
    assert checks.certificate("c.pem", -1, None, 3000, True).status == FAIL
    assert checks.certificate("c.pem", 300, None, 10, True).status == WARN
    moved = checks.certificate("c.pem", 300, "the machine's names changed (new: 10.0.0.5)", 3000,
                               True)  # fmt: skip
    assert moved.status == WARN and "Nothing to do on the tablets" in moved.todo
    assert checks.certificate("c.pem", 300, None, 3000, True).status == OK


def test_backup_age() -> None:
    assert checks.backup(None, None).status == WARN
    assert "not there any more" in checks.backup("/media/usb/k.sqlite3", None).words
    assert checks.backup("/media/usb/k.sqlite3", 30.0).status == WARN
    assert checks.backup("/media/usb/k.sqlite3", 2.0).status == OK


def test_only_a_failure_fails_the_command() -> None:
    warned = [checks.Finding(WARN, "Backup", "old"), checks.Finding(OK, "Disk", "fine")]
    assert checks.exit_code(warned) == 0
    assert checks.exit_code([*warned, checks.Finding(FAIL, "Printer", "dead")]) == 1


def test_a_missing_database_says_how_to_name_or_make_one() -> None:
    missing = checks.database("/var/lib/kiosk/kiosk.sqlite3", False, "it is missing")
    assert missing.status == FAIL and "KIOSK_DB" in missing.todo
    locked = checks.database("k.sqlite3", True, "the database k.sqlite3 cannot be written (locked)")
    assert locked.status == FAIL and locked.words.startswith("The database k.sqlite3 cannot")
