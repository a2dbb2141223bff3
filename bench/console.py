"""The fleet console's pages with an organiser's year in head office: 50 events × 10 venues.

Each event has 1,000 people, 1,000 arrivals over its two days from its 10 venue machines,
and 60 mail rows in every status. Times the events page and one event's page through the
app (Flask's test client, signed in as a supervisor of every event), on SQLite and on a
throwaway PostgreSQL cluster (or the server named by --database). Prints p50/p99; no limits.

    .venv/bin/python bench/console.py [--events 50] [--venues 10] [--requests 200]
        [--engines sqlite,postgresql] [--database URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and hide `sync`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from kiosk.headoffice import events, tokens  # noqa: E402
from kiosk.headoffice.database import Database, close_held, migrate  # noqa: E402
from kiosk.headoffice.web import create_app  # noqa: E402
from tests.support import postgres  # noqa: E402

PEOPLE = 1000
ARRIVALS = 1000
STATUSES = ("sent",) * 50 + ("queued", "sending", "failed", "failed", "bounced", "bounced",
                             "bounced", "uncertain", "queued", "sent")  # fmt: skip


def stamp(at: datetime) -> str:
    """A check-in's time as venues write it."""
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fill(url: str, count: int, venues: int) -> str:
    """The head office of the benchmark; returns a supervisor token of every event."""
    rng = random.Random(2026)
    db = Database(url)
    migrate(db)
    now = datetime.now(UTC)
    for n in range(count):
        start = (now - timedelta(days=7 * n)).date().isoformat()
        event = events.add(db, f"event-{n:02d}", f"Event {n:02d}", start, 2, "Asia/Jakarta")
        people = [(event.event_id, f"p{n}-{i}", f"C{i:05d}", f"Given{i}", f"Family{i}",
                   f"p{i}@example.com") for i in range(PEOPLE)]  # fmt: skip
        nodes = [f"venue-{n:02d}-{v}" for v in range(venues)]
        day0 = datetime.fromisoformat(start).replace(hour=1, tzinfo=UTC)  # 08:00 in Jakarta
        arrivals = [(event.event_id, f"op-{n}-{i}", f"p{n}-{rng.randrange(PEOPLE)}",
                     stamp(day0 + timedelta(days=rng.randrange(2), minutes=rng.randrange(600))),
                     rng.choice(nodes), int(rng.random() < 0.02))
                    for i in range(ARRIVALS)]  # fmt: skip
        mail = [(event.event_id, "notification", f"p{n}-{i}", f"p{i}@example.com", "{}",
                 f"<m{n}.{i}@example.com>", status, "2026-12-01T00:00:00Z",
                 "550 no such user" if status == "bounced" else "")
                for i, status in enumerate(STATUSES)]  # fmt: skip
        with db.transaction():
            db.copy("attendee", ("event_id", "attendee_id", "code", "first_name", "last_name",
                                 "email"), people)  # fmt: skip
            db.copy("arrival", ("event_id", "op_id", "attendee_id", "at", "origin", "undone"),
                    arrivals)  # fmt: skip
            db.copy("mail", ("event_id", "notification_op_id", "attendee_id", "address", "facts",
                             "message_id", "status", "queued_at", "last_error"), mail)  # fmt: skip
        for v, node in enumerate(nodes):
            token_id = tokens.holder(db, tokens.create(db, "sync", f"Desk {v}",
                                                       event.event_id)).token_id  # fmt: skip
            seen = (now - timedelta(seconds=rng.randrange(3600))).isoformat(timespec="seconds")
            with db.transaction():
                db.execute("INSERT INTO device (event_id, token_id, node_id, bound_at,"
                           " last_seen_at, version, pending_push, pulled_seq, clock_offset_ms,"
                           " flags_open, quarantined) VALUES (?, ?, ?, ?, ?, '2.4.0', ?, 0, ?,"
                           " ?, 0)", (event.event_id, token_id, node, seen, seen,
                                      rng.randrange(20), rng.randrange(-90_000, 90_000),
                                      rng.randrange(3)))  # fmt: skip
    supervisor = tokens.create(db, "supervisor", "Bench", None)
    db.close()
    return supervisor


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(client, path: str, requests: int, headers: dict[str, str]) -> tuple[float, float]:
    """p50 and p99 in ms of `requests` GETs of `path` (each must answer 200)."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return percentile(times, 0.5), percentile(times, 0.99)


def bench(url: str, label: str, count: int, venues: int, requests: int) -> None:
    started = time.perf_counter()
    supervisor = fill(url, count, venues)
    filled = time.perf_counter() - started
    client = create_app(url).test_client()
    page = client.get("/console/signin").data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    assert client.post("/console/signin", data={"token": supervisor,
                                                "csrf_token": csrf}).status_code == 303  # fmt: skip
    print(f"{label}: {count} events × {venues} venues, {count * PEOPLE:,} people,"
          f" {count * ARRIVALS:,} arrivals (filled in {filled:.1f} s)")  # fmt: skip
    for name, path in (("events page", "/console/"),
                       ("event page", "/console/events/event-00"),
                       ("event page, htmx poll", "/console/events/event-00")):  # fmt: skip
        headers = {"HX-Request": "true"} if "poll" in name else {}
        p50, p99 = timed(client, path, requests, headers)
        print(f"  {name:<24} {requests} requests  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
    close_held(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--database", help="a PostgreSQL server's base URL to use")
    args = parser.parse_args()
    engines = args.engines.split(",")
    with contextlib.ExitStack() as stack:
        if "sqlite" in engines:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="console-bench-"))
            bench(str(Path(folder) / "headoffice.sqlite3"), "SQLite", args.events, args.venues,
                  args.requests)  # fmt: skip
        if "postgresql" in engines:
            base = args.database or stack.enter_context(postgres.cluster())
            bench(postgres.fresh_database(base, "bench_console"), "PostgreSQL", args.events,
                  args.venues, args.requests)  # fmt: skip


if __name__ == "__main__":
    main()
