"""GET /metrics: who may read it, and that it counts what happened at the desks.

Counters belong to the process, so each test compares before and after its own scans.
"""

from __future__ import annotations

import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kiosk.db import open_db, transaction
from kiosk.views.api_scan import FastScan
from sync import peers
from sync.client import sync_once
from tests.conftest import seed, sign_in
from tests.sync.replicas import make_replica

SCAN = "/api/v1/scan"


def samples(client, headers) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def checked_in(found) -> float:
    return found[("kiosk_scans_total", (("result", "checked_in"),))]


def test_metrics_need_a_metrics_or_supervisor_token(client, make_token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics").json["error"] == "unauthorized"
    for role in ("desk", "selfservice", "signage", "sync"):
        assert client.get("/metrics", headers=make_token(role)).status_code == 403, role
    for role in ("metrics", "supervisor"):
        assert client.get("/metrics", headers=make_token(role)).status_code == 200, role


def test_scans_from_scanners_and_from_the_desk_page_are_counted(app, client, make_token):
    """The scanners' requests never reach Flask (FastScan answers them): counted all the same."""
    assert isinstance(app.wsgi_app.inner, FastScan)
    monitor, scanner = make_token("metrics"), make_token("desk")
    before = samples(client, monitor)
    assert client.post(SCAN, json={"code": "KN-JOSE01"}, headers=scanner).json["result"] == (
        "checked_in"
    )
    assert client.post(SCAN, json={"code": "NO-SUCH-CODE"}, headers=scanner).status_code == 200
    csrf = sign_in(client, "Ana")
    client.post("/desk/scan", data={"q": "KN-JOSE02", "csrf_token": csrf})
    after = samples(client, monitor)
    assert checked_in(after) - checked_in(before) == 2
    unknown = ("kiosk_scans_total", (("result", "unknown_code"),))
    assert after[unknown] - before[unknown] == 1
    assert (
        after[("kiosk_scan_duration_seconds_count", ())]
        - before[("kiosk_scan_duration_seconds_count", ())]
        == 3
    )


def test_a_replayed_scan_is_not_a_second_scan(client, make_token):
    monitor, scanner = make_token("metrics"), make_token("desk")
    body = {"code": "KN-JOSE01", "op_id": "0193f2c4-0000-7000-8000-000000000001"}
    client.post(SCAN, json=body, headers=scanner)
    before = checked_in(samples(client, monitor))
    assert client.post(SCAN, json=body, headers=scanner).json["result"] == "checked_in"
    assert checked_in(samples(client, monitor)) == before


def test_gauges_show_sync_printing_and_storage(client, make_token):
    found = samples(client, make_token("metrics"))
    assert found[("kiosk_sync_pending_ops", ())] > 0  # the fixture's ops, never synced
    assert ("kiosk_print_jobs", (("status", "queued"),)) in found
    assert found[("kiosk_disk_free_bytes", ())] > 0
    assert found[("kiosk_database_bytes", ())] > 0
    assert ("kiosk_wal_bytes", ()) in found


def test_sync_pending_is_shown_both_ways(tmp_path, client, make_token, db_path):
    """What this node must still pull comes from the top of the peer's log at the last hello."""
    ho = make_replica(tmp_path, "ho")
    seed(ho.db, ho.node)
    venue = make_replica(tmp_path, "venue")
    sync_once(venue.local, ho.name, ho.transport())
    (peer,) = [p for p in peers.all_peers(venue.db) if p.url == ho.name]
    assert peer.peer_high > 0 and peer.to_pull == 0  # pulled all it was told of
    db = open_db(db_path)
    with transaction(db):
        peers.save(db, "http://ho.example:8000", peer_high=120, pull_after=20)
    db.close()
    found = samples(client, make_token("metrics"))
    assert found[("kiosk_sync_peer_to_pull_ops", (("peer", "http://ho.example:8000"),))] == 100


def test_searches_are_timed_and_every_request_is_logged(client, make_token, caplog):
    monitor, desk = make_token("metrics"), make_token("desk")
    key = ("kiosk_search_duration_seconds_count", (("screen", "api"),))
    before = samples(client, monitor)[key]
    with caplog.at_level(logging.INFO, logger="kiosk.request"):
        assert client.get("/api/v1/attendees?q=jose", headers=desk).json["attendees"]
        client.post(SCAN, json={"code": "KN-JOSE01"}, headers=desk)
    assert samples(client, monitor)[key] == before + 1
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.request"]
    searched = [line for line in lines if "/api/v1/attendees" in line]
    assert searched[0].startswith("GET /api/v1/attendees?q=… 200 ")  # the name stays out
    assert any(line.startswith(f"POST {SCAN} 200 ") for line in lines)


@pytest.mark.parametrize("method", ["BREW", "GET"])
def test_an_unknown_method_is_one_label_not_a_new_series_per_caller(client, make_token, method):
    client.open("/nowhere", method=method)
    found = samples(client, make_token("metrics"))
    methods = {
        dict(labels)["method"] for name, labels in found if name == "kiosk_http_requests_total"
    }
    assert "BREW" not in methods
