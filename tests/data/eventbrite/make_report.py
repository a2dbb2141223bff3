"""Writes the Eventbrite attendee report in this folder as CSV and as Excel (.xlsx).

Eventbrite's files cannot be made offline, so these are shaped column for column like the
attendee report its organiser dashboard downloads (Reports > Attendee summary, all columns):
order and attendee numbers, buyer and ticket, money columns, the attendee's status (Attending,
Checked In, Not Attending), home and work address, job title, company and the barcode.
Run it with any Python that has openpyxl: `python tests/data/eventbrite/make_report.py`.
"""

import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
HEADER = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Price Tier",
    "Ticket Type", "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid",
    "Eventbrite Fees", "Eventbrite Payment Processing", "Attendee Status", "Home Address 1",
    "Home Address 2", "Home City", "Home State", "Home Zip", "Home Country", "Cell Phone",
    "Job Title", "Company", "Work Address 1", "Work Address 2", "Work City", "Work State",
    "Work Zip", "Work Country", "Work Phone", "Barcode #",
]  # fmt: skip
ROWS = [
    ["7251118801", "2026-11-02 10:04:05+07:00", "Ana", "Lima", "ana@example.org", "1", "",
     "General Admission", "9120347701", "", "Eventbrite Completed", "IDR", "1500000.00",
     "45000.00", "30000.00", "15000.00", "Checked In", "Jl. Sudirman 1", "Lantai 5", "Jakarta",
     "DKI Jakarta", "10220", "ID", "+62 812 5550 101", "Engineer", "Acme, Inc", "", "", "", "",
     "", "", "", "7251118801912034770100"],
    ["7251118802", "2026-11-03 08:15:00+07:00", "Budi", "Santoso", "budi@example.org", "1", "",
     "VIP", "9120347702", "", "Eventbrite Completed", "IDR", "3000000.00", "90000.00",
     "60000.00", "30000.00", "Attending", "", "", "", "", "", "", "", "CTO", "PT Maju\nJaya",
     "Jl. Thamrin 9\nGedung B", "", "Jakarta", "", "10340", "ID", "", "7251118802912034770200"],
    ["7251118803", "2026-11-04 19:30:12+07:00", "Chen", "Wei", "chen@example.org", "1", "",
     "General Admission", "9120347703", "", "Eventbrite Completed", "IDR", "0.00", "0.00",
     "0.00", "0.00", "Not Attending", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "", "7251118803912034770300"],
    ["7251118804", "2026-11-05 12:00:00+07:00", "Siti", "Nurhaliza", "siti@example.org", "1",
     "", "General Admission", "9120347704", "", "Eventbrite Completed", "IDR", "1500000.00",
     "45000.00", "30000.00", "15000.00", "Attending", "", "", "", "", "", "", "", "",
     "Universitas Indonesia", "", "", "", "", "", "", "", "7251118804912034770400"],
]  # fmt: skip

with open(HERE / "attendee_report.csv", "w", encoding="utf-8", newline="") as out:
    csv.writer(out).writerows([HEADER, *ROWS])
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Attendee Summary"
for row in [HEADER, *ROWS]:
    sheet.append(row)
book.save(HERE / "attendee_report.xlsx")
