"""The demo event's first day of logistics: vendors, deliveries and incidents with notes.

A believable day for a newcomer to click through: a projector dies in Melati ten minutes
before the keynote's overflow screening, the lunch is late, the tote bags arrive forty
minutes late, and most things are resolved with notes. Written as ops, like every change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime, time

from kiosk.desk.checkin import utc_iso
from kiosk.desk.event import load as load_event
from kiosk.logistics import deliveries, incidents
from kiosk.replication.node import Node

SUPERVISOR, DESK = "Budi", "Ana"  # the demo's staff (kiosk/demo/loader.py)
VENDORS = (
    ("Dapur Nusantara Catering", "Catering", "Pak Joko Santoso", "+62 812 3456 7801"),
    ("Prima AV Rental", "Projectors, sound, microphones", "Ibu Rina Wijaya", "+62 813 2222 9012"),
    ("Cetak Kilat Printing", "Badges, tote bags, signage", "Mas Adi Pratama", "+62 815 7788 1234"),
    ("Bunga Mekar Florist", "Stage flowers", "Ibu Sari Lestari", "+62 817 4455 6677"),
    ("Garda Aman Security", "Door guards", "Pak Bambang Susilo", "+62 811 9900 3344"),
)
# vendor index, due (venue time), what, room, then the mark: (status, at, note) or None
DELIVERIES = (
    (0, "06:30", "Coffee and snacks for 800", "ballroom", ("arrived", "06:25", "")),
    (4, "07:00", "12 guards for the doors and registration", "", ("arrived", "06:55", "")),
    (2, "07:00", "2 pallets of tote bags", "", ("arrived", "07:40", "Truck stuck in traffic")),
    (3, "07:30", "Stage flowers for the ballroom", "ballroom", ("arrived", "07:20", "")),
    (1, "08:00", "4 wireless microphones", "ballroom", ("arrived", "07:50", "")),
    (1, "09:05", "A replacement projector", "melati", ("arrived", "09:02", "Old one taken back")),
    (2, "10:30", "2,000 spare badge labels", "", ("arrived", "10:45", "")),
    (0, "11:30", "Lunch for 800", "ballroom", ("late", "11:20", "Driver called: new ETA 12:15")),
    (2, "14:00", "Speakers' certificates", "", ("cancelled", "09:30", "Printed on site")),
    (0, "15:00", "Afternoon coffee for 800", "ballroom", None),
    (3, "17:30", "Pick-up of the stage flowers", "ballroom", None),
)  # fmt: skip
# reported, category, severity, room, area, title, reporter, then events:
# ("assign", at, who) · ("note", at, who, text) · ("resolve", at) · ("ack", at, who)
INCIDENTS = (
    ("07:10", "printing", "normal", "", "registration", "Badge printer 2 is out of labels", DESK,
     [("assign", "07:12", SUPERVISOR),
      ("note", "07:18", SUPERVISOR, "Spare roll from the store room"), ("resolve", "07:20")]),
    ("07:45", "facilities", "low", "", "lobby", "Wet floor at the main entrance (rain)", DESK,
     [("note", "08:05", SUPERVISOR, "Cleaners put up signs and mats"), ("resolve", "08:10")]),
    ("08:50", "av", "urgent", "melati", "", "Projector dead: keynote overflow screening at 09:00",
     DESK, [("ack", "08:51", SUPERVISOR), ("assign", "08:51", SUPERVISOR),
            ("note", "08:52", SUPERVISOR, "Called Prima AV: replacement on its way"),
            ("note", "08:56", DESK, "Laptop and the big TV as a stopgap"),
            ("note", "09:06", SUPERVISOR, "Replacement projector installed, screening runs"),
            ("resolve", "09:06")]),
    ("09:15", "catering", "normal", "ballroom", "", "Coffee station ran out of cups", DESK,
     [("note", "09:28", SUPERVISOR, "Caterer brought 500 more"), ("resolve", "09:30")]),
    ("09:40", "security", "normal", "", "registration", "Group of 6 without tickets at the door",
     DESK, [("assign", "09:41", DESK), ("note", "09:50", DESK, "Sent to the walk-in desk"),
            ("resolve", "09:50")]),
    ("10:05", "medical", "urgent", "kenanga", "", "Attendee feeling faint in Kenanga", DESK,
     [("ack", "10:05", SUPERVISOR), ("ack", "10:06", DESK), ("assign", "10:06", SUPERVISOR),
      ("note", "10:12", SUPERVISOR, "First-aid team with her; no ambulance needed"),
      ("resolve", "10:25")]),
    ("10:40", "av", "normal", "anggrek", "", "Speaker's HDMI adapter missing", DESK,
     [("note", "10:47", SUPERVISOR, "Adapter from the AV kit at the info desk"),
      ("resolve", "10:48")]),
    ("11:10", "facilities", "normal", "mawar", "", "Air conditioning too cold in Mawar", DESK,
     [("assign", "11:12", SUPERVISOR), ("note", "11:14", SUPERVISOR, "Venue engineer called")]),
    ("11:25", "other", "normal", "melati", "", "Speaker not arrived for the 11:50 session", DESK,
     [("assign", "11:26", DESK), ("note", "11:28", DESK, "Called his mobile: taxi 15 min away")]),
    ("11:35", "catering", "urgent", "ballroom", "", "Lunch for 800 delayed: starts 12:30",
     SUPERVISOR,
     [("ack", "11:35", SUPERVISOR), ("ack", "11:36", DESK),
      ("note", "11:40", SUPERVISOR, "Coffee break extended by 15 minutes")]),
    ("11:50", "printing", "low", "teratai", "", "Door sign of Teratai shows another room", DESK,
     []),
    ("12:05", "security", "low", "", "loading_dock", "Van blocking the loading dock", DESK, []),
)  # fmt: skip


def load(db: sqlite3.Connection, node: Node, day: date) -> None:
    """Writes the day (inside the caller's transaction); the rooms must exist already."""
    zone = load_event(db).zone

    def at(clock: str) -> datetime:
        return datetime.combine(day, time.fromisoformat(clock), zone)

    for name, service, contact, phone in VENDORS:
        fields = {"name": name, "service": service, "contact": contact, "phone": phone}
        deliveries.set_vendor(db, node, fields, SUPERVISOR)
    for vendor, due, what, room, mark in DELIVERIES:
        fields = {"vendor": VENDORS[vendor][0], "what": what, "room_id": room,
                  "due_at": utc_iso(at(due))}  # fmt: skip
        made = deliveries.add(db, node, fields, SUPERVISOR, at("06:00"), day.isoformat())
        if mark:
            deliveries.mark(db, node, made, mark[0], mark[2] or None, SUPERVISOR, at(mark[1]))
    for reported, category, severity, room, area, title, reporter, events in INCIDENTS:
        fields = {"title": title, "room_id": room, "area": area, "category": category,
                  "severity": severity}  # fmt: skip
        made = incidents.report(db, node, fields, reporter, at(reported), day.isoformat())
        for event in events:
            _event(db, node, made, event, at)


def _event(db: sqlite3.Connection, node: Node, incident_id: str, event: tuple,
           at: Callable[[str], datetime]) -> None:  # fmt: skip
    kind, when = event[0], at(event[1])
    if kind == "assign":
        incidents.update(db, node, incident_id, "assigned", event[2], SUPERVISOR, when)
    elif kind == "note":
        incidents.add_note(db, node, incident_id, event[3], event[2], when)
    elif kind == "resolve":
        incidents.update(db, node, incident_id, "resolved", None, SUPERVISOR, when)
    else:
        incidents.acknowledge(db, node, incident_id, event[2], when)
