"""Real stand-ins for venue printers on this machine: a virtual IPP printer, a port-9100
capture, and a printer that takes connections and then hangs.

Shared by the badge tests and the end-to-end print tests, so both start them the same way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.processes import free_port, need_tool, stop

PDF_AND_IMAGES = "application/pdf,image/png,image/jpeg,image/pwg-raster"


@dataclass
class VirtualIpp:
    """A running ippeveprinter: its URI, spool folder and log."""

    uri: str
    spool: Path
    log: Path

    def spooled(self) -> list[Path]:
        """Document files the printer stored (ippeveprinter also writes .prn files)."""
        return sorted(p for p in self.spool.iterdir() if p.suffix != ".prn")


@contextmanager
def private_bus(workdir: Path) -> Iterator[Path]:
    """A private D-Bus: ippeveprinter starts a DNS-SD client even with -r off and needs one."""
    bus = workdir / "bus"
    process = subprocess.Popen(
        [need_tool("dbus-daemon", "dbus-daemon"), "--session", f"--address=unix:path={bus}",
         "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.readline()  # the bus prints its address once it accepts connections
    try:
        yield bus
    finally:
        stop(process)
        process.stdout.close()


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    """Polls until the printer accepts connections; fails with its log if it died."""
    for _ in range(400):
        if process.poll() is not None:
            pytest.fail(f"ippeveprinter exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("localhost", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail("ippeveprinter did not start listening")


@contextmanager
def virtual_ipp(workdir: Path, formats: str = PDF_AND_IMAGES) -> Iterator[VirtualIpp]:
    """An IPP Everywhere printer on 127.0.0.1 that files every job in `workdir/spool`."""
    spool, log, port = workdir / "spool", workdir / "ippeveprinter.log", free_port()
    spool.mkdir()
    with private_bus(workdir) as bus, log.open("wb") as out:
        printer = subprocess.Popen(
            [need_tool("ippeveprinter", "cups-ipp-utils"), "-n", "localhost", "-p", str(port),
             "-r", "off", "-d", str(spool), "-k", "-c", shutil.which("true") or "/bin/true",
             "-f", formats, "-M", "Kiosk", "-m", "VirtualBadge", "VirtualBadge"],
            stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={bus}"),
        )  # fmt: skip
        try:
            _wait_until_listening(port, printer, log)
            yield VirtualIpp(f"ipp://localhost:{port}/ipp/print", spool, log)
        finally:
            stop(printer)


@dataclass
class Capture:
    """A loopback stand-in for a port-9100 printer: every connection's bytes, in order."""

    host: str
    port: int
    jobs: list[bytes] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


@contextmanager
def raw_capture() -> Iterator[Capture]:
    """Listens on 127.0.0.1 like a JetDirect port; each connection is one job."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)  # lets the thread notice the end of the test
    capture = Capture("127.0.0.1", server.getsockname()[1])
    finished = threading.Event()

    def serve() -> None:
        while not finished.is_set():
            try:
                conn, _addr = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(10)
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                capture.jobs.append(b"".join(chunks))
                capture.done.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        finished.set()
        thread.join()
        server.close()


@contextmanager
def hung_printer() -> Iterator[Capture]:
    """A printer that takes connections on 127.0.0.1 and then never reads or answers.

    `done` is set at the first connection; connections stay open until the block ends.
    """
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    capture = Capture("127.0.0.1", server.getsockname()[1])
    held: list[socket.socket] = []
    finished = threading.Event()

    def hold() -> None:
        while not finished.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return
            capture.done.set()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        finished.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
