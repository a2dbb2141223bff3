"""systemd's notify protocol against a real `kiosk serve`: READY, watchdog pings, STOPPING.

The test plays systemd: it binds a unix datagram socket, hands it over as NOTIFY_SOCKET with a
watchdog, and reads what the server says. A database held locked is a server that cannot take
a scan: the pings stop, so systemd would restart it.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.service import health, notify
from tests.e2e.conftest import KIOSK
from tests.service.servers import demo
from tests.support.processes import free_port

WAIT_S = 60.0  # bound on one datagram: a broken build fails, not hangs


class Manager:
    """The service manager's end: a datagram socket the server writes to."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(WAIT_S)

    def next(self) -> str:
        return self.sock.recv(4096).decode()

    def until(self, wanted: str) -> list[str]:
        """Messages up to the first that holds `wanted`."""
        seen = [self.next()]
        while wanted not in seen[-1]:
            seen.append(self.next())
        return seen


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[Manager]:
    m = Manager(tmp_path)
    yield m
    m.sock.close()


def serve(db: Path, manager: Manager, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "NOTIFY_SOCKET": str(manager.path), "WATCHDOG_USEC": "200000"}
    return subprocess.Popen([KIOSK, "--db", str(db), "serve", "--port", str(free_port()), *extra],
                            env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.e2e
def test_ready_then_pings_only_while_the_database_takes_writes(
    tmp_path: Path, manager: Manager
) -> None:
    db, _ = demo(tmp_path)
    process = serve(db, manager)
    try:
        assert manager.next().startswith("READY=1")
        assert manager.next() == "WATCHDOG=1"
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # a wedged writer holds the lock: no scan goes in
        unhealthy = manager.until("STATUS=unhealthy")[-1]
        assert "cannot be written" in unhealthy and "locked" in unhealthy
        blocker.execute("ROLLBACK")
        blocker.close()
        assert manager.until("WATCHDOG=1")[-1] == "WATCHDOG=1"  # healthy again: pings resume
        process.send_signal(signal.SIGTERM)
        assert manager.until("STOPPING=1")[-1] == "STOPPING=1"
        assert process.wait(timeout=WAIT_S) == 0
    finally:
        process.kill()
        process.wait()


@pytest.mark.e2e
def test_https_is_ready_once_it_listens(tmp_path: Path, manager: Manager) -> None:
    db, _ = demo(tmp_path)
    process = serve(db, manager, "--tls")
    try:
        assert manager.next().startswith("READY=1")
        process.send_signal(signal.SIGTERM)
        assert manager.until("STOPPING=1")[-1] == "STOPPING=1"
        assert process.wait(timeout=WAIT_S) == 0
    finally:
        process.kill()
        process.wait()


def test_the_watchdog_is_ours_only_when_systemd_says_so() -> None:
    assert notify.watchdog_interval({"WATCHDOG_USEC": "30000000"}, pid=7) == 15.0
    assert notify.watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"}, 7) is None
    assert notify.watchdog_interval({}, pid=7) is None


def test_without_a_manager_nothing_is_sent() -> None:
    assert notify.notify("READY=1", {}) is False


def test_an_abstract_socket_is_reached(tmp_path: Path) -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        assert notify.notify("READY=1", {"NOTIFY_SOCKET": "@" + name}) is True
        assert listener.recv(100) == b"READY=1"


def test_a_missing_database_is_a_problem(tmp_path: Path) -> None:
    assert "is missing" in health.database_problem(tmp_path / "gone.sqlite3")
