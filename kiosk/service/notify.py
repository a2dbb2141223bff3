"""systemd's notify protocol, written out: a datagram to $NOTIFY_SOCKET, nothing more.

READY=1 once the server listens, WATCHDOG=1 only while the health check passes (so a wedged
server is restarted), STOPPING=1 on the way out. Without NOTIFY_SOCKET every call does nothing.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

Check = Callable[[], "str | None"]  # None while healthy, else what is wrong


def notify(message: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Sends one notification; False when no service manager listens."""
    address = environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket: Linux spells it with a NUL
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
        except OSError:
            return False
    return True


def watchdog_interval(environ: Mapping[str, str], pid: int) -> float | None:
    """Seconds between pings (half of WatchdogSec), or None when no watchdog is set for us."""
    usec, owner = environ.get("WATCHDOG_USEC", ""), environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (owner and owner != str(pid)):
        return None
    return int(usec) / 2_000_000


def watchdog_message(problem: str | None) -> str:
    """A ping while healthy; otherwise only a status line, so systemd restarts us in time."""
    if problem is None:
        return "WATCHDOG=1"
    return f"STATUS=unhealthy: {problem}"


@contextmanager
def running(check: Check, status: str, environ: Mapping[str, str] = os.environ) -> Iterator[None]:
    """Around a server's serving loop: READY, watchdog pings while `check` passes, STOPPING."""
    interval = watchdog_interval(environ, os.getpid())
    stop = threading.Event()

    def ping() -> None:
        while not stop.wait(interval):
            notify(watchdog_message(check()), environ)

    try:  # a SIGTERM right after READY still says STOPPING
        notify(f"READY=1\nSTATUS={status}", environ)
        if interval is not None:
            threading.Thread(target=ping, name="kiosk-watchdog", daemon=True).start()
        yield
    finally:
        stop.set()
        notify("STOPPING=1", environ)
