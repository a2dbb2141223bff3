"""The booth's phone pages, the sponsor's report, and consent from import and self-service."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk import auth
from kiosk.db import open_db
from kiosk.desk import importer
from kiosk.desk.sheets import CsvError
from kiosk.leads import sponsors
from kiosk.replication.node import load_node
from tests.conftest import csrf_from, sign_in


def _token(db_path: Path, role: str = "exhibitor", sponsor: str = "Acme Cloud") -> str:
    db = open_db(db_path)
    try:
        sponsor_id = ""
        if role == "exhibitor":
            sponsor_id = sponsors.save(db, load_node(db), sponsor, "Cloud", ["Budget?"]).sponsor_id
        return auth.create_token(db, role, f"{role} phone", sponsor_id)
    finally:
        db.close()


@pytest.fixture
def booth(db_path: Path, client: FlaskClient) -> tuple[FlaskClient, str]:
    opened = client.get(f"/booth?token={_token(db_path)}")
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/booth")
    page = client.get("/booth")
    assert page.status_code == 200
    return client, csrf_from(page.data)


def test_a_booth_opens_with_an_exhibitor_token_only(db_path, client) -> None:
    assert client.get("/booth").status_code == 401
    assert client.get(f"/booth?token={_token(db_path, 'desk')}").status_code == 401
    assert client.get("/booth?token=kt_wrong").status_code == 401
    assert client.get("/booth").status_code == 401


def test_the_booth_page_never_carries_the_token(db_path, client) -> None:
    token = _token(db_path)
    client.get(f"/booth?token={token}")
    page = client.get("/booth")
    assert "Acme Cloud" in page.get_data(as_text=True)
    cookies = " ".join(c.value for c in client._cookies.values())
    assert token not in cookies and token not in page.get_data(as_text=True)


def test_a_scan_at_the_booth_shows_the_visitor_and_saves_a_rating(booth) -> None:
    client, csrf = booth
    page = client.post("/booth/scan", data={"code": "KN-JOSE01", "csrf_token": csrf})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "José Ñúñez" in html and "Café Ñandú S.A." in html and "jose.nunez" not in html
    lead_id = client.get("/booth/leads.csv")  # the lead is on the sponsor's sheet at once
    assert "Ñúñez" in lead_id.get_data(as_text=True)
    answer = client.post("/booth/scan", data={"code": "KN-JOSE01", "csrf_token": csrf},
                         headers={"Accept": "application/json"})  # fmt: skip
    saved = client.post(f"/booth/leads/{answer.json['lead_id']}",
                        data={"csrf_token": csrf, "rating": "5", "note": "Hot", "answer-0": "10k"},
                        headers={"Accept": "application/json"})  # fmt: skip
    assert saved.json["rating"] == 5 and saved.json["answers"] == {"Budget?": "10k"}


def test_a_queued_phone_scan_sent_twice_is_one_visit(booth) -> None:
    client, csrf = booth
    item = {"code": "KN-JOSE01", "op_id": str(uuid.uuid4()), "rating": "3", "csrf_token": csrf}
    for _ in range(2):
        answer = client.post("/booth/scan", data=item, headers={"Accept": "application/json"})
        assert answer.status_code == 201
    assert answer.json["visits"] == 1 and answer.json["rating"] == 3


def test_a_booth_post_without_the_form_token_is_refused(booth) -> None:
    client, _ = booth
    assert client.post("/booth/scan", data={"code": "KN-JOSE01"}).status_code == 400


def test_an_unknown_badge_says_so_at_the_booth(booth) -> None:
    client, csrf = booth
    page = client.post("/booth/scan", data={"code": "garbage<script>", "csrf_token": csrf})
    assert page.status_code == 404
    assert "Unknown code" in page.get_data(as_text=True)
    assert "garbage" not in page.get_data(as_text=True)  # the scanned text is never echoed


def test_a_booth_browser_reaches_no_staff_page_and_no_attendee(booth) -> None:
    client, _ = booth
    assert client.get("/desk").status_code in (302, 303)  # to the staff sign-in
    assert client.get("/api/v1/attendees?q=jose").status_code == 401
    assert client.get("/sponsors").status_code in (302, 303)


def test_the_sponsor_report_has_leads_traffic_and_track_counts(booth, schedule_loaded) -> None:
    client, csrf = booth
    for code in ("KN-JOSE01", "KN-OBRI01", "KN-JOSE01"):
        client.post("/booth/scan", data={"code": code, "csrf_token": csrf})
    page = client.get("/booth/report").get_data(as_text=True)
    assert "Ñúñez" in page and "O&#39;Brien" in page
    assert "Booth traffic per hour" in page and "<td>3</td>" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/booth/leads.csv").get_data(as_text=True))))
    assert sorted(r["last_name"] for r in rows) == ["O'Brien", "Ñúñez"]
    assert {r["email"] for r in rows} == {""}


def test_a_supervisor_reads_every_sponsor_report_and_desk_staff_none(db_path, app) -> None:
    _token(db_path)
    supervisor = app.test_client()
    sign_in(supervisor, "Budi")
    listing = supervisor.get("/sponsors")
    assert listing.status_code == 200 and "Acme Cloud" in listing.get_data(as_text=True)
    assert supervisor.get("/sponsors/acme-cloud/report").status_code == 200
    assert supervisor.get("/sponsors/nobody/report").status_code == 404
    desk = app.test_client()
    sign_in(desk, "Ana")
    assert desk.get("/sponsors").status_code == 403


def test_an_import_keeps_each_attendees_consent_and_names_a_bad_cell(db, node) -> None:
    data = (b"code,first_name,last_name,email,share_email\n"
            b"C-1,Ayu,Lestari,ayu@example.id,Ya\n"
            b"C-2,Bima,Sakti,bima@example.id,no\n"
            b"C-3,Citra,Dewi,citra@example.id,\n")  # fmt: skip
    importer.import_attendees(db, node, data)
    got = dict(db.execute("SELECT code, share_email FROM attendee WHERE code LIKE 'C-%'"))
    assert got == {"C-1": "yes", "C-2": "no", "C-3": ""}
    with pytest.raises(CsvError, match="line 3: share_email 'maybe'"):
        importer.parse(b"code,first_name,consent\nD-1,Dewi,yes\nD-2,Eka,maybe\n")
