"""Getting bytes to a printer: raw TCP (port 9100, "JetDirect") or a device file (USB).

Only printer device nodes are written (/dev/usb/lpN, /dev/lpN): a printer URL must never make
the kiosk write over its database or any other file.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
from pathlib import Path

from printers.base import PrinterError

RAW_PORT = 9100
RAW_TIMEOUT = 15.0  # seconds a port-9100 printer may stay silent before the try has failed
DEVICE = re.compile(r"/dev/(usb/)?lp[0-9]{1,3}")


def _not_a_device(path: str | Path) -> PrinterError:
    return PrinterError(
        f"{path} is not a printer device. A USB printer is written at its device node, "
        "/dev/usb/lp0, /dev/usb/lp1, … (or /dev/lp0); other files are not allowed.",
        code="not_allowed",
    )


def check_device(path: str | Path) -> None:
    """Refuses a path that is no printer device node; a device not plugged in yet is fine."""
    if not DEVICE.fullmatch(str(path)):
        raise _not_a_device(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # not readable here: the write reports it
    if not stat.S_ISCHR(mode):
        raise _not_a_device(path)


def send_tcp(host: str, port: int, data: bytes, *, timeout: float = RAW_TIMEOUT) -> None:
    """Send a whole job over one connection, then close our side and wait for the printer's."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            # Waiting for the printer to close tells us it took everything we sent. Some
            # printers keep the connection open; after our timeout the data is still delivered.
            with contextlib.suppress(TimeoutError):
                while sock.recv(4096):
                    pass
    except TimeoutError as exc:
        raise PrinterError(
            f"The printer at {host}:{port} did not accept the badge in time. Check that it is "
            "on, has labels loaded and no error light.",
            code="timeout",
            retryable=True,
        ) from exc
    except OSError as exc:
        raise PrinterError(
            f"Cannot reach the printer at {host}:{port} ({exc.strerror or exc}). Check that it is "
            "switched on and connected to the same network as this kiosk.",
            code="unreachable",
            retryable=True,
        ) from exc


def write_device(path: str | Path, data: bytes) -> None:
    """Write a whole job to a printer device such as /dev/usb/lp0 (and to nothing else)."""
    check_device(path)
    try:
        # No O_CREAT: a missing device must be reported, not replaced by a new plain file.
        # No link followed, and what was opened must be a character device before a byte goes.
        flags = os.O_WRONLY | os.O_NOCTTY | os.O_NOFOLLOW | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "wb", buffering=0) as device:
            if not stat.S_ISCHR(os.fstat(device.fileno()).st_mode):
                raise _not_a_device(path)
            device.write(data)
    except FileNotFoundError as exc:
        raise PrinterError(
            f"No printer at {path}. Check the USB cable and that the printer is switched on.",
            code="unreachable",
            retryable=True,
        ) from exc
    except PermissionError as exc:
        raise PrinterError(
            f"This kiosk may not write to {path}. Add the kiosk's user to the 'lp' group.",
            code="permission",
        ) from exc
    except OSError as exc:
        raise PrinterError(
            f"The printer at {path} refused the badge ({exc.strerror or exc}). It may be busy "
            "or claimed by another program (ipp-usb, CUPS).",
            code="unreachable",
            retryable=True,
        ) from exc
