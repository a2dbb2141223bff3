"""Printer URLs that write files may write only badges, and only where the technician allows.

A supervisor sets printer URLs; without limits `zpl+file:///path/kiosk.sqlite3` or
`file:///etc/?format=pdf` and a desk using it would make every badge overwrite the database or
land in system folders. Writing is limited to folders inside the instance folder (the
database's) or named in KIOSK_PRINT_FILE_DIRS, and to printer device nodes (/dev/usb/lpN).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kiosk.db import open_db, transaction
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing.worker import Printers, drain
from tests.conftest import DAY1_MORNING, csrf_from, sign_in
from tests.test_cli import KIOSK

HTMX = {"HX-Request": "true"}


def refused_urls(db_path: Path) -> list[str]:
    """URLs that would write over the database, a system file or into a system folder."""
    return [
        f"zpl+file://{db_path}",
        "escpos+file:///etc/passwd",
        f"brotherql+file://{db_path.parent}/lp0",
        "zpl+file:///dev/sda",
        f"file://{db_path}?format=pdf",  # an existing file is no folder
        "file:///etc/?format=png",
        f"file://{db_path.parent.parent}/elsewhere?format=pdf",
    ]


def printer_names(db_path: Path) -> list[str]:
    db = open_db(db_path)
    try:
        return [r[0] for r in db.execute("SELECT name FROM printer")]
    finally:
        db.close()


def test_the_printers_screen_refuses_urls_that_write_outside_badge_folders(client, db_path) -> None:
    sign_in(client, "Budi")
    csrf = csrf_from(client.get("/admin/printers").data)
    before = db_path.read_bytes()[:100]
    for url in refused_urls(db_path):
        answer = client.post("/admin/printers", data={"csrf_token": csrf, "name": "Evil",
                                                      "url": url}, headers=HTMX)  # fmt: skip
        text = answer.data.decode()
        assert "not allowed" in text or "not a printer device" in text, url
    assert printer_names(db_path) == [] and db_path.read_bytes()[:100] == before
    page = client.get("/admin/printers").data.decode()
    example = f"file://{db_path.parent}/badges/?format=pdf"
    assert example in page and "/var/badges" not in page  # the example is one that is accepted
    for name, url in [("Files", example), ("USB", "zpl+file:///dev/usb/lp0")]:
        client.post("/admin/printers", data={"csrf_token": csrf, "name": name, "url": url})
    assert sorted(printer_names(db_path)) == ["Files", "USB"]


def test_the_cli_refuses_them_too_and_names_where_files_may_go(db_path, tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}

    def add(name: str, url: str) -> subprocess.CompletedProcess[str]:
        command = [str(KIOSK), "--db", str(db_path), "printers", "add", name, url]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    for url in refused_urls(db_path):
        done = add("Evil", url)
        assert done.returncode != 0 and "Traceback" not in done.stderr, url
        assert "not allowed" in done.stderr or "not a printer device" in done.stderr, url
    assert "KIOSK_PRINT_FILE_DIRS" in done.stderr
    assert printer_names(db_path) == []
    office = tmp_path.parent / f"{tmp_path.name}-office"
    office.mkdir()
    env["KIOSK_PRINT_FILE_DIRS"] = str(office)
    done = add("Office", f"file://{office}?format=pdf")
    assert done.returncode == 0, done.stderr
    assert printer_names(db_path) == ["Office"]


def test_a_url_saved_before_is_refused_again_when_printing(db, db_path, node) -> None:
    """A printer row from an older version (or edited by hand) never writes where it may not."""
    before = db_path.read_bytes()
    target = db_path.parent / "notes.txt"
    target.write_text("keep me")
    with transaction(db):
        db.execute(
            "INSERT INTO printer (name, url, is_default, created_at) VALUES (?, ?, 1, ?)",
            ("Evil", f"zpl+file://{target}", print_setup.iso(DAY1_MORNING)),
        )
    job = printing.request_print(db, "a-jose", now=DAY1_MORNING)
    drain(db, node, Printers(print_setup.printer_opener(db_path)), lambda: DAY1_MORNING)
    done = printing.get_job(db, job.job_id)
    assert done.status == "failed" and "not a printer device" in done.error
    assert target.read_text() == "keep me"
    assert db_path.read_bytes()[:100] == before[:100]


def test_files_go_only_into_the_allowed_folder_never_through_a_link(db, db_path, node) -> None:
    folder = db_path.parent / "badges"
    with transaction(db):
        print_setup.add_printer(db, "Files", f"file://{folder}?format=pdf", now=DAY1_MORNING)
    folder.mkdir()
    os.symlink(db_path, folder / "badge-a-jose.pdf")  # a trap left in the badge folder
    before = db_path.read_bytes()[:100]
    job = printing.request_print(db, "a-jose", now=DAY1_MORNING)
    drain(db, node, Printers(print_setup.printer_opener(db_path)), lambda: DAY1_MORNING)
    assert printing.get_job(db, job.job_id).status == "printed"
    written = folder / "badge-a-jose.pdf"
    assert not written.is_symlink() and written.read_bytes().startswith(b"%PDF")
    assert db_path.read_bytes()[:100] == before


@pytest.mark.parametrize("link_to", ["/etc", "outside"])
def test_a_badge_folder_that_is_a_link_out_is_refused(db, db_path, tmp_path, link_to) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir(exist_ok=True)
    os.symlink("/etc" if link_to == "/etc" else outside, db_path.parent / "badges")
    with pytest.raises(print_setup.SetupError) as refused, transaction(db):
        print_setup.add_printer(db, "Files", f"file://{db_path.parent}/badges", now=DAY1_MORNING)
    assert "not allowed" in str(refused.value)
