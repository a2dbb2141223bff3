"""Processes the tests start on this machine: free ports, Debian tools, and stopping them."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Terminates a process we started, killing it if it does not go."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
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
