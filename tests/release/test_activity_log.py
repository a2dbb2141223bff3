"""Print jobs and their printer's health, as the log and /metrics tell them."""

from __future__ import annotations

import logging

from kiosk.db import transaction
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing.worker import Printers, work_once
from tests.release.test_metrics import samples
from tests.test_printing import REFUSED, T0, FakePrinter


def test_each_print_job_is_logged_when_it_ends_and_counted_by_status(
    db, node, client, make_token, caplog
):
    with transaction(db):
        print_setup.add_printer(db, "north", "memory://", now=T0)
    printed = printing.request_print(db, "a-jose", now=T0)
    refused = printing.request_print(db, "a-josefina", now=T0)
    with caplog.at_level(logging.INFO, logger="kiosk.print"):
        work_once(db, node, "north", Printers(lambda url: FakePrinter()), lambda: T0)
        work_once(db, node, "north", Printers(lambda url: FakePrinter(REFUSED)), lambda: T0)
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "kiosk.print"]
    assert lines == [("INFO", f"print job {printed.job_id} on north: printed"),
                     ("WARNING", f"print job {refused.job_id} on north: failed"
                                 f" ({REFUSED.message})")]  # fmt: skip
    found = samples(client, make_token("metrics"))
    assert found[("kiosk_print_jobs", (("status", "printed"),))] == 1
    assert found[("kiosk_print_jobs", (("status", "failed"),))] == 1
    assert found[("kiosk_printer_up", (("printer", "north"),))] == 0  # failed since its success
