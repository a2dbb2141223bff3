"""Real processes on 127.0.0.1: `kiosk serve` on a demo database, and headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import free_port, stop

KIOSK = str(Path(sys.executable).parent / "kiosk")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@dataclass
class LiveServer:
    """A running `kiosk serve` and what `kiosk demo` printed for it."""

    url: str
    db_path: Path
    token: str
    process: subprocess.Popen
    log_path: Path


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts (append them): killed and reaped when it ends, pass or fail."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def wait_until_up(url: str, process: subprocess.Popen, log: Path, tries: int = 200) -> None:
    """Polls the server a bounded number of times; fails with its output if it died."""
    for _ in range(tries):
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not answer")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from demo_server(tmp_path_factory)


def demo_server(
    tmp_path_factory: pytest.TempPathFactory, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """`kiosk serve` on a 300-attendee demo event, with KIOSK_* settings from `env`."""
    db_path = tmp_path_factory.mktemp("live") / "kiosk.sqlite3"
    out = subprocess.run([KIOSK, "--db", str(db_path), "demo", "--attendees", "300", "--seed",
                          "7"], check=True, capture_output=True, text=True).stdout  # fmt: skip
    token = re.search(r"API token \(role desk\): (\S+)", out).group(1)
    port = free_port()
    log_path = db_path.with_suffix(".log")
    with log_path.open("wb") as log:
        process = subprocess.Popen([KIOSK, "--db", str(db_path), "serve", "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log_path)
        yield LiveServer(url, db_path, token, process, log_path)
    finally:
        stop(process)


def sign_in_desk(page: object, server: LiveServer, desk: str = "Desk North-1") -> None:
    """Signs in as the demo's desk staff (Ana, PIN 1111) through the real form."""
    page.goto(server.url + "/login")  # type: ignore[attr-defined]
    page.select_option("#name", "Ana")  # type: ignore[attr-defined]
    page.fill("#pin", "1111")  # type: ignore[attr-defined]
    page.fill("#desk", desk)  # type: ignore[attr-defined]
    page.click("form.stack button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url("**/desk")  # type: ignore[attr-defined]


def sign_in_supervisor(page: object, server: LiveServer, desk: str = "Office") -> None:
    """Signs in as the demo's supervisor (Budi, PIN 2222) through the real form."""
    page.goto(server.url + "/login")  # type: ignore[attr-defined]
    page.select_option("#name", "Budi")  # type: ignore[attr-defined]
    page.fill("#pin", "2222")  # type: ignore[attr-defined]
    page.fill("#desk", desk)  # type: ignore[attr-defined]
    page.click("form.stack button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url("**/desk")  # type: ignore[attr-defined]


def chromium_path() -> str:
    """Debian's Chromium, installed by `make test`; a missing browser fails loudly."""
    path = os.environ.get("KIOSK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: run 'make test' (it installs Debian's chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def screenshot(page: object, name: str) -> Path:
    """Saves a screenshot under test-artifacts/screens for people to look at."""
    target = ARTIFACTS / "screens" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)  # type: ignore[attr-defined]
    return target
