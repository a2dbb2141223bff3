"""`kiosk --config kiosk.toml`: every setting with an environment variable, in one file.

Precedence is what a technician expects: defaults < file < environment < command line.
"""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from kiosk import config
from kiosk.service import config_file
from tests.e2e.conftest import KIOSK, wait_until_up
from tests.service.servers import demo
from tests.support.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([KIOSK, *args], capture_output=True, text=True, check=False,
                          env={**clean, **(env or {})})  # fmt: skip


def test_every_environment_variable_in_the_code_is_a_key() -> None:
    """A new KIOSK_* variable anywhere is settable from the file, or this fails."""
    used = set()
    for package in ("kiosk", "sync", "printers"):
        for path in (ROOT / package).rglob("*.py"):
            used |= set(re.findall(r"[\"'](KIOSK_[A-Z_]+[A-Z])[\"']", path.read_text("utf-8")))
    keys = set(config_file.variables().values())
    assert used - keys - {"KIOSK_CONFIG", *config_file.ALIASES} == set()
    assert {f"KIOSK_{n}" for n in config.SETTINGS} - {"KIOSK_DATABASE"} <= keys


def test_every_key_beyond_the_settings_table_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = {n.lower() for n in config.SETTINGS}
    assert [k for k in config_file.variables() if k not in table and f"`{k}`" not in text] == []


def test_the_examples_in_deploy_name_only_known_settings() -> None:
    read = config_file.read(ROOT / "deploy" / "kiosk.toml")
    assert read["KIOSK_DB"] == "/var/lib/kiosk/kiosk.sqlite3"
    env_file = (ROOT / "deploy" / "systemd" / "kiosk.env").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*(KIOSK_[A-Z_]+)=", env_file, re.MULTILINE))
    assert named and named - set(config_file.variables().values()) - {"KIOSK_CONFIG"} == set()


def test_file_then_environment_then_command_line(tmp_path: Path) -> None:
    settings = tmp_path / "kiosk.toml"
    settings.write_text(f'db = "{tmp_path / "from-file.sqlite3"}"\n', encoding="utf-8")
    assert kiosk("--config", str(settings), "init", "--event", "A").returncode == 0
    assert (tmp_path / "from-file.sqlite3").exists()
    env = {"KIOSK_CONFIG": str(settings), "KIOSK_DB": str(tmp_path / "from-env.sqlite3")}
    assert kiosk("init", "--event", "B", env=env).returncode == 0
    assert (tmp_path / "from-env.sqlite3").exists()
    assert kiosk("--db", str(tmp_path / "from-cli.sqlite3"), "init", "--event", "C",
                 env=env).returncode == 0  # fmt: skip
    assert (tmp_path / "from-cli.sqlite3").exists()


@pytest.mark.e2e
def test_a_served_page_uses_the_files_settings(tmp_path: Path) -> None:
    db, _ = demo(tmp_path)
    settings, log = tmp_path / "kiosk.toml", tmp_path / "serve.log"
    settings.write_text(f'db = "{db}"\ndefault_desk = "Meja Utama"\n', encoding="utf-8")
    url = f"http://127.0.0.1:{free_port()}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    with log.open("wb") as out:
        process = subprocess.Popen([KIOSK, "--config", str(settings), "serve", "--port",
                                    url.rsplit(":", 1)[1]], env=clean, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_until_up(url, process, log)
        with urllib.request.urlopen(url + "/login", timeout=30) as page:  # noqa: S310
            assert 'value="Meja Utama"' in page.read().decode()
    finally:
        stop(process)


def test_an_unknown_key_names_itself_and_its_line(tmp_path: Path) -> None:
    settings = tmp_path / "kiosk.toml"
    settings.write_text('languages = "en"\n\nsync_peeer = "https://ho.example"\n', "utf-8")
    done = kiosk("--config", str(settings), "printers")
    assert done.returncode == 1
    assert f"{settings} line 3: unknown setting 'sync_peeer'" in done.stderr


def test_a_value_of_the_wrong_kind_says_what_it_takes(tmp_path: Path) -> None:
    settings = tmp_path / "kiosk.toml"
    settings.write_text('sync_interval = "15s"\n', encoding="utf-8")
    with pytest.raises(config_file.ConfigFileError, match="line 1: sync_interval takes a whole"):
        config_file.read(settings)


def test_the_environment_wins_over_the_file() -> None:
    environ = {"KIOSK_LANGUAGES": "id"}
    config_file.apply({"KIOSK_LANGUAGES": "en", "KIOSK_DEFAULT_DESK": "Gate"}, environ)
    assert environ == {"KIOSK_LANGUAGES": "id", "KIOSK_DEFAULT_DESK": "Gate"}
