"""Importing the files organisers actually download: pretix's and Eventbrite's exports (CSV,
.xlsx, Excel's "Unicode text"), through the real `kiosk` command."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from tests.test_cli import counts, kiosk, ok, op_count, query, refused, venue, write

__all__ = ["venue"]  # the fixture, shared with test_cli
DATA = Path(__file__).resolve().parent / "data"
PRETIX = ["checkinlist.csv", "checkinlist-excel.csv", "checkinlist-semicolon.csv",
          "checkinlist.xlsx"]  # fmt: skip
PEOPLE = ("SELECT code, first_name, last_name, email, company, ticket_type, status, block_note"
          " FROM attendee ORDER BY code")  # fmt: skip
ARRIVALS = ("SELECT a.code, c.desk FROM checkin c JOIN attendee a USING (attendee_id)"
            " ORDER BY a.code")  # fmt: skip


def import_file(db: Path, path: Path, *command: str) -> tuple[str, str]:
    result = kiosk(db, "import", *(command or ("attendees",)), str(path))
    return ok(result), result.stderr


def ignored(stderr: str) -> list[str]:
    match = re.search(r"^Ignored columns: (.*)$", stderr, re.M)
    assert match, stderr
    return match.group(1).split(", ")


@pytest.mark.parametrize("name", PRETIX)
def test_pretix_checkin_list_imports(venue, name):
    out, err = import_file(venue, DATA / "pretix" / name)
    assert counts(out) == (4, 0, 0)
    assert query(venue, PEOPLE) == [
        # Name parts win over the full name: "Dr. Budi Santoso" is Budi Santoso.
        ("k7mqh3vqpz9x2ud4wbe8cn5rfa6ytg2s", "Ana", "Lima", "ana@example.org", "Acme, Inc",
         "Conference ticket", "valid", ""),
        ("p2xw8ne5rtq4ak9mz3hcv7ubd6gsy1fj", "Budi", "Santoso", "budi@example.org", "PT Maju",
         "Workshop", "valid", ""),
        ("r9df4kq2wz7mxc5vta8nbh3ue6pyg1sj", "Sukarno", "", "sukarno@example.org", "",
         "Conference ticket", "valid", "Yes"),
        ("w3hy6tb9qk2mzr5xcd8nva4ue7fpg1sj", "Zoë", "Müller", "zoe@example.org",
         "Universität Wien", "Conference ticket", "valid", ""),
    ]  # fmt: skip
    columns = ignored(err)
    assert {"Order code", "Price", "Attendee name: Title", "Address", "Checked out"} <= set(columns)
    assert len(columns) == len(set(columns))
    # Budi was checked in at pretix: that arrival is kept, at the ticket system's desk.
    assert query(venue, ARRIVALS) == [("p2xw8ne5rtq4ak9mz3hcv7ubd6gsy1fj", "ticket system")]
    before = op_count(venue)
    assert counts(import_file(venue, DATA / "pretix" / name)[0]) == (0, 0, 4)
    assert op_count(venue) == before


EVENTBRITE = ("SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
              " status FROM attendee ORDER BY attendee_id")  # fmt: skip
EVENTBRITE_PEOPLE = [
    ("9120347701", "7251118801912034770100", "Ana", "Lima", "ana@example.org", "Acme, Inc",
     "General Admission", "valid"),
    # The company was written on two lines: it folds to one.
    ("9120347702", "7251118802912034770200", "Budi", "Santoso", "budi@example.org",
     "PT Maju Jaya", "VIP", "valid"),
    ("9120347703", "7251118803912034770300", "Chen", "Wei", "chen@example.org", "",
     "General Admission", "cancelled"),
    ("9120347704", "7251118804912034770400", "Siti", "Nurhaliza", "siti@example.org",
     "Universitas Indonesia", "General Admission", "valid"),
]  # fmt: skip


def unicode_text(tmp_path: Path) -> Path:
    """The report as Excel saves it as "Unicode text": UTF-16 with BOM, tabs, CRLF."""
    rows = list(csv.reader(io.StringIO((DATA / "eventbrite" / "attendee_report.csv").read_text())))
    out = io.StringIO()
    csv.writer(out, dialect="excel-tab").writerows(rows)
    return write(tmp_path, "report.txt", out.getvalue().encode("utf-16"))


@pytest.mark.parametrize("name", ["attendee_report.csv", "attendee_report.xlsx", "unicode"])
def test_eventbrite_attendee_report_imports(venue, tmp_path, name):
    path = unicode_text(tmp_path) if name == "unicode" else DATA / "eventbrite" / name
    out, err = import_file(venue, path)
    assert counts(out) == (4, 0, 0)
    assert "1 checked in at the 'ticket system' desk" in out
    assert query(venue, EVENTBRITE) == EVENTBRITE_PEOPLE
    assert {"Order #", "Total Paid", "Attendee Status"} - set(ignored(err)) == {"Attendee Status"}
    # "Checked In" stays an arrival (a check-in op), not just a valid ticket.
    assert query(venue, ARRIVALS) == [("7251118801912034770100", "ticket system")]
    assert query(venue, "SELECT count(*) FROM op WHERE kind = 'checkin'") == [(1,)]
    before = op_count(venue)
    assert counts(import_file(venue, path)[0]) == (0, 0, 4)
    assert op_count(venue) == before


@pytest.mark.parametrize("sep", [",", "\t"], ids=["comma", "tab"])
def test_quoted_line_break_folds_to_a_space(venue, tmp_path, sep):
    data = (f'Code{sep}Name{sep}Company\n'
            f'T-1{sep}Ana Lima{sep}"Universitas\r\nIndonesia"\n'
            f'T-2{sep}Budi{sep}"PT Maju\n"\n')  # fmt: skip
    assert counts(import_file(venue, write(tmp_path, "t.csv", data))[0]) == (2, 0, 0)
    assert query(venue, "SELECT code, first_name, last_name, company FROM attendee") == [
        ("T-1", "Ana", "Lima", "Universitas Indonesia"),
        ("T-2", "Budi", "", "PT Maju"),
    ]


@pytest.mark.parametrize("header", ["Affiliation", "Organisation", "Organization"])
def test_affiliation_is_the_company(venue, tmp_path, header):
    data = write(tmp_path, "a.csv", f"Code,Name,{header}\nT-1,Ana Lima,Universitas Indonesia\n")
    import_file(venue, data)
    assert query(venue, "SELECT company FROM attendee") == [("Universitas Indonesia",)]


def workbook(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "people.xlsx"
    book.save(path)
    return path


def test_xlsx_numbers_are_codes_and_a_bad_row_names_its_line(venue, tmp_path):
    good = [["Barcode #", "First Name", "Last Name", "Email"], [111222333, "Ana", "Lima", None]]
    assert counts(import_file(venue, workbook(tmp_path, good))[0]) == (1, 0, 0)
    assert query(venue, "SELECT code, first_name FROM attendee") == [("111222333", "Ana")]
    bad = [*good, [111222334, "Budi", "", "budi at example"]]
    reason = refused(kiosk(venue, "import", "attendees", str(workbook(tmp_path, bad))))
    assert re.search(r"\bline 3\b", reason) and "Nothing was imported" in reason, reason
    assert query(venue, "SELECT count(*) FROM attendee") == [(1,)]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"PK\x03\x04 not really a workbook", 1, id="broken_xlsx"),
        pytest.param(
            'code\tname\nA-1\tAna\nA-2\t"Budi\nA-3\tCitra\n'.encode("utf-16"),
            3,
            id="utf16_unclosed_quote",
        ),
        pytest.param(b"code,name\nA-1,Ana\nA-2,Bu\x07di\n", 3, id="control_character"),
    ],
)
def test_broken_files_import_nothing_and_name_the_line(venue, tmp_path, data, line):
    reason = refused(kiosk(venue, "import", "attendees", str(write(tmp_path, "bad.csv", data))))
    assert re.search(rf"\bline {line}\b", reason), reason
    assert query(venue, "SELECT count(*) FROM attendee") == [(0,)]


# -- the command line as --help describes it ----------------------------------------------------


def test_import_file_is_import_attendees(venue, tmp_path):
    data = write(tmp_path, "people.csv", "code,name\nR-1,Rani\n")
    assert "Import attendees from a CSV file" in ok(kiosk(venue, "--help"))
    assert counts(ok(kiosk(venue, "import", str(data)))) == (1, 0, 0)
    assert counts(ok(kiosk(venue, "import", "attendees", str(data)))) == (0, 0, 1)
    missing = kiosk(venue, "import", str(tmp_path / "nothere.csv"))
    assert missing.returncode != 0 and "nothere.csv' does not exist" in missing.stderr
    # A mistyped subcommand is still one: kiosk says so and suggests the right one.
    assert "No such command 'sesions'" in kiosk(venue, "import", "sesions").stderr


def test_init_ends_its_line(tmp_path):
    out = ok(kiosk(tmp_path / "new.sqlite3", "init", "--event", "Jakarta Dev Summit"))
    assert out.endswith("\n") and out.count("\n") == 1, repr(out)
