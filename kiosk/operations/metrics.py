"""The process's own counters and timings for GET /metrics (prometheus-client).

Each is one in-memory update where it happens, so a scan pays a microsecond or two for it and
no database work; what the database knows (print jobs, sync, WAL size) is read only when a
monitor scrapes (kiosk.operations.gauges). Counters start at zero for every scan result, so a
rate over a result that never happened yet is 0, not missing.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, Info, disable_created_metrics

from kiosk.version import kiosk_version

# Answers take milliseconds on a healthy machine; the top buckets catch a disk that stalls.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Requests that search attendees, by path: the desk's type-ahead and the API.
SEARCHES = {"/desk/search": "desk", "/api/v1/attendees": "api"}

disable_created_metrics()  # *_created series double the output and no dashboard reads them
SCANS = Counter("kiosk_scans", "Scans decided and saved, by result (replays not counted).",
                ["result"])  # fmt: skip
SCAN_SECONDS = Histogram("kiosk_scan_duration_seconds",
                         "Time from a scan's arrival to its answer being durable on disk.",
                         buckets=LATENCY_BUCKETS)  # fmt: skip
SEARCH_SECONDS = Histogram("kiosk_search_duration_seconds",
                           "Time to answer an attendee search request, by screen.", ["screen"],
                           buckets=LATENCY_BUCKETS)  # fmt: skip
REQUESTS = Counter("kiosk_http_requests", "HTTP requests answered, by method and status.",
                   ["method", "status"])  # fmt: skip
BUILD = Info("kiosk_build", "The running version of Kiosk.")
BUILD.info({"version": kiosk_version()})
_by_result: dict[str, Counter] = {}
_by_search = {path: SEARCH_SECONDS.labels(screen) for path, screen in SEARCHES.items()}


def expect_scan_results(results: list[str]) -> None:
    """Makes each result's counter exist at 0 (kiosk.desk.checkin names them)."""
    for result in results:
        _by_result.setdefault(result, SCANS.labels(result))


def scanned(result: str, seconds: float) -> None:
    """One scan was decided and saved (kiosk.desk.checkin.scan)."""
    counter = _by_result.get(result) or _by_result.setdefault(result, SCANS.labels(result))
    counter.inc()
    SCAN_SECONDS.observe(seconds)


def answered(method: str, path: str, status: str, seconds: float) -> None:
    """One HTTP request was answered (kiosk.operations.requestlog)."""
    REQUESTS.labels(method if method in METHODS else "other", status).inc()
    if (search := _by_search.get(path)) is not None and method == "GET":
        search.observe(seconds)
