"""Fixtures that start real printers on 127.0.0.1: a virtual IPP printer and a raw TCP capture."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from printer_net import free_port


def need_tool(name: str, package: str) -> str:
    """The path of a Debian tool; missing fails in CI (a skip must not pass as green)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: 'make test' installs the Debian package {package}")
        pytest.skip(f"{name} not installed (Debian package {package})")
    return path


@dataclass
class VirtualIpp:
    """A running ippeveprinter: its URI, spool folder and log."""

    uri: str
    spool: Path
    log: Path

    def spooled(self) -> list[Path]:
        """Document files the printer stored (ippeveprinter also writes .prn files)."""
        return sorted(p for p in self.spool.iterdir() if p.suffix != ".prn")


def _start_ipp(tmp_path: Path, formats: str) -> Iterator[VirtualIpp]:
    ippeveprinter = need_tool("ippeveprinter", "cups-ipp-utils")
    dbus = need_tool("dbus-daemon", "dbus-daemon")
    spool = tmp_path / "spool"
    spool.mkdir()
    bus = tmp_path / "bus"
    # ippeveprinter starts its DNS-SD client even with -r off; a private bus satisfies it
    # without announcing anything on the network.
    dbus_proc = subprocess.Popen(
        [dbus, "--session", f"--address=unix:path={bus}", "--nofork", "--nopidfile",
         "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert dbus_proc.stdout is not None
    dbus_proc.stdout.readline()  # the bus prints its address once it accepts connections
    port = free_port()
    log = tmp_path / "ippeveprinter.log"
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={bus}")
    true = shutil.which("true") or "/bin/true"
    with open(log, "wb") as log_file:
        printer = subprocess.Popen(
            [ippeveprinter, "-n", "localhost", "-p", str(port), "-r", "off", "-d", str(spool), "-k",
             "-c", true, "-f", formats, "-M", "Kiosk", "-m", "VirtualBadge", "VirtualBadge"],
            stdout=log_file, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    uri = f"ipp://localhost:{port}/ipp/print"
    try:
        _wait_until_listening(port, printer, log)
        yield VirtualIpp(uri, spool, log)
    finally:
        for proc in (printer, dbus_proc):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        dbus_proc.stdout.close()


def _wait_until_listening(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Poll until the printer accepts connections; fail with its log if it died."""
    while True:
        if proc.poll() is not None:
            pytest.fail(f"ippeveprinter exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("localhost", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)


@pytest.fixture
def virtual_ipp(tmp_path: Path) -> Iterator[VirtualIpp]:
    """A virtual IPP Everywhere printer taking PDF, PNG and JPEG."""
    yield from _start_ipp(tmp_path, "application/pdf,image/png,image/jpeg,image/pwg-raster")


@pytest.fixture
def virtual_ipp_raster_only(tmp_path: Path) -> Iterator[VirtualIpp]:
    """A virtual printer that takes only PWG raster, which the kiosk does not send directly."""
    yield from _start_ipp(tmp_path, "image/pwg-raster")


@dataclass
class Capture:
    """A loopback stand-in for a port-9100 printer: every connection's bytes, in order."""

    host: str
    port: int
    jobs: list[bytes] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def raw_capture() -> Iterator[Capture]:
    """Listen on 127.0.0.1 like a JetDirect port; each connection is one job."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # lets the thread notice the end of the test
    capture = Capture("127.0.0.1", server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                capture.jobs.append(b"".join(chunks))
                capture.done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield capture
    stop.set()
    thread.join()
    server.close()
