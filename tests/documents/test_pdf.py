"""Reports as PDF: real text a reader can search, every row kept across pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kiosk.documents.pdf import Section, report_pdf


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def test_a_report_keeps_every_row_and_writes_names_in_their_own_letters(tmp_path: Path) -> None:
    rows = [(f"{h:02d}:00", f"Delivery {h}", "Nguyễn Thị Hằng") for h in range(200)]
    pdf = report_pdf(
        "Day log — 2026-12-03",
        "Jakarta Convention Center",
        [
            Section("Deliveries", columns=("Time", "What", "Received by"), rows=rows),
            Section("Incidents", lines=("Nothing was reported.",), columns=("Time",), rows=[]),
        ],
    )
    text = _text(pdf, tmp_path)
    assert "Day log — 2026-12-03" in text
    assert "Delivery 0 " in text and "Delivery 199" in text  # the table went on for pages
    assert text.count("Received by") > 1  # its header repeats on every page
    assert "Nguyễn Thị Hằng" in text
    assert "Nothing was reported." in text and "—" in text
