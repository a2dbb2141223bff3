"""The post-event report's incidents and deliveries: per event day, what happened and how fast.

The day log (kiosk.logistics.daylog) has every row with its times; the report counts them,
so an organiser sees at a glance which day went wrong and which vendor was late.
"""

from __future__ import annotations

from statistics import median

from kiosk.documents.pdf import Section
from kiosk.logistics import deliveries, incidents, rules
from kiosk.reports.facts import Facts


def _minutes_to_resolve(rows: list) -> str:
    spans = [rules.minutes_late(r["reported_at"], r["resolved_at"])
             for r in rows if r["status"] == "resolved" and r["resolved_at"]]  # fmt: skip
    return str(round(median(spans))) if spans else ""


def section(f: Facts) -> Section:
    """One row per event day: incidents (urgent, resolved, median minutes to resolve) and
    deliveries (arrived, of them late, cancelled, still expected or late now)."""
    _ = f._
    rows, late_vendors = [], set()
    for day in (d.isoformat() for d in f.event.dates()):
        found = incidents.on_day(f.db, day)
        due = deliveries.on_day(f.db, day)
        arrived = [d for d in due if d["status"] == "arrived"]
        late = [d for d in arrived if rules.minutes_late(d["due_at"], d["status_at"])]
        waiting = [d for d in due if rules.delivery_state(d["status"], d["due_at"], f.now)
                   in ("expected", "late")]  # fmt: skip
        late_vendors |= {d["vendor_name"] for d in late}
        rows.append([day, len(found), sum(r["severity"] == "urgent" for r in found),
                     sum(r["status"] == "resolved" for r in found), _minutes_to_resolve(found),
                     len(due), len(arrived), len(late),
                     sum(d["status"] == "cancelled" for d in due), len(waiting)])  # fmt: skip
    lines = [
        _("The day log (on the Logistics screen) has every incident and delivery with its times.")
    ]
    if late_vendors:
        lines.append(_("Arrived late: %(vendors)s.", vendors=", ".join(sorted(late_vendors))))
    columns = [_("Day"), _("Incidents"), _("Urgent"), _("Resolved"), _("Minutes to resolve"),
               _("Deliveries"), _("Arrived"), _("Arrived late"), _("Cancelled"),
               _("Not arrived")]  # fmt: skip
    return Section(_("Incidents and deliveries"), lines, columns, rows,
                   widths=(12, 9, 8, 9, 11, 10, 9, 9, 10, 10))  # fmt: skip
