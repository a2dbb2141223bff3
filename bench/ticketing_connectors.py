"""Eventbrite and Indico connectors against their fakes on 127.0.0.1: how long pulls take.

An Eventbrite event of --people attendees at 50 a page, and an Indico event of as many
registrations over two forms: the first pull, a quiet pull, a pull after 1% changed, the
cursor's size as JSON, and (Indico) pushing 100 check-ins. Real systems add their network
round trips; this measures Kiosk's side. Prints the figures; no limits.

    .venv/bin/python bench/ticketing_connectors.py [--people 10000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and hide `sync`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

from kiosk.ticketing import eventbrite, indico  # noqa: E402
from kiosk.ticketing.records import CheckinToSend  # noqa: E402
from tests.support import eventbrite_fake, indico_fake  # noqa: E402
from tests.support.fake_http import serving  # noqa: E402


def timed(what: str, pull, *args):
    start = time.perf_counter()
    result = pull(*args)
    print(f"  {what}: {time.perf_counter() - start:.2f} s", end="")
    return result


def bench_eventbrite(people: int) -> None:
    fake = eventbrite_fake.FakeEventbrite()
    for n in range(people):
        fake.add(str(100000 + n), "Guest", str(n), barcode=f"{n:013d}",
                 at=f"2026-11-{1 + n * 28 // people:02d}T03:00:00Z")  # fmt: skip
    with serving(fake) as url:
        conn = eventbrite.connect({"event": eventbrite_fake.EVENT, "token": fake.token,
                                   "url": url + "/v3/"})  # fmt: skip
        print(f"Eventbrite, {people} attendees:")
        first = timed("first pull", conn.pull, {})
        print(f" ({len(fake.seen)} calls, {len(first.tickets)} tickets)")
        quiet = timed("quiet pull", conn.pull, first.cursor)
        print(f" ({len(quiet.tickets)} tickets)")
        for n in range(0, people, 100):
            fake.cancel(str(100000 + n), "2026-11-30T00:00:00Z")
        changed = timed("pull after 1% cancelled", conn.pull, quiet.cursor)
        size = len(json.dumps(changed.cursor))
        print(f" ({len(changed.tickets)} tickets); cursor {size} bytes")


def bench_indico(people: int) -> None:
    fake = indico_fake.FakeIndico()
    secrets = [fake.add(n, "Guest", str(n), form=1 + n % 2, affiliation="Institute")
               for n in range(1, people + 1)]  # fmt: skip
    with serving(fake) as url:
        conn = indico.connect({"url": url, "event": str(indico_fake.EVENT), "token": fake.token})
        print(f"Indico, {people} registrations in 2 forms:")
        first = timed("first pull", conn.pull, {})
        print(f" ({len(fake.seen)} calls, {len(first.tickets)} tickets)")
        quiet = timed("quiet pull", conn.pull, first.cursor)
        print(f" ({len(quiet.tickets)} tickets); cursor {len(json.dumps(quiet.cursor))} bytes")
        ops = [CheckinToSend(op_id=f"op-{n}", code=secrets[n], at="2026-12-01T02:00:00.000Z")
               for n in range(100)]  # fmt: skip
        sent = timed("push of 100 check-ins", conn.push, ops)
        print(f" ({sum(s.accepted for s in sent)} accepted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10000)
    args = parser.parse_args()
    bench_eventbrite(args.people)
    bench_indico(args.people)


if __name__ == "__main__":
    main()
