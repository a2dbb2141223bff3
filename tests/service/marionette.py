"""A tiny Marionette client: drives Debian's firefox-esr as a user would, with no driver download.

Marionette is Firefox's own remote protocol (`--marionette`): JSON messages prefixed by their
length, over TCP on 127.0.0.1. Enough of it to open a page, read its title and take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.support.processes import free_port, stop

TRIES = 300  # looks for the Marionette port, 0.1 s apart


class NavigationRefused(Exception):
    """Firefox did not show the page (e.g. `insecure certificate`)."""


class Firefox:
    """One headless firefox-esr with its own profile and HOME."""

    def __init__(self, profile: Path, home: Path) -> None:
        port = free_port()
        (profile / "user.js").write_text(f'user_pref("marionette.port", {port});\n')
        env = {**os.environ, "HOME": str(home), "MOZ_HEADLESS": "1"}
        self.process = subprocess.Popen(["firefox-esr", "--headless", "--no-remote", "--marionette",
                                         "--profile", str(profile)], env=env,
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)  # fmt: skip
        self.sock = self._connect(port)
        self.stream = self.sock.makefile("rb")
        self.next_id = 0
        self._read()  # the greeting
        self.command("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {
            "acceptInsecureCerts": False}}})  # fmt: skip

    def _connect(self, port: int) -> socket.socket:
        for _ in range(TRIES):
            if self.process.poll() is not None:
                break
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=120)
            except OSError:
                time.sleep(0.1)
        stop(self.process)
        raise AssertionError("firefox-esr did not start its Marionette server")

    def _read(self) -> Any:
        size = b""
        while (char := self.stream.read(1)) != b":":
            if not char:
                raise AssertionError("firefox-esr closed the Marionette connection")
            size += char
        return json.loads(self.stream.read(int(size)))

    def command(self, name: str, params: dict[str, Any]) -> Any:
        """Sends one command; its result, or NavigationRefused with Firefox's error."""
        self.next_id += 1
        data = json.dumps([0, self.next_id, name, params]).encode()
        self.sock.sendall(str(len(data)).encode() + b":" + data)
        _, _, error, result = self._read()
        if error:
            raise NavigationRefused(error["error"])
        return result

    def open(self, url: str) -> str:
        """Loads `url` and returns the page's title."""
        self.command("WebDriver:Navigate", {"url": url})
        return self.command("WebDriver:GetTitle", {})["value"]

    def certificate_error(self) -> str:
        """The code Firefox's certificate error page shows, e.g. SEC_ERROR_UNKNOWN_ISSUER."""
        return self.run("return document.getFailedCertSecurityInfo().errorCodeString")

    def run(self, script: str) -> Any:
        return self.command("WebDriver:ExecuteScript", {"script": script, "args": []})["value"]

    def screenshot(self, target: Path) -> Path:
        shot = self.command("WebDriver:TakeScreenshot", {"full": True})["value"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot))
        return target

    def close(self) -> None:
        with contextlib.suppress(OSError, AssertionError):  # it may be gone already
            self.command("Marionette:Quit", {})
        self.sock.close()
        stop(self.process)
