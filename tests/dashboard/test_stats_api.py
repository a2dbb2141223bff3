"""GET /api/v1/stats/arrivals and the dashboard page, on the fixture event at 09:00 on day 1."""

from __future__ import annotations

from datetime import timedelta

from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node
from tests.conftest import sign_in


def _arrive(db_path, clock, codes, desk="Desk North-1", step=timedelta(seconds=20)) -> None:
    conn = open_db(db_path)
    node = load_node(conn)
    for code in codes:
        checkin.scan(conn, node, code, desk=desk, now=clock.now())
        clock.advance(step)
    conn.close()


def _codes(db_path, n: int) -> list[str]:
    conn = open_db(db_path)
    rows = conn.execute("SELECT code FROM attendee WHERE status = 'valid' AND block_note = ''"
                        " AND ticket_type NOT LIKE 'Day Pass%' ORDER BY attendee_id LIMIT ?",
                        (n,)).fetchall()  # fmt: skip
    conn.close()
    return [r[0] for r in rows]


def test_supervisor_gets_buckets_that_add_up(client, make_token, db_path, clock) -> None:
    codes = _codes(db_path, 6)
    _arrive(db_path, clock, codes[:4], desk="Desk North-1")
    clock.advance(timedelta(minutes=20))
    _arrive(db_path, clock, codes[4:], desk="Desk South-1")
    answer = client.get("/api/v1/stats/arrivals?bucket=15", headers=make_token("supervisor"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["checked_in"] == 6
    assert sum(b["checked_in"] for b in body["buckets"]) == body["checked_in"]
    assert body["buckets"][0]["start"].startswith("2026-12-01T09:00:00+07:00")
    assert {d["desk"]: d["scans"] for d in body["desks"]} == {"Desk North-1": 4, "Desk South-1": 2}
    assert body["expected"] >= 6
    assert body["forecast"]["model"] == "erlang_c"
    assert body["forecast"]["queue"]["desks_open"] >= 1


def test_an_undone_check_in_leaves_the_counts(client, make_token, db_path, clock) -> None:
    headers = make_token("supervisor")
    code = _codes(db_path, 1)[0]
    before = client.get("/api/v1/stats/arrivals", headers=headers).get_json()["checked_in"]
    conn = open_db(db_path)
    outcome = checkin.scan(conn, load_node(conn), code, desk="Desk 1", now=clock.now())
    after = client.get("/api/v1/stats/arrivals", headers=headers).get_json()["checked_in"]
    checkin.undo(conn, load_node(conn), outcome.checkin_op_id, now=clock.now())
    conn.close()
    undone = client.get("/api/v1/stats/arrivals", headers=headers).get_json()
    assert (before, after, undone["checked_in"]) == (0, 1, 0)
    assert undone["desks"] == []


def test_desk_role_is_refused_and_bad_queries_are_400(client, make_token) -> None:
    assert client.get("/api/v1/stats/arrivals", headers=make_token("desk")).status_code == 403
    assert client.get("/api/v1/stats/arrivals").status_code == 401
    headers = make_token("supervisor")
    for query in (
        "day=tomorrow",
        "day=2026-13-01",
        "day=",
        "bucket=0",
        "bucket=abc",
        "bucket=",
        "bucket=2000",
    ):
        answer = client.get(f"/api/v1/stats/arrivals?{query}", headers=headers)
        assert answer.status_code == 400, query
        assert answer.get_json()["error"] == "bad_request"


def test_another_day_has_its_own_counts(client, make_token, db_path, clock) -> None:
    _arrive(db_path, clock, _codes(db_path, 2))
    answer = client.get("/api/v1/stats/arrivals?day=2026-12-02", headers=make_token("supervisor"))
    body = answer.get_json()
    assert body["checked_in"] == 0 and body["buckets"] == []
    assert body["forecast"]["queue"] is None and body["forecast"]["headcount"] == []  # today only


def test_the_page_is_for_supervisors_and_refreshes_its_figures(client, db_path, clock) -> None:
    sign_in(client, "Ana")
    assert client.get("/dashboard").status_code == 403
    sign_in(client, "Budi")
    page = client.get("/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'hx-get="/dashboard/live' in html and 'hx-trigger="every 5s"' in html
    assert 'role="img"' in html and "<table" in html
    assert 'href="/dashboard"' in html  # the nav link for supervisors
    _arrive(db_path, clock, _codes(db_path, 3))
    live = client.get("/dashboard/live", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<span id="dash-arrived">3</span>' in live
    assert "<html" not in live


def test_figures_are_as_of_now(client, make_token, db_path, clock) -> None:
    """A stamp after the app's clock (a desk whose clock runs ahead) counts once its time comes."""
    headers = make_token("supervisor")
    codes = _codes(db_path, 2)
    _arrive(db_path, clock, codes[:1])
    clock.advance(timedelta(minutes=30))
    _arrive(db_path, clock, codes[1:])
    clock.advance(timedelta(minutes=-30))
    early = client.get("/api/v1/stats/arrivals", headers=headers).get_json()
    clock.advance(timedelta(minutes=31))
    late = client.get("/api/v1/stats/arrivals", headers=headers).get_json()
    assert (early["checked_in"], late["checked_in"]) == (1, 2)
    assert sum(b["checked_in"] for b in early["buckets"]) == 1


def test_a_desk_serving_back_to_back_while_people_keep_coming_needs_a_lane(
    client, make_token, db_path, clock
) -> None:
    """One desk checks someone in every 15 s for 15 minutes: it serves 4 a minute and 4 a
    minute come, so the line never empties (ρ = 1) and the dashboard says to open a lane."""
    from kiosk.db import transaction

    conn = open_db(db_path)
    node = load_node(conn)
    with transaction(conn):
        node.create_attendees(conn, [(f"rush-{i}", {"fields": {
            "code": f"RUSH-{i:03d}", "first_name": "Rush", "last_name": str(i),
            "ticket_type": "Attendee", "status": "valid"}}) for i in range(60)])  # fmt: skip
    conn.close()
    _arrive(db_path, clock, [f"RUSH-{i:03d}" for i in range(60)], step=timedelta(seconds=15))
    queue = client.get("/api/v1/stats/arrivals", headers=make_token("supervisor")).get_json()[
        "forecast"]["queue"]  # fmt: skip
    assert queue["desks_open"] == 1 and queue["service_rate_per_min"] == 4.0
    assert queue["open_another_lane"] and queue["expected_wait_min"] is None
    assert queue["desks_needed"] == 2
    sign_in(client, "Budi")
    assert "Open another lane" in client.get("/dashboard/live").get_data(as_text=True)
