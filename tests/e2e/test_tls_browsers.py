"""Real browsers over HTTPS: trusting the one CA file, Chromium and Firefox ESR show the desk.

Firefox refused the old certificate (MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY), so each
browser loads the sign-in page with the CA trusted the way a technician does it (certutil into
the browser's NSS database), and gets no page without it. A browser that refuses the
certificate never sends an HTTP request: the server's note of requests proves who got the page.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM_ARGS, chromium_path
from tests.service.marionette import Firefox, NavigationRefused
from tests.service.servers import TRIES, demo, export_ca, get, old_style_certificate, start
from tests.support.processes import free_port, need_tool, stop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Noted:
    port: int
    ca: Path
    note: Path

    def requests_from(self, browser: str) -> list[str]:
        """Paths the server answered for a User-Agent naming `browser`."""
        lines = self.note.read_text(encoding="utf-8").splitlines() if self.note.exists() else []
        return [path for path, _, agent in (ln.partition("\t") for ln in lines) if browser in agent]


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Noted]:
    db, _ = demo(tmp_path_factory.mktemp("tls-browsers"))
    ca, port, note = export_ca(db), free_port(), db.with_name("requests.tsv")
    log = db.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.service.recording_server",
                                    str(db), str(port), str(note)], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    trusted = ssl.create_default_context(cafile=str(ca))
    for _ in range(TRIES):
        try:
            get(f"https://127.0.0.1:{port}/login", trusted)
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    else:
        stop(process)
        raise AssertionError(log.read_text())
    note.unlink()  # only the browsers' requests from here on
    try:
        yield Noted(port, ca, note)
    finally:
        stop(process)


def nss_db(folder: Path, ca: Path | None) -> Path:
    """A fresh NSS certificate database, with the venue's CA trusted for websites if given."""
    certutil = need_tool("certutil", "libnss3-tools")
    folder.mkdir(parents=True)
    subprocess.run([certutil, "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    if ca is not None:
        subprocess.run([certutil, "-A", "-n", "Kiosk venue CA", "-t", "C,,", "-i", str(ca),
                        "-d", f"sql:{folder}"], check=True)  # fmt: skip
    return folder


def chromium_title(home: Path, url: str, shot: str) -> str:
    """Chromium with `home` as HOME (its NSS database is $HOME/.pki/nssdb) opens `url`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS,
                                    env={"HOME": str(home)})  # fmt: skip
        try:
            page = browser.new_page()
            page.goto(url)
            assert page.locator("#pin").is_visible()  # the desk's sign-in form, no interstitial
            page.screenshot(path=str(ARTIFACTS / "screens" / f"{shot}.png"), full_page=True)
            return page.title()
        finally:
            browser.close()


def test_chromium_trusting_the_ca_shows_the_desk(noted: Noted, tmp_path: Path) -> None:
    nss_db(tmp_path / "home" / ".pki" / "nssdb", noted.ca)
    title = chromium_title(tmp_path / "home", f"https://localhost:{noted.port}/login",
                           "tls-chromium-desk")  # fmt: skip
    assert title.startswith("Sign in")
    seen = noted.requests_from("Chrome/")
    assert "/login" in seen and "/static/kiosk.css" in seen


def test_chromium_without_the_ca_gets_no_page(noted: Noted, tmp_path: Path) -> None:
    from playwright.sync_api import Error

    nss_db(tmp_path / "home" / ".pki" / "nssdb", None)
    before = len(noted.requests_from("Chrome/"))
    with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
        chromium_title(tmp_path / "home", f"https://127.0.0.1:{noted.port}/login", "unused")
    assert len(noted.requests_from("Chrome/")) == before


@pytest.fixture
def firefox_esr() -> str:
    return need_tool("firefox-esr", "firefox-esr")


def test_firefox_esr_trusting_the_ca_shows_the_desk(noted: Noted, tmp_path: Path,
                                                    firefox_esr: str) -> None:  # fmt: skip
    profile = nss_db(tmp_path / "profile", noted.ca)
    (tmp_path / "home").mkdir()
    firefox = Firefox(profile, tmp_path / "home")
    try:
        assert firefox.open(f"https://127.0.0.1:{noted.port}/login").startswith("Sign in")
        assert firefox.run("return document.querySelector('#pin') !== null")
        # The stylesheet applied: the page's background is the desk's, not the browser's white.
        background = "return getComputedStyle(document.body).backgroundColor"
        assert firefox.run(background) != "rgba(0, 0, 0, 0)"
        firefox.screenshot(ARTIFACTS / "screens" / "tls-firefox-desk.png")
        assert firefox.open(f"https://localhost:{noted.port}/login").startswith("Sign in")
    finally:
        firefox.close()
    seen = noted.requests_from("Firefox/")
    assert "/login" in seen and "/static/kiosk.css" in seen


def test_firefox_esr_without_the_ca_gets_no_page(noted: Noted, tmp_path: Path,
                                                 firefox_esr: str) -> None:  # fmt: skip
    profile = nss_db(tmp_path / "profile", None)
    (tmp_path / "home").mkdir()
    firefox = Firefox(profile, tmp_path / "home")
    before = len(noted.requests_from("Firefox/"))
    try:
        with pytest.raises(NavigationRefused, match="insecure certificate"):
            firefox.open(f"https://127.0.0.1:{noted.port}/login")
        assert firefox.certificate_error() == "SEC_ERROR_UNKNOWN_ISSUER"
    finally:
        firefox.close()
    assert len(noted.requests_from("Firefox/")) == before


def test_firefox_esr_refuses_the_old_certificate_though_trusted(
    tmp_path: Path, firefox_esr: str
) -> None:
    """The reason for the CA: a certificate that is both CA and server is refused by Firefox."""
    db, _ = demo(tmp_path)
    cert, key = old_style_certificate(tmp_path)
    running = start(db, "--cert", str(cert), "--key", str(key), ca=cert)
    profile = nss_db(tmp_path / "profile", cert)
    (tmp_path / "home").mkdir()
    firefox = Firefox(profile, tmp_path / "home")
    try:
        with pytest.raises(NavigationRefused, match="insecure certificate"):
            firefox.open(f"https://127.0.0.1:{running.port}/login")
        assert firefox.certificate_error() == "MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY"
    finally:
        firefox.close()
        stop(running.process)
