"""A check-in prints on real printers: `kiosk serve` with auto-print on, a virtual IPP Everywhere
printer (ippeveprinter) and a raw port-9100 listener standing in for a Zebra, all on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import ARTIFACTS, KIOSK, wait_until_up
from tests.support.printers import Capture, VirtualIpp, raw_capture, virtual_ipp
from tests.support.processes import free_port, need_tool, stop
from tests.support.qr import read_qr

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ipp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualIpp]:
    """ippeveprinter on 127.0.0.1, never announced, filing every job in its spool."""
    with virtual_ipp(tmp_path_factory.mktemp("ipp"), "application/pdf,image/png,image/jpeg") as p:
        yield p


@pytest.fixture(scope="module")
def raw9100() -> Iterator[Capture]:
    """A JetDirect-style listener: every connection's bytes are one job."""
    with raw_capture() as capture:
        yield capture


def kiosk(db: Path, *args: str) -> str:
    return subprocess.run([KIOSK, "--db", str(db), *args], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory, ipp, raw9100) -> Iterator[tuple[str, str, Path]]:
    """`kiosk serve` with the IPP printer as default, auto-print on at North-1, and a Zebra."""
    db = tmp_path_factory.mktemp("serve") / "kiosk.sqlite3"
    token = re.search(r"API token \(role desk\): (\S+)",
                      kiosk(db, "demo", "--attendees", "60", "--seed", "11")).group(1)  # fmt: skip
    kiosk(db, "printers", "add", "Hall", ipp.uri, "--default")
    kiosk(db, "printers", "add", "Zebra", f"zpl+tcp://{raw9100.host}:{raw9100.port}")
    kiosk(db, "printers", "desk", "North-1", "--auto-print")
    port, log = free_port(), db.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield url, token, db
    finally:
        stop(process)


def call(server, method: str, path: str, body: dict | None = None) -> dict:
    url, token, _db = server
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url + "/api/v1" + path, data, headers, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def not_arrived(server, count: int) -> list[dict]:
    people = call(server, "GET", "/attendees?q=a&limit=100")["attendees"]
    return [p for p in people if not p["checked_in"] and p["status"] == "valid"][:count]


def wait_final(server, job_id: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = call(server, "GET", f"/print-jobs/{job_id}")
        if job["status"] in ("printed", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']} after {seconds} s")


def test_check_in_prints_on_the_virtual_ipp_printer(server, ipp) -> None:
    person = not_arrived(server, 1)[0]
    scan = call(server, "POST", "/scan", {"code": person["code"], "desk": "North-1"})
    assert scan["result"] == "checked_in" and scan["print_job_id"]
    job = wait_final(server, scan["print_job_id"])
    assert (job["status"], job["printer"], job["error"]) == ("printed", "Hall", None)
    spooled = [p for p in ipp.spooled() if person["attendee_id"] in p.name]
    assert len(spooled) == 1 and spooled[0].read_bytes().startswith(b"%PDF")
    assert decoded_qr(spooled[0]) == person["code"]


def decoded_qr(pdf: Path) -> str:
    """Renders the spooled PDF like a printer would and reads its QR code back."""
    target = ARTIFACTS / "badges" / "ipp-spool"
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([need_tool("pdftoppm", "poppler-utils"), "-r", "300", "-png", "-singlefile",
                    str(pdf), str(target)], check=True)  # fmt: skip
    with Image.open(f"{target}.png") as page:
        (code,) = read_qr(page)
    return code


def test_a_desk_without_auto_print_prints_only_on_request(server, raw9100) -> None:
    person = not_arrived(server, 1)[0]
    scan = call(server, "POST", "/scan", {"code": person["code"], "desk": "South-1"})
    assert scan["result"] == "checked_in" and scan["print_job_id"] is None
    queued = call(server, "POST", f"/attendees/{person['attendee_id']}/print", {"printer": "Zebra"})
    job = wait_final(server, queued["job_id"])
    assert job["status"] == "printed"  # a 9100 printer cannot confirm: handed over counts
    [zpl] = raw9100.jobs
    assert zpl.startswith(b"^XA") and b":Z64:" in zpl and zpl.rstrip().endswith(b"^XZ")


def test_printers_command_shows_health(server) -> None:
    listing = kiosk(server[2], "printers")
    assert "Hall (default)" in listing and "working" in listing
    assert "desk North-1: default printer, prints at check-in" in listing
