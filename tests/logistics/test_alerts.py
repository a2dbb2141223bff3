"""The urgent announcement: on every staff page until that person acknowledges it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.conftest import sign_in


def _urgent(client: FlaskClient, headers: dict, title: str = "Fire exit blocked") -> str:
    body = {"title": title, "severity": "urgent", "category": "security"}
    return client.post("/api/v1/incidents", json=body, headers=headers).json["incident_id"]


def _version(html: str) -> str:
    return re.search(r"/logistics/alerts\?v=([0-9a-f]+)", html).group(1)


def test_the_banner_stays_until_this_person_has_seen_it(app, make_token):
    ana, budi = app.test_client(), app.test_client()
    csrf = sign_in(ana)
    sign_in(budi, "Budi")
    incident = _urgent(ana, make_token("desk"))
    shown = ana.get("/logistics/alerts").get_data(as_text=True)
    assert "Fire exit blocked" in shown
    again = ana.get(f"/logistics/alerts?v={_version(shown)}")
    assert again.status_code == 204  # nothing new: the page keeps what it shows
    ana.post(f"/logistics/alerts/{incident}/ack", data={"csrf_token": csrf})
    assert "Fire exit blocked" not in ana.get("/logistics/alerts").get_data(as_text=True)
    assert "Fire exit blocked" in budi.get("/logistics/alerts").get_data(as_text=True)


def test_a_resolved_incident_is_no_longer_announced(app, make_token):
    ana = app.test_client()
    sign_in(ana)
    incident = _urgent(ana, make_token("desk"))
    ana.post(f"/api/v1/incidents/{incident}", json={"status": "resolved"},
             headers=make_token("supervisor"))  # fmt: skip
    assert "Fire exit blocked" not in ana.get("/logistics/alerts").get_data(as_text=True)


def test_the_reporter_is_not_told_what_they_reported(app):
    ana, budi = app.test_client(), app.test_client()
    csrf = sign_in(ana)
    sign_in(budi, "Budi")
    form = {"csrf_token": csrf, "severity": "urgent", "category": "medical",
            "text": "Attendee fainted"}  # fmt: skip
    ana.post("/logistics/report", data=form)
    assert "Attendee fainted" not in ana.get("/logistics/alerts").get_data(as_text=True)
    assert "Attendee fainted" in budi.get("/logistics/alerts").get_data(as_text=True)


def test_every_staff_page_carries_the_announcement(app):
    ana = app.test_client()
    sign_in(ana)
    assert 'hx-get="/logistics/alerts"' in ana.get("/desk").get_data(as_text=True)
    assert 'hx-get="/logistics/alerts"' not in app.test_client().get("/login").get_data(
        as_text=True)  # fmt: skip
