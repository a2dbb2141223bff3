"""What the request log and the metrics cost each request and each scan, in microseconds.

A trivial WSGI app answered directly, then behind kiosk.operations.requestlog.RequestLog (its
line formatted as text and as JSON into a null stream, as a server logging at info does), and
one kiosk.operations.metrics.scanned call: the cost those add to every scan's answer.

    .venv/bin/python bench/operations.py [--rounds 200000]
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
from kiosk.operations import logs, metrics  # noqa: E402
from kiosk.operations.requestlog import RequestLog  # noqa: E402

TITLE = "Operations: what the request log and the metrics add to each request"
ENVIRON = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/scan", "QUERY_STRING": "",
           "REMOTE_ADDR": "10.0.0.7"}  # fmt: skip


def app(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"result":"checked_in"}']


def per_call_us(call, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        call()
    return (time.perf_counter() - started) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200_000)
    rounds = parser.parse_args().rounds
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    logged = RequestLog(app)

    def start_response(*_args: object) -> None:
        return None

    bare = per_call_us(lambda: app(dict(ENVIRON), start_response), rounds)
    figures = {"bare WSGI call": bare}
    for form, formatter in (("text", logs.TextFormatter()), ("json", logs.JsonFormatter())):
        handler.setFormatter(formatter)
        took = per_call_us(lambda: logged(dict(ENVIRON), start_response), rounds)
        figures[f"behind RequestLog, {form} line"] = took
        sink.seek(0)
        sink.truncate()
    counted = per_call_us(lambda: metrics.scanned("checked_in", 0.004), rounds)
    figures["metrics.scanned (counter + histogram)"] = counted
    figures["added to a scan (json line + metrics)"] = (
        figures["behind RequestLog, json line"] - bare + counted
    )
    print("| what | µs per call |\n|---|---:|")
    for name, value in figures.items():
        print(f"| {name} | {value:.2f} |")


if __name__ == "__main__":
    main()
