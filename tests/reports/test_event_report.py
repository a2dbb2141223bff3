"""The post-event report: every section on the page and in the PDF, for supervisors only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node
from tests.conftest import sign_in

HEADINGS = ("Registrations and arrivals", "Arrival curve", "Desk throughput",
            "Session attendance", "Room changes and their impact", "Incidents and deliveries",
            "Badge prints and reprints", "Sync audit")  # fmt: skip


def _arrive(db_path: Path, clock) -> None:
    conn = open_db(db_path)
    code = conn.execute("SELECT code FROM attendee WHERE status = 'valid' AND block_note = ''"
                        " ORDER BY attendee_id").fetchone()[0]  # fmt: skip
    checkin.scan(conn, load_node(conn), code, desk="Desk North-1", now=clock.now())
    conn.close()


def test_the_page_has_every_section_and_the_curve(client, db_path, clock) -> None:
    _arrive(db_path, clock)
    sign_in(client, "Budi")
    html = client.get("/reports/event").get_data(as_text=True)
    for heading in HEADINGS:
        assert heading in html
    assert 'role="img"' in html and "Desk North-1" in html
    assert "Head office never confirmed" in html  # this node never ran sync --final


def test_the_pdf_says_the_same(client, db_path, clock, tmp_path: Path) -> None:
    _arrive(db_path, clock)
    sign_in(client, "Budi")
    answer = client.get("/reports/event.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(answer.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for heading in HEADINGS:
        assert heading in text
    assert "Test Conference" in text and "Desk North-1" in text


def test_desk_staff_cannot_read_it(client) -> None:
    sign_in(client, "Ana")
    assert client.get("/reports/event").status_code == 403
    assert client.get("/reports/event.pdf").status_code == 403


def test_the_cli_writes_the_pdf(db_path: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kiosk.cli import main

    target = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["--db", str(db_path), "report", "event", "--pdf",
                                       str(target)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_a_room_change_and_a_reprint_are_in_the_report(client, db_path, schedule_loaded) -> None:
    from kiosk.db import transaction
    from kiosk.rooms import moves, schedule

    conn = open_db(db_path)
    node = load_node(conn)
    session = schedule.session_rows(conn)[0]
    other = next(r for r in schedule.rooms(conn) if r.room_id != session["room_id"])
    with transaction(conn):
        plan = moves.preview(conn, session["session_id"], other.room_id)
        moves.move(conn, node, plan, "Budi", "projector broken", "2026-12-01T03:00:00.000Z")
        for reprint in (False, True):
            node.record(conn, "badge_printed", "a-jose", {
                "job_id": f"j{reprint}", "printer": "p", "template": "default",
                "reason": "lost badge" if reprint else "auto", "reprint": reprint,
                "name": "José", "shortened": False, "outcome": "printed", "desk": "Desk 1",
                "staff": "Ana", "at": "2026-12-01T03:00:00.000Z"})  # fmt: skip
    conn.close()
    sign_in(client, "Budi")
    html = client.get("/reports/event").get_data(as_text=True)
    assert "projector broken" in html and f"→ {other.name}" in html
    assert "2 badges printed, 1 of them reprints." in html and "lost badge" in html


def test_incidents_and_deliveries_are_counted_per_day(client, make_token, clock) -> None:
    boss = make_token("supervisor")
    for severity in ("urgent", "normal"):
        client.post("/api/v1/incidents", json={"title": "Projector dead in Melati",
                                               "severity": severity}, headers=boss)  # fmt: skip
    late = client.post("/api/v1/deliveries", json={"vendor": "Dapur Nusantara", "what": "Lunch",
                                                   "due_at": "2026-12-01T01:30:00Z"},
                       headers=boss).json  # fmt: skip
    client.post(
        f"/api/v1/deliveries/{late['delivery_id']}", json={"status": "arrived"}, headers=boss
    )  # arrives at 09:00 Jakarta, half an hour late
    flowers = {"vendor": "Bunga Indah", "what": "Flowers", "due_at": "2026-12-01T05:00:00Z"}
    client.post("/api/v1/deliveries", json=flowers, headers=boss)
    sign_in(client, "Budi")
    html = client.get("/reports/event").get_data(as_text=True)
    assert "Arrived late: Dapur Nusantara." in html
    row = html.split("<td>2026-12-01</td>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == ["2", "1", "0", "", "2", "1", "1", "0", "1"]
