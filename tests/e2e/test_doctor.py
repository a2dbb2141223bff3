"""`kiosk doctor` on a real machine: a damaged font, a dead printer and a wrong clock, in words.

The broken parts are real: a font file that FreeType cannot read found first through
KIOSK_FONT_DIRS, an IPP printer on a port nobody listens on, and a head office (a real HTTP
server on 127.0.0.1) whose clock is an hour ahead.
"""

from __future__ import annotations

import email.utils
import http.server
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK
from tests.service.servers import demo
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e


def doctor(db: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([KIOSK, "--db", str(db), "doctor"], capture_output=True, text=True,
                          check=False, env={**clean, **env})  # fmt: skip


class AheadHandler(http.server.BaseHTTPRequestHandler):
    """A head office whose clock runs an hour ahead of this machine's."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + 3600, usegmt=True)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def head_office() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AheadHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_a_dead_printer_and_a_damaged_font_are_told_plainly(tmp_path: Path) -> None:
    db, _ = demo(tmp_path)
    dead = f"ipp://127.0.0.1:{free_port()}/ipp/print"  # nothing listens there
    added = subprocess.run([KIOSK, "--db", str(db), "printers", "add", "Front desk", dead],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert added.returncode == 0, added.stderr
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "NotoSans-Bold.ttf").write_bytes(b"<html>404 Not Found</html>")  # a bad download
    done = doctor(db, KIOSK_FONT_DIRS=str(fonts))
    assert done.returncode == 1
    out = done.stdout
    assert (f"FAIL  Printer 'Front desk': {dead}: Cannot reach the printer at 127.0.0.1:"
            in out)  # fmt: skip
    assert "Check that it is switched on and connected to the same network" in out
    assert (f"FAIL  Badge fonts: The badge font NotoSans-Bold.ttf ({fonts / 'NotoSans-Bold.ttf'})"
            " is damaged") in out  # fmt: skip
    assert "What to do: Install it again with 'apt-get install --reinstall fonts-noto-core'" in out
    assert "OK    Printer 'Badge files'" in out  # the demo's working printer is not blamed
    assert out.splitlines()[-1].startswith("2 to fix")
    printed = subprocess.run([KIOSK, "--db", str(db), "print", "test", "--printer", "Badge files"],
                             capture_output=True, text=True, check=False,
                             env={**os.environ, "KIOSK_FONT_DIRS": str(fonts)})  # fmt: skip
    assert printed.returncode != 0 and "Traceback" not in printed.stderr  # refused, in words
    assert "NotoSans-Bold.ttf" in printed.stderr and "is damaged" in printed.stderr


def test_a_healthy_machine_passes_and_a_wrong_clock_is_caught(tmp_path: Path,
                                                             head_office: str) -> None:  # fmt: skip
    db, _ = demo(tmp_path)
    fine = doctor(db)
    assert fine.returncode == 0, fine.stdout
    assert "OK    Badge fonts: All" in fine.stdout
    assert "SKIP  Clock: Not checked: no head office configured" in fine.stdout
    assert "WARN  Backup: No backup of this database was made here." in fine.stdout
    subprocess.run([KIOSK, "--db", str(db), "backup", str(tmp_path / "copy.sqlite3")], check=True,
                   capture_output=True)  # fmt: skip
    skewed = doctor(db, KIOSK_SYNC_PEER=head_office)
    assert skewed.returncode == 1
    assert "FAIL  Clock: This machine's clock is 3600 s behind head office's." in skewed.stdout
    assert "What to do: Set the clock: timedatectl set-ntp true" in skewed.stdout
    assert "OK    Backup: The last backup" in skewed.stdout
