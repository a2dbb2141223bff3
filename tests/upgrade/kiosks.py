"""Kiosk processes of two releases on 127.0.0.1: 0.1.0 from history, and today's.

0.1.0 runs on the shared interpreter with its own tree first on the path (its dependencies
are a subset of today's: test_released_migrations checks), `python -P` so that the current
directory's kiosk never shadows it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import free_port, stop
from tests.upgrade.release import ROOT, unpack_release

KIOSK = str(Path(sys.executable).with_name("kiosk"))
OLD_MAIN = "import sys; from kiosk.cli import main; sys.exit(main())"  # 0.1.0's console script
POLLS = 300  # × 0.1 s: a bound, so a broken build fails instead of hanging
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _env(pythonpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return env | {"PYTHONPATH": str(pythonpath)}


class Release:
    """One Kiosk's `kiosk` command: 0.1.0's from its tree, or today's from this checkout."""

    def __init__(self, command: list[str], tree: Path) -> None:
        self.command, self.env = command, _env(tree)

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.command, *args], capture_output=True, text=True,
                              env=self.env, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def serve(self, log: Path, *args: str, port: int = 0) -> tuple[subprocess.Popen, str]:
        """Starts a server (`args` without --port) and waits until it answers."""
        port = port or free_port()
        with log.with_name(f"{log.stem}-{port}.log").open("wb") as out:
            process = subprocess.Popen([*self.command, *args, "--port", str(port)], stdout=out,
                                       stderr=subprocess.STDOUT, env=self.env)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        for _ in range(POLLS):
            assert process.poll() is None, f"{args} exited: see {out.name}"
            try:
                urllib.request.urlopen(url + "/sync/v1/hello", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return process, url  # it answers, even if only to say no
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"{args} never answered on {url}")


class Client:
    """HTTP to a running Kiosk: the JSON API with a token, pages with a signed-in session."""

    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        status, text = self._send(path, data, headers, method)
        return status, json.loads(text)

    def page(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        """GET a page, or POST a form with the CSRF token of the page it is on."""
        if form is None:
            return self._send(path)
        token = CSRF.search(self.page(path)[1]).group(1)
        body = urllib.parse.urlencode({**form, "csrf_token": token}).encode()
        return self._send(path, body, {}, "POST")

    def _send(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
              method: str = "GET") -> tuple[int, str]:  # fmt: skip
        request = urllib.request.Request(self.url + path, data, headers or {}, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def sign_in(self, name: str, pin: str) -> None:
        status, text = self.page("/login", {"name": name, "pin": pin, "desk": "Desk Upgrade"})
        assert status == 200, text[:300]  # a wrong PIN answers 401

    def scan(self, code: str) -> dict:
        status, answer = self.call(
            "POST", "/api/v1/scan", {"code": code, "op_id": str(uuid.uuid4())}
        )
        assert status == 200, answer
        return answer


@contextmanager
def serving(release: Release, log: Path, *args: str, port: int = 0) -> Iterator[str]:
    """A server of `release` while the block runs (its output beside `log`); yields its URL."""
    process, url = release.serve(log, *args, port=port)
    try:
        yield url
    finally:
        stop(process)


def release_0_1_0(folder: Path) -> Release:
    """0.1.0's `kiosk`, from its tree unpacked into `folder`."""
    tree = unpack_release(folder)
    release = Release([sys.executable, "-P", "-c", OLD_MAIN], tree)
    where = subprocess.run([sys.executable, "-P", "-c", "import kiosk; print(kiosk.__file__)"],
                           capture_output=True, text=True, env=release.env, check=True)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(tree)  # 0.1.0's code, not today's
    return release


def today() -> Release:
    """Today's `kiosk`, from this checkout."""
    return Release([KIOSK], ROOT)
