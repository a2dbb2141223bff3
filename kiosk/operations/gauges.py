"""What the database and the disk say, read when a monitor scrapes GET /metrics.

Nothing here runs per scan: a scrape (every 15–60 s) reads a few counts and file sizes.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily, Metric

from kiosk.printing import queue as print_queue
from kiosk.printing import setup as print_setup
from kiosk.replication import peering, quarantine
from sync import peers

PRINT_STATUSES = ("queued", "sending", "held", "printed", "failed")


def _seconds(at: str | None) -> float | None:
    """An ISO 8601 `*_at` value as Unix seconds (what Prometheus timestamps are)."""
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() if at else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class DatabaseGauges:
    """A prometheus-client collector over one node's database, for one scrape."""

    def __init__(self, db: sqlite3.Connection, db_path: str | Path) -> None:
        self.db, self.path = db, Path(db_path)

    def collect(self) -> Iterator[Metric]:
        yield from self._printing()
        yield from self._sync()
        yield from self._storage()

    def _printing(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("kiosk_print_jobs", "Print jobs by status (not cancelled).",
                                 labels=["status"])  # fmt: skip
        counts = print_queue.status_counts(self.db)
        for status in sorted(set(PRINT_STATUSES) | set(counts)):
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        up = GaugeMetricFamily("kiosk_printer_up",
                               "1 if the printer has had no error since its last success.",
                               labels=["printer"])  # fmt: skip
        queued = GaugeMetricFamily("kiosk_printer_queued_jobs", "Jobs waiting for the printer.",
                                   labels=["printer"])  # fmt: skip
        success = GaugeMetricFamily("kiosk_printer_last_success_timestamp_seconds",
                                    "When the printer last took a job.",
                                    labels=["printer"])  # fmt: skip
        for printer in print_setup.health(self.db):
            up.add_metric([printer.name], 1 if printer.ok else 0)
            queued.add_metric([printer.name], printer.queued)
            if (at := _seconds(printer.last_success_at)) is not None:
                success.add_metric([printer.name], at)
        yield from (up, queued, success)

    def _sync(self) -> Iterator[Metric]:
        states = peering.peer_states(self.db)
        yield GaugeMetricFamily("kiosk_sync_pending_ops",
                                "Operations made here that no peer has acknowledged yet.",
                                value=peering.unsynced(self.db))  # fmt: skip
        yield GaugeMetricFamily("kiosk_sync_quarantined_ops",
                                "Operations received that cannot be applied here (see /review).",
                                value=quarantine.count(self.db))  # fmt: skip
        pending = GaugeMetricFamily("kiosk_sync_peer_pending_ops",
                                    "Operations held here that the peer still lacks.",
                                    labels=["peer"])  # fmt: skip
        received = GaugeMetricFamily("kiosk_sync_peer_received_ops",
                                     "Operations pulled from the peer so far.",
                                     labels=["peer"])  # fmt: skip
        success = GaugeMetricFamily("kiosk_sync_last_success_timestamp_seconds",
                                    "When a full round with the peer last succeeded.",
                                    labels=["peer"])  # fmt: skip
        to_pull = GaugeMetricFamily("kiosk_sync_peer_to_pull_ops",
                                    "Operations the peer holds that this node has not pulled"
                                    " yet, as of the last hello.", labels=["peer"])  # fmt: skip
        for state in states:
            pending.add_metric([state.url], state.pending)
            received.add_metric([state.url], state.received)
            if (at := _seconds(state.last_success_at)) is not None:
                success.add_metric([state.url], at)
        for peer in peers.all_peers(self.db):
            to_pull.add_metric([peer.url], peer.to_pull)
        yield from (pending, received, success, to_pull)

    def _storage(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("kiosk_database_bytes", "Size of the database file.",
                                value=_size(self.path))  # fmt: skip
        yield GaugeMetricFamily("kiosk_wal_bytes", "Size of the database's write-ahead log.",
                                value=_size(Path(f"{self.path}-wal")))  # fmt: skip
        free = shutil.disk_usage(self.path.resolve().parent).free
        yield GaugeMetricFamily("kiosk_disk_free_bytes", "Free space on the database's disk.",
                                value=free)  # fmt: skip
