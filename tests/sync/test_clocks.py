"""Wrong venue clocks never reverse what a person meant, nor move an arrival to another day.

Head office keeps good time; one venue runs 3 h slow and one 10 h fast. A supervisor's answer
and head office's correction each saw the value they replace, so they win whatever the clocks
say; each venue learns its offset in hello and counts arrivals on head office's time.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk import auth, create_app
from kiosk.clock import FixedClock
from kiosk.db import transaction
from kiosk.desk import attendees, checkin, importer
from kiosk.replication import conflicts, peering
from sync import peers
from sync.client import sync_once
from tests.conftest import DATA, DAY1_MORNING, STAFF_PIN, seed, sign_in
from tests.sync.replicas import Replica, make_headoffice, make_replica

HOUR_MS = 3_600_000
EVENING = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 20:00 in Jakarta, day one


@pytest.fixture
def site(tmp_path):
    """Head office with the fixture event, a venue 3 h slow and one 10 h fast, both synced."""
    ho = make_headoffice(tmp_path)
    seed(ho.db, ho.node)
    slow = make_replica(tmp_path, "slow", skew_ms=-3 * HOUR_MS)
    fast = make_replica(tmp_path, "fast", skew_ms=10 * HOUR_MS)
    for venue in (slow, fast):
        _sync(ho, venue)
    yield ho, slow, fast
    for replica in (ho, slow, fast):
        replica.db.close()


def _sync(ho: Replica, venue: Replica) -> None:
    sync_once(venue.local, "http://ho", ho.transport())


def _everywhere(ho: Replica, *venues: Replica) -> None:
    for _ in range(2):
        for venue in venues:
            _sync(ho, venue)


def _desk_now(venue: Replica, instant: datetime) -> datetime:
    """What the venue's clock reads at `instant`: off as much as the machine's."""
    return datetime.fromtimestamp(instant.timestamp() + venue.skew_ms / 1000, UTC)


def _answer(replica: Replica, kind: str, action: str, value: str | None = None) -> None:
    (flag,) = [f for f in conflicts.flags(replica.db) if f.kind == kind]
    with transaction(replica.db):
        conflicts.resolve(replica.db, replica.node, flag.flag_id, action, "Budi", "now", value)


def test_a_reinstate_at_the_slow_venue_wins_over_head_offices_cancel(site) -> None:
    ho, slow, fast = site
    now = _desk_now(slow, DAY1_MORNING)
    assert checkin.scan(slow.db, slow.node, "KN-JOSE01", now=now).decision.admitted
    _sync(ho, slow)
    with transaction(ho.db):
        ho.node.record(ho.db, "attendee_upsert", "a-jose", {"fields": {"status": "cancelled"}})
    _sync(ho, slow)
    _answer(slow, "cancelled_checked_in", "reinstate")
    _everywhere(ho, slow, fast)
    for replica in (ho, slow, fast):
        assert attendees.get(replica.db, "a-jose")["status"] == "valid"
        assert conflicts.flags(replica.db) == []


def test_choosing_the_slow_venues_value_wins_over_the_fast_venues(site) -> None:
    ho, slow, fast = site
    for venue, company in ((slow, "Slow Co"), (fast, "Fast Co")):
        with transaction(venue.db):
            attendees.update(venue.db, venue.node, "a-jose", {"company": company})
    _everywhere(ho, slow, fast)
    assert attendees.get(slow.db, "a-jose")["company"] == "Fast Co"  # the fast clock won the tie
    (flag,) = [f for f in conflicts.flags(slow.db) if f.kind == "concurrent_edit"]
    mine = next(c[0] for c in conflicts.candidates(slow.db, flag) if c[1] == "Slow Co")
    _answer(slow, "concurrent_edit", "choose", mine)
    _everywhere(ho, slow, fast)
    for replica in (ho, slow, fast):
        assert attendees.get(replica.db, "a-jose")["company"] == "Slow Co"
        assert conflicts.flags(replica.db) == []


def test_undoing_the_later_scan_at_the_slow_venue_sorts_after_both_scans(site) -> None:
    ho, slow, fast = site
    for venue in (slow, fast):
        now = _desk_now(venue, DAY1_MORNING)
        assert checkin.scan(venue.db, venue.node, "KN-NGUY01", now=now).decision.admitted
    _everywhere(ho, slow, fast)
    _answer(slow, "double_scan", "undo_later")
    _everywhere(ho, slow, fast)
    undo, scans = (ho.db.execute(f"SELECT max(hlc) FROM op WHERE kind = '{k}'").fetchone()[0]  # noqa: S608
                   for k in ("checkin_undo", "checkin"))  # fmt: skip
    assert undo > scans
    assert len(attendees.arrivals(ho.db, "a-nguyen")) == 1
    assert conflicts.flags(ho.db) == []


def test_head_offices_re_import_corrects_a_field_the_fast_venue_edited(site) -> None:
    ho, slow, fast = site
    with transaction(fast.db):
        attendees.update(fast.db, fast.node, "a-jose", {"company": "Typo Ltd"})
    _sync(ho, fast)
    roster = (DATA / "attendees.csv").read_bytes()
    assert importer.import_attendees(ho.db, ho.node, roster).updated == 1
    assert attendees.get(ho.db, "a-jose")["company"] == "Café Ñandú S.A."
    assert importer.import_attendees(ho.db, ho.node, roster).updated == 0  # it took, once
    _everywhere(ho, slow, fast)
    assert attendees.get(fast.db, "a-jose")["company"] == "Café Ñandú S.A."


def test_one_ticket_scanned_at_both_venues_counts_on_one_day_and_is_flagged(site) -> None:
    ho, slow, fast = site
    for venue in (slow, fast):
        now = _desk_now(venue, EVENING)
        assert checkin.scan(venue.db, venue.node, "KN-WANG01", now=now).decision.admitted
    _everywhere(ho, slow, fast)
    days = {r[0] for r in ho.db.execute("SELECT day FROM checkin WHERE attendee_id = 'a-wang'")}
    assert days == {"2026-12-01"}
    assert [f.kind for f in conflicts.flags(ho.db)] == ["double_scan"]


def test_each_venue_knows_its_offset_and_status_says_the_clock_is_wrong(site) -> None:
    ho, slow, fast = site
    for venue, hours in ((slow, 3), (fast, -10)):
        state = peering.status(venue.db, "http://ho")
        assert abs(state["clock_offset_ms"] - hours * HOUR_MS) < 60_000
        assert state["clock_ok"] is False
        assert state["peers"][0]["clock_offset_ms"] == state["clock_offset_ms"]
    assert peering.status(ho.db)["clock_ok"] is True  # head office is the reference


def _desk(replica: Replica, now: datetime):
    """A desk browser on this node, signed in, its app clock at `now`."""
    auth.add_staff(replica.db, "Ana", "desk", STAFF_PIN)
    path = replica.db.execute("PRAGMA database_list").fetchone()[2]
    app = create_app({"DATABASE": path, "TESTING": True, "SECRET_KEY": "t",
                      "CLOCK": FixedClock(now)})  # fmt: skip
    client = app.test_client()
    sign_in(client, "Ana")
    return client


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "This machine's date is 2027-03-15, more than a day from the event's dates."),
    ("id", "Tanggal di mesin ini 2027-03-15, lebih dari sehari dari tanggal acara."),
])  # fmt: skip
def test_a_date_far_outside_the_event_is_said_loudly_on_the_desk(site, lang, words) -> None:
    ho, _, _ = site
    months_later = datetime(2027, 3, 15, 3, 0, tzinfo=UTC)
    page = _desk(ho, months_later).get("/desk/status", headers={"Accept-Language": lang})
    assert 'role="alert"' in page.get_data(as_text=True)
    assert words in page.get_data(as_text=True)
    eve = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # badge pick-up the evening before: quiet
    page = _desk(ho, eve).get("/desk/status", headers={"Accept-Language": lang})
    assert 'role="alert"' not in page.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "This machine's clock is 10 h 0 min ahead of head office's."),
    ("id", "Jam mesin ini 10 jam 0 menit lebih cepat dari jam kantor pusat."),
])  # fmt: skip
def test_the_desk_says_loudly_that_the_clock_is_wrong(site, lang: str, words: str) -> None:
    _, _, fast = site
    client = _desk(fast, DAY1_MORNING)
    page = client.get("/desk/status", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert 'role="alert"' in page and words in page
    with transaction(fast.db):
        peers.save(fast.db, "http://ho", clock_offset_ms=20_000)  # within a minute: quiet
    page = client.get("/desk/status", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert words not in page and 'role="alert"' not in page
