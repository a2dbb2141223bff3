"""docs/openapi.yaml stays true: every /api/v1 and /sync/v1 route is documented, and no more.

A route added without documenting it, or documented without existing, fails here; what the
routes answer is checked against the same file by tests/e2e/test_schemathesis.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
PREFIXES = ("/api/v1/", "/sync/v1/")
OPERATING = ("/healthz", "/metrics")  # for monitors: outside the prefixes, documented too
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def openapi_path(rule: str) -> str:
    """Flask's `<conv:name>` as OpenAPI's `{name}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def app_operations(app) -> set[tuple[str, str]]:
    """(method, path) of every JSON route the app serves."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIXES) or rule.rule in OPERATING:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method.lower(), openapi_path(rule.rule)))
    return found


def spec_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m, path) for path, item in spec["paths"].items() for m in item if m in METHODS}


def test_it_is_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_route_is_documented(app, spec):
    assert app_operations(app) - spec_operations(spec) == set()


def test_nothing_documented_that_does_not_exist(app, spec):
    assert spec_operations(spec) - app_operations(app) == set()


def test_every_path_parameter_is_declared(spec):
    """A `{name}` in a path needs a parameter, or schemathesis cannot call the route."""
    refs = spec["components"]["parameters"]
    for path, item in spec["paths"].items():
        for method, op in ((m, o) for m, o in item.items() if m in METHODS):
            declared = {(refs[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p)["name"]
                        for p in op.get("parameters", [])}  # fmt: skip
            assert set(re.findall(r"{(\w+)}", path)) <= declared, (method, path)


def test_every_operation_documents_its_errors(spec):
    """Refusals are the Error schema: 401 for every route that takes a token, and a default."""
    for path, item in spec["paths"].items():
        for method, op in ((m, o) for m, o in item.items() if m in METHODS):
            needs = {"default"} if op.get("security") == [] else {"401", "default"}
            assert needs <= set(op["responses"]), (method, path)


def test_badge_templates_are_the_ones_that_render(spec) -> None:
    """`?template=` lists exactly the built-in templates: any other name is a 400."""
    from printers.templates import TEMPLATES

    params = spec["paths"]["/api/v1/attendees/{attendee_id}/badge.{fmt}"]["get"]["parameters"]
    [template] = [p for p in params if p.get("name") == "template"]
    assert template["schema"]["enum"] == list(TEMPLATES)


def test_a_scan_body_has_only_its_three_fields(spec) -> None:
    body = spec["paths"]["/api/v1/scan"]["post"]["requestBody"]["content"]["application/json"]
    from kiosk.views.api_scan import FIELDS

    assert body["schema"]["additionalProperties"] is False
    assert tuple(body["schema"]["properties"]) == FIELDS
