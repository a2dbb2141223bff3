"""The fleet console through Flask's test client: who gets in, and what each page says."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kiosk.headoffice import events, importing, tokens
from kiosk.headoffice.database import Database, close_held, open_database
from kiosk.headoffice.web import create_app
from tests.conftest import csrf_from
from tests.headoffice.fleet_data import ROSTER, ago, arrival, attendee_ids, machine, mail


@pytest.fixture
def url(ho_database_url: str) -> str:
    return ho_database_url


@pytest.fixture
def app(url: str) -> Iterator[Flask]:
    yield create_app(url, {"TESTING": True})
    close_held(url)  # the app's connection in this thread


@pytest.fixture
def ho(app: Flask, url: str) -> Database:
    return open_database(url)  # the app's own connection


@pytest.fixture
def jcon(ho: Database) -> events.Event:
    event = events.add(ho, "jcon", "JCon", "2026-12-08", 2, "Asia/Jakarta")
    importing.import_attendees(ho, event, ROSTER)
    return event


@pytest.fixture
def other(ho: Database) -> events.Event:
    return events.add(ho, "other", "Other Fest", "2026-11-01")


@pytest.fixture
def supervisor(ho: Database) -> str:
    return tokens.create(ho, "supervisor", "Dewi", None)


def post_token(client: FlaskClient, token: str) -> TestResponse:
    """Types a token into the real sign-in form."""
    csrf = csrf_from(client.get("/console/signin").data)
    return client.post("/console/signin", data={"token": token, "csrf_token": csrf})


def sign_in(client: FlaskClient, token: str) -> str:
    """Signs in through the real form; returns the session's CSRF token."""
    response = post_token(client, token)
    assert response.status_code == 303, response.data[:300]
    return csrf_from(client.get("/console/").data)


@pytest.fixture
def signed_in(app: Flask, supervisor: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, sign_in(client, supervisor)


def figure(html: bytes, name: str) -> list[str]:
    """The values a page shows under data-figure=`name`."""
    return re.findall(rf'data-figure="{name}">(.*?)</'.encode(), html, re.S)


@pytest.mark.parametrize("path", ["/console/", "/console/events/jcon",
                                  "/console/events/jcon/machines/1/revoke"])  # fmt: skip
def test_without_signing_in_every_page_sends_to_the_sign_in(
    app: Flask, jcon: events.Event, path: str
) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/signin?next=")


def test_a_poll_after_the_sign_in_ended_asks_htmx_to_go_to_the_sign_in(app: Flask) -> None:
    response = app.test_client().get("/console/", headers={"HX-Request": "true"})
    assert (response.status_code, response.headers["HX-Redirect"]) == (401, "/console/signin")


def test_the_sign_in_cookie_is_http_only_and_same_site(app: Flask, supervisor: str) -> None:
    response = post_token(app.test_client(), supervisor)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if "kiosk_console=" in c]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_venue_machines_sync_token_cannot_open_the_console(
    app: Flask, ho: Database, jcon: events.Event
) -> None:
    sync = tokens.create(ho, "sync", "Desk 1", jcon.event_id)
    client = app.test_client()
    assert post_token(client, sync).status_code == 403
    assert client.get("/console/").status_code == 302  # still not signed in
    bearer = client.get("/console/", headers={"Authorization": f"Bearer {sync}"})
    assert bearer.status_code == 403


def test_wrong_tokens_are_refused_and_then_slowed_down(app: Flask, supervisor: str) -> None:
    client = app.test_client()
    csrf = csrf_from(client.get("/console/signin").data)
    for _ in range(5):
        wrong = client.post("/console/signin", data={"token": "kh_wrong", "csrf_token": csrf})
        assert wrong.status_code == 401
    # Even the right token waits now: a guesser cannot tell it was right.
    held = client.post("/console/signin", data={"token": supervisor, "csrf_token": csrf})
    assert held.status_code == 429


def test_every_form_needs_the_sessions_csrf_token(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event
) -> None:
    client, csrf = signed_in
    token_id = machine(ho, jcon, "Desk 1", "venue-a", seen=ago(minutes=1))
    forged = client.post(f"/console/events/jcon/machines/{token_id}/revoke")
    assert forged.status_code == 400
    assert tokens.live(ho, token_id) is not None
    assert client.post("/console/events/jcon/enrol", data={"name": "Sneaky"}).status_code == 400
    assert client.post("/console/signin", data={"token": "x"}).status_code == 400
    done = client.post(f"/console/events/jcon/machines/{token_id}/revoke",
                       data={"csrf_token": csrf})  # fmt: skip
    assert done.status_code == 303 and tokens.live(ho, token_id) is None


def test_a_supervisor_of_one_event_sees_only_that_event(
    app: Flask, ho: Database, jcon: events.Event, other: events.Event
) -> None:
    client = app.test_client()
    sign_in(client, tokens.create(ho, "supervisor", "Rina", other.event_id))
    listing = client.get("/console/").data
    assert b"Other Fest" in listing and b"JCon" not in listing
    assert client.get("/console/events/other").status_code == 200
    assert client.get("/console/events/jcon").status_code == 404


def test_a_supervisor_of_every_event_sees_them_all(
    signed_in: tuple[FlaskClient, str], jcon: events.Event, other: events.Event
) -> None:
    client, _ = signed_in
    listing = client.get("/console/").data
    assert b"Other Fest" in listing and b"JCon" in listing


def test_revoking_a_supervisors_token_signs_out_its_browsers(
    signed_in: tuple[FlaskClient, str], ho: Database
) -> None:
    client, _ = signed_in
    [holder] = [r[0] for r in ho.execute("SELECT token_id FROM token WHERE role = 'supervisor'")]
    tokens.revoke(ho, holder)
    assert client.get("/console/").status_code == 302


def test_a_restarted_server_keeps_everyone_signed_in(app: Flask, url: str, supervisor: str) -> None:
    first = create_app(url, {"TESTING": True})
    client = first.test_client()
    sign_in(client, supervisor)
    again = create_app(url, {"TESTING": True})
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    cookie = client.get_cookie("kiosk_console")
    other = again.test_client()
    other.set_cookie("kiosk_console", cookie.value)
    assert other.get("/console/").status_code == 200


def test_the_events_page_shows_each_events_figures(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event, other: events.Event
) -> None:
    client, _ = signed_in
    ids = attendee_ids(ho, jcon)
    arrival(ho, jcon, "op1", ids["A1"], "2026-12-08T02:00:00.000Z", "venue-a")
    arrival(ho, jcon, "op2", ids["A2"], "2026-12-08T02:01:00.000Z", "venue-a")
    machine(ho, jcon, "Desk 1", "venue-a", seen=ago(minutes=3, seconds=10), flags=1)
    machine(ho, jcon, "Desk 2", "venue-b", seen=ago(seconds=5), quarantined=2)
    mail(ho, jcon, ids["A3"], "bounced", error="550 no such user")
    page = client.get("/console/").data
    # JCon has problems: it comes first although Other Fest is listed newest-first otherwise.
    assert page.index(b"JCon") < page.index(b"Other Fest")
    assert figure(page, "people") == [b"3", b"0"]
    assert figure(page, "arrived") == [b"2", b"0"]
    assert figure(page, "venues") == [b"2", b"0"]
    assert re.search(rb'data-figure="oldest"><time datetime="[^"]+" title="[^"]+ WIB">3 min ago',
                     page)  # fmt: skip
    assert b'<span class="tag tag-error">4</span>' in page  # 1 flag + 2 set aside + 1 bounce


def test_the_event_page_shows_each_machine_and_the_arrivals_per_hour(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event
) -> None:
    client, _ = signed_in
    ids = attendee_ids(ho, jcon)
    high = ho.execute("SELECT high FROM event WHERE event_id = ?", (jcon.event_id,)).fetchone()[0]
    machine(ho, jcon, "Desk 1", "venue-a", seen=ago(minutes=2), pulled=high - 2, pending=5,
            offset_ms=90_000, flags=1, quarantined=0, version="2.4.1")  # fmt: skip
    machine(ho, jcon, "Desk 2", "venue-b", seen=ago(minutes=2), pulled=high)
    arrival(ho, jcon, "op1", ids["A1"], "2026-12-08T02:10:00.000Z", "venue-a")
    arrival(ho, jcon, "op2", ids["A2"], "2026-12-08T03:10:00.000Z", "venue-b")
    page = client.get("/console/events/jcon?day=2026-12-08").data
    assert figure(page, "to-venue") == [b"2", b"0"]
    assert figure(page, "from-venue") == [b"5", b"unknown"]
    assert b"\xe2\x9a\xa0 +1.5 min" not in page and "⚠ +90.0 s".encode() in page
    assert figure(page, "flags") == [b'<span class="tag tag-error">1', b"unknown"]
    assert b"2.4.1" in page
    hours = re.findall(rb'<tr data-hour="(\d+)">', page)
    assert hours == [b"9", b"10"]  # 02:10 and 03:10 UTC are 09 and 10 in Jakarta
    assert b"Desk 1</th>" in page and b"Desk 2</th>" in page


def test_the_live_part_alone_answers_htmx_polls(
    signed_in: tuple[FlaskClient, str], jcon: events.Event
) -> None:
    client, _ = signed_in
    part = client.get("/console/events/jcon", headers={"HX-Request": "true"})
    assert part.data.lstrip().startswith(b'<div id="live"')
    assert b"<html" not in part.data and "HX-Request" in part.headers["Vary"]


def test_enrolling_shows_the_token_once_with_the_command_to_type(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event
) -> None:
    client, csrf = signed_in
    answer = client.post("/console/events/jcon/enrol", data={"name": "Desk North-1",
                                                             "csrf_token": csrf})  # fmt: skip
    command = re.search(rb"kiosk sync --peer http://localhost --token (kh_[\w-]+)", answer.data)
    assert command, answer.data[:500]
    holder = tokens.holder(ho, command.group(1).decode())
    assert (holder.role, holder.name, holder.event_id) == ("sync", "Desk North-1", jcon.event_id)
    assert answer.headers["Cache-Control"] == "no-store"
    page = client.get("/console/events/jcon").data
    assert b"Desk North-1" in page and command.group(1) not in page  # shown once only


def test_a_revoked_machine_is_refused_at_sync(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event
) -> None:
    client, csrf = signed_in
    token = tokens.create(ho, "sync", "Desk 1", jcon.event_id)
    token_id = tokens.holder(ho, token).token_id
    bearer = {"Authorization": f"Bearer {token}"}
    # Before: the token is accepted (a GET of hello is then the wrong method, 405).
    assert client.get("/sync/v1/hello", headers=bearer).status_code == 405
    ask = client.get(f"/console/events/jcon/machines/{token_id}/revoke")
    assert b"Revoke Desk 1?" in ask.data
    client.post(f"/console/events/jcon/machines/{token_id}/revoke", data={"csrf_token": csrf})
    refused = client.get("/sync/v1/hello", headers=bearer)
    assert (refused.status_code, refused.json["error"]) == (401, "unauthorized")


def test_a_machine_of_another_event_cannot_be_revoked_from_this_one(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event, other: events.Event
) -> None:
    client, csrf = signed_in
    token_id = machine(ho, other, "Their desk", "venue-x", seen=ago(minutes=1))
    response = client.post(f"/console/events/jcon/machines/{token_id}/revoke",
                           data={"csrf_token": csrf})  # fmt: skip
    assert response.status_code == 404 and tokens.live(ho, token_id) is not None


def test_send_again_requeues_a_failed_mail_from_the_event_page(
    signed_in: tuple[FlaskClient, str], ho: Database, jcon: events.Event
) -> None:
    client, csrf = signed_in
    ids = attendee_ids(ho, jcon)
    mail(ho, jcon, ids["A1"], "failed", error="421 try later", attempts=6)
    mail(ho, jcon, ids["A2"], "sent", notification="n0")
    page = client.get("/console/events/jcon").data
    assert b"421 try later" in page and b"Send again" in page
    assert re.findall(rb'data-mail="(\w+)">(\d+)<', page) == [
        (b"queued", b"0"), (b"sending", b"0"), (b"sent", b"1"), (b"failed", b"1"),
        (b"bounced", b"0"), (b"uncertain", b"0")]  # fmt: skip
    form = {"notification": "n1", "attendee": ids["A1"], "csrf_token": csrf}
    done = client.post("/console/events/jcon/mail/send-again", data=form)
    assert done.status_code == 303 and done.headers["Location"].endswith("#mail")
    row = ho.execute("SELECT status, attempts, next_try_ms FROM mail WHERE attendee_id = ?",
                     (ids["A1"],)).fetchone()  # fmt: skip
    assert tuple(row) == ("queued", 0, 0)


def test_the_console_speaks_indonesian(
    signed_in: tuple[FlaskClient, str], jcon: events.Event
) -> None:
    client, _ = signed_in
    page = client.get("/console/events/jcon", headers={"Accept-Language": "id"}).data
    assert b"Daftarkan mesin venue" in page and b'lang="id"' in page
