"""Processes the tests start on this machine: free ports, Debian tools, and stopping them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need_tool(name: str, package: str) -> str:
    """The path of a Debian tool; missing fails in CI (a skip must not pass as green)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: 'make test' installs the Debian package {package}")
        pytest.skip(f"{name} not installed (Debian package {package})")
    return path


def stop(process: subprocess.Popen) -> None:
    """Terminates a process we started, killing it if it does not go. One started in a session
    of its own (`start_new_session=True`) goes with its whole group: a wrapper such as
    faketime(1) does not pass the signal on to the server it started."""
    group = _own_group(process)
    signal_it = (lambda sig: os.killpg(group, sig)) if group else process.send_signal
    signal_it(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        signal_it(signal.SIGKILL)
        process.wait()
    if group:  # the wrapper may end before what it started: give that 10 s too
        for _ in range(200):
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def _own_group(process: subprocess.Popen) -> int | None:
    try:
        return process.pid if os.getpgid(process.pid) == process.pid else None
    except ProcessLookupError:
        return None


@contextlib.contextmanager
def read_only(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only look at a database a running process owns (it never takes a write lock)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def op_ids(db: Path) -> set[str]:
    """Every op id a database holds, read without disturbing the process that owns it."""
    with read_only(db) as conn:
        return {r[0] for r in conn.execute("SELECT op_id FROM op")}
