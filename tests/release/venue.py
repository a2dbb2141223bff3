"""A venue served by a real `kiosk serve`: the demo it was made from, and a browser's visits.

The tests of a release start the program as an operator would (a console script, a working
directory of its own, no PYTHONPATH) and talk to it only over HTTP.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port, stop

TRIES = 400  # looks at the server, 0.05 s apart: a bound, so a broken build fails, not hangs


@dataclass
class Demo:
    """What `kiosk demo` printed: the desk token and the screens' addresses with their tokens."""

    db: Path
    desk_token: str
    signage: str  # /signage?token=…
    selfservice: str  # /self?token=…


@dataclass
class Served:
    """A running `kiosk serve` and where its log goes."""

    url: str
    process: subprocess.Popen
    log: Path

    def browser(self) -> urllib.request.OpenerDirector:
        """A new client that keeps its own cookies, as a tablet's browser does."""
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def checkout_env() -> dict[str, str]:
    """This test run's environment without KIOSK_* settings (the checkout's code runs)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}


def clean_env() -> dict[str, str]:
    """The environment of an operator's shell: no PYTHONPATH pointing into a checkout."""
    return {k: v for k, v in checkout_env().items() if k != "PYTHONPATH"}


def run(kiosk: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([kiosk, *args], capture_output=True, text=True, cwd=cwd,
                          env=env or checkout_env(), check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_demo(kiosk: str, directory: Path, env: dict[str, str] | None = None) -> Demo:
    db = directory / "venue.sqlite3"
    out = run(kiosk, "--db", str(db), "demo", "--attendees", "60", "--seed", "3", cwd=directory,
              env=env)  # fmt: skip
    run(kiosk, "--db", str(db), "init", "--event", "Konferensi Rilis", cwd=directory, env=env)
    desk = re.search(r"API token \(role desk\): (\S+)", out)
    signage = re.search(r"(/signage\?token=\S+)", out)
    selfservice = re.search(r"(/self\?token=\S+)", out)
    assert desk and signage and selfservice, out
    return Demo(db, desk.group(1), signage.group(1), selfservice.group(1))


def serve(kiosk: str, db: Path, cwd: Path, *options: str,
          env: dict[str, str] | None = None) -> Served:  # fmt: skip
    """`kiosk serve` on a free port, stderr into a log file; waits until /healthz answers."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([kiosk, "--db", str(db), "serve", "--port", str(port),
                                    *options], stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   env=env or checkout_env())  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", process, log)
    for _ in range(TRIES):
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(served.url + "/healthz", timeout=5):  # noqa: S310
                return served
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise AssertionError(f"server never answered: {log.read_text()[-2000:]}")


def fetch(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None,
          headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, str, bytes]:  # fmt: skip
    """(status, content type, body) of one request; an HTTP error is an answer too."""
    request = urllib.request.Request(url, data, headers or {}, method=method)  # noqa: S310
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers.get("Content-Type", ""), err.read()


def sign_in(served: Served, name: str, pin: str) -> urllib.request.OpenerDirector:
    """Signs in at the desk with the real form; returns the signed-in browser."""
    browser = served.browser()
    _, _, page = fetch(browser, served.url + "/login")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert csrf, page[:500]
    form = urllib.parse.urlencode({"name": name, "pin": pin, "desk": "Desk North-1",
                                   "csrf_token": csrf.group(1).decode()})  # fmt: skip
    with browser.open(served.url + "/login", data=form.encode(), timeout=30) as done:
        assert done.url.endswith("/desk"), done.url
    return browser


def cookie(browser: urllib.request.OpenerDirector, name: str) -> str:
    """The value of a cookie the browser holds."""
    [jar] = [h.cookiejar for h in browser.handlers
             if isinstance(h, urllib.request.HTTPCookieProcessor)]  # fmt: skip
    return next(c.value for c in jar if c.name == name)


def api(served: Served, method: str, path: str, token: str,
        body: dict | None = None) -> tuple[int, dict]:  # fmt: skip
    """(status, JSON) of one API call with a bearer token."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _, raw = fetch(urllib.request.build_opener(), served.url + path, data, headers, method)
    return status, json.loads(raw)
