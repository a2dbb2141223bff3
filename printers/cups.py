"""Printing through a local CUPS queue with the `lp` command (no compiled bindings needed)."""

from __future__ import annotations

import re
import shutil
import subprocess

from printers.base import PrinterError

_REQUEST_ID = re.compile(r"request id is (\S+)")


def lp_submit(queue: str, document: bytes, *, title: str, media: str, timeout: float = 60.0) -> str:
    """Hand a PDF to CUPS with an explicit media size; returns CUPS's request id."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterError(
            "CUPS printing needs the 'lp' command: install it with 'apt-get install cups-client'.",
            code="not_installed",
        )
    command = [lp, "-d", queue, "-t", title, "-o", f"media={media}", "-o", "fit-to-page", "-"]
    try:
        done = subprocess.run(
            command, input=document, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PrinterError(
            "CUPS did not answer in time. Check that the CUPS service is running.",
            code="timeout",
            retryable=True,
        ) from exc
    output = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
    if done.returncode != 0:
        raise PrinterError(
            f"CUPS refused the badge for queue {queue!r}: {output or 'no reason given'}.",
            code="rejected",
            retryable="not responding" in output.lower() or "unable to connect" in output.lower(),
        )
    match = _REQUEST_ID.search(output)
    return match.group(1) if match else ""


def media_keyword(width_mm: float, height_mm: float) -> str:
    """A CUPS custom media size for the badge, so CUPS neither rotates nor centres it on A4."""
    return f"Custom.{width_mm:.1f}x{height_mm:.1f}mm"
