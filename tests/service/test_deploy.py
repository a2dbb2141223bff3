"""The service files in deploy/ are what systemd accepts, with the promised behaviour."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

from tests.e2e.conftest import KIOSK
from tests.support.processes import need_tool

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "systemd" / "kiosk.service"


def service_section() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser["Service"]


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """systemd-analyze checks every directive; the kiosk command is this build's."""
    analyze = need_tool("systemd-analyze", "systemd")
    unit = tmp_path / "kiosk.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/kiosk/bin/kiosk", KIOSK))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_unit_restarts_a_wedged_server_and_runs_unprivileged() -> None:
    service = service_section()
    assert service["Type"] == "notify" and int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "on-failure"
    assert service["User"] == "kiosk" and service["StateDirectory"] == "kiosk"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/kiosk"
    assert service["EnvironmentFile"] == "/etc/kiosk/kiosk.env"
