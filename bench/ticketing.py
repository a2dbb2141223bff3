"""Ticketing figures: pulling 10,000 pretix orders (first and incremental), pushing 1,000
check-ins, and verifying signed tickets offline.

    .venv/bin/python bench/ticketing.py [--orders 10000] [--checkins 1000] [--real 300]

Pull and push run Kiosk's real connector, HTTP client and op writes against a server on
127.0.0.1 that answers with pages shaped as pretix 2026.8 answers (the same fields, 50 orders a
page, signed secrets): what is measured is Kiosk's side, with pretix's own response time left
out. --real N also runs N orders and check-ins against a real pretix (tests/support/pretix.py:
installed from PyPI and cached), so pretix's time on SQLite shows too.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import clock  # noqa: E402
from kiosk.db import open_db, transaction  # noqa: E402
from kiosk.desk import checkin  # noqa: E402
from kiosk.desk.event import set_event  # noqa: E402
from kiosk.replication.node import load_node  # noqa: E402
from kiosk.ticketing import runner, sig1, store  # noqa: E402
from tests.ticketing.signing import Signer  # noqa: E402

TITLE = "Ticketing (pretix)"
PAGE = 50


def _order(n: int, secret: str, modified: str) -> dict[str, Any]:
    """One order as pretix's API lists it (every field it sends, most of them unused by us)."""
    return {
        "code": f"O{n:06d}", "event": "con", "status": "p", "testmode": False, "secret": "x" * 16,
        "email": f"buyer{n}@example.org", "phone": None, "locale": "en",
        "datetime": "2026-11-01T10:00:00Z", "expires": "2026-11-15T10:00:00Z",
        "payment_date": "2026-11-01", "payment_provider": "manual", "fees": [], "total": "100.00",
        "comment": "", "invoice_address": None, "downloads": [], "checkin_attention": False,
        "last_modified": modified, "payments": [], "refunds": [], "require_approval": False,
        "sales_channel": "web", "url": "http://127.0.0.1/", "customer": None,
        "valid_if_pending": False, "api_meta": {}, "cancellation_date": None, "plugin_data": {},
        "positions": [{
            "id": n, "order": f"O{n:06d}", "positionid": 1, "item": 1, "variation": None,
            "price": "100.00", "attendee_name": f"Siti Rahma {n}",
            "attendee_name_parts": {"given_name": "Siti", "family_name": f"Rahma {n}",
                                    "_scheme": "given_family"},
            "company": "PT Maju Jaya", "street": None, "zipcode": None, "city": None,
            "country": None, "state": None, "discount": None,
            "attendee_email": f"siti{n}@example.org", "voucher": None, "tax_rate": "0.00",
            "tax_value": "0.00", "secret": secret, "addon_to": None, "subevent": None,
            "checkins": [], "print_logs": [], "downloads": [], "answers": [], "tax_rule": None,
            "pseudonymization_id": f"P{n:09d}", "seat": None, "canceled": False,
            "valid_from": None, "valid_until": None, "blocked": None, "plugin_data": {},
        }],
    }  # fmt: skip


class Stub:
    """Pages of `orders`; a pull with modified_since gets only those in `changed`."""

    def __init__(self, orders: list[dict[str, Any]], key: str) -> None:
        self.orders, self.key, self.changed = orders, key, []
        self.redeemed: set[str] = set()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        if path.endswith("/orders/"):
            chosen = self.changed if "modified_since" in query else self.orders
            page = int(query.get("page", ["1"])[0])
            rows = chosen[(page - 1) * PAGE : page * PAGE]
            more = page * PAGE < len(chosen)
            asked = {k: v[0] for k, v in query.items()} | {"page": str(page + 1)}
            following = f"http://127.0.0.1:{self.port}{path}?{urlencode(asked)}"
            return 200, {"count": len(chosen), "results": rows, "previous": None,
                         "next": following if more else None}  # fmt: skip
        if path.endswith("/items/"):
            results = [{"id": 1, "name": {"en": "Conference pass"}, "admission": True}]
            return 200, {"results": results, "next": None}
        if path.endswith("/checkinlists/"):
            return 200, {"results": [{"id": 1, "name": "Main entrance"}], "next": None}
        if path.endswith("/revokedsecrets/"):
            return 200, {"results": [], "next": None}
        return 200, {"name": {"en": "Con"}, "valid_keys": {"pretix_sig1": [self.key]}}

    def serve(self) -> ThreadingHTTPServer:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                status, body = stub.answer(url.path, parse_qs(url.query))
                self._send(status, body, {"X-Page-Generated": "2026-12-01T00:00:00Z"})

            def do_POST(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.redeemed.add(asked["nonce"])
                self._send(201, {"status": "ok", "require_attention": False, "position": {}}, {})

            def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def kiosk_db(
    folder: Path,
    url: str,
    organizer: str = "o",
    event: str = "con",
    token: str = "bench",  # noqa: S107 (the stub takes any token)
) -> Any:
    db = open_db(folder / "kiosk.sqlite3")
    with transaction(db):
        set_event(db, load_node(db), name="Bench Con", starts_on="2026-12-01", days=3,
                  timezone="Asia/Jakarta")  # fmt: skip
        store.add(db, "pretix", "bench", {"url": url, "organizer": organizer, "event": event,
                                          "token": token}, "2026-12-01T00:00:00Z")  # fmt: skip
    return db


def timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def pull_and_push(db: Any, checkins: int) -> list[tuple[str, float, Any]]:
    """First pull, a pull with nothing new, then check-ins scanned and pushed."""
    rows = []
    conn = store.get(db, "bench")
    seconds, first = timed(lambda: runner.pull(db, conn, clock.now))
    rows.append(("first pull", seconds, first.added))
    seconds, again = timed(lambda: runner.pull(db, store.get(db, "bench"), clock.now))
    rows.append(("incremental pull, nothing changed", seconds, again.added + again.updated))
    codes = [r[0] for r in db.execute("SELECT code FROM attendee LIMIT ?", (checkins,))]
    node = load_node(db)
    for code in codes:
        checkin.scan(db, node, code, desk="North-1")
    seconds, pushed = timed(lambda: runner.push(db, store.get(db, "bench"), clock.now))
    rows.append((f"push of {len(codes):,} check-ins", seconds, pushed.accepted))
    return rows


def stub_figures(orders: int, checkins: int, folder: Path) -> list[tuple[str, float, Any]]:
    signer = Signer()
    rows = [_order(n, signer.secret(f"s{n:08d}"), "2026-11-01T10:00:00Z")
            for n in range(1, orders + 1)]  # fmt: skip
    stub = Stub(rows, signer.public)
    server = stub.serve()
    try:
        db = kiosk_db(folder, f"http://127.0.0.1:{stub.port}")
        found = pull_and_push(db, checkins)
        changed = orders // 100  # 1 % of the orders changed since the last pull
        later = "2026-12-01T01:00:00Z"
        stub.changed = [_order(n, rows[n - 1]["positions"][0]["secret"], later)
                        for n in range(1, changed + 1)]  # fmt: skip
        for o in stub.changed:  # renamed in pretix since the last pull
            o["positions"][0]["attendee_name_parts"]["given_name"] = "Sita"
        seconds, report = timed(lambda: runner.pull(db, store.get(db, "bench"), clock.now))
        found.insert(2, (f"incremental pull, {changed:,} orders changed", seconds, report.updated))
        return found
    finally:
        server.shutdown()


def verify_figures(count: int = 5000) -> tuple[float, float]:
    """Signed secrets verified per second: one key, and the right key third of three."""
    signer = Signer()
    secrets = [signer.secret(f"s{n:08d}", item=1) for n in range(count)]
    one, _ = timed(lambda: [sig1.verify(s, [signer.public]) for s in secrets])
    keys = [Signer().public, Signer().public, signer.public]
    three, _ = timed(lambda: [sig1.verify(s, keys) for s in secrets])
    return count / one, count / three


def real_figures(count: int, folder: Path) -> list[tuple[str, float, Any]]:
    from tests.support import pretix

    with pretix.running(folder / "pretix") as server:
        event = server.new_event()
        seconds, _ = timed(lambda: [event.order({"given": "Siti", "family": f"Rahma {n}"})
                                    for n in range(count)])  # fmt: skip
        rows = [(f"creating {count:,} orders in pretix (its API)", seconds, count)]
        db = kiosk_db(folder, server.url, pretix.ORGANIZER, event.slug, server.token)
        rows += pull_and_push(db, count)
        return rows


def table(title: str, rows: list[tuple[str, float, Any]]) -> None:
    print(f"\n{title}\n\n| what | seconds | per second | count |\n|---|---:|---:|---:|")
    for what, seconds, n in rows:
        rate = f"{n / seconds:,.0f}" if seconds and n else "–"
        print(f"| {what} | {seconds:.2f} | {rate} | {n:,} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=1_000)
    parser.add_argument("--real", type=int, default=0, help="also N orders in a real pretix")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "stub").mkdir()
        rows = stub_figures(args.orders, args.checkins, Path(tmp) / "stub")
        table(f"Kiosk's side: {args.orders:,} orders from a pretix-shaped server", rows)
        if args.real:
            (Path(tmp) / "real").mkdir()
            table(f"Against a real pretix {'2026.8.0'} on SQLite (runserver, one process)",
                  real_figures(args.real, Path(tmp) / "real"))  # fmt: skip
    one, three = verify_figures()
    print(f"\nOffline verification of signed secrets: {one:,.0f} per second with one key"
          f" ({1000 / one:.3f} ms each), {three:,.0f} per second when the right key is the"
          " third of three.")  # fmt: skip


if __name__ == "__main__":
    main()
