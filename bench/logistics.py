"""Logistics: the board's render time with a full day, and an urgent report's way to a tablet.

1. Board: a demo database plus 200 incidents (a fifth urgent, with notes), 100 deliveries and
   300 shifts today; the signed-in supervisor's board page (incidents and deliveries; shifts
   have their own board), its htmx refresh, and the day log page (all three) rendered N times
   by the app in-process: wall time, and the thread's CPU time (what the render costs, without
   the turns a busy machine makes it wait). Then again after gc.freeze(): the tail of the first
   run is mostly the cyclic garbage collector walking everything the app loaded at start.
2. Announcement: `kiosk serve` on another demo database, two Chromium pages signed in as two
   staff members (Ana on the desk, Budi on the board). A script reports urgent incidents
   through the API; each page notes when the banner with that title is visible, then
   acknowledges it, as a person would.

    .venv/bin/python bench/logistics.py [--renders 300] [--reports 30]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import KIOSK, free_port, kiosk_server, make_demo, percentile

from kiosk import clock, create_app
from kiosk.db import open_db, transaction
from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.logistics import deliveries, incidents
from kiosk.replication.node import load_node
from kiosk.shifts import roster

CATEGORIES = ("av", "catering", "facilities", "printing", "security", "medical", "other")


def fill_day(path: Path) -> None:
    """200 incidents, 100 deliveries and 300 shifts on today's date, as ops."""
    db = open_db(path)
    node, now = load_node(db), clock.now()
    day = load_event(db).local_date(now).isoformat()
    rooms = [r[0] for r in db.execute("SELECT room_id FROM room")]
    with transaction(db):
        for n in range(200):
            at = now - timedelta(minutes=3 * n)
            severity = "urgent" if n % 5 == 0 else ("low" if n % 3 == 0 else "normal")
            fields = {"title": f"Incident {n}: something needs a hand", "area": "",
                      "room_id": rooms[n % len(rooms)], "category": CATEGORIES[n % 7],
                      "severity": severity}  # fmt: skip
            made = incidents.report(db, node, fields, "Ana", at, day)
            for who in ("Ana", "Budi"):
                incidents.acknowledge(db, node, made, who, at)
            if n % 2:
                incidents.update(db, node, made, "assigned", "Budi", "Budi", at)
                incidents.add_note(db, node, made, "On it, back in ten minutes", "Budi", at)
        for n in range(100):
            due = now + timedelta(minutes=6 * (n - 50))
            fields = {"vendor": f"Vendor {n % 12}", "what": f"Delivery {n}", "contact": "",
                      "room_id": rooms[n % 8],
                      "due_at": due.isoformat().replace("+00:00", "Z")}  # fmt: skip
            made = deliveries.add(db, node, fields, "Budi", now, day)
            if n % 4 == 0:
                deliveries.mark(db, node, made, "arrived", None, "Budi", due)
        for n in range(300):
            start = now + timedelta(minutes=5 * (n - 150))
            roster.set_shift(db, node, f"bench-{n}", {
                "person": f"Usher {n}", "badge_code": f"U-{n}", "role": "usher",
                "place": rooms[n % len(rooms)], "starts_at": utc_iso(start),
                "ends_at": utc_iso(start + timedelta(hours=4)), "day": day}, "Budi")  # fmt: skip
    db.close()


def board_render(path: Path, renders: int, frozen: bool = False) -> dict[str, float]:
    """The board's render times; `frozen`: after gc.freeze(), as a server could start."""
    app = create_app({"DATABASE": str(path), "TESTING": True, "SECRET_KEY": "bench"})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"name": "Budi", "pin": "2222", "desk": "Board",
                                "csrf_token": csrf})  # fmt: skip
    if frozen:  # what is loaded at start stays out of every later collection's walk
        gc.collect()
        gc.freeze()
    out = {}
    db = open_db(path)
    today = load_event(db).local_date(clock.now()).isoformat()
    db.close()
    pages = (("page", "/logistics", {}), ("htmx refresh", "/logistics", {"HX-Request": "true"}),
             ("day log", f"/logistics/day/{today}", {}))  # fmt: skip
    for label, url, headers in pages:
        times, cpu = [], []
        for _ in range(renders):
            started, used = time.perf_counter(), time.thread_time()
            answer = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - used) * 1000)
            assert answer.status_code == 200 and answer.data.count(b"Incident ") >= 200
        label += " (gc.freeze)" if frozen else ""
        out[f"board {label} p50 ms"] = percentile(times, 50)
        out[f"board {label} p99 ms"] = percentile(times, 99)
        # CPU time of the render alone: on a busy machine wall time also counts waiting turns.
        out[f"board {label} CPU p99 ms"] = percentile(cpu, 99)
    if frozen:
        gc.unfreeze()
    return out


# Each page notes (its own Date.now(), the machine's clock) when a banner first shows a title.
SEEN = """window.__seen = {};
new MutationObserver(() => document.querySelectorAll('#alerts .alert-item').forEach(e => {
  for (const m of e.innerText.matchAll(/Bench urgent \\d+/g))
    if (!(m[0] in window.__seen)) window.__seen[m[0]] = Date.now();
})).observe(document, {subtree: true, childList: true});"""


def _sign_in(browser, url: str, name: str, pin: str, start: str):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.add_init_script(SEEN)
    page.goto(url + "/login")
    page.select_option("#name", name)
    page.fill("#pin", pin)
    page.fill("#desk", f"Tablet {name}")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/desk")
    page.goto(url + start)
    return page


def _watch(page, title: str, started_ms: float) -> float:
    """Seconds from the report to the banner on this page; then this person acknowledges it."""
    page.wait_for_selector(f"#alerts .alert-item:has-text('{title}')", timeout=20_000)
    seen = page.evaluate(f"window.__seen[{json.dumps(title)}]")
    page.click(f"#alerts .alert-item:has-text('{title}') button")
    page.wait_for_selector(f"#alerts .alert-item:has-text('{title}')", state="detached")
    return (seen - started_ms) / 1000


def announcement(path: Path, reports: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    token = subprocess.run([KIOSK, "--db", str(path), "token", "create", "--role", "supervisor",
                            "--name", "bench"], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    latencies: list[float] = []
    with kiosk_server(path, port) as server, sync_playwright() as p:
        server.start()
        server.wait_ready("/login")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        pages = [_sign_in(browser, url, "Ana", "1111", "/desk"),
                 _sign_in(browser, url, "Budi", "2222", "/logistics")]  # fmt: skip
        for n in range(reports):
            title = f"Bench urgent {n}"
            body = json.dumps({"title": title, "severity": "urgent", "category": "av"}).encode()
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            request = urllib.request.Request(url + "/api/v1/incidents", data=body, headers=headers)  # noqa: S310
            time.sleep(0.37 * (n % 6))  # reports land anywhere in the pages' 2 s poll
            started_ms = time.time() * 1000
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (our own server)
                pass
            latencies += [_watch(page, title, started_ms) for page in pages]
        browser.close()
    return {
        "report → banner p50 s": percentile(latencies, 50),
        "report → banner p99 s": percentile(latencies, 99),
        "report → banner max s": max(latencies),
        "banners timed": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--reports", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        board_db = Path(tmp) / "board.sqlite3"
        make_demo(board_db, 300)
        fill_day(board_db)
        figures = board_render(board_db, args.renders)
        figures |= board_render(board_db, args.renders, frozen=True)
        alert_db = Path(tmp) / "alerts.sqlite3"
        make_demo(alert_db, 300)
        figures |= announcement(alert_db, args.reports)
    for name, value in figures.items():
        print(f"{name:42} {value:.2f}" if isinstance(value, float) else f"{name:42} {value}")


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
