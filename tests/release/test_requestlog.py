"""How a request's address reads in the log: harmless parts kept, secrets and names hidden."""

from __future__ import annotations

import json
import logging

from kiosk.operations import logs
from kiosk.operations.requestlog import shown_path


def test_query_values_are_hidden_unless_known_to_be_harmless():
    assert shown_path("/signage", "token=kt_secret") == "/signage?token=…"
    assert shown_path("/desk/search", "q=Siti+Nurhaliza&lang=id") == "/desk/search?q=…&lang=id"
    assert shown_path("/sync/v1/pull", "after=120&limit=500") == "/sync/v1/pull?after=120&limit=500"
    assert shown_path("/desk", "") == "/desk"


def test_a_path_cannot_write_a_second_line_into_the_log():
    # WSGI hands the path percent-decoded: a %0A in the URL arrives as a line break.
    assert shown_path("/x\nINFO kiosk.request GET /fake 200", "") == (
        "/x%0AINFO%20kiosk.request%20GET%20/fake%20200"
    )


def record(message: str, **fields: object) -> logging.LogRecord:
    made = logging.LogRecord("kiosk.request", logging.INFO, __file__, 1, message, (), None)
    made.fields = fields
    made.created = 1764752400.5  # 2025-12-03T09:00:00.500Z
    return made


def test_json_lines_carry_the_fields_and_text_lines_read_as_a_sentence():
    entry = json.loads(logs.JsonFormatter().format(record("GET /desk 200", status=200)))
    assert entry == {
        "time": "2025-12-03T09:00:00.500Z",
        "level": "info",
        "logger": "kiosk.request",
        "message": "GET /desk 200",
        "status": 200,
    }
    text = logs.TextFormatter().format(record("GET /desk 200", status=200))
    assert text == "2025-12-03T09:00:00.500Z INFO kiosk.request GET /desk 200"
