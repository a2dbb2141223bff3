"""The API described where it runs: the YAML for programs, a page for people, no token."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from kiosk.cli import main

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_served_description_is_the_documented_one(client):
    response = client.get("/api/v1/openapi.yaml")
    assert response.status_code == 200 and response.content_type.startswith("application/yaml")
    assert response.data == SPEC.read_bytes()
    assert "/healthz" in yaml.safe_load(response.data)["paths"]


def test_the_page_lists_every_route_in_english_and_bahasa_indonesia(client):
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    page = client.get("/api/v1/").get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}</code>" in page, (method, path)
    assert "What it does" in page
    indonesian = client.get("/api/v1/?lang=id").get_data(as_text=True)
    assert "Fungsinya" in indonesian and "tanpa token" in indonesian


def test_a_token_for_a_monitoring_system(db_path):
    done = CliRunner().invoke(main, ["--db", str(db_path), "token", "create", "--role", "metrics",
                                     "--name", "prometheus"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().startswith("kt_")
