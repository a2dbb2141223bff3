"""The wheel as a venue installs it: built, installed without -e in a fresh venv, served from
another directory, every page complete with its CSS, JavaScript and sounds.

The wheel is built from a copy of the checkout's files, so nothing left in the checkout by an
earlier build can slip into it. The fresh venv gets Kiosk's dependencies by a path to the test
run's own site-packages (a venue machine gets them from PyPI); that directory's .pth files,
among them an editable Kiosk's finder, are not run, so `import kiosk` finds only the wheel.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.support import Translations

from kiosk.version import kiosk_version
from tests.release.venue import Demo, Served, clean_env, fetch, make_demo, serve, sign_in
from tests.support.processes import stop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
TYPES = {".css": ("text/css",), ".js": ("text/javascript", "application/javascript"),
         ".svg": ("image/svg+xml",), ".wav": ("audio/wav", "audio/x-wav")}  # fmt: skip


class Assets(HTMLParser):
    """The files a page loads: stylesheets and icons, scripts, sounds."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        wanted = {"link": "href", "script": "src", "audio": "src", "source": "src"}.get(tag)
        if wanted and named.get(wanted):
            self.found.add(str(named[wanted]))


def referenced(page: bytes) -> set[str]:
    parser = Assets()
    parser.feed(page.decode())
    return parser.found


def checkout_files() -> list[str]:
    """The checkout's files, as a fresh clone would have them (tracked and new, not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout  # fmt: skip
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def copy_of_checkout(target: Path) -> Path:
    for name in checkout_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def fresh_venv(venv: Path) -> Path:
    """A venv whose dependencies are this test run's (see the module's docstring)."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    [packages] = venv.glob("lib/python*/site-packages")
    (packages / "kiosk_test_dependencies.pth").write_text("\n".join(site.getsitepackages()))
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the built wheel, the `kiosk` script of a fresh venv with it installed)."""
    work = tmp_path_factory.mktemp("wheel")
    source = copy_of_checkout(work / "source")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                            str(work / "dist"), str(source)], capture_output=True, text=True,
                           env=clean_env(), check=False)  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (work / "dist").glob("kiosk-*.whl")
    venv = fresh_venv(work / "venv")
    subprocess.run([venv / "bin" / "pip", "install", "--no-deps", "--no-index", str(wheel)],
                   capture_output=True, check=True, env=clean_env())  # fmt: skip
    yield wheel, venv / "bin" / "kiosk"


@pytest.fixture(scope="module")
def venue(installed, tmp_path_factory) -> Iterator[tuple[Served, Demo]]:
    """The installed kiosk serving a demo from a directory that holds no Kiosk source."""
    _, kiosk = installed
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    demo = make_demo(str(kiosk), elsewhere, clean_env())
    served = serve(str(kiosk), demo.db, elsewhere, env=clean_env())
    try:
        yield served, demo
    finally:
        stop(served.process)


def test_the_wheel_holds_every_static_file_template_catalog_and_migration(installed):
    wheel, _ = installed
    inside = set(zipfile.ZipFile(wheel).namelist())
    wanted = {name for name in checkout_files()
              if name.startswith(("kiosk/templates/", "kiosk/translations/", "kiosk/migrations/",
                                  "kiosk/headoffice/migrations/"))}  # fmt: skip
    wanted |= {f"kiosk/{name}" for name in checkout_files() if name.startswith("static/")}
    wanted.add("kiosk/operations/openapi.yaml")
    assert {n.removeprefix("kiosk/") for n in wanted - inside} == set()
    assert any(n.endswith("id/LC_MESSAGES/messages.mo") for n in inside)


def test_the_installed_kiosk_is_the_wheel_and_names_its_version(installed, tmp_path):
    _, kiosk = installed
    python = kiosk.parent / "python"
    found = subprocess.run([python, "-c", "import kiosk; print(kiosk.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=clean_env(), check=True)  # fmt: skip
    assert found.stdout.startswith(str(kiosk.parents[1])), found.stdout  # the venv's own copy
    version = subprocess.run([kiosk, "--version"], capture_output=True, text=True, cwd=tmp_path,
                             env=clean_env(), check=True)  # fmt: skip
    assert version.stdout.strip() == f"kiosk {kiosk_version()}"


def test_every_page_loads_its_css_javascript_and_sounds(venue):
    served, demo = venue
    desk = sign_in(served, "Ana", "1111")
    screens = served.browser()
    pages = {"/login": served.browser(), "/desk": desk, demo.selfservice: screens,
             demo.signage: screens}  # fmt: skip
    assets: set[str] = set()
    for path, browser in pages.items():
        status, kind, page = fetch(browser, served.url + path)
        assert status == 200 and kind.startswith("text/html"), (path, status)
        assets |= referenced(page)
    assert {"/static/kiosk.css", "/static/kiosk.js", "/static/selfservice.js"} <= assets
    wrong = []
    for path in sorted(assets | _every_static_file()):  # the sounds kiosk.js plays among them
        status, kind, body = fetch(served.browser(), served.url + path)
        ext = Path(path).suffix
        if status != 200 or not body or (ext in TYPES and not kind.startswith(TYPES[ext])):
            wrong.append((path, status, kind))
    assert wrong == []


def _every_static_file() -> set[str]:
    """Every file of the checkout's static/: the installed server must have each one."""
    return {f"/static/{p.relative_to(ROOT / 'static').as_posix()}"
            for p in (ROOT / "static").rglob("*") if p.is_file()}  # fmt: skip


def test_templates_and_catalogs_come_from_the_wheel(venue):
    served, _ = venue
    catalog = Translations.load(str(ROOT / "kiosk" / "translations"), ["id"])
    status, _, page = fetch(served.browser(), served.url + "/login?lang=id")
    assert status == 200 and catalog.gettext("Skip to content").encode() in page
    status, kind, spec = fetch(served.browser(), served.url + "/api/v1/openapi.yaml")
    assert status == 200 and kind.startswith("application/yaml")
    assert spec == (ROOT / "docs" / "openapi.yaml").read_bytes()


def test_an_editable_install_serves_the_checkouts_files(tmp_path):
    """`make` installs with -e: the build step copies nothing, and the checkout's files serve."""
    source = copy_of_checkout(tmp_path / "source")
    venv = fresh_venv(tmp_path / "venv")
    subprocess.run([venv / "bin" / "pip", "install", "--no-deps", "-e", str(source)],
                   capture_output=True, check=True, env=clean_env())  # fmt: skip
    found = subprocess.run([venv / "bin" / "python", "-c", "import kiosk; print(kiosk.STATIC_DIR)"],
                           cwd=tmp_path, capture_output=True, text=True, env=clean_env(),
                           check=True)  # fmt: skip
    assert found.stdout.strip() == str(source / "static")
    assert not (source / "kiosk" / "static").exists()
