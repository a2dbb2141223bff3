"""A short run of bench/load.py in `make test`: 4 tablets and 2 signage screens for 5 s.

It asserts correctness only (zero errors); the latencies are for `make bench` to report.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bench import load

pytestmark = pytest.mark.e2e


def test_tablets_and_screens_see_no_errors(live_server):
    people, rooms = load.people_and_rooms(live_server.db_path, 200)
    target = load.Target(urlsplit(live_server.url).port, {"Authorization":
                         f"Bearer {live_server.token}"}, load.new_token(live_server.db_path,
                         "signage"), people, rooms)  # fmt: skip
    stats = load.run_load(target, tablets=4, screens=2, seconds=5)
    assert {"search", "scan", "detail", "signage lobby"} <= set(stats.latencies)
    assert dict(stats.errors) == {}
