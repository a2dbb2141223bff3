"""Badge figures: render and encode times, a 1,000-badge batch PDF, and scan → printed latency
at a virtual IPP Everywhere printer (ippeveprinter on 127.0.0.1, private D-Bus, never announced).

    .venv/bin/python bench/badges.py [--renders 200] [--batch 1000] [--scans 50] [--render-only]

--render-only prints just the render times (Latin, other scripts, mixed-script names).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import KIOSK, free_port, kiosk_server, make_demo, percentile, request

from printers import Badge, badge_pdf, encode_png, get_template, render_badge, sheet_pdf
from printers.brother_ql import encode_brother_ql
from printers.escpos import encode_escpos
from printers.runs import text_runs
from printers.zpl import encode_zpl

TITLE = "Badges"
LATIN = [Badge("José", "Ñúñez", "Café Ñandú S.A.", "Speaker", "KN-JOSE01"),
         Badge("Siobhán", "O'Brien", "Trinity College", "VIP", "KN-OBRI01"),
         Badge("Maximilian", "Müller-Lüdenscheidt-Wolfskehl von Hohenzollern-Sigmaringen",
               "Bundesanstalt für Straßenwesen", "Attendee", "KN-MUEL01")]  # fmt: skip
COMPLEX = [Badge("Nguyễn Thị", "Minh Khai", "VNU Hà Nội", "Attendee", "KN-NGUY01"),
           Badge("王小明", "", "北京大学", "Speaker", "KN-WANG01"),
           Badge("محمد", "العلي", "جامعة الملك سعود", "Attendee", "KN-MOHA01"),
           Badge("अनन्या", "शर्मा", "भारतीय प्रौद्योगिकी संस्थान", "Press", "KN-ANAN01"),
           Badge("佐藤", "花子", "東京大学", "Attendee", "KN-SATO01", language="ja")]  # fmt: skip
# Two scripts in one name: each run gets its own font, Arabic runs in right-to-left order.
MIXED = [Badge("Ahmad أحمد", "Rahman", "Qatar Foundation", "Speaker", "KN-AHMA01"),
         Badge("Νίκος Papadopoulos", "", "Πανεπιστήμιο Αθηνών", "Attendee", "KN-NIKO01"),
         Badge("राहुल Sharma", "", "IIT Bombay", "Attendee", "KN-RAHU01"),
         Badge("김민준 Kim", "", "Samsung 전자", "Exhibitor", "KN-KIMM01"),
         Badge("山田 太郎 Yamada", "", "東京 Tech", "Press", "KN-YAMA01", "ja")]  # fmt: skip


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call, after one warm-up call (fonts load once per process)."""
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.1f} / {percentile(values, 99):.1f} ms"


def _cold(badge: Badge, t: object) -> object:
    """A render that cuts every text into runs afresh, as for a name seen the first time."""
    text_runs.cache_clear()
    return render_badge(badge, t)


def render_rows(runs: int) -> list[tuple[str, str, str]]:
    t = get_template("4x3").at(dpi=300, mono=False)
    rows = []
    cases = (("Latin with accents", LATIN, render_badge),
             ("Vietnamese, CJK, Arabic, Devanagari", COMPLEX, render_badge),
             ("mixed-script names", MIXED, render_badge),
             ("mixed-script names, first render of each", MIXED, _cold))  # fmt: skip
    for label, names, render in cases:
        each = runs // len(names)
        times = [x for b in names for x in timed(lambda b=b, r=render: r(b, t), each)]
        rows.append(
            (f"render a 4×3 in badge at 300 dpi, {label} (p50 / p99)", "≤ 25 ms", ms(times))
        )
    return rows


def encoder_rows(runs: int) -> list[tuple[str, str, str]]:
    colour = get_template("4x3").at(dpi=300, mono=False)
    image = render_badge(LATIN[0], colour)
    zebra = render_badge(LATIN[0], get_template("4x3").at(dpi=203, mono=True))
    brother = render_badge(LATIN[0], get_template("brother-62"))
    receipt = render_badge(LATIN[0], get_template("receipt-80"))
    cases = {"PNG (colour, 300 dpi)": lambda: encode_png(image, 300),
             "PDF, one badge (colour, 300 dpi)": lambda: badge_pdf([image], 300),
             "ZPL Z64 (203 dpi)": lambda: encode_zpl(zebra),
             "Brother QL raster (62 mm, 300 dpi)": lambda: encode_brother_ql(brother, "62"),
             "ESC/POS raster (80 mm, 203 dpi)": lambda: encode_escpos(receipt)}  # fmt: skip
    return [(f"encode {name} (p50 / p99)", "", ms(timed(fn, runs))) for name, fn in cases.items()]


def batch_row(count: int) -> tuple[str, str, str]:
    t = get_template("4x3").at(dpi=300, mono=False)
    badges = (LATIN + COMPLEX) * (count // 8 + 1)
    started = time.perf_counter()
    data = sheet_pdf((render_badge(b, t) for b in badges[:count]), t.dpi)
    took = time.perf_counter() - started
    return (f"batch PDF of {count:,} badges on A4 sheets", "≤ 30 s",
            f"{took:.1f} s, {len(data) / 1e6:.1f} MB")  # fmt: skip


@contextmanager
def virtual_ipp(work: Path) -> Iterator[str]:
    """ippeveprinter taking PDF, with the private bus it needs to start."""
    spool, bus = work / "spool", work / "bus"
    spool.mkdir()
    dbus = subprocess.Popen(["dbus-daemon", "--session", f"--address=unix:path={bus}",
                             "--nofork", "--nopidfile", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    dbus.stdout.readline()
    port = free_port()
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={bus}")
    ippeve = shutil.which("ippeveprinter") or "/usr/sbin/ippeveprinter"
    printer = subprocess.Popen([ippeve, "-n", "localhost", "-p", str(port), "-r", "off", "-d",
                                str(spool), "-k", "-c", shutil.which("true") or "/bin/true",
                                "-f", "application/pdf,image/png", "VirtualBadge"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                               env=env)  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("localhost", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"ipp://localhost:{port}/ipp/print"
    finally:
        for proc in (printer, dbus):
            proc.terminate()
            proc.wait(10)
        dbus.stdout.close()


def scan_to_printed(work: Path, scans: int) -> tuple[str, str, str]:
    demo = make_demo(work / "kiosk.sqlite3", attendees=max(300, scans * 3))
    with sqlite3.connect(demo.path) as db:
        codes = [r[0] for r in db.execute("SELECT code FROM attendee a WHERE status = 'valid'"
                 " AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id)"
                 " AND block_note = '' LIMIT ?", (scans,))]  # fmt: skip
    headers = {"Authorization": f"Bearer {demo.token}"}
    with virtual_ipp(work) as uri:
        for args in (["printers", "add", "Hall", uri, "--default"],
                     ["printers", "desk", "Bench", "--auto-print"]):  # fmt: skip
            subprocess.run([KIOSK, "--db", str(demo.path), *args], check=True, capture_output=True)
        port = free_port()
        with kiosk_server(demo.path, port) as server:
            server.start().wait_ready("/login")
            times = [one_scan(port, headers, code) for code in codes]
    done = [t for t in times if t is not None and t >= 0]
    queued = sum(t is not None for t in times)  # day passes not valid today queue nothing
    return (f"scan → printed at the virtual IPP printer, {len(done)} of {queued} (p50 / p99)",
            "p50 ≤ 300 ms", ms(done))  # fmt: skip


def one_scan(port: int, headers: dict[str, str], code: str) -> float | None:
    """Milliseconds from the scan until its job is `printed`; None: no job, -1: it failed."""
    started = time.perf_counter()
    body = json.dumps({"code": code, "desk": "Bench"}).encode()
    _, answer = request(port, "POST", "/api/v1/scan", body, headers)
    job_id = json.loads(answer).get("print_job_id")
    if job_id is None:
        return None
    while time.perf_counter() - started < 30:
        _, raw = request(port, "GET", f"/api/v1/print-jobs/{job_id}", headers=headers)
        status = json.loads(raw)["status"]
        if status in ("printed", "failed"):
            return (time.perf_counter() - started) * 1000 if status == "printed" else -1.0
        time.sleep(0.005)
    return -1.0


def main(argv: list[str] | None = None) -> str:
    """Runs every badge figure and returns them as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--scans", type=int, default=50)
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args(argv)
    rows = render_rows(args.renders)
    if not args.render_only:
        rows += [*encoder_rows(args.renders // 2), batch_row(args.batch)]
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-badges-") as work:
            rows.append(scan_to_printed(Path(work), args.scans))
    body = "\n".join(["| figure | target | measured |", "|---|---|---|",
                      *[f"| {a} | {b} | {c} |" for a, b, c in rows]])  # fmt: skip
    print(body)
    return body


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
