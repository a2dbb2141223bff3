"""Shared benchmark helpers: demo databases, server processes, memory, percentiles, clients.

Every benchmark talks to 127.0.0.1 only and runs bounded loops.
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing as mp
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KIOSK = str(BIN / "kiosk")
HOST = "127.0.0.1"
TOKEN_LINE = re.compile(r"^API token \(role desk\): (\S+)\s*$", re.MULTILINE)


# -- demo databases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """A demo database made by `kiosk demo`, with what it printed and what it cost."""

    path: Path
    token: str
    seconds: float
    bytes: int


def db_bytes(path: Path) -> int:
    """Size of the database file with its WAL and shared-memory files."""
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


def make_demo(path: Path, attendees: int, seed: int = 2026) -> Demo:
    """Runs `kiosk --db PATH demo --attendees N --seed S --fresh` and reads its desk token."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    cmd = [KIOSK, "--db", str(path), "demo", "--attendees", str(attendees), "--seed", str(seed)]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"kiosk demo failed ({done.returncode}): {done.stderr[-2000:]}")
    found = TOKEN_LINE.search(done.stdout)
    if found is None:
        raise RuntimeError(f"kiosk demo printed no desk token:\n{done.stdout}")
    return Demo(path, found.group(1), seconds, db_bytes(path))


# -- server processes --------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    """One request on its own TCP connection (Connection: close), as a scanner app makes it."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        sent = {"Connection": "close", **(headers or {})}
        if body is not None:
            sent.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """A server subprocess: started, waited for until it answers, measured, stopped."""

    def __init__(self, cmd: Sequence[str], port: int, log: Path | None = None) -> None:
        self.cmd = list(cmd)
        self.port = port
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> Server:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        if self.log:
            out.close()  # type: ignore[union-attr]
        return self

    def wait_ready(
        self,
        path: str = "/",
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
        poll: float = 0.005,
    ) -> float:
        """Seconds from process start until the first 200 answer on `path`."""
        assert self.proc is not None
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.cmd[0]} exited with {self.proc.returncode}")
            try:
                status, _ = request(self.port, "GET", path, headers=headers, timeout=2.0)
            except OSError:
                status = 0
            if status == 200:
                return time.perf_counter() - self.started_at
            time.sleep(poll)
        raise RuntimeError(f"{' '.join(self.cmd)} did not answer within {timeout} s")

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def kiosk_server(db: Path, port: int, threads: int = 8, log: Path | None = None) -> Server:
    """`kiosk --db DB serve --host 127.0.0.1 --port PORT` (8 waitress threads by default)."""
    cmd = [KIOSK, "--db", str(db), "serve", "--host", HOST, "--port", str(port)]
    if threads != 8:
        cmd += ["--threads", str(threads)]
    return Server(cmd, port, log)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in kB, from /proc/PID/status."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


# -- statistics --------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Timings:
    """Latencies in seconds, errors, and the wall time of the whole run."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def p(self, pct: float) -> float:
        """A percentile in milliseconds."""
        return percentile(self.latencies, pct) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else math.nan

    def merge(self, other: Timings) -> None:
        self.latencies += other.latencies
        self.errors += other.errors


# -- clients -----------------------------------------------------------------------------------

# A check decides whether one answer is right: (status, body) -> error text or None.
Check = Callable[[int, bytes], str | None]
# A job is one request: (method, path, body, headers).
Job = tuple[str, str, bytes | None, dict[str, str]]


def json_check(key: str, expected: Any) -> Check:
    """200 with a JSON body whose `key` equals `expected`."""

    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}: {body[:200]!r}"
        try:
            got = json.loads(body).get(key)
        except ValueError:
            return f"not JSON: {body[:200]!r}"
        return None if got == expected else f"{key}={got!r}"

    return check


def status_check(status: int, body: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}: {body[:200]!r}"


def run_sequential(port: int, jobs: Sequence[Job], check: Check) -> Timings:
    """Sends the jobs one after another, each on a new connection."""
    result = Timings()
    started = time.perf_counter()
    for method, path, body, headers in jobs:
        t0 = time.perf_counter()
        try:
            status, data = request(port, method, path, body, headers)
            error = check(status, data)
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        result.latencies.append(time.perf_counter() - t0)
        if error:
            result.errors.append(error)
    result.wall = time.perf_counter() - started
    return result


def _client(port: int, jobs: Sequence[Job], check: Check, barrier: Any, out: Any) -> None:
    barrier.wait()
    timings = run_sequential(port, jobs, check)
    out.put((timings.latencies, timings.errors))


def run_concurrent(port: int, jobs: Sequence[Job], check: Check, clients: int) -> Timings:
    """Splits the jobs over `clients` processes (not threads: the GIL would make the client
    the bottleneck), which start together; each sends its share one after another."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    shares = [jobs[i::clients] for i in range(clients)]
    procs = [ctx.Process(target=_client, args=(port, s, check, barrier, out)) for s in shares]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.perf_counter()
    result = Timings()
    for _ in procs:
        latencies, errors = out.get(timeout=600)
        result.merge(Timings(latencies, errors))
    result.wall = time.perf_counter() - started
    for proc in procs:
        proc.join(10)
    return result


# -- the machine -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    import platform
    import sqlite3

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "cpus": str(len(os.sched_getaffinity(0))),  # what `nproc` prints
        "cpu": cpu,
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }
