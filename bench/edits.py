"""Attendee edits into a 100,000-attendee venue, applied as sync applies a pulled or pushed page.

Against a fresh `kiosk demo`, head office's edits of existing attendees (renames, e-mail and
company changes, each naming the version its editor saw) go through `sync.server.ingest` in
pages, in process: stored, applied by the fold, the search index kept in step. Prints a table;
it asserts nothing and has no time limits.

    .venv/bin/python bench/edits.py [--attendees 100000] [--edits 20000] [--page 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

# This folder's sync.py would shadow the `sync` package kiosk imports: import kiosk without it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
from kiosk.db import open_db  # noqa: E402
from kiosk.desk import search  # noqa: E402
from kiosk.replication import peering  # noqa: E402
from sync.hlc import Clock  # noqa: E402
from sync.oplog import Op, new_op  # noqa: E402
from sync.server import ingest  # noqa: E402

sys.path.insert(0, str(_HERE))

from common import make_demo, percentile  # noqa: E402

TITLE = "Edits: attendee changes applied by sync"
TARGET_OPS_S = 10_000


def edits(db, count: int, seed: int) -> tuple[list[Op], dict[str, str]]:
    """Head office's edits of `count` attendees, and each renamed attendee's new full name."""
    rng = random.Random(seed)
    rows = db.execute(
        "SELECT attendee_id, first_name, last_name, company, versions FROM attendee"
    ).fetchall()
    firsts, lasts = [r["first_name"] for r in rows], [r["last_name"] for r in rows]
    companies = sorted({r["company"] for r in rows})
    clock, ops, renamed = Clock("headoffice"), [], {}
    for row in rng.sample(rows, count):
        versions = json.loads(row["versions"])
        change = rng.random()
        if change < 0.4:
            fields = {"first_name": rng.choice(firsts), "last_name": rng.choice(lasts)}
            renamed[row["attendee_id"]] = f"{fields['first_name']} {fields['last_name']}"
        elif change < 0.7:
            fields = {"email": f"{row['first_name']}.{rng.randrange(10**6)}@example.net".lower()}
        else:
            fields = {"company": rng.choice(companies)}
        seen = {name: versions.get(name, "") for name in fields}
        ops.append(new_op(clock, "attendee_upsert", row["attendee_id"],
                          {"fields": fields, "source": "edit", "staff": "Head office",
                           "seen": seen}))  # fmt: skip
    return ops, renamed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20_000)
    parser.add_argument("--page", type=int, default=2000, help="ops per page (sync's default)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        demo = make_demo(Path(tmp) / "venue.sqlite3", args.attendees, args.seed)
        db = open_db(demo.path, cache_mb=32)  # as the sync loop opens it
        ops, renamed = edits(db, args.edits, args.seed)
        local = peering.local(db)
        pages = [ops[i : i + args.page] for i in range(0, len(ops), args.page)]
        times = []
        for page in pages:
            started = time.perf_counter()
            ingest(local, page, "headoffice")
            times.append(time.perf_counter() - started)
        sample = random.Random(args.seed).sample(sorted(renamed.items()), min(200, len(renamed)))
        found = sum(
            any(r["attendee_id"] == a for r in search.find(db, name, 100)) for a, name in sample
        )
        db.close()
    rate = len(ops) / sum(times)
    print("| figure | target | measured |")
    print("|---|---|---|")
    print(f"| attendee edits applied, ops/s | ≥ {TARGET_OPS_S:,} | {rate:,.0f} |")
    print(f"| one page of {args.page:,} edits (p50 / max) | | {percentile(times, 50) * 1000:.0f}"
          f" / {max(times) * 1000:.0f} ms |")  # fmt: skip
    print(f"| renamed attendees found by their new name | all | {found} of {len(sample)} |")
    print()
    print(
        f"- {args.attendees:,} attendees (`kiosk demo`), {len(ops):,} edits in {len(pages)}"
        " pages through `sync.server.ingest`: 40 % renames, 30 % e-mail, 30 % company changes"
    )


if __name__ == "__main__":
    main()
