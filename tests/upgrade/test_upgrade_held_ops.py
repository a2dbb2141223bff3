"""What a 0.1.0 venue stored but could not apply takes effect once it upgrades.

A venue still on 0.1.0 syncs with today's head office of many events. Head office erases an
attendee on request; 0.1.0 stores the `attendee_erase` op (it keeps every op) but knows no
such kind and noted it nowhere. After the upgrade, the first `kiosk serve` applies it: the
person's name is gone from the venue as from every other node.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.processes import read_only
from tests.upgrade import kiosks
from tests.upgrade.kiosks import Client, Release, serving

pytestmark = pytest.mark.e2e
ROSTER = (
    "attendee_id,code,first_name,last_name\nera-1,ERA1,Erika,Musterfrau\nera-2,ERA2,Budi,Santoso\n"
)


def _names(db: Path) -> dict[str, str]:
    with read_only(db) as conn:
        rows = conn.execute("SELECT attendee_id, first_name || ' ' || last_name FROM attendee")
        return dict(rows.fetchall())


def test_an_erasure_pulled_by_0_1_0_takes_effect_when_the_venue_upgrades(
    old: Release, tmp_path: Path
) -> None:
    today = kiosks.today()
    store, venue = tmp_path / "ho" / "events.sqlite3", tmp_path / "venue" / "kiosk.sqlite3"
    store.parent.mkdir()
    venue.parent.mkdir()
    ho = ("headoffice", "--database", str(store))
    today.run(*ho, "init")
    today.run(*ho, "events", "add", "era", "--name", "Erasure Conf")
    (tmp_path / "people.csv").write_text(ROSTER, encoding="utf-8")
    today.run(*ho, "import", "attendees", "--event", "era", str(tmp_path / "people.csv"))
    token = today.run(*ho, "token", "create", "--event", "era", "--name", "venue")
    sync = ("--db", str(venue), "sync", "--token", token.strip().splitlines()[-1], "--once")
    with serving(today, store, *ho, "serve") as url:
        old.run(*sync, "--peer", url)
        today.run(*ho, "erase", "--event", "era", "--code", "ERA1", "--by", "privacy officer")
        old.run(*sync, "--peer", url)
    assert _names(venue)["era-1"] == "Erika Musterfrau"  # stored, but 0.1.0 cannot apply it
    desk = old.run("--db", str(venue), "token", "create", "--role", "desk", "--name", "desk")

    with serving(today, venue, "--db", str(venue), "serve") as url:
        assert _names(venue) == {"era-1": " ", "era-2": "Budi Santoso"}
        found = Client(url, desk.strip()).call("GET", "/api/v1/attendees?q=Erika")[1]
        assert found["attendees"] == []
    with read_only(venue) as conn:  # and nothing is left waiting to be applied
        held = conn.execute("SELECT value FROM sync_state WHERE key = 'unapplied_kinds'")
        assert held.fetchone()[0] == "[]"
