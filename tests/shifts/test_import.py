"""Shifts from a spreadsheet: CSV from the command line and the supervisor's upload, .xlsx
as Excel writes it; a broken file imports nothing and names its line."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.desk.sheets import CsvError
from kiosk.shifts import importer, store
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("schedule_loaded")
HEADER = ["Person", "Badge code", "Role", "Room", "Start", "End"]


def workbook(rows: list[list[object]]) -> bytes:
    """An .xlsx as a spreadsheet saves it: typed cells, a header in bold."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r in [HEADER, *rows]:
        sheet.append(r)
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_imports_with_room_names(db, node) -> None:
    from datetime import datetime

    data = workbook([["Dewi Lestari", "", "Usher", "Kamboja", datetime(2026, 12, 1, 10, 0),
                      datetime(2026, 12, 1, 12, 0)],
                     ["", "KN-SUKA01", "technician", "Loading dock", "2026-12-01T07:00+07:00",
                      "2026-12-01T09:00+07:00"]])  # fmt: skip
    report = importer.import_shifts(db, node, data)
    assert (report.added, report.updated) == (2, 0)
    rows = {r["person"]: r for r in store.shifts_on(db, "2026-12-01")}
    assert rows["Dewi Lestari"]["place"] == "kamboja"  # the room, by its name
    assert rows["Dewi Lestari"]["starts_at"] == "2026-12-01T03:00:00.000Z"  # Jakarta time
    assert rows["Sukarno"]["place"] == "Loading dock"  # an area; the name from the badge
    assert importer.import_shifts(db, node, data).unchanged == 2


def test_a_broken_file_imports_nothing_and_names_the_line(db, node) -> None:
    data = (b"person,role,place,starts_at,ends_at\n"
            b"Dewi,usher,kamboja,2026-12-01T10:00,2026-12-01T12:00\n"
            b"Putu,usher,anggrek,2026-12-01T11:00,2026-12-01T10:00\n")  # fmt: skip
    with pytest.raises(CsvError, match="line 3: ends_at is not after starts_at"):
        importer.import_shifts(db, node, data)
    assert store.shifts_on(db, "2026-12-01") == []


def test_quoted_cells_and_semicolons_as_a_spreadsheet_exports(db, node) -> None:
    data = ('\ufeffPerson;Role;Place;Starts at;Ends at\r\n'
            '"Lestari; Dewi";usher;"Foyer\nnorth";2026-12-01 10:00;2026-12-01 12:00\r\n'
            ).encode()  # fmt: skip
    importer.import_shifts(db, node, data)
    (row,) = store.shifts_on(db, "2026-12-01")
    assert (row["person"], row["place"]) == ("Lestari; Dewi", "Foyer north")


def test_kiosk_import_shifts(db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "shifts.csv"
    good.write_text("person,role,place,starts_at,ends_at\n"
                    "Dewi,usher,kamboja,2026-12-01T10:00,2026-12-01T12:00\n")  # fmt: skip
    done = CliRunner().invoke(main, ["--db", str(db_path), "import", "shifts", str(good)])
    assert done.exit_code == 0 and "1 added" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("person,role,place,starts_at\nDewi,usher,kamboja,10:00\n")
    failed = CliRunner().invoke(main, ["--db", str(db_path), "import", "shifts", str(bad)])
    assert failed.exit_code != 0
    assert "line 1" in failed.output and "Nothing was imported" in failed.output


def test_supervisor_uploads_and_desk_may_not(client, db_path: Path) -> None:
    csrf = sign_in(client, "Ana")
    sheet = workbook([["Dewi", "", "usher", "kamboja", "2026-12-01T10:00", "2026-12-01T12:00"]])
    data = {"file": (io.BytesIO(sheet), "s.xlsx"), "csrf_token": csrf}
    assert client.post("/shifts/import", data=data).status_code == 403
    csrf = sign_in(client, "Budi")
    broken = {"file": (io.BytesIO(b"person,role\nDewi,usher\n"), "s.csv"), "csrf_token": csrf}
    page = client.post("/shifts/import", data=broken, follow_redirects=True).data
    assert b"Nothing was imported: line 1" in page
    data["csrf_token"] = csrf
    data["file"] = (io.BytesIO(sheet), "s.xlsx")
    page = client.post("/shifts/import", data=data, follow_redirects=True).data
    assert b"Shifts: 1 added" in page and b"Dewi" in page
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM shift").fetchone()[0] == 1
