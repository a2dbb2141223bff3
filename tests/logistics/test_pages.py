"""The staff screens through the test client: report with a photo, board, day log exports."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("schedule_loaded")


def _photo() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (4000, 3000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: must not travel
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _report(client, csrf, **form):
    data = {"csrf_token": csrf, "place": "room:kamboja", "category": "av", **form}
    return client.post("/logistics/report", data=data, content_type="multipart/form-data")


def test_a_report_with_a_photo_keeps_it_small_and_without_exif(client):
    csrf = sign_in(client)
    sent = _report(client, csrf, text="Projector dead", photo=(io.BytesIO(_photo()), "p.jpg"))
    assert sent.status_code == 303
    board = client.get("/logistics").get_data(as_text=True)
    assert "Projector dead" in board and "Kamboja" in board
    incident = board.split('href="/logistics/incidents/')[1].split('"')[0]
    photo = client.get(f"/logistics/incidents/{incident}/photo.jpg")
    assert photo.mimetype == "image/jpeg" and len(photo.data) <= 44_000
    with Image.open(io.BytesIO(photo.data)) as small:
        assert max(small.size) <= 800 and not small.getexif()


def test_a_report_without_words_is_named_by_category_and_place(client):
    csrf = sign_in(client)
    _report(client, csrf, category="catering")
    assert "Catering · Kamboja" in client.get("/logistics").get_data(as_text=True)


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_recorded(client):
    csrf = sign_in(client)
    sent = _report(client, csrf, photo=(io.BytesIO(b"not an image"), "x.jpg"))
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "not a photo" in page
    assert "No open incidents" in client.get("/logistics").get_data(as_text=True)


def test_desk_staff_report_but_cannot_resolve(client):
    csrf = sign_in(client)
    _report(client, csrf, text="Bin full")
    board = client.get("/logistics").get_data(as_text=True)
    assert "Resolve" not in board
    incident = board.split('href="/logistics/incidents/')[1].split('"')[0]
    refused = client.post(f"/logistics/incidents/{incident}",
                          data={"csrf_token": csrf, "status": "resolved"})  # fmt: skip
    assert refused.status_code == 403


def test_day_log_csv_and_pdf_hold_the_day(client, make_token):
    boss = make_token("supervisor")
    made = client.post("/api/v1/incidents", json={"title": "Lift stuck", "severity": "urgent"},
                       headers=boss).json  # fmt: skip
    client.post(
        f"/api/v1/incidents/{made['incident_id']}",
        json={"status": "resolved", "note": "Technician freed it"},
        headers=boss,
    )
    lunch = {"vendor": "=Dapur", "what": "Lunch for 800", "due_at": "2026-12-01T09:30"}
    client.post("/api/v1/deliveries", json=lunch, headers=boss)
    sign_in(client, "Budi")
    text = client.get("/logistics/day/2026-12-01.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Incidents"]
    lift = next(r for r in rows if "Lift stuck" in r)
    assert lift[0] == "10:05" and lift[7] == "10:05" and "Technician freed it" in lift[8]
    lunch = next(r for r in rows if "Lunch for 800" in r)
    assert lunch[0] == "09:30" and lunch[1] == "'=Dapur"  # no formula in a spreadsheet
    pdf = client.get("/logistics/day/2026-12-01.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    page = client.get("/logistics/day/2026-12-01").get_data(as_text=True)
    assert "Lift stuck" in page and "Lunch for 800" in page
    assert "Staff shifts" in page and ["Staff shifts"] in rows  # the third section
    assert "No incidents on this day." in client.get("/logistics/day/2026-12-02").get_data(
        as_text=True)  # fmt: skip


def test_a_supervisor_adds_a_vendor_and_a_delivery_and_marks_it(client, clock):
    csrf = sign_in(client, "Budi")
    client.post("/logistics/vendors", data={"csrf_token": csrf, "name": "Bunga Mekar",
                                            "service": "Flowers", "phone": "+62 817"})  # fmt: skip
    added = client.post("/logistics/deliveries", data={
        "csrf_token": csrf, "vendor": "bunga mekar", "what": "Stage flowers",
        "due_day": "2026-12-01", "due_time": "08:30", "room_id": "kenanga"})  # fmt: skip
    assert added.status_code == 303
    page = client.get("/logistics/vendors?day=2026-12-01").get_data(as_text=True)
    assert "Stage flowers" in page and 'href="tel:+62 817"' in page  # the vendor's phone
    assert "state-late" in page  # due 08:30, and at 10:05 nobody has marked it
    delivery = page.split('action="/logistics/deliveries/')[1].split('"')[0]
    client.post(f"/logistics/deliveries/{delivery}", data={"csrf_token": csrf,
                                                           "status": "arrived"})  # fmt: skip
    page = client.get("/logistics/vendors?day=2026-12-01").get_data(as_text=True)
    assert "state-late" not in page and "95 min late" in page


def test_the_board_says_when_head_office_cannot_be_reached(db_path, clock):
    from kiosk import create_app

    app = create_app({"DATABASE": str(db_path), "TESTING": True, "SECRET_KEY": "t",
                      "CLOCK": clock, "SYNC_PEER": "http://127.0.0.1:9"})  # fmt: skip
    client = app.test_client()
    sign_in(client)
    assert "head office cannot be reached" in client.get("/logistics").get_data(as_text=True)
