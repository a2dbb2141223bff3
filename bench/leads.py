"""Exhibitor leads: capture latency against a desk scan, and camera scan to result in Chromium.

`kiosk serve` on a demo database. One client posts leads (`POST /api/v1/leads`, a new badge
each time) and, in the same run, desk scans of other badges, one request per connection as a
phone or scanner app makes them. Then headless Chromium, whose camera is a video of a printed
badge, opens the booth page and reads the badge with the camera again and again: the time from
the first video frame the page reads to the visitor's name on screen, and from the tap on
Camera (camera start-up included) to the name.

    .venv/bin/python bench/leads.py [--attendees 10000] [--leads 500] [--camera 20]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import KIOSK, free_port, kiosk_server, make_demo, percentile, request

from tests.support.camera import badge_feed

TITLE = "Leads"
SPONSOR = "garuda-ai-lab"
# Notes when the visitor's name first appears (window.nameShownAt), without waiting for it.
NAME_SHOWN = """() => {
  const el = document.getElementById('lead-name');
  el.textContent = '';
  window.nameShownAt = null;
  const seen = new MutationObserver(() => {
    if (el.textContent) { window.nameShownAt = performance.now(); seen.disconnect(); }
  });
  seen.observe(el, {childList: true, characterData: true, subtree: true});
}"""


def _timed(port: int, path: str, body: dict, token: str) -> float:
    started = time.perf_counter()
    status, answer = request(port, "POST", path, json.dumps(body).encode(),
                             {"Authorization": f"Bearer {token}"})  # fmt: skip
    elapsed = time.perf_counter() - started
    if status not in (200, 201):
        raise SystemExit(f"{path}: {status} {answer[:200]!r}")
    return elapsed * 1000


def _ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.2f} / {percentile(values, 99):.2f} ms"


def _camera(port: int, feed: Path, token: str, rounds: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path

    read, opened = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=[
            *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={feed}"])  # fmt: skip
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"http://127.0.0.1:{port}/booth?token={token}")
        for _ in range(rounds):
            page.evaluate(NAME_SHOWN)
            tapped = page.evaluate("performance.now()")
            page.click("button.camera")
            page.wait_for_function("() => window.nameShownAt !== null")
            at = page.evaluate("window.nameShownAt")
            frame = page.evaluate("performance.getEntriesByName('camera-frame').at(-1).startTime")
            read.append(at - frame)
            opened.append(at - tapped)
        browser.close()
    return read, opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--camera", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo = make_demo(Path(tmp) / "leads.sqlite3", args.attendees)
        create = [KIOSK, "--db", str(demo.path), "token", "create", "--role", "exhibitor",
                  "--name", "bench booth", "--sponsor", SPONSOR]  # fmt: skip
        token = subprocess.run(create, check=True, capture_output=True, text=True).stdout.split()[
            -1
        ]
        db = sqlite3.connect(demo.path)
        codes = [r[0] for r in db.execute("SELECT code FROM attendee WHERE status = 'valid' AND"
                                          " block_note = '' ORDER BY attendee_id")]  # fmt: skip
        aid = db.execute("SELECT attendee_id FROM attendee WHERE code = ?", (codes[0],)).fetchone()
        db.close()
        port = free_port()
        with kiosk_server(demo.path, port).start() as server:
            server.wait_ready("/login")
            leads, scans = [], []
            for i in range(args.leads):  # interleaved, so both see the same machine
                leads.append(_timed(port, "/api/v1/leads", {"code": codes[2 * i], "rating": 4,
                                                            "note": "bench"}, token))  # fmt: skip
                scans.append(_timed(port, "/api/v1/scan", {"code": codes[2 * i + 1]}, demo.token))
            _, png = request(port, "GET", f"/api/v1/attendees/{aid[0]}/badge.png",
                                  headers={"Authorization": f"Bearer {demo.token}"})  # fmt: skip
            feed = badge_feed(png, Path(tmp) / "badge.y4m")
            read, opened = _camera(port, feed, token, args.camera)
    print(f"## {TITLE} ({args.attendees:,} attendees)")
    print(f"lead capture p50 / p99 ({args.leads} leads, sequential): {_ms(leads)}")
    print(f"desk scan p50 / p99, the same run:                     {_ms(scans)}")
    print(f"camera: first frame read -> name on screen, p50 / p99 ({args.camera}): {_ms(read)}")
    print(f"camera: tap on Camera -> name on screen, p50 / p99 ({args.camera}):    {_ms(opened)}")


if __name__ == "__main__":
    main()
