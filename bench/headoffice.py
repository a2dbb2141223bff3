"""Head office for many events on PostgreSQL: ingest from concurrent venues, a first pull.

Runs a real `kiosk headoffice --database postgresql://… serve` on 127.0.0.1 (against a
throwaway cluster it starts, or the server named by --database) and talks to it over HTTP.
Prints its figures; asserts only that nothing was lost or doubled, and has no time limits.

    .venv/bin/python bench/headoffice.py [--venues 10] [--ops 200000]
        [--attendees 1000000] [--events 50] [--big 100000] [--database URL]

- ingest: `--venues` machines of one event push `--ops` ops in all (check-ins and edits,
  pages of 2,000, gzip), each from its own process, at the same moment.
- first pull: head office holds `--attendees` people in `--events` events, one of them
  `--big`; a fresh venue database runs `kiosk sync --once` for the big event.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and hide `sync`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import multiprocessing as mp  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from kiosk.headoffice import events, fold, tokens  # noqa: E402
from kiosk.headoffice.database import Database, migrate  # noqa: E402
from kiosk.headoffice.eventlog import EventLog  # noqa: E402
from sync.hlc import Clock  # noqa: E402
from sync.ids import uuid7  # noqa: E402
from sync.oplog import Op, new_op  # noqa: E402
from sync.protocol import encode  # noqa: E402
from tests.support import postgres  # noqa: E402

KIOSK = str(Path(sys.executable).with_name("kiosk"))
PAGE = 2000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(url: str, threads: int) -> Iterator[int]:
    """`kiosk headoffice serve` on a free port until the block ends."""
    port = _free_port()
    process = subprocess.Popen([KIOSK, "headoffice", "--database", url, "serve", "--port",
                                str(port), "--threads", str(threads)],
                               stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(600):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            break
        time.sleep(0.05)
    try:
        yield port
    finally:
        process.terminate()
        process.wait()


def _attendee(i: int) -> dict:
    fields = {"code": f"C{i:08d}", "first_name": f"First{i}", "last_name": f"Last{i % 977}",
              "email": f"p{i}@example.org", "company": f"Company {i % 300}",
              "ticket_type": "Attendee", "status": "valid"}  # fmt: skip
    return {"fields": fields, "source": "import"}


def _venue_pages(venue: int, count: int, people: int) -> list[bytes]:
    """One venue's day: nine check-ins for each attendee edit, as gzip push bodies."""
    clock, ops = Clock(f"venue{venue:02d}"), []
    for n in range(count):
        who = f"att-{(venue * count + n) % people:08d}"
        if n % 10 == 9:
            ops.append(new_op(clock, "attendee_upsert", who,
                              {"fields": {"company": f"Moved {n}"}, "source": "desk"}))  # fmt: skip
        else:
            ops.append(new_op(clock, "checkin", who, {"at": "2026-12-08T01:00:00Z",
                                                      "day": "2026-12-08", "desk": f"D{venue}",
                                                      "staff": "bench"}))  # fmt: skip
    return [encode({"node_id": clock.node, "ops": [op.to_dict() for op in ops[i : i + PAGE]]},
                   compress=True) for i in range(0, len(ops), PAGE)]  # fmt: skip


def _push_all(port: int, token: str, pages: list[bytes], start: mp.Barrier, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip"}  # fmt: skip
    start.wait()
    for body in pages:
        conn.request("POST", "/sync/v1/push", body, headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            out.put(f"push refused: {answer.status}")
            return
    out.put(time.perf_counter())


def _load(db: Database, event: events.Event, first: int, count: int) -> None:
    """`count` people into an event's log and state, as an import at head office writes them."""
    clock = Clock(events.node_id(db))
    log = EventLog(db, event.event_id)
    for start in range(first, first + count, 10_000):
        ops = []
        for i in range(start, min(start + 10_000, first + count)):
            stamp = clock.tick()
            ops.append(Op(uuid7(stamp.wall_ms), clock.node, str(stamp), "attendee_upsert",
                          f"att-{i:08d}", _attendee(i)))  # fmt: skip
        with db.transaction():
            log.insert_page(ops, None)
            fold.apply_page(db, event.event_id, ops)


def bench_ingest(url: str, venues: int, total: int) -> list[tuple[str, str]]:
    db = Database(url)
    migrate(db)
    event = events.add(db, "ingest", "Ingest", "2026-12-08", 3, "Asia/Jakarta")
    people = 20_000
    _load(db, event, 0, people)
    keys = [tokens.create(db, "sync", f"venue {v}", event.event_id) for v in range(venues)]
    work = [_venue_pages(v, total // venues, people) for v in range(venues)]
    with serving(url, threads=venues) as port:
        start, out = mp.Barrier(venues + 1), mp.Queue()
        children = [mp.Process(target=_push_all, args=(port, keys[v], work[v], start, out))
                    for v in range(venues)]  # fmt: skip
        for child in children:
            child.start()
        start.wait()
        began = time.perf_counter()
        ends = [out.get() for _ in children]
        for child in children:
            child.join()
    if any(isinstance(e, str) for e in ends):
        raise SystemExit(f"ingest failed: {ends}")
    seconds = max(ends) - began
    held, distinct = db.execute("SELECT count(*), count(DISTINCT op_id) FROM op"
                                " WHERE event_id = ? AND origin LIKE 'venue%'",
                                (event.event_id,)).fetchone()  # fmt: skip
    arrivals = db.execute("SELECT count(*) FROM arrival WHERE event_id = ?",
                          (event.event_id,)).fetchone()[0]  # fmt: skip
    db.close()
    lost, doubled = total - distinct, held - distinct
    return [(f"ingest, {venues} venues pushing {total:,} ops at once", f"{seconds:.2f} s"),
            ("ingest rate", f"{total / seconds:,.0f} ops/s"),
            ("ops lost / doubled", f"{lost} / {doubled}"),
            ("check-ins folded into arrivals", f"{arrivals:,}")]  # fmt: skip


def bench_first_pull(url: str, attendees: int, count: int, big: int) -> list[tuple[str, str]]:
    db = Database(url)
    migrate(db)
    began = time.perf_counter()
    rest = (attendees - big) // (count - 1)
    first = 0
    for n in range(count):
        size = big if n == 0 else rest
        event = events.add(db, f"event-{n:02d}", f"Event {n}", "2026-12-08", 2, "Asia/Jakarta")
        _load(db, event, first, size)
        first += size
    loaded = time.perf_counter() - began
    held = db.execute("SELECT count(*) FROM attendee").fetchone()[0]
    key = tokens.create(db, "sync", "fresh venue", events.need(db, "event-00").event_id)
    db.close()
    with serving(url, threads=4) as port, tempfile.TemporaryDirectory() as tmp:
        venue = Path(tmp) / "venue.sqlite3"
        start = time.perf_counter()
        subprocess.run([KIOSK, "--db", str(venue), "sync", "--once", "--peer",
                        f"http://127.0.0.1:{port}", "--token", key], check=True,
                       capture_output=True)  # fmt: skip
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with contextlib.closing(sqlite3.connect(venue)) as conn:
            got = conn.execute("SELECT count(*) FROM attendee").fetchone()[0]
    return [(f"head office loaded: {held:,} attendees in {count} events", f"{loaded:.0f} s"),
            (f"fresh venue's first pull of a {big:,}-attendee event", f"{seconds:.1f} s"),
            ("attendees at the venue after it (only its event's)", f"{got:,}"),
            ("largest child's peak RSS (venue or server)", f"{rss:.0f} MiB")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--attendees", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--database", default="", help="a PostgreSQL server's base URL")
    parser.add_argument("--skip-pull", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        base = args.database or stack.enter_context(postgres.cluster())
        rows = bench_ingest(postgres.fresh_database(base, "bench_ingest"), args.venues, args.ops)
        if not args.skip_pull:
            rows += bench_first_pull(postgres.fresh_database(base, "bench_pull"), args.attendees,
                                     args.events, args.big)  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
