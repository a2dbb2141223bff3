"""Schemathesis against a real `kiosk serve`: every check it has (`--checks all`) on valid and
invalid data (`--mode all`): no 5xx, every answer as docs/openapi.yaml says, requests that break
the description refused, a 405 naming the methods that work (Allow).

The JSON API is driven with a supervisor token (it may call every /api/v1 route) and the sync
protocol with a sync token. The seed is fixed, so a failure reproduces with the same command.
The fuzzer sends hundreds of wrong tokens on purpose, so its server allows them
(TOKEN_MAX_FAILURES): the lock's 429 is tested in tests/test_security.py, and here every
wrong token must get its 401. schemathesis.toml beside this file says which answers a
schema-valid sync push may also get, and why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK, LiveServer, demo_server

pytestmark = pytest.mark.e2e
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
CHECKS = "all"
EXAMPLES = "15"
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory):
    yield from demo_server(tmp_path_factory, {"KIOSK_TOKEN_MAX_FAILURES": "1000000"})


def new_token(server: LiveServer, role: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(server.db_path), "token", "create", "--role", role,
                           "--name", f"schemathesis {role}"], check=True, capture_output=True,
                          text=True)  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def schemathesis(server: LiveServer, token: str, paths: str, workdir: Path) -> str:
    """Runs the CLI with a bounded number of examples per operation; returns its output."""
    done = subprocess.run([SCHEMATHESIS, "--config-file", str(CONFIG), "run", str(SPEC),
                           "--url", server.url, "-H", f"Authorization: Bearer {token}",
                           "--include-path-regex", paths,
                           "--max-examples", EXAMPLES, "--checks", CHECKS, "--mode", "all",
                           "--seed", "2026", "--workers", "1", "--request-timeout", "30",
                           "--no-color"],
                          capture_output=True, text=True, cwd=workdir, check=False)  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    return output


def test_json_api_matches_its_description(fuzzed, tmp_path):
    out = schemathesis(fuzzed, new_token(fuzzed, "supervisor"), "^/api/v1/", tmp_path)
    assert " passed" in out
    assert "Traceback" not in fuzzed.log_path.read_text(errors="replace")


def test_sync_protocol_matches_its_description(fuzzed, tmp_path):
    out = schemathesis(fuzzed, new_token(fuzzed, "sync"), "^/sync/v1/", tmp_path)
    assert " passed" in out
    assert "Traceback" not in fuzzed.log_path.read_text(errors="replace")
