"""A real pretix for the tests: installed from PyPI into its own venv, on SQLite, on 127.0.0.1.

The venv and a migrated empty database are cached under ~/.cache/kiosk-tests/pretix-VERSION
(KIOSK_TEST_CACHE moves it), so only the first run pays for the install (a few minutes) and
the migrations (about a minute). Each test session copies the database and starts pretix's own
server with no redis and no celery: pretix then does its work inside the request.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import free_port, stop

VERSION = "2026.8.0"  # the newest pretix on PyPI that installs on Python 3.11 here
SEED = Path(__file__).with_name("pretix_seed.py")
ORGANIZER = "kiosk"
START_SECONDS = 120


def cache_dir() -> Path:
    root = os.environ.get("KIOSK_TEST_CACHE") or Path.home() / ".cache" / "kiosk-tests"
    return Path(root) / f"pretix-{VERSION}"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One installer at a time (parallel test runs share the cache)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _run(args: list[str], env: dict[str, str] | None = None, **kw: Any) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=env, **kw)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:4])} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def python() -> Path:
    """pretix's venv's python, installing pretix==VERSION first if the cache lacks it."""
    folder = cache_dir()
    venv = folder / "venv"
    if not (venv / ".installed").exists():
        with _locked(folder):
            if not (venv / ".installed").exists():
                building = folder / "venv.tmp"
                shutil.rmtree(building, ignore_errors=True)
                _run([sys.executable, "-m", "venv", str(building)])
                _run([str(building / "bin/python"), "-m", "pip", "install", "-q",
                      f"pretix=={VERSION}"])  # fmt: skip
                shutil.rmtree(venv, ignore_errors=True)
                building.rename(venv)  # `python -m` works from the moved venv
                (venv / ".installed").write_text(VERSION)
    return venv / "bin" / "python"


def _config(root: Path, port: int) -> Path:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    path = root / "pretix.cfg"
    path.write_text(
        f"[pretix]\ninstance_name=Kiosk test pretix\nurl=http://127.0.0.1:{port}\n"
        f"currency=EUR\ndatadir={data}\n\n[database]\nbackend=sqlite3\nname={data}/db.sqlite3\n\n"
        "[django]\ndebug=off\n\n[mail]\nfrom=pretix@localhost\nhost=127.0.0.1\nport=1\n",
        encoding="utf-8",
    )
    return path


def _env(config: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, "PRETIX_CONFIG_FILE": str(config), **extra}


def migrated_database() -> Path:
    """An empty pretix database with every migration applied, made once per version."""
    folder = cache_dir()
    done = folder / "migrated.sqlite3"
    if not done.exists():
        py = python()
        with _locked(folder):
            if not done.exists():
                work = folder / "migrating"
                shutil.rmtree(work, ignore_errors=True)
                config = _config(work, 1)
                _run([str(py), "-m", "pretix", "migrate", "--noinput"], _env(config))
                shutil.copy(work / "data" / "db.sqlite3", folder / "migrated.tmp")
                (folder / "migrated.tmp").rename(done)
                shutil.rmtree(work, ignore_errors=True)
    return done


@dataclass
class Pretix:
    """A running pretix and its team token; the helpers speak its REST API as a box office."""

    url: str
    token: str
    root: Path
    config: Path

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """One API call; an error answer raises with pretix's words."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (our own http URL)
            f"{self.url}/api/v1/{path.lstrip('/')}", data=data, method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"pretix {method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        return json.loads(raw) if raw else None

    def new_event(self, name_scheme: str = "given_family") -> PretixEvent:
        """A fresh event selling signed tickets, with two products and a check-in list."""
        slug = "e" + uuid.uuid4().hex[:10]
        _run([str(python()), "-m", "pretix", "shell", "-c", SEED.read_text()],
             _env(self.config, ORG=ORGANIZER, EVENT=slug, NAME_SCHEME=name_scheme))  # fmt: skip
        event = PretixEvent(self, slug)
        event.pass_id = event.item("Conference pass", admission=True)
        event.shirt_id = event.item("T-shirt", admission=False)
        base = f"organizers/{ORGANIZER}/events/{slug}"
        self.api("POST", f"{base}/quotas/", {"name": "All", "size": None,
                                             "items": [event.pass_id, event.shirt_id]})  # fmt: skip
        found = self.api("POST", f"{base}/checkinlists/", {"name": "Main entrance",
                                                          "all_products": True})  # fmt: skip
        event.list_id = found["id"]
        return event


@dataclass
class PretixEvent:
    """One event in the running pretix."""

    pretix: Pretix
    slug: str
    pass_id: int = 0
    shirt_id: int = 0
    list_id: int = 0

    @property
    def base(self) -> str:
        return f"organizers/{ORGANIZER}/events/{self.slug}"

    def item(self, name: str, admission: bool) -> int:
        found = self.pretix.api("POST", f"{self.base}/items/", {
            "name": {"en": name}, "default_price": "100.00", "admission": admission,
            "active": True, "personalized": admission})  # fmt: skip
        return found["id"]

    def order(self, *people: dict[str, Any], shirt: bool = False) -> dict[str, Any]:
        """A paid order with one pass per person (given, family, email, company)."""
        positions = [{"item": self.pass_id, "attendee_email": p.get("email"),
                      "company": p.get("company"),
                      "attendee_name_parts": {"given_name": p["given"],
                                              "family_name": p.get("family", "")}}
                     for p in people]  # fmt: skip
        if shirt:
            positions.append({"item": self.shirt_id})
        return self.pretix.api("POST", f"{self.base}/orders/", {
            "email": people[0].get("email") or "buyer@example.org", "locale": "en",
            "sales_channel": "web", "status": "p", "payment_provider": "manual",
            "positions": positions})  # fmt: skip

    def cancel(self, code: str) -> None:
        self.pretix.api("POST", f"{self.base}/orders/{code}/mark_canceled/", {})

    def gate_scan(self, secret: str) -> dict[str, Any]:
        """A check-in at another gate, as pretixSCAN would send it."""
        return self.pretix.api("POST", f"organizers/{ORGANIZER}/checkinrpc/redeem/", {
            "secret": secret, "lists": [self.list_id], "nonce": uuid.uuid4().hex,
            "questions_supported": False})  # fmt: skip

    def regenerate(self, position_id: int) -> str:
        """A new secret for a ticket; the old one goes on pretix's revocation list."""
        found = self.pretix.api(
            "POST", f"{self.base}/orderpositions/{position_id}/regenerate_secrets/", {}
        )
        return found["secret"]

    def checkins(self) -> list[dict[str, Any]]:
        """Every successful check-in on the event's list, as pretix holds them."""
        found = self.pretix.api("GET", f"{self.base}/checkins/?page_size=50")
        return [c for c in found["results"] if c["successful"] and c["list"] == self.list_id]


def _wait(url: str, token: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pretix stopped:\n{log.read_text()[-3000:]}")
        request = urllib.request.Request(  # noqa: S310
            f"{url}/api/v1/organizers/",
                                         headers={"Authorization": f"Token {token}"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"pretix did not answer in {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running(root: Path) -> Iterator[Pretix]:
    """pretix on a free port with an organizer and a team token; stopped afterwards."""
    py, template = python(), migrated_database()
    port = free_port()
    config = _config(root, port)
    shutil.copy(template, root / "data" / "db.sqlite3")
    url = f"http://127.0.0.1:{port}"
    out = _run([str(py), "-m", "pretix", "shell", "-c", SEED.read_text()],
               _env(config, ORG=ORGANIZER, EVENT="first"))  # fmt: skip
    token = out.strip().rsplit("TOKEN=", 1)[1].split()[0]
    log = root / "server.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [str(py), "-m", "pretix", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=_env(config), stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait(url, token, process, log)
        yield Pretix(url, token, root, config)
    finally:
        stop(process)
