"""Makes the pretix check-in list exports in this folder with pretix's own exporter.

pretix is not a dependency of Kiosk: run this with a Python that has pretix installed, e.g.

    python3 -m venv ~/.cache/kiosk-tests/pretix-venv
    ~/.cache/kiosk-tests/pretix-venv/bin/pip install pretix
    ~/.cache/kiosk-tests/pretix-venv/bin/python tests/data/pretix/make_exports.py

It builds a throw-away pretix database (SQLite, in a temporary folder), one event with the
name scheme "salutation, title, given name, family name", four tickets (one with a two-line
address, one checked in, one blocked), and writes the check-in list as CSV (commas, as pretix
names it "CSV (with commas)"), CSV (Excel-style), CSV with semicolons and Excel (.xlsx).
"""

import logging
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path(tempfile.mkdtemp(prefix="pretix-"))
(WORK / "pretix.cfg").write_text(
    f"[pretix]\ndatadir={WORK}/data\necb_rates=False\n"
    f"[database]\nbackend=sqlite3\nname={WORK}/db.sqlite3\n"
    "[django]\nsecret=only-for-making-test-files\n"
    "[locale]\ndefault=en\ntimezone=Asia/Jakarta\n"
)
(WORK / "data").mkdir()
os.environ["PRETIX_CONFIG_FILE"] = str(WORK / "pretix.cfg")
os.environ["DJANGO_SETTINGS_MODULE"] = "pretix.settings"

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)  # orders made without pretix's checkout warn of their totals

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

MIGRATED = Path.home() / ".cache/kiosk-tests/pretix-migrated.sqlite3"  # migrating takes minutes
if MIGRATED.exists():
    shutil.copyfile(MIGRATED, WORK / "db.sqlite3")
call_command("migrate", verbosity=0)
if not MIGRATED.exists():
    shutil.copyfile(WORK / "db.sqlite3", MIGRATED)

from pretix.base.models import (  # noqa: E402
    Checkin,
    CheckinList,
    Event,
    Item,
    Order,
    OrderPosition,
    Organizer,
)
from pretix.plugins.checkinlists.exporters import CSVCheckinList  # noqa: E402

SCHEME = "salutation_title_given_family"
PEOPLE = [  # code, secret, name parts, e-mail, company, product, street
    ("JKT01", "k7mqh3vqpz9x2ud4wbe8cn5rfa6ytg2s",
     {"salutation": "Ms", "title": "", "given_name": "Ana", "family_name": "Lima"},
     "ana@example.org", "Acme, Inc", "Conference ticket", "Jl. Sudirman 1\nLantai 5"),
    ("JKT02", "p2xw8ne5rtq4ak9mz3hcv7ubd6gsy1fj",
     {"salutation": "Mr", "title": "Dr.", "given_name": "Budi", "family_name": "Santoso"},
     "budi@example.org", "PT Maju", "Workshop", ""),
    ("JKT03", "r9df4kq2wz7mxc5vta8nbh3ue6pyg1sj",
     {"salutation": "", "title": "", "given_name": "Sukarno", "family_name": ""},
     "sukarno@example.org", "", "Conference ticket", ""),
    ("JKT04", "w3hy6tb9qk2mzr5xcd8nva4ue7fpg1sj",
     {"salutation": "", "title": "", "given_name": "Zoë", "family_name": "Müller"},
     "zoe@example.org", "Universität Wien", "Conference ticket", ""),
]  # fmt: skip

with scopes_disabled(), translation.override("en"):
    organizer = Organizer.objects.create(name="Jakarta Dev", slug="jakartadev")
    event = Event.objects.create(
        organizer=organizer, name="Jakarta Dev Summit", slug="jds26", currency="IDR",
        date_from=datetime(2026, 12, 1, 2, 0, tzinfo=UTC), live=True,
    )  # fmt: skip
    event.settings.name_scheme = SCHEME
    event.settings.timezone = "Asia/Jakarta"
    items = {
        name: Item.objects.create(event=event, name=name, default_price=Decimal(price),
                                  admission=True)
        for name, price in (("Conference ticket", "1500000"), ("Workshop", "500000"))
    }  # fmt: skip
    checkin_list = CheckinList.objects.create(event=event, name="Main entrance",
                                              all_products=True)  # fmt: skip
    ordered = datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC)
    for code, secret, parts, email, company, product, street in PEOPLE:
        order = Order.objects.create(
            event=event, code=code, email=email, status=Order.STATUS_PAID, datetime=ordered,
            expires=ordered, sales_channel=organizer.sales_channels.get(identifier="web"),
            total=items[product].default_price, locale="en",
        )  # fmt: skip
        position = OrderPosition.objects.create(
            order=order, item=items[product], price=items[product].default_price,
            attendee_name_parts={"_scheme": SCHEME, **parts}, attendee_email=email,
            company=company, street=street, zipcode="10220" if street else "",
            city="Jakarta" if street else "", secret=secret, positionid=1,
            blocked=["admin"] if code == "JKT03" else None,
        )  # fmt: skip
        if code == "JKT02":
            Checkin.objects.create(position=position, list=checkin_list,
                                   datetime=datetime(2026, 12, 1, 2, 5, tzinfo=UTC))  # fmt: skip
    for fmt, name in (("default", "checkinlist.csv"), ("csv-excel", "checkinlist-excel.csv"),
                      ("semicolon", "checkinlist-semicolon.csv"),
                      ("xlsx", "checkinlist.xlsx")):  # fmt: skip
        form = {"list": checkin_list.pk, "questions": [], "_format": fmt, "secrets": True,
                "attention_only": False, "status": "", "sort": "name"}  # fmt: skip
        _, _, data = CSVCheckinList(event, organizer).render(form)
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)", file=sys.stderr)
